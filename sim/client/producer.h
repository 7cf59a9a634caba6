#pragma once
// Producer: Kafka's KafkaProducer as a simulated client node: partitioner, record accumulator (batching
// by batch.size and linger.ms), sender (max.in.flight.requests.per.connection per broker connection),
// acks 0/1/all, retries with exponential backoff (retry.backoff.ms .. retry.backoff.max.ms, KIP-580),
// request.timeout.ms (the connection is closed and in-flight requests fail, as NetworkClient does),
// reconnect.backoff.ms .. reconnect.backoff.max.ms before a new connection to a broker whose last one
// failed or closed (ReconnectBackoff, KIP-144; the transactional coordinator connections included),
// delivery.timeout.ms (a batch not acknowledged in time is failed), metadata refresh on errors, and
// idempotence (KIP-98: producer id and epoch from InitProducerId, a sequence number per partition, batches
// re-sent with their original sequence so the broker can answer duplicates).
//
// Transactions (KIP-98, Kafka's TransactionManager; producer_txn.cc): with transactional.id set the
// application calls init_transactions (FindCoordinator(TRANSACTION) + InitProducerId, which fences older
// epochs), then begin_transaction / send / send_offsets_to_transaction / commit_transaction or
// abort_transaction; every batch is transactional and a partition is added with AddPartitionsToTxn before
// its first batch is sent. See the TxnState comment for the state machine and error handling.
//
// Every record carries a unique id (header "kafkasim.id") so the history checker can follow it. The
// application side is send(); outcomes go to ProducerHooks (sent, acknowledged with its offset, failed).
// Simplifications: no buffer.memory limit (send never blocks), one request per broker at a time carries at
// most one batch per partition, no max.request.size; produce requests are not held back while a
// transactional request is in flight (Kafka's single Sender thread does hold them).
//
// Lifecycle: a Node. A crash drops everything volatile (batches, producer id, transaction state, pending
// `done` callbacks, which never run); a restarted transactional application calls init_transactions again.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/assign/partitioner.h"
#include "sim/client/group_metadata.h"
#include "sim/client/reconnect_backoff.h"
#include "sim/core/node.h"
#include "sim/core/rng.h"
#include "sim/log/compression.h"
#include "sim/log/record_batch.h"
#include "sim/net/network.h"
#include "sim/protocol/group_messages.h"
#include "sim/protocol/messages.h"
#include "sim/protocol/txn_messages.h"

