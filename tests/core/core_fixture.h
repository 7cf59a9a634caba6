#pragma once
// Test helpers for sim/core: a node that counts its lifecycle callbacks and records what its events did.
#include <string>
#include <vector>

#include "sim/core/simulation.h"

namespace kafkasim::testing {

class CountingNode : public Node {
 public:
  CountingNode(Simulation& sim, NodeId id)
      : Node(sim, id, NodeKind::kOther, "n" + std::to_string(id.value)) {}
  int starts = 0;
  int crashes = 0;
  int power_losses = 0;
  std::vector<std::string> log;  // "<label>@<time>" for every event that ran

  // Schedules an event that appends label@now to log.
  TimerId mark_after(TimeUs delay, std::string label) {
    return after(delay, [this, label] { log.push_back(label + "@" + std::to_string(sim().now())); });
  }

 protected:
  void on_start() override { ++starts; }
  void on_crash() override { ++crashes; }
  void on_power_loss() override { ++power_losses; }
};

}  // namespace kafkasim::testing
