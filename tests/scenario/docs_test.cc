// docs/scenarios.md stays true: its examples parse, and every registry config key is in its table.
#include <catch2/catch.hpp>

#include <regex>

#include "sim/config/config_def.h"
#include "tests/scenario/test_util.h"

using namespace kafkasim;
using namespace kafkasim::scenario;

namespace {

std::string read_doc() { return testing::read_source_file("docs/scenarios.md"); }

std::string section(const std::string& doc, const std::string& from, const std::string& to) {
  const auto a = doc.find(from);
  const auto b = doc.find(to, a);
  REQUIRE(a != std::string::npos);
  REQUIRE(b != std::string::npos);
  return doc.substr(a, b - a);
}

// The first capture group of every match of `row` in `text`.
std::vector<std::string> examples(const std::string& text, const std::regex& row) {
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), row); it != std::sregex_iterator(); ++it) {
    out.push_back((*it)[1]);
  }
  return out;
}

const char* kContext =
    "name: t\nduration: 60s\ncluster: {brokers: 3}\n"
    "topics: [{name: orders, partitions: 3, replication.factor: 3}, {name: invoices}]\n"
    "producers: [{id: checkout, topic: orders, rate: 10/s}]\n"
    "consumer_groups: [{group: billing, topics: orders, members: 2}]\n"
    "processors: [{id: enricher, input: orders, output: invoices}]\n";

}  // namespace

TEST_CASE("The complete example in docs/scenarios.md is valid") {
  const std::string doc = read_doc();
  const std::string sec = section(doc, "## A complete example", "## Top-level keys");
  const auto a = sec.find("```yaml\n") + 8;
  const auto b = sec.find("```", a);
  testing::parse_ok(sec.substr(a, b - a));
}

TEST_CASE("Every timeline action example in docs/scenarios.md is valid") {
  const std::string sec = section(read_doc(), "## timeline", "## expectations");
  auto rows = examples(sec, std::regex(R"(\n\| `[a-z_]+` \| `(\{at: [^`]*\})` \|)"));
  CHECK(rows.size() == static_cast<std::size_t>(ActionKind::kNarrate) + 1);
  // The examples are in table order; the timeline needs them in time order.
  std::stable_sort(rows.begin(), rows.end(), [](const std::string& x, const std::string& y) {
    return std::stoi(x.substr(5)) < std::stoi(y.substr(5));
  });
  std::string text = std::string(kContext) + "timeline:\n";
  for (const auto& r : rows) text += "  - " + r + "\n";
  const Scenario s = testing::parse_ok(text);
  CHECK(s.timeline.size() == rows.size());
}

TEST_CASE("Every expectation function example in docs/scenarios.md is valid") {
  const std::string sec = section(read_doc(), "| function | result", "Error codes are");
  const auto rows = examples(sec, std::regex(R"(\n\| [^|]+ \| [a-z]+ \| `([^`]*)` \|)"));
  CHECK(rows.size() >= 20);
  std::string text = std::string(kContext) + "expectations:\n";
  for (const auto& r : rows) text += "  - \"" + r + "\"\n";
  const Scenario s = testing::parse_ok(text);
  CHECK(s.expectations.size() == rows.size());
}

TEST_CASE("Every config key of the registry is documented in docs/scenarios.md") {
  const std::string doc = read_doc();
  for (config::Scope scope :
       {config::Scope::kBroker, config::Scope::kTopic, config::Scope::kProducer, config::Scope::kConsumer}) {
    const auto start = doc.find("### " + std::string(config::scope_name(scope)) + " configs");
    REQUIRE(start != std::string::npos);
    const auto end = doc.find("\n###", start + 1);
    const std::string table = doc.substr(start, end == std::string::npos ? std::string::npos : end - start);
    for (const config::ConfigDef* def : config::configs_of(scope)) {
      INFO(def->key);
      CHECK(table.find("| `" + std::string(def->key) + "` |") != std::string::npos);
    }
  }
}