namespace kafkasim::client {

struct ProducerConfig {
  std::string client_id = "producer";       // Kafka: client.id
  std::int16_t acks = -1;                   // Kafka: acks (all = -1)
  std::int32_t batch_size = 16384;          // Kafka: batch.size
  std::int64_t linger_ms = 0;               // Kafka: linger.ms (0 in 3.x; Kafka 4.0 changed the default to 5)
  std::int32_t max_in_flight = 5;           // Kafka: max.in.flight.requests.per.connection
  std::int32_t retries = 2147483647;        // Kafka: retries
  std::int64_t retry_backoff_ms = 100;      // Kafka: retry.backoff.ms
  std::int64_t retry_backoff_max_ms = 1000; // Kafka: retry.backoff.max.ms (KIP-580)
  std::int64_t reconnect_backoff_ms = 50;   // Kafka: reconnect.backoff.ms
  std::int64_t reconnect_backoff_max_ms = 1000;  // Kafka: reconnect.backoff.max.ms (KIP-144)
  std::int64_t delivery_timeout_ms = 120000;  // Kafka: delivery.timeout.ms
  std::int64_t request_timeout_ms = 30000;  // Kafka: request.timeout.ms
  std::int64_t metadata_max_age_ms = 300000;  // Kafka: metadata.max.age.ms
  bool enable_idempotence = true;           // Kafka: enable.idempotence (after resolve_producer_configs)
  Compression compression = Compression::kNone;  // Kafka: compression.type
  bool round_robin = false;                 // Kafka: partitioner.class=...RoundRobinPartitioner
  bool partitioner_ignore_keys = false;     // Kafka: partitioner.ignore.keys
  bool adaptive_partitioning = true;        // Kafka: partitioner.adaptive.partitioning.enable
  std::string transactional_id;             // Kafka: transactional.id ("" = not transactional)
  std::int64_t transaction_timeout_ms = 60000;  // Kafka: transaction.timeout.ms
  std::int64_t max_block_ms = 60000;        // Kafka: max.block.ms (only init_transactions waits for it)
};

// Kafka's TransactionManager.State. Transitions (Kafka's isTransitionValid):
//   kUninitialized -> kInitializing (init_transactions) -> kReady (InitProducerId answered)
//   kReady -> kInTransaction (begin_transaction) -> kCommitting (commit_transaction) -> kReady (EndTxn ok)
//   kInTransaction | kAbortableError -> kAborting (abort_transaction) -> kReady, or -> kInitializing when
//     a failed batch requires an epoch bump (KIP-360: InitProducerId with the current id and epoch)
//   kInTransaction | kCommitting -> kAbortableError: a batch or TxnOffsetCommit failed; commit fails with
//     that error, abort is allowed
//   any -> kFatalError: PRODUCER_FENCED / INVALID_PRODUCER_EPOCH (a newer producer with the same
//     transactional.id exists) or another unrecoverable answer; every batch fails and every later call
//     fails with that error (the application must close the producer: in kafkasim, crash + restart).
// Retriable coordinator errors (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS,
// CONCURRENT_TRANSACTIONS, disconnects) look the coordinator up again and retry after retry.backoff.ms.
enum class TxnState : std::uint8_t {
  kUninitialized, kInitializing, kReady, kInTransaction, kCommitting, kAborting, kAbortableError, kFatalError
};
// Kafka's names: "UNINITIALIZED", "READY", "IN_TRANSACTION", "COMMITTING_TRANSACTION" ...
const char* to_string(TxnState s);

// Completion of an asynchronous transactional call: runs in a later event with the final error
// (kNone = success). Never runs if the producer node crashes first.
using TxnDone = std::function<void(protocol::ErrorCode)>;

struct ProducerRecord {
  std::uint64_t id = 0;  // unique in the run; sent as header kafkasim.id
  std::string topic;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::string>> headers;
  std::int64_t timestamp_ms = -1;  // -1: now (CreateTime)
};

struct ProducerHooks {
  std::function<void(const ProducerRecord&, std::int32_t partition)> on_send;
  // offset -1 with acks=0 (the producer never learns it)
  std::function<void(std::uint64_t id, const protocol::TopicPartition&, std::int64_t offset)> on_ack;
  std::function<void(std::uint64_t id, const protocol::TopicPartition&, protocol::ErrorCode,
                     const std::string& message, bool final)>
      on_error;
  // EndTxn answered OK: the coordinator's commit/abort decision is durable. Not fired for a transaction
  // that added no partition and no offsets (Kafka sends no EndTxn for it).
  // (The `= {}` keeps older aggregate initialisations of ProducerHooks free of -Wmissing-field-initializers.)
  std::function<void(bool committed, std::int16_t epoch)> on_txn_end = {};
};

struct ProducerStats {
  std::int64_t sent = 0;
  std::int64_t acked = 0;
  std::int64_t failed = 0;
  std::int64_t retries = 0;
  std::int64_t requests = 0;
  std::int32_t in_flight_batches = 0;
  std::int32_t queued_records = 0;
  std::string last_error;
  TimeUs last_error_us = -1;
  std::int64_t txn_committed = 0;
  std::int64_t txn_aborted = 0;
};

class Producer : public Node, public net::Endpoint {
 public:
  Producer(Simulation& sim, NodeId id, net::Network& net, std::vector<NodeId> bootstrap, ProducerConfig config);
  ~Producer() override;

  // Appends a record to the accumulator (KafkaProducer.send). Records sent before metadata is known wait.
  // A transactional producer accepts records only in kInTransaction; otherwise the record fails at once
  // (hooks.on_error, final, partition -1) with INVALID_TXN_STATE, or with the last error in kFatalError
  // (PRODUCER_FENCED once fenced) and kAbortableError.
  void send(ProducerRecord record);
  // Sends every queued batch now, ignoring linger.ms (KafkaProducer.flush without blocking).
  void flush();
  void set_hooks(ProducerHooks hooks) { hooks_ = std::move(hooks); }
  const ProducerConfig& config() const { return config_; }
  // A config change while running (kafkasim's shortcut for "restart the client with new configs"):
  // it applies to batches created from now on; the producer id and connections are kept.
  void reconfigure(ProducerConfig config);
  const ProducerStats& stats() const { return stats_; }
  std::int64_t producer_id() const { return producer_id_; }
  std::int16_t producer_epoch() const { return producer_epoch_; }

