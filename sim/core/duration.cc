#include "sim/core/duration.h"

#include <cctype>
#include <cstdint>

namespace kafkasim {
namespace {

std::optional<std::int64_t> unit_us(std::string_view unit) {
  if (unit == "us") return 1;
  if (unit == "ms") return 1'000;
  if (unit == "s") return 1'000'000;
  if (unit == "m" || unit == "min") return 60'000'000;
  if (unit == "h") return 3'600'000'000LL;
  if (unit == "d") return 86'400'000'000LL;
  return std::nullopt;
}

}  // namespace

DurationParse parse_duration(std::string_view text) {
  const std::string expected = "a duration such as 250ms, 12s, 1.5s, 5m, 1h or 35us";
  std::size_t i = 0;
  std::int64_t whole = 0;
  std::int64_t frac = 0;
  std::int64_t frac_scale = 1;
  bool digits = false;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    whole = whole * 10 + (text[i] - '0');
    if (whole > 1'000'000'000'000LL) return {std::nullopt, "a duration that fits (too large)"};
    digits = true;
    ++i;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (frac_scale < 1'000'000'000) {
        frac = frac * 10 + (text[i] - '0');
        frac_scale *= 10;
      }
      digits = true;
      ++i;
    }
  }
  if (!digits) return {std::nullopt, expected};
  const std::string_view unit = text.substr(i);
  if (unit.empty()) return {std::nullopt, expected + " (the unit is missing)"};
  const auto mult = unit_us(unit);
  if (!mult) return {std::nullopt, expected + " (unknown unit '" + std::string(unit) + "')"};
  const std::int64_t frac_us = frac * *mult / frac_scale;
  if (frac * *mult % frac_scale != 0) return {std::nullopt, "a duration with at most microsecond precision"};
  if (whole > INT64_MAX / *mult) return {std::nullopt, "a duration that fits (too large)"};
  return {whole * *mult + frac_us, {}};
}

}  // namespace kafkasim
