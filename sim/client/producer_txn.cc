// The transactional producer: Kafka's TransactionManager and the transactional half of its Sender
// (clients/.../producer/internals/TransactionManager.java, KIP-98, KIP-360, KIP-447).
//
// Transactional requests (FindCoordinator, InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn,
// TxnOffsetCommit, EndTxn) wait in one queue ordered by Kafka's TxnRequestHandler.Priority (FIND_COORDINATOR,
// INIT_PRODUCER_ID, ADD_PARTITIONS_OR_OFFSETS, END_TXN; FIFO within one) and go out one at a time. A
// request whose coordinator is unknown first sends FindCoordinator (key_type 1 TRANSACTION with the
// transactional.id, or 0 GROUP with the group.id for TxnOffsetCommit). Each answer is handled as Kafka's
// handler for it does: retry, look the coordinator up again and retry, complete, or move to an error state.
// EndTxn waits until no batch is queued or in flight (nextRequest(hasIncompleteBatches)); it is not sent at
// all when nothing was added to the transaction.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/client/producer.h"
#include "sim/client/producer_internal.h"
#include "sim/core/assert.h"
#include "sim/core/simulation.h"

namespace kafkasim::client {

using protocol::ErrorCode;
using protocol::TopicPartition;

const char* to_string(TxnState s) {
  switch (s) {
    case TxnState::kUninitialized: return "UNINITIALIZED";
    case TxnState::kInitializing: return "INITIALIZING";
    case TxnState::kReady: return "READY";
    case TxnState::kInTransaction: return "IN_TRANSACTION";
    case TxnState::kCommitting: return "COMMITTING_TRANSACTION";
    case TxnState::kAborting: return "ABORTING_TRANSACTION";
    case TxnState::kAbortableError: return "ABORTABLE_ERROR";
    case TxnState::kFatalError: return "FATAL_ERROR";
  }
  return "?";
}

// One transactional request (Kafka's TxnRequestHandler with its builder).
struct Producer::TxnRequest {
  enum class Op : std::uint8_t { kFindCoordinator, kInitProducerId, kAddPartitions, kAddOffsets, kTxnOffsetCommit, kEndTxn };
  Op op = Op::kFindCoordinator;
  TxnDone done;                 // the application call this request completes (empty: none)
  std::int8_t key_type = 1;     // kFindCoordinator: 1 TRANSACTION, 0 GROUP
  std::string key;              // kFindCoordinator: transactional.id or group.id
  std::vector<TopicPartition> partitions;           // kAddPartitions
  std::map<TopicPartition, std::int64_t> offsets;   // kAddOffsets / kTxnOffsetCommit: still to commit
  GroupMetadata group;                              // kAddOffsets / kTxnOffsetCommit
  bool committed = false;       // kEndTxn
  bool epoch_bump = false;      // kInitProducerId: KIP-360, sent with the current producer id and epoch
  TimeUs retry_at_us = 0;       // a retried request waits retry.backoff.ms

