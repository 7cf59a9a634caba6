#pragma once
// LoggedDriver: an engine::Driver decorator that remembers where the run came from (the scenario or
// recording, its text and seed) and every command applied to it, with the event number it was applied
// at, exactly as engine::Session keeps them (a command after a backward seek drops the later ones; a
// command once the run has ended is refused). The visualizer saves this as a session recording
// (kafkasim-gui --record, File > Save session as...; docs/recording.md), which `kafkasim run` and
// kafkasim-gui replay. Everything else is forwarded to the wrapped Driver, which it owns.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/engine/command.h"
#include "sim/engine/driver.h"

namespace kafkasim::gui {

// What a session recording needs besides the commands (mirrors record::RunInfo, without linking it).
struct RunOrigin {
  std::string path;           // the scenario file or recording opened
  std::uint64_t seed = 0;     // the seed the run uses
  std::string scenario_name;
  std::string scenario_text;  // the scenario file as read (or the recorded text)
  std::string scenario_hash;  // 16 hex digits
};

class LoggedDriver : public engine::Driver {
 public:
  // `initial` are the commands the wrapped Driver was started with (a recording's), already scheduled.
  LoggedDriver(std::unique_ptr<engine::Driver> inner, RunOrigin origin, std::vector<engine::TimedCommand> initial = {});

  void advance_to(TimeUs until_us, std::uint64_t max_events) override { inner_->advance_to(until_us, max_events); }
  void prefetch_advance(TimeUs until_us, std::uint64_t max_events) override {
    inner_->prefetch_advance(until_us, max_events);
  }
  void hold_background_work(bool hold) override { inner_->hold_background_work(hold); }
  std::optional<std::string> failure() const override { return inner_->failure(); }
  bool step_event() override { return inner_->step_event(); }
  bool step_notable() override { return inner_->step_notable(); }
  void seek(TimeUs time_us) override { inner_->seek(time_us); }
  void seek_event(std::uint64_t event_number) override { inner_->seek_event(event_number); }
  void apply(const engine::Command& command) override;

  TimeUs now_us() const override { return inner_->now_us(); }
  TimeUs duration_us() const override { return inner_->duration_us(); }
  bool finished() const override { return inner_->finished(); }
  TimeUs next_pause_point_us() const override { return inner_->next_pause_point_us(); }
  const engine::Snapshot& snapshot() override { return inner_->snapshot(); }
  const std::vector<engine::TimelineMark>& marks() const override { return inner_->marks(); }
  std::vector<engine::EventView> recent_events(std::size_t max, const std::string& kind_prefix) const override {
    return inner_->recent_events(max, kind_prefix);
  }

  const RunOrigin& origin() const { return origin_; }
  // The commands of the run, in the order applied (recorded ones first); what a recording replays.
  const std::vector<engine::TimedCommand>& commands() const { return commands_; }
  // Changes every time a command is logged (so the application knows when to save again).
  std::uint64_t version() const { return version_; }

 private:
  std::unique_ptr<engine::Driver> inner_;
  RunOrigin origin_;
  std::vector<engine::TimedCommand> commands_;
  std::uint64_t version_ = 0;
};

}  // namespace kafkasim::gui
