#include "sim/core/node.h"

#include "sim/core/simulation.h"

namespace kafkasim {

const char* to_string(NodeKind kind) {
  switch (kind) {
    case NodeKind::kBroker: return "broker";
    case NodeKind::kController: return "controller";
    case NodeKind::kClient: return "client";
    case NodeKind::kOther: return "node";
  }
  return "node";
}

const char* to_string(NodeState state) {
  switch (state) {
    case NodeState::kUp: return "up";
    case NodeState::kDown: return "down";
    case NodeState::kPaused: return "paused";
  }
  return "?";
}

Node::Node(Simulation& sim, NodeId id, NodeKind kind, std::string name)
    : sim_(sim), id_(id), kind_(kind), name_(std::move(name)) {}

TimerId Node::after(TimeUs delay, EventFn fn) {
  return sim_.at_owned(sim_.now() + delay, owner(), std::move(fn));
}

bool Node::cancel(TimerId id) { return sim_.cancel(id); }

std::int64_t Node::wall_clock_ms() const { return (sim_.now() + clock_skew_us_) / 1000; }

}  // namespace kafkasim
