// How a producer batch ends: the Produce answer per partition, acknowledgement, retries (with the
// idempotent producer's sequence handling), final failures and delivery.timeout.ms expiry (Kafka's
// Sender.handleProduceResponse / completeBatch / failBatch / canRetry and RecordAccumulator.expiredBatches).
// The rest of the producer is in producer.cc.
#include <algorithm>

#include <fmt/format.h>

#include "sim/client/producer.h"
#include "sim/client/producer_internal.h"
#include "sim/core/assert.h"
#include "sim/core/simulation.h"

namespace kafkasim::client {

using protocol::ErrorCode;

namespace {

// What acknowledging a batch (complete_batch) and failing it (fail_batch) both do first: mark it done,
// take it out of flight (with its sequence number) and out of its partition's queue. Returns false when
// the batch had ended already. A template over the producer's private Batch, queues_ and
// in_flight_sequences_ so that it needs no declaration in producer.h.
template <typename BatchT, typename Queues, typename Sequences>
bool end_batch(BatchT& b, Queues& queues, Sequences& in_flight_sequences, ProducerStats& stats) {
  if (b.done) return false;
  b.done = true;
  if (b.in_flight) {
    b.in_flight = false;
    --stats.in_flight_batches;
  }
  if (b.base_sequence >= 0) in_flight_sequences[b.tp].erase(b.base_sequence);
  auto& q = queues[b.tp];
  q.erase(std::remove_if(q.begin(), q.end(), [&](const auto& p) { return p.get() == &b; }), q.end());
  return true;
}

}  // namespace

void Producer::handle_produce_response(Connection& c, const protocol::ProduceResponse& resp) {
  auto it = c.in_flight.find(resp.correlation_id);
  if (it == c.in_flight.end()) return;
  InFlightRequest req = std::move(it->second);
  c.in_flight.erase(it);
  sim().cancel(req.timeout);
  for (auto& b : req.batches) {
    const protocol::ProducePartitionResponse* pr = nullptr;
    for (const auto& p : resp.partitions) {
      if (p.tp == b->tp) pr = &p;
    }
    if (pr == nullptr) {
      fail_or_retry(b, ErrorCode::kUnknownServerError, "no response for partition");
    } else if (pr->error == ErrorCode::kNone) {
      complete_batch(*b, pr->base_offset);
    } else {
      fail_or_retry(b, pr->error, pr->error_message);
    }
  }
  schedule_drain(0);
}

void Producer::complete_batch(Batch& b, std::int64_t base_offset) {
  if (!end_batch(b, queues_, in_flight_sequences_, stats_)) return;
  std::int64_t offset = base_offset;
  for (const std::uint64_t rid : b.record_ids) {
    ++stats_.acked;
    --stats_.queued_records;
    if (hooks_.on_ack) hooks_.on_ack(rid, b.tp, base_offset < 0 ? -1 : offset);
    ++offset;
  }
  if (transactional()) schedule_txn_pump(0);  // EndTxn waits for the last batch
}

void Producer::fail_batch(Batch& b, ErrorCode error, const std::string& message) {
  if (!end_batch(b, queues_, in_flight_sequences_, stats_)) return;
  for (const std::uint64_t rid : b.record_ids) {
    ++stats_.failed;
    --stats_.queued_records;
    if (hooks_.on_error) hooks_.on_error(rid, b.tp, error, message, true);
  }
  sim().trace_event(id(), "producer.batch_failed",
                    fmt::format("{} gave up on {} records for {}: {}{}{}", config_.client_id, b.record_ids.size(),
                                b.tp.str(), protocol::error_name(error), message.empty() ? "" : ": ", message));
  if (transactional()) schedule_txn_pump(0);
}

void Producer::fail_or_retry(std::shared_ptr<Batch> b, ErrorCode error, const std::string& message) {
  if (b->done) return;
  if (b->in_flight) {
    b->in_flight = false;
    --stats_.in_flight_batches;
  }
  if (b->base_sequence >= 0) in_flight_sequences_[b->tp].erase(b->base_sequence);
  stats_.last_error = std::string(protocol::error_name(error)) + (message.empty() ? "" : ": " + message);
  stats_.last_error_us = sim().now();
  const TimeUs deadline = b->created_us + ms_to_us(config_.delivery_timeout_ms);
  bool retriable = protocol::is_retriable(error);
  if (transactional()) {
    // Kafka 3.x reports INVALID_PRODUCER_EPOCH from Produce as PRODUCER_FENCED.
    if (error == ErrorCode::kInvalidProducerEpoch) error = ErrorCode::kProducerFenced;
    // A batch with a sequence number is retried even while the transaction aborts (Kafka's
    // TransactionManager.canRetry): failing it would leave a gap in the partition's sequences.
  }
  // OUT_OF_ORDER_SEQUENCE_NUMBER is retried only while an earlier batch of the same partition is still
  // pending (it caused the gap and will be re-sent first: Kafka's TransactionManager.canRetry). Otherwise
  // the broker lost the producer's earlier writes (a truncation): the batch fails and the producer bumps
  // its epoch and restarts its sequences (KIP-360), as Kafka's Sender does.
  if ((error == ErrorCode::kOutOfOrderSequenceNumber || error == ErrorCode::kUnknownProducerId) &&
      config_.enable_idempotence) {
    bool earlier_pending = false;
    for (const auto& q : queues_[b->tp]) {
      if (q.get() != b.get() && !q->done && q->base_sequence >= 0 && q->base_sequence < b->base_sequence &&
          q->producer_id == b->producer_id) {
        earlier_pending = true;
      }
    }
    if (!earlier_pending) {
      fail_batch(*b, error, message);
      const std::string why = fmt::format("{} on {}", protocol::error_name(error), b->tp.str());
      // A transactional producer aborts and bumps its epoch after the abort (KIP-360).
      if (transactional()) return txn_batch_failed(error, why);
      reset_producer_id(why);
      return;
    }
    retriable = true;
  }
  if (!retriable || b->attempts > config_.retries || sim().now() >= deadline) {
    fail_batch(*b, error,
               sim().now() >= deadline ? fmt::format("{} (delivery.timeout.ms={} expired)", message,
                                                     config_.delivery_timeout_ms)
                                       : message);
    if (transactional()) txn_batch_failed(error, fmt::format("Produce to {}: {}", b->tp.str(), message));
    return;
  }
  if (hooks_.on_error) {
    for (const std::uint64_t rid : b->record_ids) hooks_.on_error(rid, b->tp, error, message, false);
  }
  if (error == ErrorCode::kNotLeaderOrFollower || error == ErrorCode::kNetworkException ||
      error == ErrorCode::kUnknownTopicOrPartition || error == ErrorCode::kLeaderNotAvailable) {
    request_metadata();
  }
  // Exponential backoff (KIP-580): retry.backoff.ms * 2^(attempts-1), capped, with +-20% jitter.
  TimeUs backoff = ms_to_us(config_.retry_backoff_ms);
  for (std::int32_t i = 1; i < b->attempts && backoff < ms_to_us(config_.retry_backoff_max_ms); ++i) backoff *= 2;
  backoff = std::min(backoff, ms_to_us(std::max(config_.retry_backoff_ms, config_.retry_backoff_max_ms)));
  backoff = backoff * rng_.between(80, 120) / 100;
  b->retry_at_us = sim().now() + backoff;
  requeue(b);
  schedule_drain(backoff);
}

void Producer::reset_producer_id(const std::string& why) {
  sim().trace_event(id(), "producer.epoch_bump",
                    fmt::format("{} resets its producer id {} and sequences after {}", config_.client_id, producer_id_, why));
  producer_id_ = -1;
  producer_epoch_ = -1;
  next_sequence_.clear();
  // Batches not yet sent again are re-sequenced under the new producer id when they are drained.
  for (auto& [tp, q] : queues_) {
    for (auto& b : q) {
      if (!b->in_flight) {
        b->stale_producer_state = b->encoded != nullptr;
        b->base_sequence = -1;
      }
    }
  }
  init_producer_id();
}

void Producer::requeue(std::shared_ptr<Batch> b) {
  // Re-insert in sequence order (Kafka: RecordAccumulator.reenqueue / insertInSequenceOrder), otherwise
  // at the front: a retried batch goes before newer batches of its partition.
  auto& q = queues_[b->tp];
  q.erase(std::remove(q.begin(), q.end(), b), q.end());
  auto pos = q.begin();
  if (b->base_sequence >= 0) {
    while (pos != q.end() && (*pos)->base_sequence >= 0 && (*pos)->base_sequence < b->base_sequence) ++pos;
  }
  q.insert(pos, b);
}

void Producer::expire_batches() {
  const TimeUs now = sim().now();
  const TimeUs timeout = ms_to_us(config_.delivery_timeout_ms);
  std::vector<std::shared_ptr<Batch>> expired;
  for (auto& [tp, q] : queues_) {
    for (auto& b : q) {
      if (!b->in_flight && now - b->created_us >= timeout) expired.push_back(b);
    }
  }
  for (auto& b : expired) {
    fail_batch(*b, ErrorCode::kRequestTimedOut,
               fmt::format("Expiring {} record(s) for {}: delivery.timeout.ms={} has passed since batch creation",
                           b->record_ids.size(), b->tp.str(), config_.delivery_timeout_ms));
    if (transactional()) txn_batch_failed(ErrorCode::kRequestTimedOut, "delivery.timeout.ms expired");
  }
  after(ms_to_us(100), [this] { expire_batches(); });
}

}  // namespace kafkasim::client
