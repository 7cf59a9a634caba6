// Tests of sim/core/duration.h (parse_duration) and sim/core/time.h (format_time).
#include <catch2/catch.hpp>

#include "sim/core/duration.h"
#include "sim/core/time.h"

namespace kafkasim {
namespace {

TEST_CASE("parse_duration accepts numbers with a unit") {
  CHECK(parse_duration("250ms").value == ms_to_us(250));
  CHECK(parse_duration("12s").value == sec_to_us(12));
  CHECK(parse_duration("1.5s").value == ms_to_us(1'500));
  CHECK(parse_duration("12.4s").value == ms_to_us(12'400));
  CHECK(parse_duration("5m").value == sec_to_us(300));
  CHECK(parse_duration("1h").value == sec_to_us(3'600));
  CHECK(parse_duration("35us").value == 35);
  CHECK(parse_duration("0ms").value == 0);
}

TEST_CASE("parse_duration rejects a bare number, garbage and unknown units, saying what it expected") {
  for (const char* bad : {"12", "x", "5 parsecs", "", "ms", "1.5", "-3s", "12sx"}) {
    INFO("input '" << bad << "'");
    const DurationParse p = parse_duration(bad);
    CHECK_FALSE(p.value.has_value());
    CHECK_FALSE(p.error.empty());
  }
  CHECK_THAT(parse_duration("12").error, Catch::Contains("unit"));
}

TEST_CASE("format_time gives the shortest exact human form") {
  CHECK(format_time(0) == "0ms");
  CHECK(format_time(35) == "35us");
  CHECK(format_time(ms_to_us(250)) == "250ms");
  CHECK(format_time(1'500) == "1.500ms");
  CHECK(format_time(ms_to_us(12'400)) == "12.400s");
  CHECK(format_time(sec_to_us(3)) == "3.000s");
  CHECK(format_time(-ms_to_us(5)) == "-5ms");
  CHECK(format_time(kTimeNever) == "never");
}

}  // namespace
}  // namespace kafkasim
