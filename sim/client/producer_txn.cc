// The transactional producer: Kafka's TransactionManager and the transactional half of its Sender
// (clients/.../producer/internals/TransactionManager.java, KIP-98, KIP-360, KIP-447): the state machine,
// the application's calls and the error states. The request queue and the answers are in
// producer_txn_requests.cc.
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

namespace {
bool fencing_error(ErrorCode e) { return e == ErrorCode::kProducerFenced || e == ErrorCode::kInvalidProducerEpoch; }
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

}  // namespace kafkasim::client
