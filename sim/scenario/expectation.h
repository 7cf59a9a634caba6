#pragma once
// The expectation language of scenario files (docs/scenarios.md, "Expectations"): comparisons
// (== != < <= > >=), and / or / not, integers, strings, identifiers (Stable), lists [1,2,3], booleans and
// calls such as lost_acked, duplicates(group=billing), group(billing).state, isr(orders-0), leo(orders-0, 2).
//
// Lifecycle: parse_expression() turns the text into an Expr tree at load time (syntax errors carry the
// byte offset into the text); check_expression() (expectation_check.h) validates function names, arities
// and references against the Scenario; evaluate() runs at the end of a run (or at a time) against an
// ExpectationEnv the engine implements. Plain values: no pointers, freely copyable.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/core/time.h"
#include "sim/scenario/location.h"

namespace kafkasim::scenario {

// What a call or literal evaluates to: bool | int64 | string | list of int64.
using Value = std::variant<bool, std::int64_t, std::string, std::vector<std::int64_t>>;
std::string format_value(const Value& value);  // "true", "42", "Stable", "[1,3]"

struct CallArg {
  std::string name;   // "" for a positional argument; "group" in group=billing
  std::string value;  // the argument as written: "orders-0", "billing", "2", "NOT_ENOUGH_REPLICAS"
  std::size_t offset = 0;  // byte offset of the argument in the expression text
};

// A call such as group(billing).state: function "group", args [billing], member "state".
struct Call {
  std::string function;
  std::vector<CallArg> args;
  std::string member;  // "" when there is no .member
  // Canonical text: "group(billing).state", "duplicates(group=billing)", "lost_acked".
  std::string str() const;
  // The i-th positional argument, or the argument named `name` (group=billing), or nullptr.
  const CallArg* arg(std::size_t position, std::string_view name = {}) const;
};

enum class CompareOp : std::uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };
std::string_view compare_op_text(CompareOp op);

struct Expr {
  enum class Kind : std::uint8_t { kBool, kInt, kString, kIdent, kList, kCall, kCompare, kAnd, kOr, kNot };
  Kind kind = Kind::kInt;
  bool bool_value = false;
  std::int64_t int_value = 0;
  std::string text;                 // kString / kIdent
  std::vector<std::int64_t> list;   // kList
  Call call;                        // kCall
  CompareOp op = CompareOp::kEq;    // kCompare
  std::vector<Expr> children;       // kCompare: lhs, rhs; kAnd/kOr: 2; kNot: 1
  std::size_t begin = 0;            // byte range of this node in the expression text
  std::size_t end = 0;
};

struct ExprParse {
  std::optional<Expr> expr;
  std::size_t offset = 0;  // on error: byte offset in the text
  std::string what;        // on error: what was wrong
  std::string expected;    // on error: what was expected
};

ExprParse parse_expression(std::string_view text);

// One expectation of a scenario: checked at the end of the run, or at `at_us`.
struct Expectation {
  std::optional<TimeUs> at_us;
  std::string text;
  Expr root;
  Location loc;  // of the expression text's first character
};

// Answers calls for evaluate(); implemented by the engine over a finished (or paused) run.
struct LookupResult {
  std::optional<Value> value;
  std::string error;  // when value is empty: why ("no such partition")
};
class ExpectationEnv {
 public:
  virtual ~ExpectationEnv() = default;
  // Resolves a call like isr(orders-0) or group(billing).state.
  virtual LookupResult lookup(const Call& call) const = 0;
};

struct Verdict {
  bool passed = false;
  std::string explanation;  // "isr(orders-0) == [1,2,3]: got [1,3]"
};

// REQUIRES: `e` came from parse_expression(text).
Verdict evaluate(const Expr& e, std::string_view text, const ExpectationEnv& env);
inline Verdict evaluate(const Expectation& x, const ExpectationEnv& env) { return evaluate(x.root, x.text, env); }

}  // namespace kafkasim::scenario
