// The expectation language: parsing, load-time checks and evaluation against a fake environment.
#include <catch2/catch.hpp>

#include <map>

#include "sim/scenario/expectation.h"
#include "sim/scenario/expectation_check.h"
#include "tests/scenario/test_util.h"

using namespace kafkasim::scenario;

namespace {

// An in-memory ExpectationEnv: canonical call text -> value.
class FakeEnv : public ExpectationEnv {
 public:
  std::map<std::string, Value> values;
  LookupResult lookup(const Call& call) const override {
    const auto it = values.find(call.str());
    if (it == values.end()) return {std::nullopt, "no such value"};
    return {it->second, {}};
  }
};

Expr parse(const std::string& text) {
  ExprParse p = parse_expression(text);
  INFO(text << ": " << p.what << " at " << p.offset);
  REQUIRE(p.expr);
  return *p.expr;
}

Verdict eval(const std::string& text, const FakeEnv& env) { return evaluate(parse(text), text, env); }

}  // namespace

TEST_CASE("Expressions parse into calls, literals and operators") {
  const Expr e = parse("group(billing).state == Stable and not isr(orders-0) == [1,2,3]");
  REQUIRE(e.kind == Expr::Kind::kAnd);
  const Expr& cmp = e.children[0];
  CHECK(cmp.kind == Expr::Kind::kCompare);
  CHECK(cmp.children[0].call.function == "group");
  CHECK(cmp.children[0].call.member == "state");
  CHECK(cmp.children[0].call.args.at(0).value == "billing");
  CHECK(cmp.children[1].kind == Expr::Kind::kIdent);
  const Expr& neg = e.children[1];
  CHECK(neg.kind == Expr::Kind::kNot);
  CHECK(neg.children[0].children[1].list == std::vector<std::int64_t>{1, 2, 3});
}

TEST_CASE("A bare function name is a call, other bare words are names") {
  CHECK(parse("lost_acked == 0").children[0].kind == Expr::Kind::kCall);
  CHECK(parse("x == at-least-once").children[1].text == "at-least-once");
  CHECK(parse("leo(orders-0, 2) >= -1").children[1].int_value == -1);
}

TEST_CASE("Named and positional arguments are found by Call::arg") {
  const Expr e = parse("committed(billing, orders-0) == 5 or duplicates(group=billing) > 0");
  const Call& c = e.children[0].children[0].call;
  CHECK(c.arg(1)->value == "orders-0");
  const Call& d = e.children[1].children[0].call;
  CHECK(d.arg(0, "group")->value == "billing");
  CHECK(d.str() == "duplicates(group=billing)");
}

TEST_CASE("Syntax errors carry the offset of the bad token") {
  const ExprParse p = parse_expression("isr(orders-0) == [1,2");
  CHECK_FALSE(p.expr);
  CHECK(p.offset == 21);
  const ExprParse q = parse_expression("lag(billing) < 5 )");
  CHECK(q.offset == 17);
  CHECK(q.what == "unexpected ')'");
  const ExprParse r = parse_expression("a == 'open");
  CHECK(r.offset == 5);
  CHECK(r.what == "unexpected an unterminated string");
  CHECK_FALSE(parse_expression("").expr);
  CHECK_FALSE(parse_expression("hw(orders-0) == @").expr);
}

TEST_CASE("Comparisons evaluate with a got-explanation") {
  FakeEnv env;
  env.values["isr(orders-0)"] = Value{std::vector<std::int64_t>{1, 3}};
  env.values["lost_acked"] = Value{std::int64_t{0}};
  env.values["group(billing).state"] = Value{std::string("Stable")};
  env.values["semantics(group=billing)"] = Value{std::string("at-least-once")};

  Verdict v = eval("isr(orders-0) == [1,2,3]", env);
  CHECK_FALSE(v.passed);
  CHECK(v.explanation == "isr(orders-0) == [1,2,3]: got [1,3]");
  CHECK(eval("lost_acked == 0", env).passed);
  CHECK(eval("lost_acked < 1", env).passed);
  CHECK_FALSE(eval("lost_acked > 0", env).passed);
  CHECK(eval("group(billing).state == Stable", env).passed);
  CHECK(eval("group(billing).state != \"Dead\"", env).passed);
  CHECK(eval("semantics(group=billing) == at-least-once", env).passed);
}

