// RemoteDriver with a sim server that dies (sim/engine/remote_driver.h): the death is a value,
// failure() names the signal and the sim time, the driver stands still, nothing hangs, throws or outlives
// the driver. The servers are killed for real with kill(2).
#include <catch2/catch.hpp>

#include <csignal>
#include <string>

#include <fmt/format.h>
#include <unistd.h>

#include "sim/core/time.h"
#include "sim/engine/remote_driver.h"
#include "tests/engine/process_state.h"
#include "tests/engine/seek_scenario.h"

using namespace kafkasim;

namespace {

std::unique_ptr<engine::RemoteDriver> open_remote() {
  engine::server::ServerSpec spec;
  spec.scenario_text = kafkasim_test::kScenario;
  spec.scenario_source = "remote_driver_test.yaml";
  spec.checkpoint_interval_us = sec_to_us(2);
  engine::RemoteOptions options;
  options.explore = false;
  std::string error;
  auto d = engine::RemoteDriver::open(spec, options, error);
  INFO(error);
  REQUIRE(d != nullptr);
  return d;
}

// Asks failure() until it reports: the kernel closes a killed process's socket a moment after kill(2)
// returns. A bounded wait, not a timing assertion.
std::optional<std::string> wait_failure(const engine::RemoteDriver& d) {
  for (int i = 0; i < 500; ++i) {
    if (auto f = d.failure()) return f;
    ::usleep(10'000);
  }
  return std::nullopt;
}

// What failure() says for a server killed with `signal` after the driver's last answer.
std::string expected_failure(const engine::RemoteDriver& d, pid_t pid, const char* signal) {
  return fmt::format("sim server (pid {}) exited with signal {} at sim time {} (event {})", pid, signal,
                     format_time(d.now_us()), d.events_executed());
}

}  // namespace

TEST_CASE("a sim server killed between requests is reported by failure() with its signal and sim time") {
  auto remote = open_remote();
  remote->advance_to(sec_to_us(3), UINT64_MAX);
  REQUIRE(remote->connected());
  CHECK_FALSE(remote->failure().has_value());
  const pid_t server = remote->server_pid();
  REQUIRE(server > 0);
  const std::string expected = expected_failure(*remote, server, "9 (SIGKILL)");
  REQUIRE(::kill(server, SIGKILL) == 0);
  const auto failure = wait_failure(*remote);
  REQUIRE(failure.has_value());
  CHECK(*failure == expected);
  CHECK_FALSE(remote->connected());
}

TEST_CASE("after its server died the driver stands still: every call returns and changes nothing") {
  auto remote = open_remote();
  remote->advance_to(sec_to_us(5), UINT64_MAX);  // checkpoints at 0, 2 s and 4 s
  const TimeUs now_us = remote->now_us();
  const std::uint64_t events = remote->events_executed();
  REQUIRE(remote->snapshot().events_executed == events);
  REQUIRE(::kill(remote->server_pid(), SIGKILL) == 0);
  REQUIRE(wait_failure(*remote).has_value());
  remote->advance_to(sec_to_us(9), UINT64_MAX);
  CHECK_FALSE(remote->step_event());
  CHECK_FALSE(remote->step_notable());
  remote->seek(sec_to_us(1));  // a checkpoint lies there: it stays asleep
  remote->seek_event(10);
  engine::Command crash;
  crash.kind = engine::CommandKind::kCrashBroker;
  crash.node = 2;
  remote->apply(crash);
  CHECK(remote->recent_events(10, "").empty());
  CHECK(remote->now_us() == now_us);
  CHECK(remote->events_executed() == events);
  CHECK(remote->snapshot().events_executed == events);  // the last snapshot the server sent, kept
  CHECK_FALSE(remote->connected());
}

TEST_CASE("a server killed before a request is noticed by that request and the request returns") {
  auto remote = open_remote();
  remote->advance_to(sec_to_us(2) + 500'000, UINT64_MAX);
  const pid_t server = remote->server_pid();
  const std::string expected = expected_failure(*remote, server, "9 (SIGKILL)");
  REQUIRE(::kill(server, SIGKILL) == 0);
  remote->advance_to(sec_to_us(8), UINT64_MAX);  // EOF (or ECONNRESET) instead of an answer
  for (int i = 0; i < 500 && remote->connected();
       ++i) {  // a request sent before the kernel closed the socket
    ::usleep(10'000);
    remote->advance_to(sec_to_us(8), UINT64_MAX);
  }
  CHECK_FALSE(remote->connected());
  REQUIRE(remote->failure().has_value());
  CHECK(*remote->failure() == expected);
}

TEST_CASE(
    "a server woken from a checkpoint by a backward seek is reported too (the root adopts every server)") {
  auto remote = open_remote();
  remote->advance_to(sec_to_us(7), UINT64_MAX);
  const pid_t first = remote->server_pid();
  remote->seek(sec_to_us(3));  // wakes the checkpoint at 2 s: a new server process
  const pid_t woken = remote->server_pid();
  REQUIRE(woken > 0);
  REQUIRE(woken != first);
  CHECK(remote->now_us() == sec_to_us(3));
  CHECK_FALSE(remote->failure().has_value());
  const std::string expected = expected_failure(*remote, woken, "1 (SIGHUP)");
  REQUIRE(::kill(woken, SIGHUP) == 0);
  const auto failure = wait_failure(*remote);
  REQUIRE(failure.has_value());
  CHECK(*failure == expected);
}

TEST_CASE("no process outlives a driver whose server was killed") {
  std::vector<pid_t> pids;
  {
    auto remote = open_remote();
    remote->advance_to(sec_to_us(5), UINT64_MAX);
    pids = remote->process_ids();  // root, server, checkpoints
    REQUIRE(::kill(remote->server_pid(), SIGKILL) == 0);
    REQUIRE(wait_failure(*remote).has_value());
  }
  CHECK(pids.size() >= 4);
  CHECK(kafkasim_test::all_ended(pids));
}
