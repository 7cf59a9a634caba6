#include "tests/gui/fake_driver.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "tests/gui/fake_world.h"

namespace kafkasim::gui::testing {
namespace {

void add_mark(std::vector<engine::TimelineMark>& marks, TimeUs t, MarkKind kind, std::string label) {
  marks.push_back(engine::TimelineMark{t, static_cast<std::uint64_t>(t / kEventUs), kind, std::move(label)});
}

}  // namespace

FakeDriver::FakeDriver(FakeConfig config) : config_(config) {
  add_mark(marks_, 0, MarkKind::kNarration, kNarrations[0].text);
  add_mark(marks_, s(8), MarkKind::kPausePoint, "before broker 3 crashes");
  add_mark(marks_, s(8) + 1000, MarkKind::kFault, "crash broker 3");
  add_mark(marks_, s(8.2), MarkKind::kElection, "broker 3's partitions elect new leaders (epoch 2)");
  add_mark(marks_, s(8.2) + 1000, MarkKind::kIsrChange, "ISR shrinks: broker 3 removed");
  add_mark(marks_, s(12), MarkKind::kRebalance, "billing: billing-3 joins (eager)");
  add_mark(marks_, s(20), MarkKind::kPausePoint, "before the network partition");
  add_mark(marks_, s(20) + 1000, MarkKind::kFault, "partition {5} | {1,2}");
  add_mark(marks_, s(20.2), MarkKind::kIsrChange, "broker 5 leaves the ISR of partitions led by 1 and 2");
  add_mark(marks_, s(26), MarkKind::kFault, "heal the network");
  add_mark(marks_, s(28), MarkKind::kPausePoint, "before analytics rebalances");
  add_mark(marks_, s(28) + 1000, MarkKind::kRebalance, "analytics: analytics-3 joins (cooperative)");
  add_mark(marks_, s(30), MarkKind::kFault, "restart broker 3");
  add_mark(marks_, s(33), MarkKind::kIsrChange, "broker 3 rejoins the ISR");
  add_mark(marks_, s(33) + 1000, MarkKind::kElection, "preferred leader election: broker 3 leads again");
  add_mark(marks_, s(35), MarkKind::kFault, "pause broker 4");
  add_mark(marks_, s(40), MarkKind::kFault, "resume broker 4");
  for (const auto& n : kNarrations) {
    if (n.at > 0) add_mark(marks_, n.at + 2000, MarkKind::kNarration, n.text);
  }
  std::sort(marks_.begin(), marks_.end(),
            [](const engine::TimelineMark& a, const engine::TimelineMark& b) { return a.time_us < b.time_us; });
}

void FakeDriver::set_now(TimeUs t) { now_us_ = std::clamp<TimeUs>(t, 0, kDurationUs); }

void FakeDriver::advance_to(TimeUs until_us, std::uint64_t max_events) {
  const auto budget = static_cast<TimeUs>(std::min<std::uint64_t>(max_events, 1'000'000'000)) * kEventUs;
  set_now(std::min(until_us, now_us_ + budget));
}

bool FakeDriver::step_event() {
  set_now(now_us_ + kEventUs);
  return !finished();
}

bool FakeDriver::step_notable() {
  for (const auto& mark : marks_) {
    if (mark.time_us > now_us_ && mark.kind != MarkKind::kNarration) {
      set_now(mark.time_us + kEventUs);
      return !finished();
    }
  }
  set_now(kDurationUs);
  return false;
}

void FakeDriver::seek(TimeUs time_us) {
  ++seeks_;
  set_now(time_us);
}

void FakeDriver::seek_event(std::uint64_t event_number) {
  ++seeks_;
  set_now(static_cast<TimeUs>(event_number) * kEventUs);
}

void FakeDriver::apply(const engine::Command& command) {
  commands_.emplace_back(now_us_, command);
  applied_.push_back(command);
  add_mark(marks_, now_us_, MarkKind::kCommand, "command");
  std::stable_sort(marks_.begin(), marks_.end(),
                   [](const engine::TimelineMark& a, const engine::TimelineMark& b) { return a.time_us < b.time_us; });
}

TimeUs FakeDriver::next_pause_point_us() const {
  for (const auto& mark : marks_) {
    if (mark.kind == MarkKind::kPausePoint && mark.time_us > now_us_) return mark.time_us;
  }
  return -1;
}

const engine::Snapshot& FakeDriver::snapshot() {
  if (snapshot_time_us_ != now_us_ || snapshot_commands_ != commands_.size()) build_snapshot();
  return snapshot_;
}

std::vector<engine::EventView> FakeDriver::recent_events(std::size_t max, const std::string& kind_prefix) const {
  static const char* const kKinds[] = {"Produce", "FetchResponse", "Fetch", "Heartbeat", "ProduceResponse",
                                       "OffsetCommit", "Append", "HighWatermark"};
  std::vector<engine::EventView> out;
  const auto last = static_cast<std::uint64_t>(now_us_ / kEventUs);
  std::size_t mark_index = marks_.size();
  for (std::uint64_t n = last; n > 0 && out.size() < max && last - n < max * 50; --n) {
    engine::EventView e;
    e.number = n;
    e.time_us = static_cast<TimeUs>(n) * kEventUs;
    const std::uint64_t h = mix(n);
    e.node = static_cast<std::int32_t>(h % static_cast<std::uint64_t>(config_.brokers)) + 1;
    e.kind = kKinds[n % 8];
    e.details = fmt::format("orders-{} offsets {}-{}", h % static_cast<std::uint64_t>(config_.orders_partitions),
                            n / 40, n / 40 + h % 5);
    while (mark_index > 0 && marks_[mark_index - 1].event_number > n) --mark_index;
    if (mark_index > 0 && marks_[mark_index - 1].event_number == n) {
      const auto& m = marks_[mark_index - 1];
      static const char* const kMarkKinds[] = {"fault", "LeaderElection", "IsrChange", "Rebalance", "PausePoint",
                                               "command", "narration"};
      e.kind = kMarkKinds[static_cast<std::size_t>(m.kind)];
      e.details = m.label;
    }
    if (e.kind.rfind(kind_prefix, 0) == 0) out.push_back(std::move(e));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace kafkasim::gui::testing
