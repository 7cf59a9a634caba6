#pragma once
// Broker: one Kafka broker node. It owns a simulated Disk (log.dirs) holding its partition logs, a
// Replica per partition it hosts, and the request handling of Kafka's KafkaApis for the paths kafkasim
// models: Metadata, Produce (with acks 0/1/all and the delayed-produce purgatory), Fetch from consumers and
// followers (long polling, the delayed-fetch purgatory), ListOffsets, InitProducerId.
//
// Lifecycle (sim/core/node.h): on start it recovers its logs from disk, registers with the controller
// (BrokerRegistration) and heartbeats every broker.heartbeat.interval.ms; partition roles follow the
// controller's MetadataUpdates. A follower runs one fetch session per leader broker (Kafka's
// ReplicaFetcherThread), fetching all the partitions it follows from that leader in one request.
// A crash drops every in-memory structure; the Disk survives (a power loss first loses its unsynced bytes).
// Log upkeep runs on two timers, as in Kafka: the retention task every log.retention.check.interval.ms
// (logs without compaction) and the log cleaner every log.cleaner.backoff.ms when log.cleaner.enable
// (compaction, then retention of compacted logs).
// Controlled shutdown: the broker asks the controller (heartbeat wantShutDown) to move its leaders, then
// stops.
//
// The group coordinator (group_coordinator.h) and the transaction coordinator (txn_coordinator.h) live
// inside the broker: the request dispatch in on_message routes their APIs, and their internal topics
// (__consumer_offsets, __transaction_state) are ordinary partitions here. WriteTxnMarkers appends
// COMMIT/ABORT control batches as leader (broker_txn.cc).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sim/cluster/cluster_config.h"
#include "sim/cluster/replica.h"
#include "sim/core/node.h"
#include "sim/core/rng.h"
#include "sim/disk/disk.h"
#include "sim/log/partition_log.h"
#include "sim/net/network.h"
#include "sim/protocol/messages.h"
#include "sim/protocol/txn_messages.h"

namespace kafkasim::cluster {

class GroupCoordinator;
class TransactionCoordinator;

struct BrokerStats {
  std::uint64_t produce_requests = 0;
  std::uint64_t produce_errors = 0;
  std::uint64_t fetch_requests = 0;
  std::uint64_t records_appended = 0;
  std::uint64_t bytes_appended = 0;
  std::uint64_t truncations = 0;
  std::uint64_t offsets_truncated = 0;
  std::uint64_t corrupt_batches = 0;
};

// What the broker tells the engine (for the history checker and the visualizer); set by the engine.
struct BrokerHooks {
  // A replica's log lost offsets [from, to) (leader-epoch truncation, unclean election, recovery).
  std::function<void(std::int32_t broker, const protocol::TopicPartition& tp, std::int64_t from,
                     std::int64_t to, const std::string& cause)>
      on_truncate;
  // The transaction coordinator on `broker` decided a transaction: its PrepareCommit / PrepareAbort
  // record is replicated (the markers follow). reason: "EndTxn from the producer",
  // "transaction.timeout.ms=60000 expired", "fenced by InitProducerId (epoch 3)".
  std::function<void(std::int32_t broker, const std::string& transactional_id, std::int64_t producer_id,
                     std::int16_t producer_epoch, bool committed,
                     const std::vector<protocol::TopicPartition>& partitions, const std::string& reason)>
      on_txn_end;
};

// Requests the broker does not handle itself go to extensions (group and transaction coordinators).
using RequestHandler = std::function<void(net::ConnectionId conn, NodeId from, const net::MessagePtr& msg)>;

// The log configuration for a topic config (sim/log's LogConfig).
LogConfig log_config_for(const TopicConfig& config);

class Broker : public Node, public net::Endpoint {
 public:
  Broker(Simulation& sim, NodeId id, net::Network& net, NodeId controller, BrokerConfig config);
  ~Broker() override;

  std::int32_t broker_id() const { return id().value; }
  Disk& disk() { return disk_; }
  const Disk& disk() const { return disk_; }
  const BrokerConfig& config() const { return config_; }
  const BrokerStats& stats() const { return stats_; }
  // The classic group coordinator of this broker (issue 5; sim/cluster/group_coordinator.h).
  GroupCoordinator& group_coordinator() { return *group_coordinator_; }
  const GroupCoordinator& group_coordinator() const { return *group_coordinator_; }
  // The transaction coordinator of this broker (issue 6; sim/cluster/txn_coordinator.h).
  TransactionCoordinator& transaction_coordinator() { return *txn_coordinator_; }
  const TransactionCoordinator& transaction_coordinator() const { return *txn_coordinator_; }
  void set_hooks(BrokerHooks hooks) { hooks_ = std::move(hooks); }
  const BrokerHooks& hooks() const { return hooks_; }
  void set_request_handler(RequestHandler handler) { request_handler_ = std::move(handler); }
  // The partition states this broker last heard from the controller (every partition of the cluster).
  const std::map<protocol::TopicPartition, protocol::PartitionState>& metadata_cache() const {
    return metadata_cache_;
  }
  net::Network& network() { return net_; }
  // Topic configs the broker applies to its logs (the engine keeps them in step with the controller).
  void set_topic_config(const std::string& topic, const TopicConfig& config);

  // Replicas hosted here (valid while up), by partition.
  const std::map<protocol::TopicPartition, std::unique_ptr<Replica>>& replicas() const { return replicas_; }
  const Replica* replica(const protocol::TopicPartition& tp) const;
  bool registered() const { return broker_epoch_ >= 0; }
  bool fenced() const { return fenced_; }

  // Controlled shutdown: asks the controller to move leadership away, then stops (state Down).
  void controlled_shutdown();

