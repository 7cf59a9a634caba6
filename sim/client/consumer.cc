// Consumer plumbing: lifecycle, connections with correlation ids and request timeouts, metadata.
#include "sim/client/consumer.h"

#include <algorithm>

#include <fmt/format.h>

#include "sim/client/consumer_internal.h"
#include "sim/core/assert.h"
#include "sim/core/simulation.h"

namespace kafkasim::client {

using protocol::ErrorCode;
using protocol::TopicPartition;

const char* to_string(OffsetReset r) {
  switch (r) {
    case OffsetReset::kEarliest: return "earliest";
    case OffsetReset::kLatest: return "latest";
    case OffsetReset::kNone: return "none";
  }
  return "?";
}

const char* to_string(MemberChange c) {
  switch (c) {
    case MemberChange::kJoined: return "joined";
    case MemberChange::kLeft: return "left";
    case MemberChange::kCrashed: return "crashed";
    case MemberChange::kFenced: return "fenced";
    case MemberChange::kAssigned: return "assigned";
    case MemberChange::kRevoked: return "revoked";
  }
  return "?";
}

Consumer::Consumer(Simulation& sim, NodeId id, net::Network& net, std::vector<NodeId> bootstrap, ConsumerConfig config)
    : Node(sim, id, NodeKind::kClient, config.client_id),
      net_(net),
      bootstrap_(std::move(bootstrap)),
      config_(std::move(config)),
      rng_(sim.rng("consumer." + config_.client_id)),
      reconnect_rng_(sim.rng("consumer." + config_.client_id + ".reconnect")),
      reconnect_(config_.reconnect_backoff_ms, config_.reconnect_backoff_max_ms) {
  KS_ASSERT(!bootstrap_.empty());
  // partition.assignment.strategy may name classes; JoinGroup carries the assignors' name().
  for (auto& s : config_.assignment_strategies) {
    const auto dot = s.rfind('.');
    const std::string cls = dot == std::string::npos ? s : s.substr(dot + 1);
    if (cls == "RangeAssignor") s = "range";
    if (cls == "RoundRobinAssignor") s = "roundrobin";
    if (cls == "StickyAssignor") s = "sticky";
    if (cls == "CooperativeStickyAssignor") s = "cooperative-sticky";
  }
  net_.attach(id, this);
}

Consumer::~Consumer() = default;

std::string Consumer::host() const {
  return config_.host.empty() ? fmt::format("/10.0.{}.{}", id().value / 256, id().value % 256) : config_.host;
}

void Consumer::trace(std::string_view kind, std::string details) {
  // kinds are literals at every call site
  sim().trace_event(id(), kind, fmt::format("{}: {}", config_.client_id, details));
}

void Consumer::member_event(MemberChange what, const std::vector<TopicPartition>& tps) {
  if (hooks_.on_member_event) hooks_.on_member_event(what, tps, generation_);
}

void Consumer::on_start() {
  closed_ = false;
  last_poll_us_ = sim().now();
  next_auto_commit_us_ = sim().now() + ms_to_us(config_.auto_commit_interval_ms);
  request_metadata();
  if (!manual_assignment_.empty()) {
    for (const auto& tp : manual_assignment_) assigned_[tp] = std::make_unique<PartitionState>();
  }
  schedule_poll(0);
}

void Consumer::on_crash() {
  if (!member_id_.empty() && !closed_) member_event(MemberChange::kCrashed, assignment());
  connections_.clear();
  reconnect_.clear();
  metadata_.clear();
  metadata_pending_ = false;
  assigned_topic_counts_.clear();
  coordinator_ = -1;
  coordinator_pending_ = false;
  coordinator_retry_at_us_ = 0;
  group_state_ = GroupState::kUnjoined;
  // A static member keeps nothing either: the coordinator recognises it by group.instance.id.
  member_id_.clear();
  generation_ = -1;
  protocol_.clear();
  rejoin_needed_ = true;
  joined_once_ = false;
  ++heartbeat_seq_;
  assigned_.clear();
  fetching_from_.clear();
  offset_fetch_pending_ = false;
  poll_scheduled_ = false;
  app_busy_ = false;
  waiting_in_poll_ = false;
  batch_.clear();
  ++batch_seq_;
}

void Consumer::subscribe(std::vector<std::string> topics) {
  KS_ASSERT(!config_.group_id.empty());
  std::sort(topics.begin(), topics.end());
  subscription_ = std::move(topics);
  manual_assignment_.clear();
  rejoin_needed_ = true;
  if (is_up()) request_metadata();
}

void Consumer::assign(std::vector<TopicPartition> partitions) {
  subscription_.clear();
  manual_assignment_ = std::move(partitions);
  if (!is_up()) return;
  std::map<TopicPartition, std::unique_ptr<PartitionState>> next;
  for (const auto& tp : manual_assignment_) {
    auto it = assigned_.find(tp);
    next[tp] = it != assigned_.end() ? std::move(it->second) : std::make_unique<PartitionState>();
  }
  assigned_ = std::move(next);
}

std::vector<TopicPartition> Consumer::assignment() const {
  std::vector<TopicPartition> out;
  for (const auto& [tp, st] : assigned_) out.push_back(tp);
  return out;
}

GroupMetadata Consumer::group_metadata() const {
  return GroupMetadata{config_.group_id, generation_, member_id_, config_.group_instance_id};
}

std::vector<ConsumerPartitionView> Consumer::partitions() const {
  std::vector<ConsumerPartitionView> out;
  for (const auto& [tp, st] : assigned_) {
    out.push_back(ConsumerPartitionView{tp, st->position, st->committed, st->high_watermark, st->log_end_offset,
                                        st->buffer.size()});
  }
  return out;
}

// ------------------------------------------------------------------------------------------ requests

std::int32_t Consumer::any_broker() {
  // Kafka's leastLoadedNode: prefer a broker we are connected to, otherwise a random bootstrap broker
  // that is not blacked out by reconnect.backoff.ms (any bootstrap broker if all are).
  for (const auto& [b, c] : connections_) {
    if (net_.is_open(c->conn)) return b;
  }
  const std::vector<std::int32_t> candidates = reconnect_.connectable(bootstrap_, sim().now());
  return candidates[rng_.uniform(candidates.size())];
}

Consumer::Connection& Consumer::open_connection(std::int32_t broker) {
  auto c = std::make_unique<Connection>();
  c->open(net_, *this, broker, reconnect_.connect_delay_us(broker, sim().now()),
          [this, broker] { connect_after_backoff(broker); });
  Connection& ref = *c;
  connections_.insert_or_assign(broker, std::move(c));
  return ref;
}

void Consumer::connect_after_backoff(std::int32_t broker) {
  auto it = connections_.find(broker);
  if (it == connections_.end() || it->second->conn.valid()) return;
  it->second->connect(net_, id());
}

void Consumer::request(std::int32_t broker, std::shared_ptr<protocol::KafkaMessage> req, Callback cb) {
  auto it = connections_.find(broker);
  if (it != connections_.end() && it->second->conn.valid() && !net_.is_open(it->second->conn)) {
    fail_connection(broker);
    it = connections_.find(broker);  // fail_connection's callbacks may have opened a new one
  }
  Connection& c = it != connections_.end() ? *it->second : open_connection(broker);
  req->correlation_id = next_correlation_++;
  const std::int32_t corr = req->correlation_id;
  Connection::Pending p;
  p.cb = std::move(cb);
  // request.timeout.ms: no answer means a dead connection (NetworkClient closes it; in-flight requests fail).
  p.timeout = after(ms_to_us(config_.request_timeout_ms), [this, broker, corr] {
    auto cit = connections_.find(broker);
    if (cit != connections_.end() && cit->second->in_flight.count(corr) != 0) {
      trace("consumer.request_timeout", fmt::format("no answer from broker {} within request.timeout.ms", broker));
      net_.close(cit->second->conn, id());
      fail_connection(broker);
    }
  });
  c.in_flight[corr] = std::move(p);
  c.send(net_, id(), std::move(req));
}

void Consumer::fail_connection(std::int32_t broker) {
  auto it = connections_.find(broker);
  if (it == connections_.end()) return;
  std::unique_ptr<Connection> c = std::move(it->second);
  connections_.erase(it);
  // Kafka: ClusterConnectionStates.disconnected grows the backoff of every closed connection (attempt).
  if (c->conn.valid()) {
    reconnect_.disconnected(broker, sim().now(), reconnect_rng_);
  } else {
    sim().cancel(c->connect_timer);
  }
  for (auto& [corr, p] : c->in_flight) {
    sim().cancel(p.timeout);
    if (p.cb) p.cb(nullptr);
  }
}

void Consumer::on_message(net::ConnectionId conn, NodeId from, net::MessagePtr msg) {
  const auto& km = static_cast<const protocol::KafkaMessage&>(*msg);
  auto it = connections_.find(from.value);
  if (it == connections_.end() || it->second->conn != conn) return;  // a stale connection
  if (!it->second->ready) {
    it->second->ready = true;
    reconnect_.ready(from.value);
  }
  auto p = it->second->in_flight.find(km.correlation_id);
  if (p == it->second->in_flight.end()) return;
  Callback cb = std::move(p->second.cb);
  sim().cancel(p->second.timeout);
  it->second->in_flight.erase(p);
  if (cb) cb(&km);
}

void Consumer::on_disconnect(net::ConnectionId conn, NodeId peer) {
  auto it = connections_.find(peer.value);
  if (it == connections_.end() || it->second->conn != conn) return;
  fail_connection(peer.value);
}

// ------------------------------------------------------------------------------------------ metadata

void Consumer::request_metadata() {
  if (metadata_pending_ || !is_up()) return;
  metadata_pending_ = true;
  auto req = std::make_shared<protocol::MetadataRequest>();
  for (const auto& t : subscription_) req->topics.push_back(t);
  for (const auto& tp : manual_assignment_) req->topics.push_back(tp.topic);
  request(any_broker(), req, [this](const protocol::KafkaMessage* m) {
    metadata_pending_ = false;
    if (m == nullptr) {
      after(ms_to_us(config_.retry_backoff_ms), [this] { request_metadata(); });
      return;
    }
    const auto& resp = static_cast<const protocol::MetadataResponse&>(*m);
    std::map<std::string, std::vector<std::pair<std::int32_t, std::int32_t>>> fresh;
    for (const auto& p : resp.partitions) {
      auto& v = fresh[p.tp.topic];
      if (static_cast<std::int32_t>(v.size()) <= p.tp.partition) {
        v.resize(static_cast<std::size_t>(p.tp.partition) + 1, {-1, -1});
      }
      v[static_cast<std::size_t>(p.tp.partition)] = {p.leader, p.leader_epoch};
    }
    // A broker that just restarted may not know the topics yet: keep what we knew and ask again
    // (Kafka retries UNKNOWN_TOPIC_OR_PARTITION).
    bool missing = false;
    for (const auto& t : subscription_) missing = missing || fresh.count(t) == 0;
    for (const auto& tp : manual_assignment_) missing = missing || fresh.count(tp.topic) == 0;
    if (missing) {
      for (auto& [topic, parts] : fresh) metadata_[topic] = std::move(parts);
      after(ms_to_us(config_.retry_backoff_ms), [this] { request_metadata(); });
      return send_fetches();
    }
    metadata_ = std::move(fresh);
    if (!assigned_topic_counts_.empty() && group_state_ == GroupState::kStable) {
      for (const auto& [topic, count] : assigned_topic_counts_) {
        if (partition_count(topic) != count && !rejoin_needed_) {
          trace("consumer.metadata_changed", fmt::format("{} now has {} partitions (was {}): the leader rejoins", topic,
                                                         partition_count(topic), count));
          rejoin_needed_ = true;
        }
      }
    }
    // metadata.max.age.ms: refresh periodically even without errors.
    const std::uint64_t seq = ++metadata_refresh_seq_;
    after(ms_to_us(config_.metadata_max_age_ms), [this, seq] {
      if (seq == metadata_refresh_seq_) request_metadata();
    });
    send_fetches();
  });
}

std::int32_t Consumer::leader_of(const TopicPartition& tp) const {
  auto it = metadata_.find(tp.topic);
  if (it == metadata_.end() || tp.partition >= static_cast<std::int32_t>(it->second.size())) return -1;
  return it->second[static_cast<std::size_t>(tp.partition)].first;
}

std::int32_t Consumer::partition_count(const std::string& topic) const {
  auto it = metadata_.find(topic);
  return it == metadata_.end() ? 0 : static_cast<std::int32_t>(it->second.size());
}

}  // namespace kafkasim::client
