#pragma once
// TransactionCoordinator: Kafka's transaction coordinator (kafka.coordinator.transaction.
// TransactionCoordinator, TransactionStateManager, TransactionMarkerChannelManager; KIP-98) running inside
// one Broker. It answers FindCoordinator(key_type TRANSACTION) for any transactional.id, and
// InitProducerId (with a transactional.id), AddPartitionsToTxn, AddOffsetsToTxn and EndTxn for the ids
// whose __transaction_state partition (abs(Java String.hashCode(transactional.id)) %
// transaction.state.log.num.partitions) this broker leads.
//
// State per transactional.id (TransactionMetadata): producer id and epoch, transaction.timeout.ms, state
// Empty -> Ongoing -> PrepareCommit|PrepareAbort -> CompleteCommit|CompleteAbort (-> Ongoing again), the
// partitions of the open transaction and its start time. Every transition is first written to
// __transaction_state (txn_records.h) with acks=all and applied when the HW covers it (Kafka:
// prepareTransitionTo / appendTransactionToLog / completeTransitionTo); while one is pending, other
// requests for that id get CONCURRENT_TRANSACTIONS.
//   InitProducerId: a new id gets a producer id with epoch 0; an existing one gets epoch + 1, which fences
//     the older producer (its requests get PRODUCER_FENCED here and INVALID_PRODUCER_EPOCH at partition
//     leaders once the bumped marker is written). An Ongoing transaction is aborted first with the bumped
//     epoch (the caller gets CONCURRENT_TRANSACTIONS and retries).
//   EndTxn: Ongoing -> PrepareCommit/PrepareAbort is the decision (answered to the producer, reported by
//     BrokerHooks::on_txn_end); then WriteTxnMarkers go to the leader of every partition of the
//     transaction (retried until each is written, following leader changes), then Complete*.
//   transaction.timeout.ms: every transaction.abort.timed.out.transaction.cleanup.interval.ms, Ongoing
//     transactions older than their timeout are aborted with a bumped epoch (the producer is fenced).
//   transactional.id.expiration.ms: every transaction.remove.expired.transaction.cleanup.interval.ms, ids
//     in Empty/CompleteCommit/CompleteAbort whose last update is at least that old are expired (Kafka:
//     TransactionStateManager.removeExpiredTransactionalIds): one batch of tombstones per
//     __transaction_state partition, and the ids are forgotten once it is replicated (CONCURRENT_TRANSACTIONS
//     meanwhile). A later InitProducerId for such an id gets a new producer id at epoch 0.
// Failover: becoming leader of a __transaction_state partition loads it (the last record per id wins;
// COORDINATOR_LOAD_IN_PROGRESS meanwhile) and completes every PrepareCommit/PrepareAbort found there by
// sending its markers again; the coordinator epoch is that partition's leader epoch.
//
// Simplifications: no KIP-360 recovery of an epoch by the producer (InitProducerId always bumps), no KIP-890 partition verification.
// Lifecycle: owned by its Broker; reset() on a broker crash drops every in-memory structure.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/cluster/cluster_config.h"
#include "sim/cluster/coordinator_util.h"
#include "sim/cluster/txn_records.h"
#include "sim/core/event_queue.h"
#include "sim/net/network.h"
#include "sim/protocol/group_messages.h"
#include "sim/protocol/txn_messages.h"

namespace kafkasim::cluster {

class Broker;
class Controller;

inline constexpr std::string_view kTransactionStateTopic = "__transaction_state";

// The topic config of __transaction_state: compacted, min.insync.replicas = transaction.state.log.min.isr,
// segment.bytes = 100 MiB (Kafka: transaction.state.log.segment.bytes).
TopicConfig transaction_state_topic_config(const BrokerConfig& config);
// Creates __transaction_state with transaction.state.log.num.partitions partitions and RF =
// min(transaction.state.log.replication.factor, brokers). As Kafka, on the first
// FindCoordinator(TRANSACTION): the broker sends the controller a CreateTopics request and answers
// COORDINATOR_NOT_AVAILABLE until the topic exists. Returns the controller's error code.
protocol::ErrorCode create_transaction_state_topic(Controller& controller, const BrokerConfig& config, int brokers);

// One transactional id as the coordinator knows it (observation: GUI, tests, expectations).
struct TxnDescription {
  std::string transactional_id;
  std::int32_t coordinator = -1;  // broker id
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  std::string state;  // Kafka's TransactionState name
  std::vector<protocol::TopicPartition> partitions;
  std::int32_t timeout_ms = 0;
  std::int64_t start_ms = -1;  // wall clock of the transaction's start (Ongoing), -1 otherwise
  bool transition_pending = false;
  std::int32_t markers_pending = 0;  // partitions still waiting for their marker
};

class TransactionCoordinator {
 public:
  explicit TransactionCoordinator(Broker& broker);
  ~TransactionCoordinator();
  TransactionCoordinator(const TransactionCoordinator&) = delete;
  TransactionCoordinator& operator=(const TransactionCoordinator&) = delete;

