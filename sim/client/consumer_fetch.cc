// The consumer's data path and application loop: positions (OffsetFetch, auto.offset.reset via
// ListOffsets, seek), the fetcher, poll() handing out max.poll.records, simulated processing, and commits.
#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "sim/client/consumer.h"
#include "sim/client/consumer_internal.h"
#include "sim/core/assert.h"
#include "sim/core/simulation.h"
#include "sim/log/record_batch.h"

namespace kafkasim::client {

using protocol::ErrorCode;
using protocol::TopicPartition;

void Consumer::schedule_poll(TimeUs delay) {
  if (!is_up() || closed_) return;
  if (poll_scheduled_) {
    if (delay > 0) return;  // a poll is already due
    sim().cancel(poll_timer_);
  }
  poll_scheduled_ = true;
  poll_timer_ = after(delay, [this] { poll(); });
}

void Consumer::poll() {
  poll_scheduled_ = false;
  if (!is_up() || closed_ || app_busy_) return;
  const TimeUs now = sim().now();
  last_poll_us_ = now;
  waiting_in_poll_ = false;
  const TimeUs timeout_us = ms_to_us(config_.poll_timeout_ms);
  if (!subscription_.empty()) {
    // ConsumerCoordinator.poll: auto-commit when due, then make sure we are in the group.
    if (auto_commit() && now >= next_auto_commit_us_ && group_state_ == GroupState::kStable) {
      next_auto_commit_us_ = now + ms_to_us(config_.auto_commit_interval_ms);
      commit(false, nullptr);
    }
    if (coordinator_ < 0) {
      ensure_coordinator();
      return schedule_poll(timeout_us);
    }
    if (rejoin_needed_ || group_state_ != GroupState::kStable) {
      // Kafka joins only with metadata for every subscribed topic (the leader assigns from it).
      for (const auto& t : subscription_) {
        if (partition_count(t) == 0) {
          request_metadata();
          return schedule_poll(timeout_us);
        }
      }
      join_group();
      if (group_state_ != GroupState::kStable || rejoin_needed_) return schedule_poll(timeout_us);
    }
  }
  init_positions();
  send_fetches();
  std::vector<ConsumedRecord> out;
  for (auto& [tp, st] : assigned_) {
    while (!st->buffer.empty() && static_cast<std::int32_t>(out.size()) < config_.max_poll_records) {
      out.push_back(std::move(st->buffer.front()));
      st->buffer.pop_front();
      st->position = out.back().offset + 1;
    }
    // Kafka's Fetcher moves the position to the fetch's nextFetchOffset once its records are handed out:
    // past control batches, aborted transactions and records removed by compaction, even with no record.
    if (st->buffer.empty() && st->position >= 0 && st->fetch_offset > st->position) st->position = st->fetch_offset;
  }
  if (out.empty()) {
    waiting_in_poll_ = true;
    return schedule_poll(timeout_us);
  }
  stats_.polled += static_cast<std::int64_t>(out.size());
  for (const auto& r : out) {
    if (hooks_.on_poll) hooks_.on_poll(r);
  }
  batch_.assign(out.begin(), out.end());
  app_busy_ = true;
  send_fetches();  // the fetcher pipelines the next fetch while the application works
  if (config_.mode == ProcessingMode::kCommitBeforeProcessing) {
    commit(true, [this](bool) { process_next(); });
  } else {
    process_next();
  }
}

void Consumer::process_next() {
  if (!is_up()) return;
  // Finishes the record at the head of the batch (a crash before then leaves it unprocessed).
  auto finish_one = [this] {
    ConsumedRecord r = std::move(batch_.front());
    batch_.pop_front();
    const bool fresh = config_.mode != ProcessingMode::kIdempotent || !dedup_ || dedup_->insert(r.id).second;
    if (!fresh) {
      ++stats_.duplicates_skipped;
      return;
    }
    ++stats_.processed;
    if (hooks_.on_processed) hooks_.on_processed(r);
  };
  if (config_.processing_time_us <= 0) {
    while (!batch_.empty()) finish_one();
    return finish_batch();
  }
  if (batch_.empty()) return finish_batch();
  after(config_.processing_time_us, [this, finish_one] {
    if (batch_.empty()) return;
    finish_one();
    process_next();
  });
}

void Consumer::finish_batch() {
  if (config_.mode == ProcessingMode::kTransactional && hooks_.on_batch_processed) {
    const std::uint64_t seq = ++batch_seq_;
    hooks_.on_batch_processed([this, seq](bool ok) {
      if (seq != batch_seq_ || !is_up() || !app_busy_) return;  // a stale or repeated resume
      ++batch_seq_;
      if (!ok) rewind_to_committed();
      app_busy_ = false;
      schedule_poll(0);
    });
    return;
  }
  if (config_.mode == ProcessingMode::kCommitAfterProcessing || config_.mode == ProcessingMode::kIdempotent) {
    commit(true, [this](bool) {
      app_busy_ = false;
      schedule_poll(0);
    });
    return;
  }
  app_busy_ = false;
  schedule_poll(0);
}

// ------------------------------------------------------------------------------------------ commits

std::map<TopicPartition, std::int64_t> Consumer::positions() const {
  std::map<TopicPartition, std::int64_t> out;
  for (const auto& [tp, st] : assigned_) {
    if (st->position >= 0) out[tp] = st->position;
  }
  return out;
}

void Consumer::commit_sync() { commit(true, nullptr); }
void Consumer::commit_async() { commit(false, nullptr); }

void Consumer::commit(bool sync, std::function<void(bool)> done) {
  const auto offsets = positions();
  if (offsets.empty() || config_.group_id.empty() || !is_up()) {
    if (done) done(true);
    return;
  }
  auto retry = [this, sync, done](const char*) {
    if (!sync) {
      if (done) done(false);
      return;
    }
    // commitSync retries retriable errors until it succeeds (default.api.timeout.ms is not modelled).
    after(ms_to_us(config_.retry_backoff_ms), [this, done] { commit(true, done); });
  };
  if (coordinator_ < 0) {
    ensure_coordinator();
    return retry("no coordinator");
  }
  auto req = std::make_shared<protocol::OffsetCommitRequest>();
  req->group_id = config_.group_id;
  const bool member = !subscription_.empty();
  req->generation_id = member ? generation_ : -1;
  req->member_id = member ? member_id_ : "";
  req->group_instance_id = member ? config_.group_instance_id : std::nullopt;
  for (const auto& [tp, off] : offsets) {
    protocol::OffsetCommitPartition p;
    p.tp = tp;
    p.committed_offset = off;
    req->partitions.push_back(std::move(p));
  }
  req->wire_bytes = 96 + 32 * static_cast<std::uint32_t>(req->partitions.size());
  request(coordinator_, req, [this, retry, done, offsets](const protocol::KafkaMessage* m) {
    if (m == nullptr) {
      coordinator_lost("OffsetCommit got no answer");
      return retry("no answer");
    }
    const auto& resp = static_cast<const protocol::OffsetCommitResponse&>(*m);
    ErrorCode error = ErrorCode::kNone;
    for (const auto& [tp, e] : resp.partitions) {
      auto sent = offsets.find(tp);
      const std::int64_t offset = sent == offsets.end() ? -1 : sent->second;
      if (hooks_.on_commit) hooks_.on_commit(tp, offset, e);
      if (e == ErrorCode::kNone) {
        ++stats_.commits_ok;
        auto it = assigned_.find(tp);
        if (it != assigned_.end()) it->second->committed = std::max(it->second->committed, offset);
      } else {
        ++stats_.commits_failed;
        error = e;
      }
    }
    if (error == ErrorCode::kNone) {
      if (done) done(true);
      return;
    }
    trace("consumer.commit_failed", fmt::format("OffsetCommit failed: {}", protocol::error_name(error)));
    if (handle_group_error(error, "OffsetCommit")) {
      // CommitFailedException: the application moves on; the group will rebalance.
      if (done) done(false);
      return;
    }
    if (error == ErrorCode::kNotCoordinator || error == ErrorCode::kCoordinatorNotAvailable ||
        error == ErrorCode::kCoordinatorLoadInProgress || error == ErrorCode::kRequestTimedOut) {
      return retry("retriable");
    }
    if (done) done(false);
  });
}

}  // namespace kafkasim::client