  // ---- transactions (KafkaProducer's transactional API; producer_txn.cc). Calls on a node that is down
  // are ignored (done never runs). A call in the wrong state completes with INVALID_TXN_STATE (the fatal
  // error in kFatalError, the abortable error for commit/send_offsets in kAbortableError).
  // FindCoordinator(TRANSACTION) + InitProducerId: fences older epochs of the transactional.id and aborts
  // their open transaction; retries coordinator errors. done(REQUEST_TIMED_OUT) after max.block.ms while
  // it keeps trying (a later init_transactions call picks up the result, as Kafka's does).
  void init_transactions(TxnDone done);
  // REQUIRES (else INVALID_TXN_STATE is returned): txn_state() == kReady. Local only.
  protocol::ErrorCode begin_transaction();
  // AddOffsetsToTxn to the transaction coordinator, then TxnOffsetCommit to the group coordinator with the
  // group metadata (KIP-447 fencing). offsets: next offset to read per partition. Empty: done at once.
  void send_offsets_to_transaction(std::map<protocol::TopicPartition, std::int64_t> offsets, GroupMetadata group,
                                   TxnDone done);
  // Flushes, waits until no batch is queued or in flight, then EndTxn(commit).
  void commit_transaction(TxnDone done);
  // Fails the batches never sent (TransactionAbortedException), waits for the others (in flight or being
  // retried: they have sequence numbers), then EndTxn(abort).
  void abort_transaction(TxnDone done);
  TxnState txn_state() const { return txn_state_; }
  bool transactional() const { return !config_.transactional_id.empty(); }

  void on_message(net::ConnectionId conn, NodeId from, net::MessagePtr msg) override;
  void on_disconnect(net::ConnectionId conn, NodeId peer) override;

 protected:
  void on_start() override;
  void on_crash() override;

 private:
  struct Batch;
  struct InFlightRequest;
  struct Connection;
  struct TxnRequest;
  using Callback = std::function<void(const protocol::KafkaMessage*)>;  // nullptr: no answer
  struct PartitionInfo {
    std::int32_t leader = -1;
    std::int32_t leader_epoch = -1;
  };

  void request_metadata();
  void handle_metadata(const protocol::MetadataResponse& resp);
  void init_producer_id();
  void send_control_request(std::shared_ptr<protocol::KafkaMessage> req, std::int32_t Connection::*slot,
                            const bool& pending, const char* timeout_reason);
  void handle_init_producer_id(const protocol::InitProducerIdResponse& resp);
  // The connection to `broker`; a new one waits out the broker's reconnect backoff (conn invalid until then).
  Connection* connection(std::int32_t broker);
  void connect_after_backoff(std::int32_t broker);
  std::int32_t any_broker();
  void schedule_drain(TimeUs delay);
  void drain();
  void send_to(std::int32_t broker, std::vector<std::shared_ptr<Batch>> batches);
  void handle_produce_response(Connection& c, const protocol::ProduceResponse& resp);
  void complete_batch(Batch& b, std::int64_t base_offset);
  void fail_or_retry(std::shared_ptr<Batch> b, protocol::ErrorCode error, const std::string& message);
  void fail_batch(Batch& b, protocol::ErrorCode error, const std::string& message);
  void requeue(std::shared_ptr<Batch> b);
  void reset_producer_id(const std::string& why);
  void request_timeout(std::int32_t broker, std::int32_t correlation_id);
  void fail_connection(Connection& c, const std::string& why);
  void expire_batches();
  // Encodes one record into the open batch b (its id header first).
  void append_record(Batch& b, const ProducerRecord& r);
  // Closes b into b.encoded with the producer state, or rewrites the producer state of b.encoded.
  void encode(Batch& b);
  // The partitioner's view of `topic`, built in a reused member (no allocation per send).
  const assign::TopicPartitions& topic_partitions(const std::string& topic);
  bool partition_in_flight_before(const Batch& b) const;
  // send() after the transactional state check.
  void append(ProducerRecord record);
  // A request answered through `cb` (nullptr on disconnect or request.timeout.ms).
  void request(std::int32_t broker, std::shared_ptr<protocol::KafkaMessage> req, Callback cb);