  // Requests (the broker dispatches FindCoordinator with key_type 1, transactional InitProducerId,
  // AddPartitionsToTxn, AddOffsetsToTxn, EndTxn here, and WriteTxnMarkers responses).
  void handle_find_coordinator(net::ConnectionId conn, const protocol::FindCoordinatorRequest& req);
  void handle_init_producer_id(net::ConnectionId conn, const protocol::InitProducerIdRequest& req);
  void handle_add_partitions(net::ConnectionId conn, const protocol::AddPartitionsToTxnRequest& req);
  void handle_add_offsets(net::ConnectionId conn, const protocol::AddOffsetsToTxnRequest& req);
  void handle_end_txn(net::ConnectionId conn, const protocol::EndTxnRequest& req);
  void handle_markers_response(net::ConnectionId conn, const protocol::WriteTxnMarkersResponse& resp);
  void on_disconnect(net::ConnectionId conn);

  // From the broker: this broker's role for __transaction_state partition `partition` (re)announced.
  void on_partition_role(std::int32_t partition, bool leader, std::int32_t leader_epoch);
  // From the broker: the HW of a __transaction_state partition advanced (completes pending writes).
  void on_hw_advanced(std::int32_t partition);
  // The broker started (schedules the timeout sweep) / crashed (drops everything).
  void start();
  void reset();

  // --- observation ---
  std::vector<TxnDescription> transactions() const;  // ids this broker coordinates (loaded), sorted
  std::int32_t partition_for(std::string_view transactional_id) const;
  bool loading(std::int32_t partition) const { return loading_.count(partition) != 0; }

 private:
  struct Txn;
  struct MarkerRequest;
  using Reply = std::function<void(protocol::ErrorCode)>;

  protocol::ErrorCode owner_error(std::string_view transactional_id) const;
  void send(net::ConnectionId conn, std::shared_ptr<protocol::KafkaMessage> msg);
  // Validates (producer id, epoch) against the id's metadata; kNone when they match.
  protocol::ErrorCode check_producer(const Txn* t, std::int64_t producer_id, std::int16_t producer_epoch) const;
  // Adds partitions to the transaction (AddPartitionsToTxn and AddOffsetsToTxn).
  void add_partitions(const std::string& id, std::int64_t producer_id, std::int16_t producer_epoch,
                      std::vector<protocol::TopicPartition> partitions, Reply reply);

  // Writes `next` for txn `id` to the log through writer_; applies it and calls done(kNone) when
  // replicated, or done(error) (the transition is dropped) when the write fails.
  void write_transition(Txn& t, TxnLogValue next, Reply done);
  // The write of `next` for `id` completed (kNone) or failed: the transition is applied or dropped.
  void settle_transition(const std::string& id, const TxnLogValue& next, protocol::ErrorCode error);
  // Ongoing -> PrepareCommit/PrepareAbort (the decision), then markers. `bump_epoch` fences the producer.
  void end_transaction(Txn& t, bool commit, bool bump_epoch, std::string reason, Reply reply);
  void send_markers(const std::string& id);
  void on_marker_result(const std::string& id, const protocol::TopicPartition& tp, protocol::ErrorCode error);
  void complete_transaction(const std::string& id);
  void abort_timed_out();
  void remove_expired_transactional_ids();
  // Writes tombstones for `ids` (expired, all of __transaction_state partition `partition`).
  void write_tombstones(std::int32_t partition, const std::vector<std::string>& ids);

  void load_partition(std::int32_t partition, std::int32_t leader_epoch);
  void unload_partition(std::int32_t partition);
  Txn* find(const std::string& id);

  Broker& broker_;
  std::int32_t num_partitions_;
  InternalTopicWriter writer_;  // appends to __transaction_state (request.timeout.ms)

  // volatile
  std::map<std::string, std::unique_ptr<Txn>> txns_;
  std::map<std::int32_t, std::int32_t> led_;  // partition -> leader epoch (the coordinator epoch)
  std::set<std::int32_t> loading_;
  std::map<std::int32_t, std::unique_ptr<MarkerRequest>> marker_requests_;  // by correlation id
  std::map<std::int32_t, net::ConnectionId> broker_conns_;                  // marker channel per broker
  std::int32_t next_correlation_ = 1;
  TimeUs create_requested_us_ = -1;  // when this broker last asked the controller for __transaction_state
};

}  // namespace kafkasim::cluster
