// FakeDriver's clients: consumer groups (eager and cooperative rebalances), producers with their errors,
// the checker's delivery rows and anomalies, requests in flight, and the narration.
#include <algorithm>

#include <fmt/format.h>

#include "tests/gui/fake_world.h"

namespace kafkasim::gui::testing {
namespace {

constexpr TimeUs kPrepareUs = 400'000;

std::map<int, std::string> assign(const std::vector<std::string>& members, int partitions, bool round_robin) {
  std::map<int, std::string> owner;
  if (members.empty()) return owner;
  const int n = static_cast<int>(members.size());
  for (int p = 0; p < partitions; ++p) {
    owner[p] = members[static_cast<std::size_t>(round_robin ? p % n : std::min(n - 1, p * n / partitions))];
  }
  return owner;
}

bool removed_by(const GroupScript& g, const std::string& member, TimeUs t) {
  return std::any_of(g.deaths.begin(), g.deaths.end(),
                     [&](const auto& d) { return d.first == member && d.second + kRebalanceUs <= t; });
}

std::vector<std::string> members_at(const GroupScript& g, TimeUs t) {
  std::vector<std::string> out;
  for (const auto& [member, joined] : g.joins) {
    if (joined <= t && !removed_by(g, member, t)) out.push_back(member);
  }
  return out;
}

std::int64_t total_lag(const GroupScript& g, int partitions, TimeUs t) {
  double lag = 4.0 * partitions + static_cast<double>(mix(static_cast<std::uint64_t>(t / 500000)) % 20);
  for (TimeUs rb : g.rebalances) {
    if (t < rb || t >= rb + 4 * kSec) continue;
    const double ramp = static_cast<double>(std::min<TimeUs>(t - rb, kRebalanceUs)) / 1e6;
    const double decay = t < rb + kRebalanceUs ? 1.0 : 1.0 - static_cast<double>(t - rb - kRebalanceUs) / 3.4e6;
    lag += 45.0 * partitions * ramp * decay;
  }
  return static_cast<std::int64_t>(lag);
}

engine::GroupView group_view(const World& w, std::size_t gi, const engine::Snapshot& snap) {
  const GroupScript& g = w.groups[gi];
  const TimeUs t = w.now;
  const int partitions = w.topics[0].partitions;
  engine::GroupView gv;
  gv.group_id = g.id;
  gv.cooperative = g.cooperative;
  gv.protocol = g.cooperative ? "cooperative-sticky" : "range";
  gv.coordinator = static_cast<std::int32_t>(gi % 2) + 1;  // brokers 1 and 2 stay up in the script
  TimeUs current_rb = -1;
  gv.generation = 1;
  for (TimeUs rb : g.rebalances) {
    if (rb > t) break;
    ++gv.rebalances;
    gv.generation += (g.cooperative && t >= rb + kRebalanceUs) ? 2 : 1;
    if (t < rb + kRebalanceUs) current_rb = rb;
  }
  const auto now_members = members_at(g, t);
  const auto target = assign(now_members, partitions, g.cooperative);
  const auto before = current_rb >= 0 ? assign(members_at(g, current_rb - 1), partitions, g.cooperative) : target;
  gv.state = now_members.empty() ? "Empty" : current_rb < 0 ? "Stable"
             : t < current_rb + kPrepareUs ? "PreparingRebalance" : "CompletingRebalance";
  gv.leader_member = now_members.empty() ? "" : now_members.front() + "-7f3a";
  for (std::size_t mi = 0; mi < g.joins.size(); ++mi) {
    const std::string& name = g.joins[mi].first;
    if (g.joins[mi].second > t || removed_by(g, name, t)) continue;
    engine::MemberView mv;
    mv.client_id = name;
    mv.member_id = name + "-7f3a";
    // The engine's default client host encodes the node id (sim/client/consumer.cc): /10.0.<id/256>.<id%256>.
    const std::int32_t node = kFirstConsumerNode + static_cast<std::int32_t>(gi * 10 + mi);
    mv.host = fmt::format("/10.0.{}.{}", node / 256, node % 256);
    mv.alive = std::none_of(g.deaths.begin(), g.deaths.end(), [&](const auto& d) { return d.first == name; });
    for (int p = 0; p < partitions; ++p) {
      const std::string tp = fmt::format("orders-{}", p);
      const auto old_owner = before.find(p);
      const auto new_owner = target.find(p);
      const bool owned_before = old_owner != before.end() && old_owner->second == name;
      const bool owned_after = new_owner != target.end() && new_owner->second == name;
      if (current_rb < 0) {
        if (owned_after) mv.assigned.push_back(tp);
      } else if (g.cooperative) {  // keep what stays, give up what moves, receive nothing yet
        if (owned_before && owned_after) mv.assigned.push_back(tp);
        if (owned_before && !owned_after) mv.revoking.push_back(tp);
      }  // eager: everything revoked until the rebalance completes
    }
    gv.members.push_back(std::move(mv));
  }
  for (const auto& pv : snap.partitions) {
    if (pv.topic != "orders") continue;
    engine::LagRow row;
    row.topic = pv.topic;
    row.partition = pv.partition;
    row.log_end_offset = pv.log_end_offset;
    for (const auto& go : pv.groups) {
      if (go.group == g.id) row.current_offset = go.committed;
    }
    row.lag = row.current_offset >= 0 ? pv.log_end_offset - row.current_offset : pv.log_end_offset;
    const auto owner = target.find(pv.partition);
    row.consumer_id = owner == target.end() ? "-" : owner->second + "-7f3a";
    row.client_id = owner == target.end() ? "" : owner->second;
    gv.lag.push_back(std::move(row));
  }
  for (TimeUs st = std::max<TimeUs>(0, t - 60 * kSec) / 500000 * 500000; st <= t; st += 500000) {
    gv.lag_history.push_back(engine::LagSample{st, total_lag(g, partitions, st)});
  }
  return gv;
}

void producers(engine::Snapshot& snap, const World& w) {
  const TimeUs t = w.now;
  const double sec = static_cast<double>(t) / 1e6;
  engine::ProducerView orders;
  orders.client_id = "orders-producer";
  orders.topic = "orders";
  orders.acks = "all";
  orders.idempotent = true;
  orders.running = w.producer_running[0];
  orders.rate_per_sec = orders.running ? 300 : 0;
  orders.sent = static_cast<std::int64_t>(300 * sec);
  orders.acked = std::max<std::int64_t>(0, orders.sent - 25);
  orders.retries = t >= 8 * kSec ? 14 : 0;
  orders.in_flight_batches = orders.running ? 1 + static_cast<std::int32_t>(mix(static_cast<std::uint64_t>(t / 100000)) % 4) : 0;
  orders.queued_records = orders.running ? static_cast<std::int32_t>(mix(static_cast<std::uint64_t>(t / 100000) + 1) % 40) : 0;
  if (t >= 8050000) {
    orders.last_error = "NOT_LEADER_OR_FOLLOWER: orders-2 moved from broker 3 to broker 4 (retried, succeeded)";
    orders.last_error_us = 8050000;
  }
  snap.producers.push_back(orders);
  if (!w.config.small_topics) return;
  engine::ProducerView pay;
  pay.client_id = "payments-producer";
  pay.topic = "payments";
  pay.acks = "all";
  pay.running = w.producer_running[1];
  pay.rate_per_sec = pay.running ? 40 : 0;
  pay.sent = static_cast<std::int64_t>(40 * sec);
  const double failing_s = std::clamp(sec, 20.5, 26.0) - 20.5;
  pay.failed = static_cast<std::int64_t>(failing_s * 24);
  pay.retries = static_cast<std::int64_t>(failing_s * 70);
  pay.acked = std::max<std::int64_t>(0, pay.sent - pay.failed - 6);
  pay.in_flight_batches = sec >= 20.5 && sec < 26 ? 5 : 1;
  pay.queued_records = sec >= 20.5 && sec < 26 ? 180 : 3;
  if (t >= 20600000) {
    pay.last_error = "NOT_ENOUGH_REPLICAS: ISR=1 < min.insync.replicas=2 (payments-2, acks=all)";
    pay.last_error_us = 20600000;
  }
  snap.producers.push_back(pay);
}

void delivery(engine::Snapshot& snap, const World& w) {
  const TimeUs t = w.now;
  std::int64_t produced = 0;
  for (const auto& pv : snap.partitions) {
    if (pv.topic == "orders") produced += pv.log_end_offset;
  }
  for (const auto& gv : snap.groups) {
    engine::DeliveryRow row;
    row.group = gv.group_id;
    row.produced = produced;
    row.acked = std::max<std::int64_t>(0, produced - 25);
    for (const auto& lag : gv.lag) row.consumed += std::max<std::int64_t>(0, lag.current_offset);
    row.lost = t >= 9 * kSec ? 5 : 0;
    row.duplicated = gv.group_id == "analytics" && t >= 29 * kSec ? 12 : 0;
    row.semantics = row.lost > 0 ? (row.duplicated > 0 ? "none (lost and duplicated)" : "at-most-once")
                    : row.duplicated > 0 ? "at-least-once" : "exactly-once so far";
    snap.delivery.push_back(row);
  }
  const std::int64_t lost_to = static_cast<std::int64_t>(w.rate(0, 2) * 8);
  if (t >= 9 * kSec) {
    snap.anomalies.push_back({"lost-write", "", fmt::format("orders-2 offsets {}-{}", lost_to - 5, lost_to - 1),
                              "broker 3 crashed at t=8.000s before its followers fetched them; broker 4 became "
                              "leader (epoch 2) and the other replicas truncated them",
                              8 * kSec / 1000 + 1, 8 * kSec + 1000});
  }
  if (t >= 29 * kSec && w.groups.size() > 1) {
    snap.anomalies.push_back({"duplicate", "analytics", "orders-4 offsets 1102-1113",
                              "analytics-2 gave up orders-4 in the cooperative rebalance at t=28.000s before "
                              "committing; analytics-3 read them again",
                              28 * kSec / 1000 + 1, 28 * kSec + 1000});
  }
}

void in_flight(engine::Snapshot& snap, const World& w, const LeaderMap& leaders) {
  const TimeUs t = w.now;
  auto reachable = [&](std::int32_t a, std::int32_t b) {
    for (std::int32_t n : {a, b}) {
      if (n >= 1 && n <= w.config.brokers && !w.up(n)) return false;
    }
    return !w.cut(a, b);
  };
  auto exchange = [&](std::int32_t from, std::int32_t to, const char* request, const char* response, std::uint32_t bytes) {
    if (from < 0 || to < 0 || !reachable(from, to)) return;
    const std::uint64_t h = mix(static_cast<std::uint64_t>(from) * 1000 + static_cast<std::uint64_t>(to));
    const TimeUs period = 400'000, latency = 60'000 + static_cast<TimeUs>(h % 60'000);
    const TimeUs phase = static_cast<TimeUs>(h % static_cast<std::uint64_t>(period));
    const TimeUs start = (t - phase) / period * period + phase;
    const std::uint64_t id = h + static_cast<std::uint64_t>(start);
    if (t - start < latency) snap.in_flight.push_back({id, from, to, request, bytes, start, start + latency});
    else if (t - start < 2 * latency) snap.in_flight.push_back({id + 1, to, from, response, bytes / 4, start + latency, start + 2 * latency});
  };
  for (const auto& [key, leader] : leaders) {
    const int p = key.second;
    for (auto b : w.replicas(p)) {
      if (b != leader && key.first == 0) exchange(b, leader, "Fetch", "FetchResponse", 16384);
    }
  }
  for (int b = 1; b <= w.config.brokers; ++b) exchange(b, kControllerNode, "BrokerHeartbeat", "BrokerHeartbeatResponse", 96);
  for (int p = 0; p < 3; ++p) {
    exchange(kFirstProducerNode, leaders.at({0, p}), "Produce", "ProduceResponse", 32768);
    if (w.config.small_topics) exchange(kFirstProducerNode + 1, leaders.at({1, p}), "Produce", "ProduceResponse", 4096);
  }
  for (std::size_t g = 0; g < snap.groups.size(); ++g) {
    const auto node = kFirstConsumerNode + static_cast<std::int32_t>(g * 10);  // the group's first member
    exchange(node, snap.groups[g].coordinator, "Heartbeat", "HeartbeatResponse", 128);
    exchange(node, leaders.at({0, static_cast<int>(g)}), "Fetch", "FetchResponse", 65536);
  }
}

}  // namespace

void fill_clients(engine::Snapshot& snap, const World& w, const LeaderMap& leaders) {
  for (std::size_t g = 0; g < w.groups.size(); ++g) snap.groups.push_back(group_view(w, g, snap));
  producers(snap, w);
  delivery(snap, w);
  in_flight(snap, w, leaders);
  for (const auto& n : kNarrations) {
    if (n.at <= w.now) {
      snap.narration = n.text;
      snap.narration_us = n.at;
    }
  }
}

}  // namespace kafkasim::gui::testing