  // transactions (producer_txn.cc)
  void txn_reset();
  // Registers a partition of the open transaction that needs AddPartitionsToTxn before its first batch.
  void txn_maybe_add_partition(const protocol::TopicPartition& tp);
  void txn_trace(std::string details);
  void set_txn_state(TxnState next);
  void txn_complete(TxnDone done, protocol::ErrorCode error);
  protocol::ErrorCode txn_state_error() const;
  void enqueue_txn(std::shared_ptr<TxnRequest> r);
  void schedule_txn_pump(TimeUs delay);
  void txn_pump();
  void send_txn_request(std::shared_ptr<TxnRequest> r);
  void insert_txn(std::shared_ptr<TxnRequest> r);
  void retry_txn(std::shared_ptr<TxnRequest> r, TimeUs backoff);
  void handle_txn_response(std::shared_ptr<TxnRequest> r, const protocol::KafkaMessage* m);
  void txn_coordinator_answer(std::shared_ptr<TxnRequest> r, protocol::ErrorCode error);
  void txn_find_coordinator_done(std::shared_ptr<TxnRequest> r, const protocol::FindCoordinatorResponse& resp);
  void txn_init_done(std::shared_ptr<TxnRequest> r, const protocol::InitProducerIdResponse& resp);
  void txn_add_partitions_done(std::shared_ptr<TxnRequest> r, const protocol::AddPartitionsToTxnResponse& resp);
  void txn_offset_commit_done(std::shared_ptr<TxnRequest> r, const protocol::TxnOffsetCommitResponse& resp);
  void txn_end_done(std::shared_ptr<TxnRequest> r);
  // A batch failed inside a transaction (Kafka's TransactionManager.maybeTransitionToErrorState).
  void txn_batch_failed(protocol::ErrorCode error, const std::string& why);
  void txn_abortable_error(protocol::ErrorCode error, const std::string& why);
  void txn_fatal_error(protocol::ErrorCode error, const std::string& why);
  enum class FailScope : std::uint8_t { kUnsent, kAll };
  // Fails the batches of `scope` (unsent ones: not in flight) and the records waiting for metadata.
  void fail_batches(FailScope scope, protocol::ErrorCode error, const std::string& message);
  bool has_incomplete_batches() const;
  bool send_allowed(const protocol::TopicPartition& tp) const;

  net::Network& net_;
  std::vector<NodeId> bootstrap_;
  ProducerConfig config_;
  ProducerHooks hooks_;
  ProducerStats stats_;
  Rng rng_;
  Rng reconnect_rng_;  // jitter of reconnect.backoff.ms

  // volatile (dropped on crash)
  std::map<std::string, std::vector<PartitionInfo>> metadata_;
  bool metadata_pending_ = false;
  TimerId metadata_timer_{};
  TimeUs metadata_backoff_until_us_ = 0;
  std::map<std::int32_t, std::unique_ptr<Connection>> connections_;
  ReconnectBackoff reconnect_;
  std::map<protocol::TopicPartition, std::deque<std::shared_ptr<Batch>>> queues_;
  std::vector<ProducerRecord> waiting_for_metadata_;
  std::map<protocol::TopicPartition, std::int32_t> next_sequence_;
  std::map<protocol::TopicPartition, std::set<std::int32_t>> in_flight_sequences_;
  std::unique_ptr<assign::StickyPartitioner> sticky_;
  std::unique_ptr<assign::RoundRobinPartitioner> round_robin_;
  assign::TopicPartitions topic_partitions_scratch_;
  std::vector<RecordHeader> encode_headers_;  // append_record's headers, reused
  std::int64_t producer_id_ = -1;
  std::int16_t producer_epoch_ = -1;
  bool pid_pending_ = false;
  bool drain_scheduled_ = false;
  TimerId drain_timer_{};
  TimeUs drain_at_us_ = kTimeNever;
  std::int32_t next_correlation_ = 1;
  bool flushing_ = false;

  // transactions (volatile; Kafka's TransactionManager fields)
  TxnState txn_state_ = TxnState::kUninitialized;
  protocol::ErrorCode txn_error_ = protocol::ErrorCode::kNone;  // lastError in the error states
  std::int32_t txn_coordinator_ = -1;
  std::map<std::string, std::int32_t> group_coordinators_;
  std::set<protocol::TopicPartition> new_partitions_;      // newPartitionsInTransaction
  std::set<protocol::TopicPartition> pending_partitions_;  // pendingPartitionsInTransaction (being added)
  std::set<protocol::TopicPartition> partitions_in_txn_;   // partitionsInTransaction
  bool txn_started_ = false;         // a partition or the offsets were added (else no EndTxn is sent)
  bool epoch_bump_required_ = false; // KIP-360: a batch failed; abort is followed by InitProducerId
  std::deque<std::shared_ptr<TxnRequest>> txn_queue_;  // by Kafka's priority, FIFO within one
  std::shared_ptr<TxnRequest> txn_current_;  // the one transactional request in flight
  bool txn_pump_scheduled_ = false;
  TimerId txn_pump_timer_{};
  TimeUs txn_pump_at_us_ = kTimeNever;
  bool init_result_unclaimed_ = false;  // init_transactions timed out (max.block.ms) before it succeeded
};

}  // namespace kafkasim::client
