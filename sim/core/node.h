#pragma once
// Node: a simulated process (broker, controller or client) with an id and a lifecycle.
//
// Lifecycle: Up --crash--> Down --restart--> Up, and Up --pause--> Paused --resume--> Up.
//  - crash: the incarnation number is bumped, so every timer and in-flight callback scheduled by the
//    previous incarnation is discarded when it comes due; on_crash() drops volatile state.
//    What survives a crash is what the node keeps on its simulated disk.
//  - restart: on_start() runs again, as after boot.
//  - pause (a long GC pause, SIGSTOP): nothing the node owns runs; its due events wait and run, late and in
//    their original order, at resume.
// Owned by Simulation (Simulation::add_node). A Node never outlives its Simulation.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/event_queue.h"
#include "sim/core/ids.h"
#include "sim/core/time.h"

namespace kafkasim {

class Simulation;

enum class NodeKind : std::uint8_t { kBroker, kController, kClient, kOther };
enum class NodeState : std::uint8_t { kUp, kDown, kPaused };
// How a node went down. A process crash keeps the OS page cache (written bytes survive) and the peer's
// kernel answers with a reset, so peers learn at once; a power loss drops unsynced bytes and peers learn
// only by a timeout.
enum class CrashKind : std::uint8_t { kProcess, kPowerLoss };
enum class LifecycleEvent : std::uint8_t { kStart, kCrash, kPowerLoss, kRestart, kPause, kResume };

// Told of every lifecycle change, after it happened (the network breaks connections, disks drop cache).
class LifecycleObserver {
 public:
  virtual ~LifecycleObserver() = default;
  virtual void on_lifecycle(NodeId node, LifecycleEvent event) = 0;
};

const char* to_string(NodeKind kind);
const char* to_string(NodeState state);

class Node {
 public:
  Node(Simulation& sim, NodeId id, NodeKind kind, std::string name);
  virtual ~Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  NodeId id() const { return id_; }
  NodeKind kind() const { return kind_; }
  const std::string& name() const { return name_; }
  NodeState state() const { return state_; }
  bool is_up() const { return state_ == NodeState::kUp; }
  std::uint64_t incarnation() const { return incarnation_; }
  EventOwner owner() const { return EventOwner{id_, incarnation_}; }
  Simulation& sim() const { return sim_; }

  // The node's own wall clock in ms: sim time plus its clock skew (a skewed clock changes the timestamps
  // the node writes and its time-based decisions such as retention, never the order of events).
  std::int64_t wall_clock_ms() const;
  TimeUs clock_skew_us() const { return clock_skew_us_; }
  void set_clock_skew_us(TimeUs skew) { clock_skew_us_ = skew; }

  // Runs fn after `delay` as this incarnation of the node (discarded if the node crashes first).
  TimerId after(TimeUs delay, EventFn fn);
  bool cancel(TimerId id);

 protected:
  // Called when the node boots: at Simulation::start_node and after each restart.
  virtual void on_start() {}
  // Called when the node crashes: drop every volatile field (timers are discarded by the Simulation).
  virtual void on_crash() {}
  // Called after on_crash() when the crash was a power loss (the node's disk loses unsynced data).
  virtual void on_power_loss() {}

 private:
  friend class Simulation;
  Simulation& sim_;
  NodeId id_;
  NodeKind kind_;
  std::string name_;
  NodeState state_ = NodeState::kDown;
  std::uint64_t incarnation_ = 1;
  TimeUs clock_skew_us_ = 0;
  std::vector<EventFn> deferred_;  // events that came due while paused, in order
};

}  // namespace kafkasim
