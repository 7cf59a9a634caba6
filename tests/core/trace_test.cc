// Tests of sim/core/trace.h: records, observers and the run's trace hash.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/core/core_fixture.h"

namespace kafkasim::testing {
namespace {

// A few nodes whose timers fire at seeded random times and trace what they do.
std::uint64_t timer_run(std::uint64_t seed) {
  Simulation sim(seed);
  for (int i = 1; i <= 3; ++i) {
    sim.add_node<CountingNode>(NodeId{i});
    sim.start_node(NodeId{i});
  }
  Rng rng = sim.rng("test.timers");
  for (int k = 0; k < 50; ++k) {
    const NodeId n{static_cast<int>(rng.between(1, 3))};
    const TimeUs at = rng.between(0, 10'000);
    sim.at(at, [&sim, n, k] { sim.trace_event(n, "test.tick", "tick " + std::to_string(k)); });
  }
  sim.at(5'000, [&sim] { sim.crash_node(NodeId{2}); });
  sim.run_until(20'000);
  return sim.trace_hash();
}

struct Collector : TraceObserver {
  std::vector<std::string> seen;
  void on_trace(const TraceRecord& r) override {
    seen.push_back(std::string(r.kind) + " " + std::to_string(r.node.value) + " " + r.details + " @" +
                   std::to_string(r.time) + " #" + std::to_string(r.event_number));
  }
};

TEST_CASE("equal runs give equal trace hashes and different seeds different ones") {
  CHECK(timer_run(1) == timer_run(1));
  CHECK(timer_run(2) == timer_run(2));
  CHECK(timer_run(1) != timer_run(2));
  CHECK(format_hash(timer_run(1)).size() == 16);
}

TEST_CASE("the trace hash depends on record details, not only on event times") {
  auto run = [](const std::string& details) {
    Simulation sim(1);
    sim.at(10, [&] { sim.trace_event(NodeId{1}, "test.x", details); });
    sim.run_until(20);
    return sim.trace_hash();
  };
  CHECK(run("a") == run("a"));
  CHECK(run("a") != run("b"));
}

TEST_CASE("trace observers see each record with its time and event number") {
  Simulation sim(1);
  Collector c;
  sim.trace().add_observer(&c);
  sim.at(10, [&] { sim.trace_event(NodeId{4}, "test.first", "one"); });
  sim.at(30, [&] { sim.trace_event(kNoNode, "test.second", "two"); });
  sim.run_until(100);
  sim.trace().remove_observer(&c);
  sim.trace_event(NodeId{4}, "test.unseen", "three");
  CHECK(c.seen == std::vector<std::string>{"test.first 4 one @10 #1", "test.second -1 two @30 #2"});
  CHECK(sim.trace().records() == 3);
}

}  // namespace
}  // namespace kafkasim::testing
