#pragma once
// Scenario file parser: YAML text -> Scenario, or every problem found (up to ErrorList::kMax), each as
// "file:line:column: error: <what was wrong>; expected <what was expected>". Never throws, never crashes
// on bad input: yaml-cpp exceptions are caught here and become errors. The grammar is documented in
// docs/scenarios.md.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/location.h"
#include "sim/scenario/scenario.h"

namespace kafkasim::scenario {

struct ParseResult {
  std::optional<Scenario> scenario;  // set iff errors is empty
  std::vector<ParseError> errors;
  std::size_t errors_dropped = 0;  // errors beyond ErrorList::kMax, counted only

  bool ok() const { return scenario.has_value(); }
  // Every error on its own line (plus "... and N more errors").
  std::string error_text() const;
};

// Reads and parses the file at `path`; a file that cannot be read is one error at path:0:0.
ParseResult parse_scenario_file(const std::string& path);
// Parses `text`; `display_name` is used as the file name in locations and as Scenario::source_name.
ParseResult parse_scenario_text(std::string_view text, const std::string& display_name);

}  // namespace kafkasim::scenario
