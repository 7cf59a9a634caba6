// Tests of the node lifecycle (sim/core/node.h) as the Simulation applies it to node-owned events.
#include <catch2/catch.hpp>

#include <utility>

#include "tests/core/core_fixture.h"

namespace kafkasim::testing {
namespace {

struct Observed : LifecycleObserver {
  std::vector<std::pair<NodeId, LifecycleEvent>> events;
  void on_lifecycle(NodeId node, LifecycleEvent event) override { events.emplace_back(node, event); }
};

TEST_CASE("a crashed node's pending timers are discarded and a restarted node's new timers run") {
  Simulation sim(1);
  auto& n = sim.add_node<CountingNode>(NodeId{1});
  sim.start_node(NodeId{1});
  n.mark_after(100, "before");
  n.mark_after(300, "old");
  sim.at(200, [&] { sim.crash_node(NodeId{1}); });
  sim.at(250, [&] {
    sim.restart_node(NodeId{1});
    n.mark_after(100, "new");
  });
  sim.run_until(1'000);
  CHECK(n.log == std::vector<std::string>{"before@100", "new@350"});
  CHECK(n.starts == 2);
  CHECK(n.crashes == 1);
  CHECK(n.power_losses == 0);
  CHECK(sim.events_discarded() == 1);
  CHECK(n.incarnation() == 2);
}

TEST_CASE("a power loss calls on_crash then on_power_loss") {
  Simulation sim(1);
  auto& n = sim.add_node<CountingNode>(NodeId{1});
  sim.start_node(NodeId{1});
  sim.crash_node(NodeId{1}, CrashKind::kPowerLoss);
  CHECK(n.crashes == 1);
  CHECK(n.power_losses == 1);
  CHECK(n.state() == NodeState::kDown);
}

TEST_CASE("a paused node's due events run late, in order, at resume") {
  Simulation sim(1);
  auto& n = sim.add_node<CountingNode>(NodeId{1});
  auto& other = sim.add_node<CountingNode>(NodeId{2});
  sim.start_node(NodeId{1});
  sim.start_node(NodeId{2});
  sim.at(50, [&] { sim.pause_node(NodeId{1}); });
  n.mark_after(100, "a");
  n.mark_after(200, "b");
  n.mark_after(200, "c");
  other.mark_after(150, "other");
  n.mark_after(2'000, "after-resume");
  sim.at(1'000, [&] { sim.resume_node(NodeId{1}); });
  sim.run_until(5'000);
  CHECK(other.log == std::vector<std::string>{"other@150"});
  CHECK(n.log == std::vector<std::string>{"a@1000", "b@1000", "c@1000", "after-resume@2000"});
}

TEST_CASE("a node that crashes while paused loses its deferred events") {
  Simulation sim(1);
  auto& n = sim.add_node<CountingNode>(NodeId{1});
  sim.start_node(NodeId{1});
  sim.pause_node(NodeId{1});
  n.mark_after(100, "x");
  sim.at(200, [&] { sim.crash_node(NodeId{1}); });
  sim.at(300, [&] { sim.restart_node(NodeId{1}); });
  sim.run_until(1'000);
  CHECK(n.log.empty());
}

TEST_CASE("lifecycle observers see every change in order") {
  Simulation sim(1);
  Observed obs;
  sim.add_lifecycle_observer(&obs);
  sim.add_node<CountingNode>(NodeId{3});
  sim.start_node(NodeId{3});
  sim.pause_node(NodeId{3});
  sim.resume_node(NodeId{3});
  sim.crash_node(NodeId{3});
  sim.restart_node(NodeId{3});
  sim.crash_node(NodeId{3}, CrashKind::kPowerLoss);
  using E = LifecycleEvent;
  const std::vector<std::pair<NodeId, E>> want{{NodeId{3}, E::kStart},   {NodeId{3}, E::kPause},
                                               {NodeId{3}, E::kResume},  {NodeId{3}, E::kCrash},
                                               {NodeId{3}, E::kRestart}, {NodeId{3}, E::kPowerLoss}};
  CHECK(obs.events == want);
}

TEST_CASE("global events run whatever the state of the nodes") {
  Simulation sim(1);
  sim.add_node<CountingNode>(NodeId{1});
  sim.start_node(NodeId{1});
  sim.pause_node(NodeId{1});
  bool ran = false;
  sim.at(10, [&] { ran = true; });
  sim.run_until(20);
  CHECK(ran);
}

}  // namespace
}  // namespace kafkasim::testing
