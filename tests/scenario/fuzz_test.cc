// Random mutations of a valid scenario never crash the parser: every result is a Scenario or errors.
#include <catch2/catch.hpp>

#include "sim/core/rng.h"
#include "sim/scenario/expectation_check.h"
#include "sim/scenario/parser.h"
#include "tests/scenario/test_util.h"

using namespace kafkasim;
using namespace kafkasim::scenario;

namespace {

// One random edit: delete, duplicate, swap or replace a span, or insert a YAML-significant character.
std::string mutate(std::string text, Rng& rng) {
  static constexpr std::string_view kInserts[] = {":", "-", "[", "]", "{", "}", ",", "\"", "'", "\n", "  ",
                                                  "#", "&a", "*a", "!!", "|", "0", "-1", "999999999999999999999",
                                                  "1.5", "null", "~", "%", "/", "..", "=="};
  const std::uint64_t edits = 1 + rng.uniform(4);
  for (std::uint64_t i = 0; i < edits && !text.empty(); ++i) {
    const std::size_t at = rng.uniform(text.size());
    const std::size_t len = 1 + rng.uniform(std::min<std::size_t>(12, text.size() - at));
    switch (rng.uniform(5)) {
      case 0: text.erase(at, len); break;
      case 1: text.insert(at, text.substr(at, len)); break;
      case 2: text.insert(at, kInserts[rng.uniform(std::size(kInserts))]); break;
      case 3: text[at] = static_cast<char>(rng.between(1, 126)); break;
      default: {
        const std::size_t other = rng.uniform(text.size());
        std::swap(text[at], text[other]);
      }
    }
  }
  return text;
}

}  // namespace

TEST_CASE("Random mutations of a valid scenario never crash the parser") {
  const std::string base = testing::read_source_file("tests/scenario/data/everything.yaml");
  REQUIRE(parse_scenario_text(base, "everything.yaml").ok());
  const std::uint64_t seed = 20260311;
#ifdef __SANITIZE_ADDRESS__
  const int iterations = 300;
#else
  const int iterations = 3000;
#endif
  INFO("seed " << seed);
  std::printf("scenario fuzz: seed %llu, %d mutations\n", static_cast<unsigned long long>(seed), iterations);
  Rng rng(seed);
  int valid = 0;
  for (int i = 0; i < iterations; ++i) {
    const std::string text = mutate(base, rng);
    const ParseResult r = parse_scenario_text(text, "m.yaml");
    CHECK(r.ok() != !r.errors.empty());
    for (const auto& e : r.errors) CHECK(e.str().starts_with("m.yaml"));
    if (r.ok()) ++valid;
  }
  CHECK(valid < iterations);
}

namespace {

// Answers every call with a value derived from its text, so evaluate() walks whole trees.
class EchoEnv : public ExpectationEnv {
 public:
  LookupResult lookup(const Call& call) const override {
    const std::uint64_t h = fnv1a64(call.str());
    switch (h % 4) {
      case 0: return {Value{static_cast<std::int64_t>(h % 100)}, {}};
      case 1: return {Value{std::string("Stable")}, {}};
      case 2: return {Value{std::vector<std::int64_t>{1, 2}}, {}};
      default: return {std::nullopt, "unavailable"};
    }
  }
};

}  // namespace

TEST_CASE("Random token soup never crashes the expression parser, checker or evaluator") {
  static constexpr std::string_view kTokens[] = {
      "lost_acked", "acked", "isr", "group", "(", ")", "[", "]", ",", ".", "state", "==", "!=", "<", ">=",
      "and", "or", "not", "orders-0", "billing", "group=", "1", "-3", "\"s\"", "'", "Stable", "true", "@", " "};
  const std::uint64_t seed = 777;
  std::printf("expression fuzz: seed %llu\n", static_cast<unsigned long long>(seed));
  Rng rng(seed);
  const ParseResult context = parse_scenario_text(
      "name: t\nduration: 1s\ncluster: {brokers: 3}\ntopics: [{name: orders}]\n"
      "consumer_groups: [{group: billing, topics: orders}]\n",
      "c.yaml");
  REQUIRE(context.ok());
  EchoEnv env;
  int parsed = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string text;
    const std::uint64_t n = rng.uniform(12);
    for (std::uint64_t j = 0; j < n; ++j) text += kTokens[rng.uniform(std::size(kTokens))];
    const ExprParse p = parse_expression(text);
    if (!p.expr) {
      CHECK(p.offset <= text.size());
      continue;
    }
    ++parsed;
    (void)check_expression(*p.expr, *context.scenario);
    const Verdict v = evaluate(*p.expr, text, env);
    CHECK_FALSE(v.explanation.empty());
  }
  INFO("seed " << seed);
  CHECK(parsed > 0);
}
