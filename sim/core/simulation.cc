#include "sim/core/simulation.h"

#include <fmt/format.h>

namespace kafkasim {

namespace {
// "broker 1", "controller", "client checkout": the kind is said once.
std::string who(const Node& n) {
  const std::string kind = to_string(n.kind());
  return n.name().rfind(kind, 0) == 0 ? n.name() : kind + " " + n.name();
}
}  // namespace

Simulation::Simulation(std::uint64_t seed) : seed_(seed) {
  assert_ctx_.seed = seed;
  previous_ctx_ = assert_context();
  set_assert_context(&assert_ctx_);
}

Simulation::~Simulation() {
  if (assert_context() == &assert_ctx_) set_assert_context(previous_ctx_);
}

TimerId Simulation::at(TimeUs t, EventFn fn) { return at_owned(t, EventOwner{}, std::move(fn)); }

TimerId Simulation::at_owned(TimeUs t, EventOwner owner, EventFn fn) {
  KS_ASSERT_MSG(t >= now_, "events cannot be scheduled in the past");
  return queue_.schedule(t, owner, std::move(fn));
}

void Simulation::run_popped(EventQueue::Popped& ev) {
  now_ = ev.time;
  if (ev.owner.node != kNoNode) {
    auto it = nodes_.find(ev.owner.node);
    KS_ASSERT(it != nodes_.end());
    Node& n = *it->second;
    if (n.incarnation_ != ev.owner.incarnation || n.state_ == NodeState::kDown) {
      ++events_discarded_;  // scheduled by an incarnation that has crashed
      return;
    }
    if (n.state_ == NodeState::kPaused) {
      n.deferred_.push_back(std::move(ev.fn));
      return;
    }
  }
  ++events_executed_;
  assert_ctx_.time_us = now_;
  assert_ctx_.event_number = events_executed_;
  trace_.mix_event(events_executed_, now_);
  ev.fn();
}

bool Simulation::step() {
  EventQueue::Popped ev;
  while (queue_.pop(ev)) {
    const std::uint64_t before = events_executed_;
    run_popped(ev);
    if (events_executed_ != before) return true;
  }
  return false;
}

void Simulation::run_until(TimeUs t) {
  KS_ASSERT(t >= now_);
  EventQueue::Popped ev;
  while (queue_.next_time() <= t) {
    queue_.pop(ev);
    run_popped(ev);
  }
  now_ = t;
  assert_ctx_.time_us = now_;
}

std::uint64_t Simulation::run_events(std::uint64_t max_events) {
  std::uint64_t ran = 0;
  while (ran < max_events && step()) ++ran;
  return ran;
}

void Simulation::register_node(std::unique_ptr<Node> node) {
  const NodeId id = node->id();
  KS_ASSERT_MSG(nodes_.find(id) == nodes_.end(), "duplicate node id");
  nodes_.emplace(id, std::move(node));
}

Node* Simulation::node(NodeId id) const {
  auto it = nodes_.find(id);
  return it == nodes_.end() ? nullptr : it->second.get();
}

std::vector<Node*> Simulation::nodes() const {
  std::vector<Node*> out;
  out.reserve(nodes_.size());
  for (const auto& [id, n] : nodes_) out.push_back(n.get());
  return out;
}

void Simulation::start_node(NodeId id) {
  Node* n = node(id);
  KS_ASSERT(n != nullptr && n->state_ == NodeState::kDown);
  n->state_ = NodeState::kUp;
  trace_event(id, "node.start", fmt::format("{} started", who(*n)));
  notify(id, LifecycleEvent::kStart);
  n->on_start();
}

void Simulation::notify(NodeId id, LifecycleEvent event) {
  for (LifecycleObserver* o : lifecycle_observers_) o->on_lifecycle(id, event);
}

void Simulation::crash_node(NodeId id, CrashKind kind) {
  Node* n = node(id);
  KS_ASSERT(n != nullptr);
  if (n->state_ == NodeState::kDown) return;
  n->state_ = NodeState::kDown;
  ++n->incarnation_;
  n->deferred_.clear();
  const bool power = kind == CrashKind::kPowerLoss;
  trace_event(id, power ? "node.power_loss" : "node.crash",
              fmt::format("{} {}", who(*n), power ? "lost power" : "crashed"));
  n->on_crash();
  if (power) n->on_power_loss();
  notify(id, power ? LifecycleEvent::kPowerLoss : LifecycleEvent::kCrash);
}

void Simulation::restart_node(NodeId id) {
  Node* n = node(id);
  KS_ASSERT(n != nullptr);
  if (n->state_ != NodeState::kDown) return;
  n->state_ = NodeState::kUp;
  trace_event(id, "node.restart", fmt::format("{} restarted", who(*n)));
  notify(id, LifecycleEvent::kRestart);
  n->on_start();
}

void Simulation::pause_node(NodeId id) {
  Node* n = node(id);
  KS_ASSERT(n != nullptr);
  if (n->state_ != NodeState::kUp) return;
  n->state_ = NodeState::kPaused;
  trace_event(id, "node.pause", fmt::format("{} paused", who(*n)));
  notify(id, LifecycleEvent::kPause);
}

void Simulation::resume_node(NodeId id) {
  Node* n = node(id);
  KS_ASSERT(n != nullptr);
  if (n->state_ != NodeState::kPaused) return;
  n->state_ = NodeState::kUp;
  trace_event(id, "node.resume",
              fmt::format("{} resumed ({} delayed events)", who(*n), n->deferred_.size()));
  // Events that came due during the pause run now, late, in their original order.
  notify(id, LifecycleEvent::kResume);
  std::vector<EventFn> deferred = std::move(n->deferred_);
  n->deferred_.clear();
  for (EventFn& fn : deferred) queue_.schedule(now_, n->owner(), std::move(fn));
}

void Simulation::trace_event(NodeId node, std::string_view kind, std::string details) {
  trace_.record(events_executed_, now_, node, kind, std::move(details));
}

}  // namespace kafkasim
