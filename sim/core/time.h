#pragma once
// Virtual time. kafkasim's clock is an integer count of MICROSECONDS since the start of a run
// (TimeUs). Microseconds are fine enough for network latencies (tens of us) and coarse enough that a
// signed 64-bit count spans ~292,000 years. Kafka's configs are in ms: convert with ms_to_us().
// Nothing in sim/ reads the wall clock (tests/tidy enforces this).
#include <cstdint>
#include <string>

namespace kafkasim {

using TimeUs = std::int64_t;

inline constexpr TimeUs kTimeNever = INT64_MAX;

constexpr TimeUs us(std::int64_t v) { return v; }
constexpr TimeUs ms_to_us(std::int64_t v) { return v * 1000; }
constexpr TimeUs sec_to_us(std::int64_t v) { return v * 1000 * 1000; }
constexpr std::int64_t us_to_ms(TimeUs t) { return t / 1000; }

// "12.400s", "250ms", "35us": the shortest exact human form, used in reports and traces.
std::string format_time(TimeUs t);

}  // namespace kafkasim
