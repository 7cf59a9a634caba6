#pragma once
// Session: the engine::Driver of the visualizer: one Run with time control.
//
// Seeking backwards is exact: the Run is rebuilt from the same scenario and seed and re-executed up to the
// target, re-applying every command at the event number where it was first applied (commands are applied
// between events, so "after event N" pins them: the state at boundary N includes the commands applied there).
// To make the event number alone reproduce a command exactly, the simulation clock only moves with events:
// advancing to a time between two events moves the shown time (now_us()), not the Simulation's clock, so a
// command is applied at the time of the last executed event both live and when replayed. A Session may start
// with recorded commands (a recording's, or a backward seek's in another process): they are applied at
// their event numbers exactly as a backward seek replays them. Forward seeks just run on. Snapshots are rebuilt lazily
// after anything changed; the checker report is refreshed at most once per second of sim time (and when
// the run ends or time stands still), because it reads the whole history; a seek always refreshes it, so a
// seek to t shows the same snapshot however it got there.
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/engine/driver.h"
#include "sim/engine/run.h"
#include "sim/scenario/scenario.h"

namespace kafkasim::engine {

class Session : public Driver, private TraceObserver {
 public:
  using CommandLog = std::vector<std::pair<std::uint64_t, Command>>;  // (events executed when applied, command)

  Session(scenario::Scenario scenario, RunOptions options, CommandLog initial_commands = {});
  ~Session() override;

  void advance_to(TimeUs until_us, std::uint64_t max_events) override;
  bool step_event() override;
  bool step_notable() override;
  void seek(TimeUs time_us) override;
  void seek_event(std::uint64_t event_number) override;
  void apply(const Command& command) override;

  TimeUs now_us() const override;
  TimeUs duration_us() const override;
  bool finished() const override;
  TimeUs next_pause_point_us() const override;

  const Snapshot& snapshot() override;
  const std::vector<TimelineMark>& marks() const override { return marks_; }
  std::vector<EventView> recent_events(std::size_t max, const std::string& kind_prefix) const override;

  Run& run() { return *run_; }
  const CommandLog& commands() const { return commands_; }

  // Checkpoint support for the sim server (sim_server.h). With a stop time set, running stops before an
  // event later than it (at an event boundary) and take_checkpoint_stop() turns true once; the caller
  // checkpoints there, sets the next stop and repeats the request. -1: no stop (the default).
  void set_checkpoint_stop(TimeUs stop_us) { checkpoint_stop_us_ = stop_us; }
  bool take_checkpoint_stop() { return std::exchange(stopped_for_checkpoint_, false); }
  // A checkpoint resumed for a seek: `log` is the whole command log of the session now (its prefix is what
  // this Session has applied; later ones are applied when their event numbers come); the shown time goes
  // back to the clock (the target is at or after it) and the checker report is refreshed at the next
  // snapshot.
  void resume_from_checkpoint(const CommandLog& log);

 private:
  void on_trace(const TraceRecord& record) override;
  void rebuild();
  // Applies the recorded commands due at the current event boundary.
  void apply_due_commands();
  // Runs one event, then the recorded commands due after it. False at the end.
  bool step_one();
  void after_change();

  scenario::Scenario scenario_;
  RunOptions options_;
  std::unique_ptr<Run> run_;
  CommandLog commands_;
  std::size_t next_replayed_command_ = 0;
  TimeUs shown_us_ = 0;
  TimeUs checkpoint_stop_us_ = -1;
  bool stopped_for_checkpoint_ = false;  // the time shown; >= the Simulation's clock (the last executed event's time)
  std::deque<EventView> events_;  // the most recent events, oldest first
  std::vector<TimelineMark> marks_;
  bool notable_seen_ = false;
  Snapshot snapshot_;
  bool snapshot_dirty_ = true;
  TimeUs report_time_us_ = -1;
  std::uint64_t report_events_ = UINT64_MAX;  // events executed when the report was made
  bool report_due_ = false;                    // a seek happened: refresh the report unless it is exact
  bool finished_reported_ = false;
};

// Opens a scenario file as a Session; nullptr with `error` (file:line:column ...) on bad input.
// `seed` overrides the scenario's seed when set.
std::unique_ptr<Driver> open_session(const std::string& path, std::optional<std::uint64_t> seed, std::string& error);

// Where the lesson library lives: $KAFKASIM_SCENARIOS, else the source tree's scenarios/.
std::string scenario_dir();
// The default lesson (first scenario of the library by file name), or "" when none is found.
std::string default_scenario_path();

}  // namespace kafkasim::engine
