#pragma once
// Simulation: one run's virtual clock, event queue, PRNG root, nodes and trace.
//
// Single-threaded. Events run in (time, sequence) order; time only moves forward, from the event queue.
// Node-owned events obey the node lifecycle (node.h). Everything that changes state is traced through
// trace_event(), which also feeds the run's trace hash. The running Simulation installs itself as the
// AssertContext, so a failed KS_ASSERT prints seed, sim time and event number.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/assert.h"
#include "sim/core/event_queue.h"
#include "sim/core/node.h"
#include "sim/core/rng.h"
#include "sim/core/trace.h"

namespace kafkasim {

class Simulation {
 public:
  explicit Simulation(std::uint64_t seed);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  std::uint64_t seed() const { return seed_; }
  TimeUs now() const { return now_; }
  // Number of queue events executed so far (the "event number" of the current event while it runs).
  std::uint64_t events_executed() const { return events_executed_; }
  std::uint64_t events_discarded() const { return events_discarded_; }
  std::size_t events_pending() const { return queue_.size(); }

  // The PRNG stream `name` of this run (see rng.h). Callers keep the returned Rng.
  Rng rng(std::string_view name) const { return Rng::stream(seed_, name); }

  // Global events (no owner node): the scenario timeline, the harness. REQUIRES: at >= now().
  TimerId at(TimeUs at, EventFn fn);
  TimerId after(TimeUs delay, EventFn fn) { return at(now_ + delay, std::move(fn)); }
  // Events owned by a node incarnation (usually called through Node::after).
  TimerId at_owned(TimeUs at, EventOwner owner, EventFn fn);
  bool cancel(TimerId id) { return queue_.cancel(id); }
  bool pending(TimerId id) const { return queue_.pending(id); }
  TimeUs next_event_time() { return queue_.next_time(); }

  // Runs one queue event (skipping discarded ones). Returns false when no event is left.
  bool step();
  // Runs every event with time <= t, then advances the clock to t. REQUIRES: t >= now().
  void run_until(TimeUs t);
  // Runs at most max_events events; returns how many ran.
  std::uint64_t run_events(std::uint64_t max_events);

  // Nodes. The Simulation owns them; ids are unique.
  template <typename T, typename... Args>
  T& add_node(Args&&... args) {
    auto node = std::make_unique<T>(*this, std::forward<Args>(args)...);
    T& ref = *node;
    register_node(std::move(node));
    return ref;
  }
  Node* node(NodeId id) const;
  // Every node in id order.
  std::vector<Node*> nodes() const;

  void start_node(NodeId id);
  void crash_node(NodeId id, CrashKind kind = CrashKind::kProcess);
  void restart_node(NodeId id);
  void pause_node(NodeId id);
  void resume_node(NodeId id);

  // REQUIRES: observer outlives the Simulation. Not owned. Observers are called in registration order.
  void add_lifecycle_observer(LifecycleObserver* observer) { lifecycle_observers_.push_back(observer); }

  // Adds a trace record stamped with the current time and event number.
  void trace_event(NodeId node, std::string_view kind, std::string details);
  Trace& trace() { return trace_; }
  const Trace& trace() const { return trace_; }
  std::uint64_t trace_hash() const { return trace_.hash(); }

 private:
  void register_node(std::unique_ptr<Node> node);
  void run_popped(EventQueue::Popped& ev);
  void notify(NodeId id, LifecycleEvent event);

  std::uint64_t seed_;
  TimeUs now_ = 0;
  std::uint64_t events_executed_ = 0;
  std::uint64_t events_discarded_ = 0;
  EventQueue queue_;
  Trace trace_;
  std::map<NodeId, std::unique_ptr<Node>> nodes_;
  std::vector<LifecycleObserver*> lifecycle_observers_;
  AssertContext assert_ctx_;
  const AssertContext* previous_ctx_ = nullptr;
};

}  // namespace kafkasim
