// The transactional producer's requests (Kafka's TransactionManager.TxnRequestHandler subclasses and the
// Sender's maybeSendAndPollTransactionalRequest): the priority queue, coordinator lookup, sending one
// request at a time, and each answer handled as Kafka's handler for it does. See producer_txn.cc.
#include <algorithm>

#include <fmt/format.h>

#include "sim/client/partition_list.h"
#include "sim/client/producer.h"
#include "sim/client/producer_internal.h"
#include "sim/core/assert.h"
#include "sim/core/simulation.h"

namespace kafkasim::client {

using protocol::ErrorCode;
using protocol::TopicPartition;

namespace {
// Kafka: AddPartitionsToTxnHandler.ADD_PARTITIONS_RETRY_BACKOFF_MS, used for CONCURRENT_TRANSACTIONS on the
// first partition of a transaction (the previous transaction is still completing).
constexpr std::int64_t kAddPartitionsRetryBackoffMs = 20;
}  // namespace

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
  txn_trace(fmt::format("added {} to the transaction", partition_list(r->partitions)));
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