TEST_CASE("and, or and not combine verdicts") {
  FakeEnv env;
  env.values["acked"] = Value{std::int64_t{10}};
  env.values["produced"] = Value{std::int64_t{12}};
  CHECK(eval("acked > 0 and produced >= acked", env).passed);
  CHECK_FALSE(eval("acked > 100 and produced >= acked", env).passed);
  CHECK(eval("acked > 100 or produced >= acked", env).passed);
  CHECK(eval("not acked > 100", env).passed);
  const Verdict v = eval("acked > 100 and produced > 0", env);
  CHECK(v.explanation.find("acked > 100: got 10") != std::string::npos);
}

TEST_CASE("A failed lookup or a type mismatch fails with a reason") {
  FakeEnv env;
  env.values["hw(orders-0)"] = Value{std::int64_t{4}};
  const Verdict missing = eval("leader(orders-0) == 1", env);
  CHECK_FALSE(missing.passed);
  CHECK(missing.explanation == "leader(orders-0) == 1: leader(orders-0): no such value");
  const Verdict mismatch = eval("hw(orders-0) == Stable", env);
  CHECK_FALSE(mismatch.passed);
  CHECK(mismatch.explanation.find("cannot compare an integer with a name") != std::string::npos);
}

TEST_CASE("Load-time checks validate arities, members and references") {
  const Scenario s = testing::parse_ok(testing::kMinimal);
  auto issues = [&](const std::string& text) { return check_expression(parse(text), s); };
  CHECK(issues("lost_acked == 0").empty());
  CHECK(issues("acked(checkout) > 0").empty());
  CHECK(issues("leo(orders-2, 3) >= hw(orders-2)").empty());
  CHECK(issues("errors(checkout, NOT_ENOUGH_REPLICAS) == 0").empty());
  CHECK(issues("isr(orders-0, 1) == [1]").at(0).what == "too many arguments to isr");
  CHECK(issues("isr() == [1]").at(0).what == "isr is missing its partition argument");
  CHECK(issues("group(billing).status == Stable").at(0).what ==
        "unknown member '.status' of group (did you mean 'state'?)");
  CHECK(issues("lag(billing).state == 1").at(0).what == "lag has no member '.state'");
  CHECK(issues("duplicates(grup=billing) == 0").at(0).what == "unknown argument name 'grup' for duplicates");
  CHECK(issues("isr(orders) == [1]").at(0).what == "'orders' is not a topic-partition");
  CHECK(issues("isr(payments-0) == [1]").at(0).what == "unknown topic 'payments'");
  CHECK(issues("leo(orders-0, 4) == 0").at(0).what == "unknown broker '4'");
  CHECK(issues("isrr(orders-0) == [1]").at(0).what == "unknown function 'isrr' (did you mean 'isr'?)");
  CHECK(issues("lag(billing) < Stable").at(0).what == "cannot compare an integer with a name");
  CHECK(issues("group(billing).state < Stable").at(0).what == "'<' on a name");
  CHECK(issues("lag(billing)").at(0).what == "an expectation must be a condition, got an integer");
  CHECK(issues("lag(billing) and true").at(0).what.starts_with("'and', 'or' and 'not' combine conditions"));
}

TEST_CASE("Partitions added in the timeline may be named in expectations") {
  const Scenario s = testing::parse_ok(std::string(testing::kMinimal) +
                                       "timeline: [{at: 1s, add_partitions: orders, count: 5}]\n"
                                       "expectations: [hw(orders-4) >= 0]\n");
  CHECK(max_partitions(s, "orders") == 5);
}

TEST_CASE("Deeply nested expressions are refused, not recursed into") {
  const ExprParse p = parse_expression(std::string(5000, '(') + "lost_acked == 0" + std::string(5000, ')'));
  CHECK_FALSE(p.expr);
  CHECK(p.what == "expression nested too deeply");
  std::string nots;
  for (int i = 0; i < 5000; ++i) nots += "not ";
  CHECK_FALSE(parse_expression(nots + "lost_acked == 0").expr);
}
