#include "sim/core/assert.h"

#include <cstdio>
#include <cstdlib>

namespace kafkasim {
namespace {
thread_local const AssertContext* g_context = nullptr;
}  // namespace

void set_assert_context(const AssertContext* ctx) { g_context = ctx; }
const AssertContext* assert_context() { return g_context; }

void assert_fail(const char* cond, const char* file, int line, std::string_view message) {
  std::fprintf(stderr, "kafkasim: assertion failed: %s\n  at %s:%d\n", cond, file, line);
  if (!message.empty()) std::fprintf(stderr, "  %.*s\n", static_cast<int>(message.size()), message.data());
  if (g_context != nullptr) {
    std::fprintf(stderr, "  seed=%llu sim_time_us=%lld event=%llu\n",
                 static_cast<unsigned long long>(g_context->seed), static_cast<long long>(g_context->time_us),
                 static_cast<unsigned long long>(g_context->event_number));
  }
  std::fflush(stderr);
  std::abort();
}

}  // namespace kafkasim
