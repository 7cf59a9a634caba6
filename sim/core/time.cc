#include "sim/core/time.h"

#include <fmt/format.h>

namespace kafkasim {

std::string format_time(TimeUs t) {
  if (t == kTimeNever) return "never";
  const char* sign = t < 0 ? "-" : "";
  const std::uint64_t a = t < 0 ? static_cast<std::uint64_t>(-(t + 1)) + 1 : static_cast<std::uint64_t>(t);
  if (a % 1000 != 0 && a < 1000) return fmt::format("{}{}us", sign, a);
  if (a < 1'000'000) {
    if (a % 1000 == 0) return fmt::format("{}{}ms", sign, a / 1000);
    return fmt::format("{}{}.{:03}ms", sign, a / 1000, a % 1000);
  }
  return fmt::format("{}{}.{:03}s", sign, a / 1'000'000, (a / 1000) % 1000);
}

}  // namespace kafkasim
