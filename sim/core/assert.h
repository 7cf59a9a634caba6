#pragma once
// Always-on assertions for bugs in the simulator (never for simulated faults, which are values).
// A failed KS_ASSERT prints the condition, the source location, and the run's seed, sim time and event
// number (from the AssertContext of the running Simulation), then aborts. Compiled in every build type.
#include <cstdint>
#include <string_view>

namespace kafkasim {

// What a failing assertion prints about the run. The running Simulation installs itself here.
struct AssertContext {
  std::uint64_t seed = 0;
  std::int64_t time_us = 0;
  std::uint64_t event_number = 0;
};

// REQUIRES: ctx outlives its installation (Simulation installs/uninstalls in ctor/dtor).
void set_assert_context(const AssertContext* ctx);
const AssertContext* assert_context();

[[noreturn]] void assert_fail(const char* cond, const char* file, int line, std::string_view message);

}  // namespace kafkasim

#define KS_ASSERT(cond)                                                              \
  do {                                                                               \
    if (!(cond)) [[unlikely]] ::kafkasim::assert_fail(#cond, __FILE__, __LINE__, ""); \
  } while (0)

#define KS_ASSERT_MSG(cond, msg)                                                        \
  do {                                                                                  \
    if (!(cond)) [[unlikely]] ::kafkasim::assert_fail(#cond, __FILE__, __LINE__, (msg)); \
  } while (0)
