// Expectation language: lexer, recursive-descent parser and evaluator. Grammar (docs/scenarios.md):
//   expr    := and ('or' and)*
//   and     := unary ('and' unary)*
//   unary   := 'not' unary | compare
//   compare := primary (('=='|'!='|'<'|'<='|'>'|'>=') primary)?
//   primary := INT | STRING | 'true' | 'false' | '[' [INT (',' INT)*] ']' | '(' expr ')'
//            | WORD ['(' [arg (',' arg)*] ')'] ['.' WORD]
//   arg     := WORD '=' WORD | WORD | INT | STRING
// WORD is [A-Za-z0-9_.-]+ not starting with '.', so topic-partitions (orders-0) and at-least-once are words.
#include "sim/scenario/expectation.h"

#include <charconv>

#include "sim/scenario/expectation_functions.h"

namespace kafkasim::scenario {
namespace {

enum class Tok : std::uint8_t { kEnd, kWord, kInt, kString, kPunct, kBad };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;
  std::int64_t int_value = 0;
  std::size_t begin = 0;
  std::size_t end = 0;
};

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '.';
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Token next() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n')) ++pos_;
    Token t;
    t.begin = pos_;
    if (pos_ >= text_.size()) {
      t.end = pos_;
      return t;
    }
    const char c = text_[pos_];
    if (c == '"' || c == '\'') return string_token(c);
    if (word_char(c) && c != '.') return word_token();
    static constexpr std::string_view kTwo[] = {"==", "!=", "<=", ">="};
    for (auto two : kTwo) {
      if (text_.substr(pos_, 2) == two) return punct(2);
    }
    if (std::string_view("()[],=.<>").find(c) != std::string_view::npos) return punct(1);
    t.kind = Tok::kBad;
    t.text = std::string(1, c);
    t.end = ++pos_;
    return t;
  }

 private:
  Token punct(std::size_t n) {
    Token t{Tok::kPunct, std::string(text_.substr(pos_, n)), 0, pos_, pos_ + n};
    pos_ += n;
    return t;
  }
  Token word_token() {
    Token t;
    t.begin = pos_;
    while (pos_ < text_.size() && word_char(text_[pos_])) ++pos_;
    t.end = pos_;
    t.text = std::string(text_.substr(t.begin, t.end - t.begin));
    const auto [ptr, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), t.int_value);
    t.kind = (ec == std::errc() && ptr == t.text.data() + t.text.size()) ? Tok::kInt : Tok::kWord;
    return t;
  }
  Token string_token(char quote) {
    Token t;
    t.begin = pos_++;
    while (pos_ < text_.size() && text_[pos_] != quote) t.text += text_[pos_++];
    if (pos_ >= text_.size()) {
      t.kind = Tok::kBad;
      t.text = "unterminated string";
      t.end = pos_;
      return t;
    }
    t.end = ++pos_;
    t.kind = Tok::kString;
    return t;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : lexer_(text) { advance(); }

  ExprParse run() {
    Expr e = parse_or();
    if (!failed_ && tok_.kind != Tok::kEnd) fail(tok_.begin, "unexpected '" + tok_.text + "'", "end of expression");
    if (failed_) return error_;
    ExprParse ok;
    ok.expr = std::move(e);
    return ok;
  }

 private:
  void advance() {
    prev_end_ = tok_.end;
    tok_ = lexer_.next();
  }
  bool is_punct(std::string_view p) const { return tok_.kind == Tok::kPunct && tok_.text == p; }
  bool is_word(std::string_view w) const { return tok_.kind == Tok::kWord && tok_.text == w; }
  std::string describe() const {
    if (tok_.kind == Tok::kEnd) return "end of expression";
    if (tok_.kind == Tok::kBad && tok_.text == "unterminated string") return "an unterminated string";
    return "'" + tok_.text + "'";
  }
  void fail(std::size_t offset, std::string what, std::string expected) {
    if (failed_) return;
    failed_ = true;
    error_.offset = offset;
    error_.what = std::move(what);
    error_.expected = std::move(expected);
  }
  void fail_here(const std::string& expected) { fail(tok_.begin, "unexpected " + describe(), expected); }
  bool expect_punct(std::string_view p) {
    if (is_punct(p)) {
      advance();
      return true;
    }
    fail_here("'" + std::string(p) + "'");
    return false;
  }

  Expr binary(Expr::Kind kind, Expr lhs, Expr rhs) {
    Expr e;
    e.kind = kind;
    e.begin = lhs.begin;
    e.end = rhs.end;
    e.children.push_back(std::move(lhs));
    e.children.push_back(std::move(rhs));
    return e;
  }

  Expr parse_or() {
    Expr lhs = parse_and();
    while (!failed_ && is_word("or")) {
      advance();
      lhs = binary(Expr::Kind::kOr, std::move(lhs), parse_and());
    }
    return lhs;
  }
  Expr parse_and() {
    Expr lhs = parse_unary();
    while (!failed_ && is_word("and")) {
      advance();
      lhs = binary(Expr::Kind::kAnd, std::move(lhs), parse_unary());
    }
    return lhs;
  }
  Expr parse_unary() {
    // A limit on nesting, so a hostile "not not not ..." or "((((..." cannot exhaust the stack.
    if (++depth_ > kMaxDepth) {
      fail(tok_.begin, "expression nested too deeply", "at most " + std::to_string(kMaxDepth) + " levels");
      return Expr{};
    }
    Expr e = parse_unary_inner();
    --depth_;
    return e;
  }
  Expr parse_unary_inner() {
    if (is_word("not")) {
      Expr e;
      e.kind = Expr::Kind::kNot;
      e.begin = tok_.begin;
      advance();
      e.children.push_back(parse_unary());
      e.end = e.children.back().end;
      return e;
    }
    return parse_compare();
  }
  Expr parse_compare() {
    Expr lhs = parse_primary();
    if (failed_ || tok_.kind != Tok::kPunct) return lhs;
    static constexpr std::pair<std::string_view, CompareOp> kOps[] = {
        {"==", CompareOp::kEq}, {"!=", CompareOp::kNe}, {"<=", CompareOp::kLe},
        {">=", CompareOp::kGe}, {"<", CompareOp::kLt},  {">", CompareOp::kGt}};
    for (const auto& [text, op] : kOps) {
      if (tok_.text != text) continue;
      advance();
      Expr e = binary(Expr::Kind::kCompare, std::move(lhs), parse_primary());
      e.op = op;
      return e;
    }
    if (tok_.text == "=") fail(tok_.begin, "'=' is not a comparison", "'==' to compare");
    return lhs;
  }
  Expr parse_list() {
    Expr e;
    e.kind = Expr::Kind::kList;
    e.begin = tok_.begin;
    advance();  // [
    while (!failed_ && !is_punct("]")) {
      if (!e.list.empty()) {
        if (!is_punct(",")) {
          fail_here("',' or ']'");
          break;
        }
        advance();
      }
      if (tok_.kind != Tok::kInt) {
        fail_here("an integer (lists hold broker ids or offsets)");
        break;
      }
      e.list.push_back(tok_.int_value);
      advance();
    }
    if (!failed_) advance();  // ]
    e.end = prev_end_;
    return e;
  }
  void parse_args(Call& call) {
    advance();  // (
    while (!failed_ && !is_punct(")")) {
      if (!call.args.empty() && !expect_punct(",")) return;
      if (tok_.kind != Tok::kWord && tok_.kind != Tok::kInt && tok_.kind != Tok::kString) {
        fail_here("an argument such as orders-0, billing or group=billing");
        return;
      }
      CallArg arg{"", tok_.text, tok_.begin};
      advance();
      if (is_punct("=")) {
        advance();
        if (tok_.kind != Tok::kWord && tok_.kind != Tok::kInt && tok_.kind != Tok::kString) {
          fail_here("a value after '" + arg.value + "='");
          return;
        }
        arg.name = arg.value;
        arg.value = tok_.text;
        advance();
      }
      call.args.push_back(std::move(arg));
    }
    if (!failed_) advance();  // )
  }
  Expr parse_primary() {
    Expr e;
    e.begin = tok_.begin;
    e.end = tok_.end;
    switch (tok_.kind) {
      case Tok::kInt:
        e.kind = Expr::Kind::kInt;
        e.int_value = tok_.int_value;
        advance();
        return e;
      case Tok::kString:
        e.kind = Expr::Kind::kString;
        e.text = tok_.text;
        advance();
        return e;
      case Tok::kWord:
        return parse_word();
      case Tok::kPunct:
        if (is_punct("[")) return parse_list();
        if (is_punct("(")) {
          advance();
          Expr inner = parse_or();
          if (!failed_) expect_punct(")");
          return inner;
        }
        break;
      default:
        break;
    }
    fail_here("a value: a number, a string, a list [1,2], a name or a call such as isr(orders-0)");
    return e;
  }
  Expr parse_word() {
    Expr e;
    e.begin = tok_.begin;
    e.end = tok_.end;
    if (tok_.text == "true" || tok_.text == "false") {
      e.kind = Expr::Kind::kBool;
      e.bool_value = tok_.text == "true";
      advance();
      return e;
    }
    const std::string word = tok_.text;
    advance();
    if (!is_punct("(") && !is_punct(".") && find_function(word) == nullptr) {
      // A bare word that names no function is an identifier (Stable, at-least-once).
      e.kind = Expr::Kind::kIdent;
      e.text = word;
      return e;
    }
    e.kind = Expr::Kind::kCall;
    e.call.function = word;
    if (is_punct("(")) parse_args(e.call);
    if (!failed_ && is_punct(".")) {
      advance();
      if (tok_.kind != Tok::kWord) {
        fail_here("a member name after '.', such as state");
        return e;
      }
      e.call.member = tok_.text;
      advance();
    }
    e.end = prev_end_;
    return e;
  }

  Lexer lexer_;
  static constexpr int kMaxDepth = 64;
  Token tok_;
  std::size_t prev_end_ = 0;
  int depth_ = 0;
  bool failed_ = false;
  ExprParse error_;
};

