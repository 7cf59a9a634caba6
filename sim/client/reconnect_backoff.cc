#include "sim/client/reconnect_backoff.h"

#include <algorithm>

namespace kafkasim::client {

ReconnectBackoff::ReconnectBackoff(std::int64_t backoff_ms, std::int64_t backoff_max_ms)
    : base_us_(ms_to_us(std::max<std::int64_t>(0, backoff_ms))),
      max_us_(ms_to_us(std::max<std::int64_t>(0, backoff_max_ms))) {}

TimeUs ReconnectBackoff::connect_delay_us(std::int32_t broker, TimeUs now) const {
  auto it = nodes_.find(broker);
  if (it == nodes_.end()) return 0;
  const TimeUs waited = now - it->second.last_disconnect_us;
  return std::max<TimeUs>(0, it->second.backoff_us - waited);
}

void ReconnectBackoff::disconnected(std::int32_t broker, TimeUs now, Rng& rng) {
  NodeState& s = nodes_[broker];
  s.last_disconnect_us = now;
  // Kafka's ExponentialBackoff.backoff(failedAttempts): base * 2^attempts, the exponent capped where the
  // term reaches the max; times a uniform factor in [0.8, 1.2]; the result capped at the max.
  TimeUs term = base_us_;
  for (std::int32_t i = 0; i < s.failed_attempts && term > 0 && term < max_us_; ++i) term *= 2;
  if (base_us_ < max_us_) term = std::min(term, max_us_);
  const std::int64_t factor_permille = rng.between(800, 1200);
  s.backoff_us = std::min(term * factor_permille / 1000, max_us_);
  ++s.failed_attempts;
}

void ReconnectBackoff::ready(std::int32_t broker) {
  auto it = nodes_.find(broker);
  if (it == nodes_.end()) return;
  it->second.failed_attempts = 0;
  it->second.backoff_us = base_us_;
}

TimeUs ReconnectBackoff::backoff_us(std::int32_t broker) const {
  auto it = nodes_.find(broker);
  return it == nodes_.end() ? 0 : it->second.backoff_us;
}

std::int32_t ReconnectBackoff::failed_attempts(std::int32_t broker) const {
  auto it = nodes_.find(broker);
  return it == nodes_.end() ? 0 : it->second.failed_attempts;
}

std::vector<std::int32_t> ReconnectBackoff::connectable(const std::vector<NodeId>& brokers, TimeUs now) const {
  std::vector<std::int32_t> out;
  for (const NodeId b : brokers) {
    if (!blacked_out(b.value, now)) out.push_back(b.value);
  }
  if (out.empty()) {
    for (const NodeId b : brokers) out.push_back(b.value);
  }
  return out;
}

void BrokerLink::open(net::Network& net, Node& owner, std::int32_t to, TimeUs wait_us, EventFn connect_later) {
  broker = to;
  if (wait_us == 0) {
    conn = net.connect(owner.id(), NodeId(broker));
  } else {
    connect_timer = owner.after(wait_us, std::move(connect_later));
  }
}

void BrokerLink::send(net::Network& net, NodeId self, net::MessagePtr msg) {
  if (conn.valid()) {
    net.send(conn, self, std::move(msg));
  } else {
    unsent.push_back(std::move(msg));
  }
}

void BrokerLink::connect(net::Network& net, NodeId self) {
  conn = net.connect(self, NodeId(broker));
  std::vector<net::MessagePtr> waiting = std::move(unsent);
  unsent.clear();
  for (auto& m : waiting) net.send(conn, self, std::move(m));
}

}  // namespace kafkasim::client
