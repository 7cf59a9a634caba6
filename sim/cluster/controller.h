#pragma once
// Controller: the active KRaft controller of the simulated cluster (one node; a quorum can come later).
//
// Models (Kafka 3.7, KRaft): broker registration and liveness by heartbeats (broker.session.timeout.ms,
// KIP-631: a broker that misses its session is fenced; it is unfenced on its next heartbeat after
// re-registering); topic creation with Kafka's rack-unaware replica assignment
// (AdminUtils.assignReplicasToBrokersRackUnaware, random start index and shift from our PRNG); leader
// election from the ISR with the preferred (first) replica first; unclean election only when
// unclean.leader.election.enable; a new partition's first leader at leader epoch 0 and partition epoch 0
// (Kafka's PartitionRecord), then a leader-epoch bump on every leader change and a partition-epoch bump on
// every change; ISR changes requested by leaders with AlterPartition (KIP-497); a fenced broker is removed
// from every ISR except when it is the last member (the partition then has no leader and waits for it:
// the "last replica standing"); controlled shutdown moves leadership away first.
// Every change is pushed to the brokers as a MetadataUpdate (KRaft brokers replay the metadata log).
//
// Simplifications: the metadata log is not replicated (the controller does not crash in scenarios unless
// asked, and then nothing changes until it restarts, with its state intact, as a quorum would keep it);
// no preferred-leader rebalancing (auto.leader.rebalance.enable); no reassignments.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sim/cluster/cluster_config.h"
#include "sim/core/node.h"
#include "sim/core/rng.h"
#include "sim/net/network.h"
#include "sim/protocol/messages.h"

namespace kafkasim::cluster {

struct PartitionRecord {
  std::vector<std::int32_t> replicas;  // assignment order; replicas[0] is the preferred leader
  std::vector<std::int32_t> isr;
  std::int32_t leader = -1;
  std::int32_t leader_epoch = 0;
  std::int32_t partition_epoch = 0;
};

struct BrokerRegistration {
  std::int64_t broker_epoch = -1;
  bool registered = false;
  bool fenced = true;
  bool shutting_down = false;
  TimeUs last_heartbeat_us = 0;
  net::ConnectionId conn{};
  bool has_conn = false;
};

// Why a leader election happened (traced and shown).
enum class ElectionReason : std::uint8_t { kNewTopic, kLeaderFenced, kControlledShutdown, kBrokerReturned };

// What the controller tells the engine (history checker, visualizer). Set by the engine.
struct ControllerHooks {
  std::function<void(const protocol::TopicPartition& tp, const PartitionRecord& record, bool unclean)> on_leader_change;
};

class Controller : public Node, public net::Endpoint {
 public:
  Controller(Simulation& sim, NodeId id, net::Network& net, BrokerConfig config);

  // Creates a topic (at setup or from the timeline). Returns kNone, or INVALID_REPLICATION_FACTOR when
  // replication_factor exceeds the registered brokers. Brokers learn it through a MetadataUpdate.
  protocol::ErrorCode create_topic(const std::string& name, std::int32_t partitions,
                                   std::int32_t replication_factor, const TopicConfig& config);
  protocol::ErrorCode add_partitions(const std::string& name, std::int32_t new_total);
  // Changes a topic config (only the fields the controller uses: unclean election, min ISR).
  void set_topic_config(const std::string& name, const TopicConfig& config);
  // Pre-registers the brokers the cluster will have (ids) so topic assignment can happen at time 0.
  void expect_brokers(std::vector<std::int32_t> broker_ids);
  void set_hooks(ControllerHooks hooks) { hooks_ = std::move(hooks); }

  const std::map<protocol::TopicPartition, PartitionRecord>& partitions() const { return partitions_; }
  const std::map<std::int32_t, BrokerRegistration>& brokers() const { return brokers_; }
  const TopicConfig* topic_config(const std::string& topic) const;
  std::int32_t topic_partition_count(const std::string& topic) const;

  void on_message(net::ConnectionId conn, NodeId from, net::MessagePtr msg) override;
  void on_disconnect(net::ConnectionId conn, NodeId peer) override;

 protected:
  void on_start() override;
  void on_crash() override;

 private:
  void handle_registration(net::ConnectionId conn, const protocol::BrokerRegistrationRequest& req);
  void handle_heartbeat(net::ConnectionId conn, const protocol::BrokerHeartbeatRequest& req);
  void handle_alter_partition(net::ConnectionId conn, const protocol::AlterPartitionRequest& req);
  void check_sessions();
  void fence(std::int32_t broker, const std::string& why);
  void unfence(std::int32_t broker);
  // Removes `broker` from ISRs and moves leadership off it (fencing or controlled shutdown).
  void remove_broker_from_partitions(std::int32_t broker, ElectionReason reason);
  // Elects a leader for a partition without one (or whose leader must go). Returns true if it changed.
  bool elect_leader(const protocol::TopicPartition& tp, PartitionRecord& p, ElectionReason reason,
                    std::int32_t excluded_broker);
  bool broker_alive(std::int32_t broker) const;
  void changed(const protocol::TopicPartition& tp);
  void publish();
  void send_full_state(std::int32_t broker);
  std::vector<std::int32_t> live_brokers() const;

  net::Network& net_;
  BrokerConfig config_;
  ControllerHooks hooks_;
  Rng rng_;
  std::map<std::int32_t, BrokerRegistration> brokers_;
  std::map<protocol::TopicPartition, PartitionRecord> partitions_;
  std::map<std::string, TopicConfig> topics_;
  std::vector<protocol::TopicPartition> dirty_;
  bool publish_scheduled_ = false;
  std::int64_t metadata_offset_ = 0;
  std::int64_t next_broker_epoch_ = 1;
};

// Kafka's rack-unaware replica assignment (AdminUtils.assignReplicasToBrokersRackUnaware), for
// `partitions` new partitions starting at index `first_partition`, with start index and shift drawn
// from rng as Kafka draws them from its Random. brokers must be sorted.
std::vector<std::vector<std::int32_t>> assign_replicas_rack_unaware(const std::vector<std::int32_t>& brokers,
                                                                     std::int32_t partitions,
                                                                     std::int32_t replication_factor,
                                                                     std::int32_t first_partition, Rng& rng);

}  // namespace kafkasim::cluster
