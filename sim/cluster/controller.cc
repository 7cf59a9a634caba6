#include "sim/cluster/controller.h"
#include "sim/cluster/txn_coordinator.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/core/assert.h"
#include "sim/core/simulation.h"

namespace kafkasim::cluster {

using protocol::ErrorCode;
using protocol::TopicPartition;

namespace {
bool contains(const std::vector<std::int32_t>& v, std::int32_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}
const char* reason_text(ElectionReason r) {
  switch (r) {
    case ElectionReason::kNewTopic: return "new partition";
    case ElectionReason::kLeaderFenced: return "leader fenced";
    case ElectionReason::kControlledShutdown: return "controlled shutdown";
    case ElectionReason::kBrokerReturned: return "replica returned";
  }
  return "?";
}
}  // namespace

std::vector<std::vector<std::int32_t>> assign_replicas_rack_unaware(const std::vector<std::int32_t>& brokers,
                                                                     std::int32_t partitions,
                                                                     std::int32_t replication_factor,
                                                                     std::int32_t first_partition, Rng& rng) {
  const auto n = static_cast<std::int32_t>(brokers.size());
  KS_ASSERT(n > 0 && replication_factor <= n);
  // Kafka: startIndex = rand.nextInt(brokers), nextReplicaShift = rand.nextInt(brokers).
  const auto start_index = static_cast<std::int32_t>(rng.uniform(static_cast<std::uint64_t>(n)));
  auto next_replica_shift = static_cast<std::int32_t>(rng.uniform(static_cast<std::uint64_t>(n)));
  std::int32_t current = first_partition;
  std::vector<std::vector<std::int32_t>> out;
  for (std::int32_t i = 0; i < partitions; ++i) {
    if (current > 0 && current % n == 0) ++next_replica_shift;
    const std::int32_t first_index = (current + start_index) % n;
    std::vector<std::int32_t> replicas{brokers[static_cast<std::size_t>(first_index)]};
    for (std::int32_t j = 0; j < replication_factor - 1; ++j) {
      const std::int32_t shift = 1 + (next_replica_shift + j) % (n - 1);
      replicas.push_back(brokers[static_cast<std::size_t>((first_index + shift) % n)]);
    }
    out.push_back(std::move(replicas));
    ++current;
  }
  return out;
}

Controller::Controller(Simulation& sim, NodeId id, net::Network& net, BrokerConfig config)
    : Node(sim, id, NodeKind::kController, "controller"),
      net_(net),
      config_(std::move(config)),
      rng_(sim.rng("controller")) {
  net_.attach(id, this);
}

void Controller::expect_brokers(std::vector<std::int32_t> broker_ids) {
  for (std::int32_t b : broker_ids) brokers_[b];
}

void Controller::on_start() {
  // Session checks every second; heartbeats arrive every broker.heartbeat.interval.ms.
  check_sessions();
}

void Controller::on_crash() {
  // The metadata (partitions_, topics_, brokers_) is the replicated metadata log: it survives. Only the
  // connections and pending publications are volatile.
  for (auto& [id, b] : brokers_) b.has_conn = false;
  dirty_.clear();
  publish_scheduled_ = false;
}

const TopicConfig* Controller::topic_config(const std::string& topic) const {
  auto it = topics_.find(topic);
  return it == topics_.end() ? nullptr : &it->second;
}

std::int32_t Controller::topic_partition_count(const std::string& topic) const {
  auto it = partitions_.lower_bound(TopicPartition{topic, 0});
  std::int32_t count = 0;
  for (; it != partitions_.end() && it->first.topic == topic; ++it) ++count;
  return count;
}

ErrorCode Controller::create_topic(const std::string& name, std::int32_t partitions,
                                   std::int32_t replication_factor, const TopicConfig& config) {
  std::vector<std::int32_t> ids;
  for (const auto& [id, b] : brokers_) ids.push_back(id);
  if (replication_factor < 1 || replication_factor > static_cast<std::int32_t>(ids.size()) || partitions < 1) {
    return ErrorCode::kInvalidReplicationFactor;
  }
  topics_[name] = config;
  const auto assignment = assign_replicas_rack_unaware(ids, partitions, replication_factor, 0, rng_);
  for (std::int32_t p = 0; p < partitions; ++p) {
    TopicPartition tp{name, p};
    PartitionRecord rec;
    rec.replicas = assignment[static_cast<std::size_t>(p)];
    rec.isr = rec.replicas;
    partitions_[tp] = rec;
    elect_leader(tp, partitions_[tp], ElectionReason::kNewTopic, -1);
    changed(tp);
  }
  sim().trace_event(id(), "controller.create_topic",
                    fmt::format("created topic {} with {} partitions, replication factor {}", name, partitions,
                                replication_factor));
  return ErrorCode::kNone;
}

ErrorCode Controller::add_partitions(const std::string& name, std::int32_t new_total) {
  const std::int32_t existing = topic_partition_count(name);
  if (existing == 0) return ErrorCode::kUnknownTopicOrPartition;
  if (new_total <= existing) return ErrorCode::kInvalidReplicationFactor;
  const std::int32_t rf =
      static_cast<std::int32_t>(partitions_.at(TopicPartition{name, 0}).replicas.size());
  std::vector<std::int32_t> ids;
  for (const auto& [id, b] : brokers_) ids.push_back(id);
  const auto assignment = assign_replicas_rack_unaware(ids, new_total - existing, rf, existing, rng_);
  for (std::int32_t p = existing; p < new_total; ++p) {
    TopicPartition tp{name, p};
    PartitionRecord rec;
    rec.replicas = assignment[static_cast<std::size_t>(p - existing)];
    // Only live replicas start in the ISR (a down broker has not got the empty log yet).
    for (std::int32_t r : rec.replicas) {
      if (broker_alive(r)) rec.isr.push_back(r);
    }
    if (rec.isr.empty()) rec.isr = rec.replicas;
    partitions_[tp] = rec;
    elect_leader(tp, partitions_[tp], ElectionReason::kNewTopic, -1);
    changed(tp);
  }
  sim().trace_event(id(), "controller.add_partitions",
                    fmt::format("topic {} now has {} partitions (was {})", name, new_total, existing));
  return ErrorCode::kNone;
}

void Controller::set_topic_config(const std::string& name, const TopicConfig& config) {
  topics_[name] = config;
  // A newly enabled unclean election applies to partitions that are offline now.
  for (auto& [tp, p] : partitions_) {
    if (tp.topic == name && p.leader == -1 && elect_leader(tp, p, ElectionReason::kBrokerReturned, -1)) {
      changed(tp);
    }
  }
}

bool Controller::broker_alive(std::int32_t broker) const {
  auto it = brokers_.find(broker);
  return it != brokers_.end() && it->second.registered && !it->second.fenced && !it->second.shutting_down;
}

std::vector<std::int32_t> Controller::live_brokers() const {
  std::vector<std::int32_t> out;
  for (const auto& [id, b] : brokers_) {
    if (broker_alive(id)) out.push_back(id);
  }
  return out;
}

bool Controller::elect_leader(const TopicPartition& tp, PartitionRecord& p, ElectionReason reason,
                              std::int32_t excluded) {
  const bool initial = reason == ElectionReason::kNewTopic;
  auto eligible = [&](std::int32_t r) { return r != excluded && (initial || broker_alive(r)); };
  // Clean election: the first replica in assignment order that is in the ISR (preferred replica first).
  std::int32_t leader = -1;
  for (std::int32_t r : p.replicas) {
    if (contains(p.isr, r) && eligible(r)) {
      leader = r;
      break;
    }
  }
  bool unclean = false;
  const TopicConfig* tc = topic_config(tp.topic);
  if (leader == -1 && tc != nullptr && tc->unclean_leader_election_enable) {
    for (std::int32_t r : p.replicas) {
      if (eligible(r)) {
        leader = r;
        unclean = true;
        break;
      }
    }
  }
  if (leader == -1) {
    if (p.leader != -1) {
      const std::int32_t old = p.leader;
      p.leader = -1;
      ++p.leader_epoch;
      ++p.partition_epoch;
      sim().trace_event(id(), "controller.offline",
                        fmt::format("{} has no leader: ISR {} has no live member ({}; was led by {})",
                                    tp.str(), p.isr, reason_text(reason), old));
      if (hooks_.on_leader_change) hooks_.on_leader_change(tp, p, false);
      return true;
    }
    return false;
  }
  if (leader == p.leader) return false;
  p.leader = leader;
  if (initial) {
    // A new partition starts with its first leader at leader epoch 0 and partition epoch 0 (Kafka KRaft:
    // ReplicationControlManager.createTopic / createPartitions write a PartitionRecord with
    // setLeaderEpoch(0).setPartitionEpoch(0); ZooKeeper mode: LeaderAndIsr.initialLeaderEpoch = 0).
    // Every later election bumps both.
    p.leader_epoch = 0;
    p.partition_epoch = 0;
  } else {
    ++p.leader_epoch;
    ++p.partition_epoch;
  }
  if (unclean) p.isr = {leader};
  sim().trace_event(id(), unclean ? "controller.unclean_election" : "controller.election",
                    fmt::format("{}: broker {} elected leader{} with epoch {} ({}), ISR {}", tp.str(), leader,
                                unclean ? " UNCLEANLY (out of sync replica)" : "", p.leader_epoch,
                                reason_text(reason), p.isr));
  if (hooks_.on_leader_change) hooks_.on_leader_change(tp, p, unclean);
  return true;
}

void Controller::remove_broker_from_partitions(std::int32_t broker, ElectionReason reason) {
  for (auto& [tp, p] : partitions_) {
    if (!contains(p.replicas, broker)) continue;
    bool change = false;
    if (contains(p.isr, broker) && p.isr.size() > 1) {
      p.isr.erase(std::find(p.isr.begin(), p.isr.end(), broker));
      ++p.partition_epoch;
      change = true;
      sim().trace_event(id(), "controller.isr_shrink",
                        fmt::format("{}: ISR shrinks to {} (broker {} {})", tp.str(), p.isr, broker,
                                    reason == ElectionReason::kControlledShutdown ? "shutting down" : "fenced"));
    }
    if (p.leader == broker) change = elect_leader(tp, p, reason, broker) || change;
    if (change) changed(tp);
  }
}

void Controller::fence(std::int32_t broker, const std::string& why) {
  BrokerRegistration& b = brokers_[broker];
  if (b.fenced) return;
  b.fenced = true;
  sim().trace_event(id(), "controller.fence", fmt::format("broker {} fenced: {}", broker, why));
  remove_broker_from_partitions(broker, ElectionReason::kLeaderFenced);
  publish();
}

void Controller::unfence(std::int32_t broker) {
  BrokerRegistration& b = brokers_[broker];
  if (!b.fenced) return;
  b.fenced = false;
  sim().trace_event(id(), "controller.unfence", fmt::format("broker {} unfenced", broker));
  // Partitions that lost every leader candidate elect this broker if it is in their ISR
  // (or uncleanly, if the topic allows it).
  for (auto& [tp, p] : partitions_) {
    if (p.leader == -1 && contains(p.replicas, broker) &&
        elect_leader(tp, p, ElectionReason::kBrokerReturned, -1)) {
      changed(tp);
    }
  }
  publish();
}

void Controller::check_sessions() {
  const TimeUs timeout_us = ms_to_us(config_.broker_session_timeout_ms);
  for (auto& [bid, b] : brokers_) {
    if (b.registered && !b.fenced && sim().now() - b.last_heartbeat_us > timeout_us) {
      fence(bid, fmt::format("no heartbeat for broker.session.timeout.ms={}", config_.broker_session_timeout_ms));
    }
  }
  after(sec_to_us(1), [this] { check_sessions(); });
}

void Controller::on_message(net::ConnectionId conn, NodeId /*from*/, net::MessagePtr msg) {
  const auto& km = static_cast<const protocol::KafkaMessage&>(*msg);
  switch (km.api) {
    case protocol::Api::kBrokerRegistration:
      handle_registration(conn, static_cast<const protocol::BrokerRegistrationRequest&>(km));
      break;
    case protocol::Api::kBrokerHeartbeat:
      handle_heartbeat(conn, static_cast<const protocol::BrokerHeartbeatRequest&>(km));
      break;
    case protocol::Api::kAlterPartition:
      handle_alter_partition(conn, static_cast<const protocol::AlterPartitionRequest&>(km));
      break;
    case protocol::Api::kCreateTopics: {
      // Only the internal __transaction_state is created on request (AutoTopicCreationManager).
      const auto& req = static_cast<const protocol::CreateTopicsRequest&>(km);
      if (req.topic == kTransactionStateTopic && topic_partition_count(req.topic) == 0) {
        const ErrorCode e = create_transaction_state_topic(*this, config_, static_cast<int>(brokers_.size()));
        if (e != ErrorCode::kNone) {
          sim().trace_event(id(), "controller.create_topic_failed",
                            fmt::format("cannot create {}: {}", req.topic, protocol::error_name(e)));
        }
      }
      break;
    }
    default:
      break;  // the controller ignores anything else (clients never talk to it)
  }
}

void Controller::on_disconnect(net::ConnectionId conn, NodeId peer) {
  auto it = brokers_.find(peer.value);
  if (it != brokers_.end() && it->second.has_conn && it->second.conn == conn) it->second.has_conn = false;
}

void Controller::handle_registration(net::ConnectionId conn, const protocol::BrokerRegistrationRequest& req) {
  BrokerRegistration& b = brokers_[req.broker_id];
  // A new registration of a broker the controller still had unfenced means its process restarted: the
  // old incarnation is fenced first, which moves its leaderships away and takes it out of ISRs where
  // possible (KRaft: ClusterControlManager registers the new incarnation fenced; ReplicationControlManager
  // handles the fencing of the old one).
  if (b.registered && !b.fenced) fence(req.broker_id, "it registered again after a restart");
  b.registered = true;
  b.fenced = true;  // a (re)registered broker stays fenced until its first heartbeat (KIP-631)
  b.shutting_down = false;
  b.broker_epoch = next_broker_epoch_++;
  b.last_heartbeat_us = sim().now();
  b.conn = conn;
  b.has_conn = true;
  sim().trace_event(id(), "controller.register",
                    fmt::format("broker {} registered with broker epoch {}", req.broker_id, b.broker_epoch));
  auto resp = std::make_shared<protocol::BrokerRegistrationResponse>();
  resp->correlation_id = req.correlation_id;
  resp->broker_epoch = b.broker_epoch;
  net_.send(conn, id(), resp);
  send_full_state(req.broker_id);
}

void Controller::handle_heartbeat(net::ConnectionId conn, const protocol::BrokerHeartbeatRequest& req) {
  auto resp = std::make_shared<protocol::BrokerHeartbeatResponse>();
  resp->correlation_id = req.correlation_id;
  auto it = brokers_.find(req.broker_id);
  if (it == brokers_.end() || !it->second.registered || it->second.broker_epoch != req.broker_epoch) {
    resp->error = ErrorCode::kStaleBrokerEpoch;
    net_.send(conn, id(), resp);
    return;
  }
  BrokerRegistration& b = it->second;
  b.last_heartbeat_us = sim().now();
  b.conn = conn;
  b.has_conn = true;
  if (req.want_shut_down) {
    if (!b.shutting_down) {
      b.shutting_down = true;
      sim().trace_event(id(), "controller.controlled_shutdown",
                        fmt::format("broker {} asked for a controlled shutdown: moving its leaders away",
                                    req.broker_id));
      remove_broker_from_partitions(req.broker_id, ElectionReason::kControlledShutdown);
      publish();
    }
    resp->should_shut_down = true;
  } else if (b.fenced) {
    unfence(req.broker_id);
  }
  resp->is_fenced = b.fenced;
  net_.send(conn, id(), resp);
}

void Controller::handle_alter_partition(net::ConnectionId conn, const protocol::AlterPartitionRequest& req) {
  auto resp = std::make_shared<protocol::AlterPartitionResponse>();
  resp->correlation_id = req.correlation_id;
  resp->tp = req.tp;
  auto it = partitions_.find(req.tp);
  if (it == partitions_.end()) {
    resp->error = ErrorCode::kUnknownTopicOrPartition;
  } else {
    PartitionRecord& p = it->second;
    if (p.leader != req.broker_id || p.leader_epoch != req.leader_epoch) {
      resp->error = ErrorCode::kFencedLeaderEpoch;
    } else if (p.partition_epoch != req.partition_epoch) {
      resp->error = ErrorCode::kInvalidUpdateVersion;  // the leader refreshes its state and retries
    } else {
      // KRaft only lets live (unfenced, not shutting down) brokers into the ISR (INELIGIBLE_REPLICA).
      std::vector<std::int32_t> isr;
      for (std::int32_t r : req.new_isr) {
        if (r == p.leader || broker_alive(r) || contains(p.isr, r)) isr.push_back(r);
      }
      if (isr != p.isr) {
        const bool grow = isr.size() > p.isr.size();
        p.isr = isr;
        ++p.partition_epoch;
        sim().trace_event(id(), grow ? "controller.isr_expand" : "controller.isr_shrink",
                          fmt::format("{}: ISR {} to {} ({})", req.tp.str(), grow ? "expands" : "shrinks", p.isr,
                                      req.reason));
        changed(req.tp);
      }
    }
    resp->leader = p.leader;
    resp->leader_epoch = p.leader_epoch;
    resp->partition_epoch = p.partition_epoch;
    resp->isr = p.isr;
  }
  net_.send(conn, id(), resp);
}

void Controller::changed(const TopicPartition& tp) {
  dirty_.push_back(tp);
  if (!publish_scheduled_ && is_up()) {
    publish_scheduled_ = true;
    // Publish at the end of this instant, so several changes travel in one update.
    after(0, [this] { publish(); });
  }
}

void Controller::publish() {
  publish_scheduled_ = false;
  if (dirty_.empty() && !is_up()) return;
  std::sort(dirty_.begin(), dirty_.end());
  dirty_.erase(std::unique(dirty_.begin(), dirty_.end()), dirty_.end());
  auto update = std::make_shared<protocol::MetadataUpdate>();
  update->metadata_offset = ++metadata_offset_;
  update->live_brokers = live_brokers();
  for (const TopicPartition& tp : dirty_) {
    const PartitionRecord& p = partitions_.at(tp);
    update->partitions.push_back({tp, p.replicas, p.isr, p.leader, p.leader_epoch, p.partition_epoch});
  }
  update->wire_bytes = 64 + 48 * static_cast<std::uint32_t>(update->partitions.size());
  dirty_.clear();
  for (auto& [bid, b] : brokers_) {
    if (b.has_conn && b.registered) net_.send(b.conn, id(), update);
  }
}

void Controller::send_full_state(std::int32_t broker) {
  const BrokerRegistration& b = brokers_.at(broker);
  if (!b.has_conn) return;
  auto update = std::make_shared<protocol::MetadataUpdate>();
  update->metadata_offset = metadata_offset_;
  update->live_brokers = live_brokers();
  for (const auto& [tp, p] : partitions_) {
    update->partitions.push_back({tp, p.replicas, p.isr, p.leader, p.leader_epoch, p.partition_epoch});
  }
  update->wire_bytes = 64 + 48 * static_cast<std::uint32_t>(update->partitions.size());
  net_.send(b.conn, id(), update);
}

}  // namespace kafkasim::cluster