  int priority() const {  // Kafka: TxnRequestHandler.Priority
    switch (op) {
      case Op::kFindCoordinator: return 0;
      case Op::kInitProducerId: return 1;
      case Op::kEndTxn: return 3;
      default: return 2;
    }
  }
  const char* name() const {
    switch (op) {
      case Op::kFindCoordinator: return "FindCoordinator";
      case Op::kInitProducerId: return "InitProducerId";
      case Op::kAddPartitions: return "AddPartitionsToTxn";
      case Op::kAddOffsets: return "AddOffsetsToTxn";
      case Op::kTxnOffsetCommit: return "TxnOffsetCommit";
      case Op::kEndTxn: return "EndTxn";
    }
    return "?";
  }
};

namespace {
bool fencing_error(ErrorCode e) { return e == ErrorCode::kProducerFenced || e == ErrorCode::kInvalidProducerEpoch; }

std::string list(const std::vector<TopicPartition>& tps) {
  std::vector<std::string> s;
  for (const auto& tp : tps) s.push_back(tp.str());
  return fmt::format("[{}]", fmt::join(s, ", "));
}

// Kafka: AddPartitionsToTxnHandler.ADD_PARTITIONS_RETRY_BACKOFF_MS, used for CONCURRENT_TRANSACTIONS on the
// first partition of a transaction (the previous transaction is still completing).
constexpr std::int64_t kAddPartitionsRetryBackoffMs = 20;
}  // namespace

// ---------------------------------------------------------------------------------------- state

void Producer::txn_reset() {
  txn_state_ = TxnState::kUninitialized;
  txn_error_ = ErrorCode::kNone;
  txn_coordinator_ = -1;
  group_coordinators_.clear();
  new_partitions_.clear();
  pending_partitions_.clear();
  partitions_in_txn_.clear();
  txn_started_ = false;
  epoch_bump_required_ = false;
  txn_queue_.clear();
  txn_current_ = nullptr;
  txn_pump_scheduled_ = false;
  txn_pump_at_us_ = kTimeNever;
  init_result_unclaimed_ = false;
}

void Producer::txn_trace(std::string details) {
  sim().trace_event(id(), "producer.txn", fmt::format("{} {}", config_.client_id, details));
}

void Producer::set_txn_state(TxnState next) {
  // Kafka: TransactionManager.State.isTransitionValid (kUninitialized is reached only by a crash).
  const TxnState from = txn_state_;
  bool valid = false;
  switch (next) {
    case TxnState::kUninitialized: valid = false; break;
    case TxnState::kInitializing: valid = from == TxnState::kUninitialized || from == TxnState::kAborting; break;
    case TxnState::kReady:
      valid = from == TxnState::kInitializing || from == TxnState::kCommitting || from == TxnState::kAborting;
      break;
    case TxnState::kInTransaction: valid = from == TxnState::kReady; break;
    case TxnState::kCommitting: valid = from == TxnState::kInTransaction; break;
    case TxnState::kAborting: valid = from == TxnState::kInTransaction || from == TxnState::kAbortableError; break;
    case TxnState::kAbortableError:
      valid = from == TxnState::kInTransaction || from == TxnState::kCommitting || from == TxnState::kAbortableError;
      break;
    case TxnState::kFatalError: valid = true; break;
  }
  KS_ASSERT_MSG(valid, fmt::format("transaction state {} -> {}", to_string(from), to_string(next)));
  txn_state_ = next;
}

void Producer::txn_complete(TxnDone done, ErrorCode error) {
  if (!done) return;
  after(0, [done = std::move(done), error] { done(error); });
}

ErrorCode Producer::txn_state_error() const {
  // Kafka: maybeFailWithError throws the last error in an error state; otherwise IllegalStateException.
  if (txn_state_ == TxnState::kFatalError || txn_state_ == TxnState::kAbortableError) return txn_error_;
  return ErrorCode::kInvalidTxnState;
}

bool Producer::has_incomplete_batches() const {
  return stats_.queued_records > 0 || !waiting_for_metadata_.empty();
}

bool Producer::send_allowed(const TopicPartition& tp) const {
  // Kafka: TransactionManager.isSendToPartitionAllowed.
  return !transactional() || partitions_in_txn_.count(tp) != 0;
}

void Producer::txn_maybe_add_partition(const TopicPartition& tp) {
  if (partitions_in_txn_.count(tp) != 0 || pending_partitions_.count(tp) != 0) return;
  if (new_partitions_.insert(tp).second) schedule_txn_pump(0);
}

// ---------------------------------------------------------------------------------------- API

void Producer::init_transactions(TxnDone done) {
  if (!is_up()) return;
  if (!transactional()) return txn_complete(std::move(done), ErrorCode::kInvalidTxnState);
  if (txn_state_ == TxnState::kInitializing) {
    // A call after a max.block.ms timeout waits for the pending InitProducerId (Kafka caches the result).
    auto attach = [&](std::shared_ptr<TxnRequest>& r) {
      if (!r || r->op != TxnRequest::Op::kInitProducerId) return false;
      r->done = [first = std::move(r->done), then = std::move(done)](ErrorCode e) {
        if (first) first(e);
        if (then) then(e);
      };
      return true;
    };
    if (attach(txn_current_)) return;
    for (auto& r : txn_queue_) {
      if (attach(r)) return;
    }
  }
  if (txn_state_ == TxnState::kReady && init_result_unclaimed_) {
    init_result_unclaimed_ = false;
    return txn_complete(std::move(done), ErrorCode::kNone);
  }
  if (txn_state_ != TxnState::kUninitialized) return txn_complete(std::move(done), txn_state_error());
  set_txn_state(TxnState::kInitializing);
  txn_trace(fmt::format("initializes transactions (transactional.id={}, transaction.timeout.ms={})",
                        config_.transactional_id, config_.transaction_timeout_ms));
  auto r = std::make_shared<TxnRequest>();
  r->op = TxnRequest::Op::kInitProducerId;
  r->done = std::move(done);
  enqueue_txn(r);
  // Kafka: initTransactions blocks for at most max.block.ms; InitProducerId goes on in the background.
  after(ms_to_us(config_.max_block_ms), [this, weak = std::weak_ptr<TxnRequest>(r)] {
    auto req = weak.lock();
    if (!req || !req->done || txn_state_ != TxnState::kInitializing) return;
    txn_trace(fmt::format("init_transactions timed out after max.block.ms={}; InitProducerId goes on",
                          config_.max_block_ms));
    init_result_unclaimed_ = true;
    txn_complete(std::move(req->done), ErrorCode::kRequestTimedOut);
    req->done = nullptr;
  });
}

ErrorCode Producer::begin_transaction() {
  if (!transactional() || txn_state_ != TxnState::kReady) {
    const ErrorCode e = txn_state_error();
    txn_trace(fmt::format("cannot begin a transaction in state {}: {}", to_string(txn_state_), protocol::error_name(e)));
    return e;
  }
  set_txn_state(TxnState::kInTransaction);
  txn_trace(fmt::format("begins a transaction (producer id {} epoch {})", producer_id_, producer_epoch_));
  return ErrorCode::kNone;
}

void Producer::send_offsets_to_transaction(std::map<TopicPartition, std::int64_t> offsets, GroupMetadata group,
                                           TxnDone done) {
  if (!is_up()) return;
  if (txn_state_ != TxnState::kInTransaction) return txn_complete(std::move(done), txn_state_error());
  if (offsets.empty()) return txn_complete(std::move(done), ErrorCode::kNone);  // KafkaProducer skips it
  txn_trace(fmt::format("sends offsets of {} partitions of group {} (generation {}) to the transaction", offsets.size(),
                        group.group_id, group.generation_id));
  auto r = std::make_shared<TxnRequest>();
  r->op = TxnRequest::Op::kAddOffsets;
  r->key = group.group_id;
  r->offsets = std::move(offsets);
  r->group = std::move(group);
  r->done = std::move(done);
  enqueue_txn(r);
}

void Producer::commit_transaction(TxnDone done) {
  if (!is_up()) return;
  if (txn_state_ != TxnState::kInTransaction) return txn_complete(std::move(done), txn_state_error());
  set_txn_state(TxnState::kCommitting);
  txn_trace(fmt::format("commits ({} partitions, epoch {})",
                        partitions_in_txn_.size() + pending_partitions_.size() + new_partitions_.size(),
                        producer_epoch_));
  flush();
  auto r = std::make_shared<TxnRequest>();
  r->op = TxnRequest::Op::kEndTxn;
  r->committed = true;
  r->done = std::move(done);
  enqueue_txn(r);
}

void Producer::abort_transaction(TxnDone done) {
  if (!is_up()) return;
  if (txn_state_ != TxnState::kInTransaction && txn_state_ != TxnState::kAbortableError) {
    return txn_complete(std::move(done), txn_state_ == TxnState::kFatalError ? txn_error_ : ErrorCode::kInvalidTxnState);
  }
  const bool after_error = txn_state_ == TxnState::kAbortableError;
  set_txn_state(TxnState::kAborting);
  txn_trace(fmt::format("aborts the transaction ({} partitions, epoch {}){}", partitions_in_txn_.size(),
                        producer_epoch_,
                        after_error ? fmt::format(" after {}", protocol::error_name(txn_error_)) : std::string()));
  new_partitions_.clear();  // they have no batch left to send
  fail_batches(FailScope::kUnsent, after_error ? txn_error_ : kTxnAbortedError, kTxnAbortedMessage);
  auto r = std::make_shared<TxnRequest>();
  r->op = TxnRequest::Op::kEndTxn;
  r->committed = false;
  r->done = std::move(done);
  enqueue_txn(r);
}

// ---------------------------------------------------------------------------------------- errors

void Producer::txn_batch_failed(ErrorCode error, const std::string& why) {
  if (fencing_error(error)) return txn_fatal_error(ErrorCode::kProducerFenced, why);
  if (txn_state_ == TxnState::kFatalError) return;
  // KIP-360: the abort is followed by InitProducerId with the current epoch, which bumps it and restarts
  // the sequences, so the failed batch's sequence numbers leave no gap (kafkasim bumps also when the batch
  // failed while committing or aborting; Kafka then re-sequences the later batches instead).
  epoch_bump_required_ = true;
  txn_abortable_error(error, why);  // not while aborting: Kafka skips that transition
}

void Producer::txn_abortable_error(ErrorCode error, const std::string& why) {
  if (txn_state_ != TxnState::kInTransaction && txn_state_ != TxnState::kCommitting &&
      txn_state_ != TxnState::kAbortableError) {
    return;
  }
  set_txn_state(TxnState::kAbortableError);
  txn_error_ = error;
  txn_trace(fmt::format("abortable error {}: {}; the transaction must be aborted", protocol::error_name(error), why));
  schedule_drain(0);  // unsent batches fail (abortUndrainedBatches)
  schedule_txn_pump(0);
}

void Producer::txn_fatal_error(ErrorCode error, const std::string& why) {
  if (txn_state_ == TxnState::kFatalError) return;
  set_txn_state(TxnState::kFatalError);
  txn_error_ = error;
  txn_trace(fmt::format("{}: {} ({}); the producer must be closed",
                        error == ErrorCode::kProducerFenced ? "fenced" : "fatal error", protocol::error_name(error),
                        why));
  // Kafka's Sender with a fatal error: every incomplete batch fails (abortIncompleteBatches), and so does
  // every queued transactional request (maybeTerminateRequestWithError).
  fail_batches(FailScope::kAll, error, why);
  auto queue = std::move(txn_queue_);
  txn_queue_.clear();
  for (auto& r : queue) txn_complete(std::move(r->done), error);
}

void Producer::fail_batches(FailScope scope, ErrorCode error, const std::string& message) {
  std::vector<std::shared_ptr<Batch>> victims;
  for (auto& [tp, q] : queues_) {
    for (auto& b : q) {
      // kUnsent: never drained, so no sequence number was assigned (Kafka: abortUndrainedBatches).
      if (!b->done && (scope == FailScope::kAll || (!b->in_flight && b->encoded == nullptr))) victims.push_back(b);
    }
  }
  for (auto& b : victims) fail_batch(*b, error, message);
  std::vector<ProducerRecord> waiting = std::move(waiting_for_metadata_);
  waiting_for_metadata_.clear();
  for (const auto& r : waiting) {
    ++stats_.failed;
    if (hooks_.on_error) hooks_.on_error(r.id, TopicPartition{r.topic, -1}, error, message, true);
  }
}

// ---------------------------------------------------------------------------------------- the queue

void Producer::insert_txn(std::shared_ptr<TxnRequest> r) {
  auto pos = std::find_if(txn_queue_.begin(), txn_queue_.end(),
                          [&](const auto& q) { return q->priority() > r->priority(); });
  txn_queue_.insert(pos, std::move(r));
}

void Producer::enqueue_txn(std::shared_ptr<TxnRequest> r) {
  insert_txn(std::move(r));
  schedule_txn_pump(0);
}

void Producer::retry_txn(std::shared_ptr<TxnRequest> r, TimeUs backoff) {
  // Kafka: reenqueue(); the Sender sleeps retryBackoffMs before sending a retried request. It goes first
  // among the requests of its priority.
  r->retry_at_us = sim().now() + backoff;
  auto pos = std::find_if(txn_queue_.begin(), txn_queue_.end(),
                          [&](const auto& q) { return q->priority() >= r->priority(); });
  txn_queue_.insert(pos, std::move(r));
  schedule_txn_pump(backoff);
}

void Producer::schedule_txn_pump(TimeUs delay) {
  const TimeUs at = sim().now() + delay;
  if (txn_pump_scheduled_ && txn_pump_at_us_ <= at) return;
  if (txn_pump_scheduled_) sim().cancel(txn_pump_timer_);
  txn_pump_scheduled_ = true;
  txn_pump_at_us_ = at;
  txn_pump_timer_ = after(delay, [this] {
    txn_pump_scheduled_ = false;
    txn_pump_at_us_ = kTimeNever;
    txn_pump();
  });
}

void Producer::txn_pump() {
  if (!is_up() || txn_current_) return;
  // Kafka: nextRequest() turns newly used partitions into one AddPartitionsToTxn.
  if (!new_partitions_.empty() &&
      (txn_state_ == TxnState::kInTransaction || txn_state_ == TxnState::kCommitting)) {
    auto add = std::make_shared<TxnRequest>();
    add->op = TxnRequest::Op::kAddPartitions;
    add->partitions.assign(new_partitions_.begin(), new_partitions_.end());
    pending_partitions_.insert(new_partitions_.begin(), new_partitions_.end());
    new_partitions_.clear();
    insert_txn(add);
  }
  const TimeUs now = sim().now();
  while (!txn_queue_.empty()) {
    std::shared_ptr<TxnRequest> r = txn_queue_.front();
    if (r->op == TxnRequest::Op::kEndTxn && has_incomplete_batches()) return;  // a completed batch pumps again
    if (r->retry_at_us > now) return schedule_txn_pump(r->retry_at_us - now);
    txn_queue_.pop_front();
    if ((txn_state_ == TxnState::kAbortableError || txn_state_ == TxnState::kFatalError) &&
        r->op != TxnRequest::Op::kFindCoordinator) {
      // Kafka: maybeTerminateRequestWithError.
      for (const auto& tp : r->partitions) pending_partitions_.erase(tp);
      txn_complete(std::move(r->done), txn_error_);
      continue;
    }
    if (r->op == TxnRequest::Op::kEndTxn && !txn_started_) {
      txn_trace("sends no EndTxn: no partition and no offsets were added to the transaction");
      txn_end_done(r);
      continue;
    }
    return send_txn_request(r);
  }
}

void Producer::send_txn_request(std::shared_ptr<TxnRequest> r) {
  std::int32_t target = txn_coordinator_;
  if (r->op == TxnRequest::Op::kFindCoordinator) {
    target = any_broker();
  } else if (r->op == TxnRequest::Op::kTxnOffsetCommit) {
    auto it = group_coordinators_.find(r->key);
    target = it == group_coordinators_.end() ? -1 : it->second;
  }
  if (target < 0) {
    // Kafka's Sender: no coordinator -> lookupCoordinator; the request waits behind FindCoordinator.
    auto find = std::make_shared<TxnRequest>();
    find->op = TxnRequest::Op::kFindCoordinator;
    const bool group = r->op == TxnRequest::Op::kTxnOffsetCommit;
    find->key_type = group ? 0 : 1;
    find->key = group ? r->key : config_.transactional_id;
    txn_queue_.push_front(std::move(r));
    return send_txn_request(find);
  }
  std::shared_ptr<protocol::KafkaMessage> msg;
  switch (r->op) {
    case TxnRequest::Op::kFindCoordinator: {
      auto req = std::make_shared<protocol::FindCoordinatorRequest>();
      req->key = r->key;
      req->key_type = r->key_type;
      msg = req;
      break;
    }
    case TxnRequest::Op::kInitProducerId: {
      auto req = std::make_shared<protocol::InitProducerIdRequest>();
      req->transactional_id = config_.transactional_id;
      req->transaction_timeout_ms = static_cast<std::int32_t>(config_.transaction_timeout_ms);
      if (r->epoch_bump) {
        req->producer_id = producer_id_;
        req->producer_epoch = producer_epoch_;
      }
      msg = req;
      break;
    }
    case TxnRequest::Op::kAddPartitions: {
      auto req = std::make_shared<protocol::AddPartitionsToTxnRequest>();
      req->transactional_id = config_.transactional_id;
      req->producer_id = producer_id_;
      req->producer_epoch = producer_epoch_;
      req->partitions = r->partitions;
      req->wire_bytes = 96 + 24 * static_cast<std::uint32_t>(r->partitions.size());
      msg = req;
      break;
    }
    case TxnRequest::Op::kAddOffsets: {
      auto req = std::make_shared<protocol::AddOffsetsToTxnRequest>();
      req->transactional_id = config_.transactional_id;
      req->producer_id = producer_id_;
      req->producer_epoch = producer_epoch_;
      req->group_id = r->group.group_id;
      msg = req;
      break;
    }
    case TxnRequest::Op::kTxnOffsetCommit: {
      auto req = std::make_shared<protocol::TxnOffsetCommitRequest>();
      req->transactional_id = config_.transactional_id;
      req->group_id = r->group.group_id;
      req->producer_id = producer_id_;
      req->producer_epoch = producer_epoch_;
      req->generation_id = r->group.generation_id;
      req->member_id = r->group.member_id;
      req->group_instance_id = r->group.group_instance_id;
      req->offsets.assign(r->offsets.begin(), r->offsets.end());
      req->wire_bytes = 128 + 32 * static_cast<std::uint32_t>(r->offsets.size());
      msg = req;
      break;
    }
    case TxnRequest::Op::kEndTxn: {
      auto req = std::make_shared<protocol::EndTxnRequest>();
      req->transactional_id = config_.transactional_id;
      req->producer_id = producer_id_;
      req->producer_epoch = producer_epoch_;
      req->committed = r->committed;
      msg = req;
      break;
    }
  }
  txn_current_ = r;
  request(target, std::move(msg), [this, r](const protocol::KafkaMessage* m) { handle_txn_response(r, m); });
}

// ---------------------------------------------------------------------------------------- answers

void Producer::handle_txn_response(std::shared_ptr<TxnRequest> r, const protocol::KafkaMessage* m) {
  if (txn_current_ != r) return;
  txn_current_ = nullptr;
  schedule_txn_pump(0);
  if (txn_state_ == TxnState::kFatalError && r->op != TxnRequest::Op::kFindCoordinator) {
    return txn_complete(std::move(r->done), txn_error_);
  }
  const TimeUs backoff = ms_to_us(config_.retry_backoff_ms);
  if (m == nullptr) {
    // Disconnected or request.timeout.ms: look the coordinator up again and retry (TxnRequestHandler.onComplete).
    if (r->op == TxnRequest::Op::kTxnOffsetCommit) group_coordinators_.erase(r->key);
    if (r->op != TxnRequest::Op::kFindCoordinator && r->op != TxnRequest::Op::kTxnOffsetCommit) txn_coordinator_ = -1;
    return retry_txn(r, backoff);
  }
  switch (r->op) {
    case TxnRequest::Op::kFindCoordinator:
      return txn_find_coordinator_done(r, static_cast<const protocol::FindCoordinatorResponse&>(*m));
    case TxnRequest::Op::kInitProducerId:
      return txn_init_done(r, static_cast<const protocol::InitProducerIdResponse&>(*m));
    case TxnRequest::Op::kAddPartitions:
      return txn_add_partitions_done(r, static_cast<const protocol::AddPartitionsToTxnResponse&>(*m));
    case TxnRequest::Op::kAddOffsets: {
      const ErrorCode error = static_cast<const protocol::AddOffsetsToTxnResponse&>(*m).error;
      if (error != ErrorCode::kNone) return txn_coordinator_answer(r, error);
      // The group's __consumer_offsets partition is in the transaction; the call completes with TxnOffsetCommit.
      txn_started_ = true;
      r->op = TxnRequest::Op::kTxnOffsetCommit;
      return insert_txn(r);
    }
    case TxnRequest::Op::kTxnOffsetCommit:
      return txn_offset_commit_done(r, static_cast<const protocol::TxnOffsetCommitResponse&>(*m));
    case TxnRequest::Op::kEndTxn: {
      const ErrorCode error = static_cast<const protocol::EndTxnResponse&>(*m).error;
      if (error != ErrorCode::kNone) return txn_coordinator_answer(r, error);
      return txn_end_done(r);
    }
  }
}

void Producer::txn_coordinator_answer(std::shared_ptr<TxnRequest> r, ErrorCode error) {
  // The error handling Kafka's InitProducerId, AddOffsetsToTxn and EndTxn handlers share.
  const TimeUs backoff = ms_to_us(config_.retry_backoff_ms);
  const std::string why = fmt::format("{} answered {}", r->name(), protocol::error_name(error));
  switch (error) {
    case ErrorCode::kNotCoordinator:
    case ErrorCode::kCoordinatorNotAvailable:
    case ErrorCode::kRequestTimedOut:
      txn_coordinator_ = -1;
      return retry_txn(r, backoff);
    case ErrorCode::kCoordinatorLoadInProgress:
    case ErrorCode::kConcurrentTransactions:
      return retry_txn(r, backoff);
    case ErrorCode::kProducerFenced:
    case ErrorCode::kInvalidProducerEpoch:
      txn_fatal_error(ErrorCode::kProducerFenced, why);
      return txn_complete(std::move(r->done), ErrorCode::kProducerFenced);
    case ErrorCode::kUnknownProducerId:
    case ErrorCode::kInvalidProducerIdMapping:
      // Kafka: abortableErrorIfPossible (with an epoch bump); fatal where no abort is possible.
      if (r->op != TxnRequest::Op::kInitProducerId && txn_state_ != TxnState::kAborting) {
        epoch_bump_required_ = true;
        txn_abortable_error(error, why);
        return txn_complete(std::move(r->done), error);
      }
      [[fallthrough]];
    default:
      txn_fatal_error(error, why);
      return txn_complete(std::move(r->done), error);
  }
}

void Producer::txn_find_coordinator_done(std::shared_ptr<TxnRequest> r, const protocol::FindCoordinatorResponse& resp) {
  // Kafka retries COORDINATOR_NOT_AVAILABLE and fails on other errors; kafkasim retries every error (a
  // broker that is starting may answer anything) after retry.backoff.ms.
  if (resp.error != ErrorCode::kNone || resp.node_id < 0) return retry_txn(r, ms_to_us(config_.retry_backoff_ms));
  if (r->key_type == 0) {
    group_coordinators_[r->key] = resp.node_id;
  } else {
    txn_coordinator_ = resp.node_id;
  }
  txn_trace(fmt::format("found the {} coordinator for {}: broker {}", r->key_type == 0 ? "group" : "transaction",
                        r->key, resp.node_id));
}

void Producer::txn_init_done(std::shared_ptr<TxnRequest> r, const protocol::InitProducerIdResponse& resp) {
  if (resp.error != ErrorCode::kNone) return txn_coordinator_answer(r, resp.error);
  // A new epoch: sequence numbers restart at 0 for every partition.
  producer_id_ = resp.producer_id;
  producer_epoch_ = resp.producer_epoch;
  next_sequence_.clear();
  in_flight_sequences_.clear();
  epoch_bump_required_ = false;
  txn_error_ = ErrorCode::kNone;
  set_txn_state(TxnState::kReady);
  txn_trace(fmt::format("got producer id {} epoch {}{}", producer_id_, producer_epoch_,
                        r->epoch_bump ? " (epoch bumped after the abort, KIP-360)" : ""));
  txn_complete(std::move(r->done), ErrorCode::kNone);
}

void Producer::txn_add_partitions_done(std::shared_ptr<TxnRequest> r, const protocol::AddPartitionsToTxnResponse& resp) {
  const TimeUs backoff = ms_to_us(config_.retry_backoff_ms);
  bool partition_errors = false;
  ErrorCode first_error = ErrorCode::kNone;
  for (const auto& [tp, error] : resp.results) {
    const std::string why = fmt::format("AddPartitionsToTxn answered {} for {}", protocol::error_name(error), tp.str());
    switch (error) {
      case ErrorCode::kNone:
        continue;
      case ErrorCode::kNotCoordinator:
      case ErrorCode::kCoordinatorNotAvailable:
        txn_coordinator_ = -1;
        return retry_txn(r, backoff);
      case ErrorCode::kConcurrentTransactions:
        // The previous transaction is still completing: retry soon if this is the first partition.
        return retry_txn(r, partitions_in_txn_.empty() ? ms_to_us(kAddPartitionsRetryBackoffMs) : backoff);
      case ErrorCode::kCoordinatorLoadInProgress:
      case ErrorCode::kUnknownTopicOrPartition:
        return retry_txn(r, backoff);
      case ErrorCode::kProducerFenced:
      case ErrorCode::kInvalidProducerEpoch:
        return txn_fatal_error(ErrorCode::kProducerFenced, why);
      case ErrorCode::kInvalidTxnState:
        return txn_fatal_error(error, why);
      case ErrorCode::kUnknownProducerId:
      case ErrorCode::kInvalidProducerIdMapping:
        epoch_bump_required_ = true;
        return txn_abortable_error(error, why);
      default:
        partition_errors = true;
        if (first_error == ErrorCode::kNone) first_error = error;
        break;
    }
  }
  for (const auto& tp : r->partitions) pending_partitions_.erase(tp);
  if (partition_errors) {
    return txn_abortable_error(first_error, "Could not add partitions to transaction due to errors");
  }
  partitions_in_txn_.insert(r->partitions.begin(), r->partitions.end());
  txn_started_ = true;
  txn_trace(fmt::format("added {} to the transaction", list(r->partitions)));
  schedule_drain(0);  // their batches may go now
}

void Producer::txn_offset_commit_done(std::shared_ptr<TxnRequest> r, const protocol::TxnOffsetCommitResponse& resp) {
  bool relookup = false;
  for (const auto& [tp, error] : resp.results) {
    const std::string why = fmt::format("TxnOffsetCommit answered {} for {}", protocol::error_name(error), tp.str());
    switch (error) {
      case ErrorCode::kNone:
        r->offsets.erase(tp);
        break;
      case ErrorCode::kNotCoordinator:
      case ErrorCode::kCoordinatorNotAvailable:
      case ErrorCode::kRequestTimedOut:
        relookup = true;
        break;
      case ErrorCode::kUnknownTopicOrPartition:
      case ErrorCode::kCoordinatorLoadInProgress:
      case ErrorCode::kConcurrentTransactions:
        break;  // retried with the same coordinator
      case ErrorCode::kFencedInstanceId:
      case ErrorCode::kUnknownMemberId:
      case ErrorCode::kIllegalGeneration:
        // KIP-447: the consumer's group generation is old (CommitFailedException): abortable.
        txn_abortable_error(error, why);
        return txn_complete(std::move(r->done), error);
      case ErrorCode::kProducerFenced:
      case ErrorCode::kInvalidProducerEpoch:
        txn_fatal_error(ErrorCode::kProducerFenced, why);
        return txn_complete(std::move(r->done), ErrorCode::kProducerFenced);
      default:
        txn_fatal_error(error, why);
        return txn_complete(std::move(r->done), error);
    }
  }
  if (relookup) group_coordinators_.erase(r->key);
  if (!r->offsets.empty()) return retry_txn(r, ms_to_us(config_.retry_backoff_ms));
  txn_trace(fmt::format("committed offsets of group {} in the transaction (visible at commit)", r->group.group_id));
  txn_complete(std::move(r->done), ErrorCode::kNone);
}

void Producer::txn_end_done(std::shared_ptr<TxnRequest> r) {
  // Kafka: completeTransaction.
  const bool sent = txn_started_;
  const std::size_t partitions = partitions_in_txn_.size();
  partitions_in_txn_.clear();
  pending_partitions_.clear();
  new_partitions_.clear();
  txn_started_ = false;
  ++(r->committed ? stats_.txn_committed : stats_.txn_aborted);
  if (sent) {
    txn_trace(fmt::format("{} the transaction ({} partitions, epoch {})", r->committed ? "committed" : "aborted",
                          partitions, producer_epoch_));
    if (hooks_.on_txn_end) hooks_.on_txn_end(r->committed, producer_epoch_);
  }
  if (!r->committed && epoch_bump_required_) {
    set_txn_state(TxnState::kInitializing);
    auto init = std::make_shared<TxnRequest>();
    init->op = TxnRequest::Op::kInitProducerId;
    init->epoch_bump = true;
    init->done = std::move(r->done);  // abort_transaction completes after the bump
    return insert_txn(init);
  }
  txn_error_ = ErrorCode::kNone;
  set_txn_state(TxnState::kReady);
  txn_complete(std::move(r->done), ErrorCode::kNone);
}

}  // namespace kafkasim::client
