// Random mutations of a valid scenario never crash the parser: every result is a Scenario or errors.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "sim/core/rng.h"
#include "sim/scenario/parser.h"

using namespace kafkasim;
using namespace kafkasim::scenario;

namespace {

std::string read_everything() {
  std::ifstream in(std::string(KAFKASIM_SOURCE_DIR) + "/tests/scenario/data/everything.yaml");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

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
  const std::string base = read_everything();
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
