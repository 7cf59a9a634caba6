#pragma once
// FakeDriver (test only): an engine::Driver over a scripted, realistic-looking cluster, so the
// visualizer can be developed, screenshotted and benchmarked before the real engine::Session exists.
// The picture is a pure function of (sim time, commands applied so far), so seeking backwards is exact
// and every frame is reproducible. One "event" per millisecond of sim time.
//
// The default story (60 s): 5 brokers and a KRaft controller (node 1000, ids as in sim/engine/run.h); topics orders (6 partitions, RF=3), payments
// (3 partitions, RF=3, min.insync.replicas=2) and customers (2 partitions, compacted); B3 crashes at 8 s
// (elections, ISR shrink, a follower truncates, 5 acked records lost), restarts at 30 s and rejoins the
// ISR at 33 s; the network cuts B5 from B1/B2 from 20 s to 26 s (payments-producer gets
// NOT_ENOUGH_REPLICAS); group billing (eager range) rebalances at 12 s, group analytics
// (cooperative-sticky) at 28 s with a duplicate; B4 is paused from 35 s to 40 s. Pause points at 8, 20
// and 28 s. FakeConfig::large() gives the benchmark size (12 brokers, 300 replicas, 4 groups).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/engine/driver.h"

namespace kafkasim::gui::testing {

struct FakeConfig {
  int brokers = 5;
  int orders_partitions = 6;
  int groups = 2;
  bool small_topics = true;  // payments and customers too

  static FakeConfig large() { return FakeConfig{12, 100, 4, false}; }
};

class FakeDriver : public engine::Driver {
 public:
  explicit FakeDriver(FakeConfig config = {});

  void advance_to(TimeUs until_us, std::uint64_t max_events) override;
  bool step_event() override;
  bool step_notable() override;
  void seek(TimeUs time_us) override;
  void seek_event(std::uint64_t event_number) override;
  void apply(const engine::Command& command) override;

  TimeUs now_us() const override { return now_us_; }
  TimeUs duration_us() const override { return kDurationUs; }
  bool finished() const override { return now_us_ >= kDurationUs; }
  TimeUs next_pause_point_us() const override;

  const engine::Snapshot& snapshot() override;
  const std::vector<engine::TimelineMark>& marks() const override { return marks_; }
  std::vector<engine::EventView> recent_events(std::size_t max, const std::string& kind_prefix) const override;

  // Test hooks.
  const std::vector<engine::Command>& applied() const { return applied_; }
  int seeks() const { return seeks_; }

  static constexpr TimeUs kDurationUs = 60'000'000;

 private:
  void set_now(TimeUs t);
  void build_snapshot();

  FakeConfig config_;
  TimeUs now_us_ = 0;
  std::vector<engine::TimelineMark> marks_;
  std::vector<std::pair<TimeUs, engine::Command>> commands_;
  std::vector<engine::Command> applied_;
  engine::Snapshot snapshot_;
  TimeUs snapshot_time_us_ = -1;
  std::size_t snapshot_commands_ = 0;
  int seeks_ = 0;
};

}  // namespace kafkasim::gui::testing
