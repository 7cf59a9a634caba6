#pragma once
// Helpers for the scenario tests: parse text, collect error lines.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/scenario/parser.h"

namespace kafkasim::scenario::testing {

inline const char* kMinimal =
    "name: t\n"
    "duration: 60s\n"
    "cluster: {brokers: 3}\n"
    "topics: [{name: orders, partitions: 3, replication.factor: 3}]\n"
    "producers: [{id: checkout, topic: orders, rate: 100/s}]\n"
    "consumer_groups: [{group: billing, topics: [orders], members: 2}]\n";

inline std::vector<std::string> errors_of(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& e : parse_scenario_text(text, "s.yaml").errors) out.push_back(e.str());
  return out;
}

// The single error of `text` (fails the test when there is not exactly one).
inline std::string only_error(const std::string& text) {
  const auto errors = errors_of(text);
  if (errors.size() != 1) {
    std::string all;
    for (const auto& e : errors) all += e + "\n";
    return "expected exactly one error, got " + std::to_string(errors.size()) + ":\n" + all;
  }
  return errors[0];
}

inline Scenario parse_ok(const std::string& text) {
  ParseResult r = parse_scenario_text(text, "s.yaml");
  INFO(r.error_text());
  REQUIRE(r.ok());
  return std::move(*r.scenario);
}

// A file of the source tree, e.g. "docs/scenarios.md" ("" when it cannot be read).
inline std::string read_source_file(const std::string& relative) {
  std::ifstream in(std::string(KAFKASIM_SOURCE_DIR) + "/" + relative);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// tests/scenario/data/everything.yaml, parsed once: uses every key and every timeline action.
inline const Scenario& everything() {
  static const Scenario s = [] {
    ParseResult r = parse_scenario_file(std::string(KAFKASIM_SOURCE_DIR) + "/tests/scenario/data/everything.yaml");
    INFO(r.error_text());
    REQUIRE(r.ok());
    return *r.scenario;
  }();
  return s;
}

}  // namespace kafkasim::scenario::testing
