// Tests of sim/core/event_queue.h and the event loop of Simulation: ordering and cancellation.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sim/core/event_queue.h"
#include "sim/core/simulation.h"

namespace kafkasim {
namespace {

TEST_CASE("events at equal times run in insertion order") {
  Simulation sim(1);
  std::vector<int> ran;
  for (int i = 0; i < 100; ++i) sim.at(500, [&ran, i] { ran.push_back(i); });
  sim.at(100, [&ran] { ran.push_back(-1); });
  sim.run_until(1'000);
  REQUIRE(ran.size() == 101);
  CHECK(ran[0] == -1);
  for (int i = 0; i < 100; ++i) CHECK(ran[static_cast<std::size_t>(i + 1)] == i);
}

TEST_CASE("events scheduled by a running event at the same time run after the ones already queued") {
  Simulation sim(1);
  std::vector<std::string> ran;
  sim.at(10, [&] {
    ran.push_back("a");
    sim.after(0, [&] { ran.push_back("c"); });
  });
  sim.at(10, [&] { ran.push_back("b"); });
  sim.run_until(20);
  CHECK(ran == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("events run in time order and the clock follows them") {
  Simulation sim(1);
  std::vector<TimeUs> times;
  for (TimeUs t : {300, 100, 200, 100, 50}) sim.at(t, [&] { times.push_back(sim.now()); });
  sim.run_until(1'000);
  CHECK(times == std::vector<TimeUs>{50, 100, 100, 200, 300});
  CHECK(sim.now() == 1'000);
  CHECK(sim.events_executed() == 5);
}

TEST_CASE("a cancelled timer never runs") {
  Simulation sim(1);
  int ran = 0;
  const TimerId a = sim.at(100, [&] { ++ran; });
  const TimerId b = sim.at(200, [&] { ran += 10; });
  CHECK(sim.pending(a));
  CHECK(sim.cancel(a));
  CHECK_FALSE(sim.pending(a));
  CHECK_FALSE(sim.cancel(a));  // twice: no-op
  sim.run_until(1'000);
  CHECK(ran == 10);
  CHECK_FALSE(sim.cancel(b));  // already ran
  CHECK(sim.events_pending() == 0);
}

TEST_CASE("a timer cancelled by an earlier event at the same time does not run") {
  Simulation sim(1);
  bool ran = false;
  TimerId later;
  sim.at(100, [&] { sim.cancel(later); });
  later = sim.at(100, [&] { ran = true; });
  sim.run_until(1'000);
  CHECK_FALSE(ran);
}

TEST_CASE("a reused queue slot does not let an old timer id cancel a new timer") {
  EventQueue q;
  const TimerId old_id = q.schedule(10, EventOwner{}, [] {});
  REQUIRE(q.cancel(old_id));
  const TimerId new_id = q.schedule(20, EventOwner{}, [] {});
  CHECK_FALSE(q.cancel(old_id));
  CHECK(q.pending(new_id));
  CHECK(q.next_time() == 20);
}

TEST_CASE("step runs one event and reports when none is left") {
  Simulation sim(1);
  int ran = 0;
  sim.at(5, [&] { ++ran; });
  sim.at(6, [&] { ++ran; });
  CHECK(sim.step());
  CHECK(ran == 1);
  CHECK(sim.now() == 5);
  CHECK(sim.run_events(10) == 1);
  CHECK_FALSE(sim.step());
}

}  // namespace
}  // namespace kafkasim
