#pragma once
// Durations and times as people write them, the same in scenario files and on the command line:
// "250ms", "12s", "12.4s", "5m", "1h", "1d", "35us". A bare integer is rejected (the unit is mandatory), so
// "retention after 604800000" cannot be misread as seconds. Result in microseconds (TimeUs).
#include <optional>
#include <string>
#include <string_view>

#include "sim/core/time.h"

namespace kafkasim {

struct DurationParse {
  std::optional<TimeUs> value;
  std::string error;  // set when value is empty: what was expected
};

DurationParse parse_duration(std::string_view text);

}  // namespace kafkasim
