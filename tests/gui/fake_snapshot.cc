// FakeDriver::build_snapshot(): the scripted cluster at one instant (see fake_driver.h for the story).
#include <algorithm>

#include <fmt/format.h>

#include "tests/gui/fake_world.h"

namespace kafkasim::gui::testing {
namespace {

constexpr std::int32_t kCrashedBroker = 3;
constexpr std::int32_t kPausedBroker = 4;
constexpr std::int32_t kCutBroker = 5;

void cut_both_ways(std::vector<engine::CutLink>& cuts, std::int32_t a, std::int32_t b) {
  cuts.push_back({a, b});
  cuts.push_back({b, a});
}

}  // namespace

World make_world(const FakeConfig& config, TimeUs now, const std::vector<std::pair<TimeUs, engine::Command>>& commands) {
  World w(config);
  w.now = now;
  w.topics.push_back({"orders", config.orders_partitions, 40, "delete"});
  if (config.small_topics) {
    w.topics.push_back({"payments", 3, 12, "delete"});
    w.topics.push_back({"customers", 2, 6, "compact"});
  }
  const auto brokers = static_cast<std::size_t>(config.brokers);
  w.status.assign(brokers, NodeStatus::kUp);
  w.isolated.assign(brokers, false);
  auto set_status = [&](std::int32_t b, NodeStatus st) {
    if (b >= 1 && b <= config.brokers) w.status[static_cast<std::size_t>(b - 1)] = st;
  };
  // The script.
  if (now >= 8 * kSec && now < 30 * kSec) set_status(kCrashedBroker, NodeStatus::kDown);
  if (now >= 35 * kSec && now < 40 * kSec) set_status(kPausedBroker, NodeStatus::kPaused);
  w.outages.push_back({kCrashedBroker, 8 * kSec, 30 * kSec, 33 * kSec, 0});
  w.outages.push_back({kPausedBroker, 35 * kSec, 40 * kSec, 41 * kSec, 0});
  w.outages.push_back({kCutBroker, 20 * kSec, 26 * kSec, 27 * kSec, 0b10});
  TimeUs healed_at = -1;
  // The commands, in order.
  for (const auto& [t, c] : commands) {
    if (t > now) break;
    switch (c.kind) {
      case CommandKind::kCrashBroker:
      case CommandKind::kPowerLossBroker:
      case CommandKind::kShutdownBroker:
        set_status(c.node, NodeStatus::kDown);
        w.outages.push_back({c.node, t, kTimeNever - 1, kTimeNever, 0});
        break;
      case CommandKind::kRestartBroker:
      case CommandKind::kResumeNode:
        set_status(c.node, NodeStatus::kUp);
        for (auto& o : w.outages) {
          if (o.broker == c.node && o.from <= t && t < o.to) {
            o.to = t;
            o.caught_up = t + 3 * kSec;
          }
        }
        break;
      case CommandKind::kPauseNode:
        set_status(c.node, NodeStatus::kPaused);
        w.outages.push_back({c.node, t, kTimeNever - 1, kTimeNever, 0});
        break;
      case CommandKind::kIsolateNode:
        if (c.node >= 1 && c.node <= config.brokers) w.isolated[static_cast<std::size_t>(c.node - 1)] = true;
        for (int b = 1; b <= config.brokers; ++b) {
          if (b != c.node) cut_both_ways(w.cuts, c.node, b);
        }
        break;
      case CommandKind::kPartition:
        for (std::size_t i = 0; i < c.groups.size(); ++i) {
          for (std::size_t j = i + 1; j < c.groups.size(); ++j) {
            for (auto a : c.groups[i]) {
              for (auto b : c.groups[j]) cut_both_ways(w.cuts, a, b);
            }
          }
        }
        break;
      case CommandKind::kHeal:
        w.cuts.clear();
        std::fill(w.isolated.begin(), w.isolated.end(), false);
        healed_at = t;
        break;
      case CommandKind::kStopProducer:
      case CommandKind::kStartProducer:
        w.producer_running[c.client_id == "payments-producer" ? 1 : 0] = c.kind == CommandKind::kStartProducer;
        break;
      case CommandKind::kKillConsumer:
      case CommandKind::kAddConsumer:
        break;  // handled with the groups below
    }
  }
  if (now >= 20 * kSec && now < 26 * kSec && !(healed_at >= 20 * kSec)) {
    cut_both_ways(w.cuts, kCutBroker, 1);
    cut_both_ways(w.cuts, kCutBroker, 2);
  }
  // Groups: billing (eager range), analytics (cooperative-sticky), then plain eager groups.
  for (int g = 0; g < config.groups; ++g) {
    GroupScript gs;
    gs.id = g == 0 ? "billing" : g == 1 ? "analytics" : fmt::format("reports-{}", g - 1);
    gs.cooperative = g == 1;
    for (int m = 1; m <= 2; ++m) gs.joins.emplace_back(fmt::format("{}-{}", gs.id, m), 0);
    if (g == 0) gs.joins.emplace_back("billing-3", 12 * kSec);
    if (g == 1) gs.joins.emplace_back("analytics-3", 28 * kSec);
    for (const auto& [member, t] : gs.joins) {
      if (t > 0) gs.rebalances.push_back(t);
    }
    int added = 0;
    for (const auto& [t, c] : commands) {
      if (t > now || c.group != gs.id) continue;
      if (c.kind == CommandKind::kKillConsumer) {
        gs.deaths.emplace_back(c.member, t);
        gs.rebalances.push_back(t + kRebalanceUs / 2);
      } else if (c.kind == CommandKind::kAddConsumer) {
        gs.joins.emplace_back(fmt::format("{}-new-{}", gs.id, ++added), t);
        gs.rebalances.push_back(t);
      }
    }
    std::sort(gs.rebalances.begin(), gs.rebalances.end());
    w.groups.push_back(std::move(gs));
  }
  return w;
}

void FakeDriver::build_snapshot() {
  const World w = make_world(config_, now_us_, commands_);
  const TimeUs t = now_us_;
  engine::Snapshot snap;
  snap.scenario_name = "Lesson 3: leader failover and lost writes (fake driver)";
  snap.seed = 42;
  snap.now_us = t;
  snap.duration_us = kDurationUs;
  snap.events_executed = static_cast<std::uint64_t>(t / kEventUs);
  snap.trace_hash = mix(static_cast<std::uint64_t>(t));
  snap.controller = kControllerNode;
  for (int b = 1; b <= config_.brokers; ++b) {
    engine::BrokerView bv;
    bv.id = b;
    bv.status = w.status[static_cast<std::size_t>(b - 1)];
    bv.isolated = w.isolated[static_cast<std::size_t>(b - 1)];
    bv.fenced = bv.status == NodeStatus::kPaused && t >= 36 * kSec;
    bv.is_controller = false;  // the KRaft controller is its own node, as in the engine
    bv.rack = fmt::format("rack-{}", (b - 1) % 3 + 1);
    bv.disk_bytes = static_cast<std::uint64_t>(t / 10) * static_cast<std::uint64_t>(b + 3);
    bv.disk_fault = b == 2 && t >= 40 * kSec && t < 45 * kSec ? "slow" : "";
    snap.brokers.push_back(bv);
  }
  snap.cut_links = w.cuts;

  // Partitions.
  LeaderMap leaders;
  for (std::size_t ti = 0; ti < w.topics.size(); ++ti) {
    const Topic& topic = w.topics[ti];
    for (int p = 0; p < topic.partitions; ++p) {
      engine::PartitionView pv;
      pv.topic = topic.name;
      pv.partition = p;
      pv.replicas = w.replicas(p);
      pv.cleanup_policy = topic.cleanup;
      const bool preferred_out = pv.replicas[0] == kCrashedBroker && t >= 8 * kSec && t < 33 * kSec;
      pv.leader_epoch = 1 + (pv.replicas[0] == kCrashedBroker ? (t >= 8200000) + (t >= 33 * kSec) : 0);
      for (std::size_t k = preferred_out ? 1 : 0; k < pv.replicas.size(); ++k) {
        if (w.up(pv.replicas[k])) {
          pv.leader = pv.replicas[k];
          break;
        }
      }
      if (pv.leader != pv.replicas[0] && !preferred_out && pv.leader >= 0) ++pv.leader_epoch;
      leaders[{ti, p}] = pv.leader;
      std::int64_t hw = pv.leader >= 0 ? w.replica_leo(ti, p, pv.leader, t) : 0;
      for (auto b : pv.replicas) {
        if (w.in_isr(ti, p, b, t) || b == pv.leader) {
          pv.isr.push_back(b);
          hw = std::min(hw, w.replica_leo(ti, p, b, t));
        }
      }
      const std::int64_t leo = pv.leader >= 0 ? w.replica_leo(ti, p, pv.leader, t) : 0;
      const std::int64_t retention = static_cast<std::int64_t>(w.rate(ti, p) * 30);
      pv.log_start_offset = topic.cleanup == "delete" ? std::max<std::int64_t>(0, leo - retention) : 0;
      pv.records_deleted_by_retention = pv.log_start_offset;
      pv.records_removed_by_compaction = topic.cleanup == "compact" ? leo * 2 / 5 : 0;
      pv.high_watermark = hw;
      pv.last_stable_offset = hw;
      pv.log_end_offset = leo;
      for (auto b : pv.replicas) {
        engine::ReplicaView rv;
        rv.broker = b;
        rv.online = w.up(b);
        rv.in_isr = std::find(pv.isr.begin(), pv.isr.end(), b) != pv.isr.end();
        rv.log_end_offset = w.replica_leo(ti, p, b, t);
        rv.log_start_offset = std::min(pv.log_start_offset, rv.log_end_offset);
        rv.high_watermark = std::min(hw, rv.log_end_offset);
        rv.durable_end_offset = std::max(rv.log_start_offset, rv.log_end_offset - 2 - static_cast<std::int64_t>(mix(t / 250000 + b) % 6));
        if (pv.replicas[0] == kCrashedBroker && ti == 0) {
          const std::int64_t lost_to = w.leo_full(ti, p, 8 * kSec);
          if (b == pv.replicas[2] && t >= 8200000) {  // the follower that had fetched ahead truncates
            rv.truncated_from = lost_to - 5;
            rv.truncated_to = lost_to;
            rv.truncated_at_us = 8200000;
          }
          if (b == kCrashedBroker && t >= 30 * kSec) {  // the old leader truncates to the new epoch on restart
            rv.truncated_from = lost_to - 5;
            rv.truncated_to = lost_to;
            rv.truncated_at_us = 30 * kSec;
          }
        }
        pv.replica_views.push_back(rv);
      }
      if (ti == 0) {
        for (std::size_t g = 0; g < w.groups.size(); ++g) {
          const auto lag = static_cast<std::int64_t>(2 + (p + static_cast<int>(g)) % 5 + mix(t / 100000 + p) % 4);
          engine::GroupOffsetOnPartition go;
          go.group = w.groups[g].id;
          go.committed = std::max<std::int64_t>(pv.log_start_offset, hw - lag * static_cast<std::int64_t>(g + 2));
          go.position = std::min(hw, go.committed + lag);
          pv.groups.push_back(go);
        }
      }
      snap.partitions.push_back(std::move(pv));
    }
  }
  fill_clients(snap, w, leaders);
  snapshot_ = std::move(snap);
  snapshot_time_us_ = now_us_;
  snapshot_commands_ = commands_.size();
}

}  // namespace kafkasim::gui::testing
