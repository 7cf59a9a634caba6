#pragma once
// YamlReader: the helpers every stage of the scenario parser uses to read yaml-cpp nodes without
// exceptions and to report problems as "file:line:column: error: ...; expected ..." into an ErrorList.
// Lifecycle: one reader per parse; it borrows the file name and text, and owns the error list.
// yaml-cpp itself may throw: the parser entry points (parser.cc) catch YAML::Exception at the boundary.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/config/config_map.h"
#include "sim/core/time.h"
#include "sim/scenario/location.h"

namespace kafkasim::scenario {

class YamlReader {
 public:
  YamlReader(std::string file, std::string_view text) : file_(std::move(file)), text_(text) {}

  ErrorList& errors() { return errors_; }
  const std::string& file() const { return file_; }

  // Location of a node (its first character; inside the quotes of a quoted scalar).
  Location loc(const YAML::Node& node) const;
  Location loc_at(int line0, int column0) const { return Location{file_, line0 + 1, column0 + 1}; }
  void error(const Location& loc, std::string what, std::string expected) {
    errors_.add(loc, std::move(what), std::move(expected));
  }
  void error(const YAML::Node& node, std::string what, std::string expected) {
    errors_.add(loc(node), std::move(what), std::move(expected));
  }

  // True when `node` is a mapping; otherwise reports "<context> must be a mapping".
  bool expect_map(const YAML::Node& node, std::string_view context, std::string_view example);
  bool expect_list(const YAML::Node& node, std::string_view context, std::string_view example);
  // Reports every key of `map` not in `allowed` (with a did-you-mean), every duplicate key and every key
  // without a value. Returns false when it reported anything.
  bool check_keys(const YAML::Node& map, std::string_view context, std::initializer_list<std::string_view> allowed);
  bool check_keys(const YAML::Node& map, std::string_view context, const std::vector<std::string_view>& allowed);

  // Scalar readers: nullopt after reporting an error that names `what`.
  std::optional<std::string> text(const YAML::Node& node, std::string_view what);
  std::optional<std::int64_t> integer(const YAML::Node& node, std::string_view what, std::int64_t min,
                                      std::int64_t max);
  std::optional<bool> boolean(const YAML::Node& node, std::string_view what);
  // A duration with a unit (250ms, 12s, 5m). With kSigned, a leading '-' or '+' is accepted.
  enum class Sign : std::uint8_t { kUnsigned, kSigned };
  std::optional<TimeUs> duration(const YAML::Node& node, std::string_view what, Sign sign = Sign::kUnsigned);
  // A percentage such as 1% or 0.5%, as parts per million.
  std::optional<std::uint32_t> percent_ppm(const YAML::Node& node, std::string_view what);
  // A list of strings, or a single string as a one-element list.
  std::optional<std::vector<std::string>> string_list(const YAML::Node& node, std::string_view what);
  // A mapping of Kafka config keys to scalar (or list) values, validated into `out`.
  void configs(const YAML::Node& node, config::ConfigMap& out);

 private:
  // A null value already reported by check_keys ("'x' has no value"): later readers stay silent about it.
  bool reported(const YAML::Node& node) const;

  std::string file_;
  std::string_view text_;
  std::vector<int> reported_null_positions_;
  ErrorList errors_;
};

}  // namespace kafkasim::scenario