std::string_view type_name(const Value& v) {
  switch (v.index()) {
    case 0: return "a boolean";
    case 1: return "an integer";
    case 2: return "a name";
    default: return "a list";
  }
}

struct Eval {
  std::optional<Value> value;
  std::string error;
};

Eval value_of(const Expr& e, const ExpectationEnv& env) {
  switch (e.kind) {
    case Expr::Kind::kBool: return {Value{e.bool_value}, {}};
    case Expr::Kind::kInt: return {Value{e.int_value}, {}};
    case Expr::Kind::kString:
    case Expr::Kind::kIdent: return {Value{e.text}, {}};
    case Expr::Kind::kList: return {Value{e.list}, {}};
    case Expr::Kind::kCall: {
      LookupResult r = env.lookup(e.call);
      if (!r.value) return {std::nullopt, e.call.str() + ": " + r.error};
      return {std::move(r.value), {}};
    }
    default: return {std::nullopt, "not a value"};
  }
}

bool is_lookup(const Expr& e) { return e.kind == Expr::Kind::kCall; }

Verdict compare(const Expr& e, std::string_view text, const ExpectationEnv& env) {
  const std::string src(text.substr(e.begin, e.end - e.begin));
  const Eval lhs = value_of(e.children[0], env);
  const Eval rhs = value_of(e.children[1], env);
  if (!lhs.value) return {false, src + ": " + lhs.error};
  if (!rhs.value) return {false, src + ": " + rhs.error};
  const Value& a = *lhs.value;
  const Value& b = *rhs.value;
  std::string got;
  if (is_lookup(e.children[0])) got = format_value(a);
  if (is_lookup(e.children[1])) got += (got.empty() ? "" : " vs ") + format_value(b);
  if (got.empty()) got = format_value(a) + " vs " + format_value(b);
  if (a.index() != b.index()) {
    return {false, src + ": cannot compare " + std::string(type_name(a)) + " with " + std::string(type_name(b)) +
                       " (got " + got + ")"};
  }
  bool ok = false;
  if (e.op == CompareOp::kEq || e.op == CompareOp::kNe) {
    ok = (a == b) == (e.op == CompareOp::kEq);
  } else if (a.index() != 1) {
    return {false, src + ": " + std::string(compare_op_text(e.op)) + " needs integers (got " + got + ")"};
  } else {
    const std::int64_t x = std::get<std::int64_t>(a);
    const std::int64_t y = std::get<std::int64_t>(b);
    ok = e.op == CompareOp::kLt ? x < y : e.op == CompareOp::kLe ? x <= y : e.op == CompareOp::kGt ? x > y : x >= y;
  }
  return {ok, src + ": got " + got};
}

}  // namespace

