#pragma once
// Driver: time control over one simulated run, as the visualizer uses it. The real implementation
// (engine::Session) runs a scenario; tests use a fake. All methods run on the GUI thread between frames.
//
// Seeking backwards works by snapshots plus deterministic re-execution: the run is replayed from the
// nearest checkpoint with the same seed and the same commands, so the past is reproduced exactly.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/engine/command.h"
#include "sim/engine/snapshot.h"

namespace kafkasim::engine {

enum class MarkKind : std::uint8_t { kFault, kElection, kIsrChange, kRebalance, kPausePoint, kCommand, kNarration };

// A point of interest on the timeline bar.
struct TimelineMark {
  TimeUs time_us = 0;
  std::uint64_t event_number = 0;
  MarkKind kind = MarkKind::kFault;
  std::string label;
};

class Driver {
 public:
  virtual ~Driver() = default;

  // Runs events up to `wall_budget_events` events or until sim time reaches `until_us`, whichever first.
  // Used by play mode: the GUI converts speed x frame time into a sim-time target.
  virtual void advance_to(TimeUs until_us, std::uint64_t max_events) = 0;
  virtual bool step_event() = 0;           // one event; false at the end of the run
  virtual bool step_notable() = 0;         // runs to just after the next notable event
  virtual void seek(TimeUs time_us) = 0;   // forwards or backwards, exact
  virtual void seek_event(std::uint64_t event_number) = 0;
  virtual void apply(const Command& command) = 0;

  virtual TimeUs now_us() const = 0;
  virtual TimeUs duration_us() const = 0;
  virtual bool finished() const = 0;
  // The next scenario pause point after now, or -1. The GUI pauses when play reaches it.
  virtual TimeUs next_pause_point_us() const = 0;

  // A hint from play mode at the end of a frame: the next call will be advance_to(until_us, max_events).
  // A driver whose run lives in another process (RemoteDriver) sends that request and the snapshot
  // request now, so the run advances while the caller draws; the next advance_to with the same
  // arguments only collects the answers (any other call collects them first). Default: nothing.
  virtual void prefetch_advance(TimeUs until_us, std::uint64_t max_events) {
    (void)until_us;
    (void)max_events;
  }

  // Play mode says it is running (true) or stopped (false), every frame. A driver with background work
  // that competes for the CPU (RemoteDriver's explorer, which runs ahead for fast seeks) holds it while
  // play runs, so frames come on time, and resumes it when play stops. Default: nothing.
  virtual void hold_background_work(bool hold) { (void)hold; }

  // Why the run stands still when it can no longer go on (RemoteDriver: its sim server process died, e.g.
  // "sim server (pid 4242) exited with signal 9 (SIGKILL) at sim time 12.400s (event 3084)"); nullopt
  // while all is well. Cheap enough to call every frame.
  virtual std::optional<std::string> failure() const { return std::nullopt; }

  virtual const Snapshot& snapshot() = 0;                  // refreshed lazily after any change
  virtual const std::vector<TimelineMark>& marks() const = 0;
  // The latest `max` events (oldest first), optionally those whose kind starts with `kind_prefix`.
  virtual std::vector<EventView> recent_events(std::size_t max, const std::string& kind_prefix) const = 0;
};

}  // namespace kafkasim::engine