  void on_message(net::ConnectionId conn, NodeId from, net::MessagePtr msg) override;
  void on_disconnect(net::ConnectionId conn, NodeId peer) override;

 protected:
  void on_start() override;
  void on_crash() override;
  void on_power_loss() override;

 private:
  friend class GroupCoordinator;  // appends to __consumer_offsets through the leader path
  friend class TransactionCoordinator;  // appends to __transaction_state, writes markers, allocates ids
  friend class InternalTopicWriter;  // the coordinators' appends to their internal topics
  struct DelayedProduce;
  struct DelayedMarkers;
  struct DelayedFetch;
  struct FetchSession;

  // controller link
  void connect_controller();
  void heartbeat_tick();
  void heartbeat_tick_now();
  void handle_metadata_update(const protocol::MetadataUpdate& update);
  void handle_alter_partition_response(const protocol::AlterPartitionResponse& resp);
  void maybe_alter_isr(Replica& r);
  void isr_check_tick();

  // logs
  void recover_logs();
  Replica* ensure_replica(const protocol::TopicPartition& tp);
  Replica* open_replica(const protocol::TopicPartition& tp, std::int64_t recovery_point, std::int64_t log_start);
  void write_checkpoints();
  std::string log_dir(const protocol::TopicPartition& tp) const;
  void retention_tick();
  void cleaner_tick();
  void trace_maintenance(const protocol::TopicPartition& tp, const Replica& r, const MaintenanceReport& rep);
  void writeback_tick();
  void note_truncation(const protocol::TopicPartition& tp, std::int64_t from, std::int64_t to,
                       const std::string& cause);

  // requests
  void handle_metadata(net::ConnectionId conn, const protocol::MetadataRequest& req);
  void handle_produce(net::ConnectionId conn, const protocol::ProduceRequest& req);
  void handle_fetch(net::ConnectionId conn, NodeId from, std::shared_ptr<const protocol::FetchRequest> req);
  void handle_list_offsets(net::ConnectionId conn, const protocol::ListOffsetsRequest& req);
  void handle_init_producer_id(net::ConnectionId conn, const protocol::InitProducerIdRequest& req);
  void handle_write_txn_markers(net::ConnectionId conn, const protocol::WriteTxnMarkersRequest& req);
  void send(net::ConnectionId conn, std::shared_ptr<protocol::KafkaMessage> msg);
  std::int64_t allocate_producer_id();

  // transaction markers (broker_txn.cc): appends each marker as leader and answers when every one is
  // replicated (acks=all) or failed; the coordinator calls it directly for partitions led here.
  using MarkersDone = std::function<void(std::shared_ptr<protocol::WriteTxnMarkersResponse>)>;
  void write_txn_markers(const protocol::WriteTxnMarkersRequest& req, MarkersDone done);
  void try_complete_markers(const protocol::TopicPartition& tp, bool leadership_lost);
  void complete_markers(std::uint64_t id, bool timed_out);
  // purgatories
  void on_hw_advanced(const protocol::TopicPartition& tp);
  void on_leader_append(const protocol::TopicPartition& tp);
  void try_complete_produces(const protocol::TopicPartition& tp);
  void try_complete_fetches(const protocol::TopicPartition& tp, bool followers_only);
  void complete_produce(std::uint64_t id, bool timed_out);
  // Builds a fetch response; returns the bytes of records it carries.
  std::uint32_t build_fetch_response(const protocol::FetchRequest& req, protocol::FetchResponse& resp);
  void complete_fetch(std::uint64_t id);
  void fail_delayed_for(const protocol::TopicPartition& tp);

  // follower fetch sessions (one per leader)
  void sync_fetchers();
  void send_follower_fetch(std::int32_t leader);
  void handle_follower_fetch_response(std::int32_t leader, const protocol::FetchResponse& resp);

  net::Network& net_;
  NodeId controller_;
  BrokerConfig config_;
  Disk disk_;
  Rng rng_;
  BrokerStats stats_;
  BrokerHooks hooks_;
  std::map<std::string, TopicConfig> topic_configs_;
  RequestHandler request_handler_;
  std::unique_ptr<GroupCoordinator> group_coordinator_;
  std::unique_ptr<TransactionCoordinator> txn_coordinator_;

  // volatile (dropped on crash)
  net::ConnectionId controller_conn_{};
  std::int64_t broker_epoch_ = -1;
  bool fenced_ = true;
  bool shutting_down_ = false;
  std::int32_t next_correlation_ = 1;
  std::map<protocol::TopicPartition, std::unique_ptr<Replica>> replicas_;
  std::vector<std::int32_t> live_brokers_;
  std::int32_t known_controller_ = -1;
  std::map<std::uint64_t, std::unique_ptr<DelayedProduce>> delayed_produces_;
  std::map<std::uint64_t, std::unique_ptr<DelayedFetch>> delayed_fetches_;
  std::map<std::uint64_t, std::unique_ptr<DelayedMarkers>> delayed_markers_;
  std::uint64_t next_delayed_id_ = 1;
  std::map<std::int32_t, std::unique_ptr<FetchSession>> fetchers_;  // by leader broker
  std::map<protocol::TopicPartition, protocol::PartitionState> metadata_cache_;
  // Observation only (never read by the broker's logic): each log's end offset when the process last went
  // down, so a recovery that lost offsets after a power loss can be reported as a truncation.
  std::map<protocol::TopicPartition, std::int64_t> leo_at_crash_;
  TimeUs power_lost_at_us_ = -1;
  std::int64_t next_producer_id_ = 0;
  std::int64_t producer_ids_left_ = 0;
};

}  // namespace kafkasim::cluster