std::string format_value(const Value& value) {
  switch (value.index()) {
    case 0: return std::get<bool>(value) ? "true" : "false";
    case 1: return std::to_string(std::get<std::int64_t>(value));
    case 2: return std::get<std::string>(value);
    default: {
      std::string s = "[";
      for (const auto v : std::get<std::vector<std::int64_t>>(value)) s += (s.size() > 1 ? "," : "") + std::to_string(v);
      return s + "]";
    }
  }
}

std::string Call::str() const {
  std::string s = function;
  if (!args.empty()) {
    s += "(";
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (i > 0) s += ", ";
      if (!args[i].name.empty()) s += args[i].name + "=";
      s += args[i].value;
    }
    s += ")";
  }
  if (!member.empty()) s += "." + member;
  return s;
}

const CallArg* Call::arg(std::size_t position, std::string_view name) const {
  if (!name.empty()) {
    for (const auto& a : args) {
      if (a.name == name) return &a;
    }
  }
  std::size_t seen = 0;
  for (const auto& a : args) {
    if (!a.name.empty()) continue;
    if (seen++ == position) return &a;
  }
  return nullptr;
}

std::string_view compare_op_text(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return "==";
    case CompareOp::kNe: return "!=";
    case CompareOp::kLt: return "<";
    case CompareOp::kLe: return "<=";
    case CompareOp::kGt: return ">";
    case CompareOp::kGe: return ">=";
  }
  return "?";
}

ExprParse parse_expression(std::string_view text) { return Parser(text).run(); }

Verdict evaluate(const Expr& e, std::string_view text, const ExpectationEnv& env) {
  switch (e.kind) {
    case Expr::Kind::kCompare: return compare(e, text, env);
    case Expr::Kind::kNot: {
      Verdict inner = evaluate(e.children[0], text, env);
      return {!inner.passed, "not (" + inner.explanation + ")"};
    }
    case Expr::Kind::kAnd:
    case Expr::Kind::kOr: {
      const bool is_and = e.kind == Expr::Kind::kAnd;
      Verdict a = evaluate(e.children[0], text, env);
      Verdict b = evaluate(e.children[1], text, env);
      const bool passed = is_and ? (a.passed && b.passed) : (a.passed || b.passed);
      return {passed, a.explanation + (is_and ? "; and " : "; or ") + b.explanation};
    }
    case Expr::Kind::kBool: return {e.bool_value, std::string(text.substr(e.begin, e.end - e.begin))};
    default: {
      const Eval v = value_of(e, env);
      const std::string src(text.substr(e.begin, e.end - e.begin));
      if (!v.value) return {false, src + ": " + v.error};
      if (const bool* b = std::get_if<bool>(&*v.value)) return {*b, src + ": got " + format_value(*v.value)};
      return {false, src + ": got " + format_value(*v.value) + ", not a true/false condition"};
    }
  }
}

}  // namespace kafkasim::scenario
