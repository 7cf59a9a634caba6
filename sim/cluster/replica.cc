#include "sim/cluster/replica.h"

#include <algorithm>

#include <fmt/format.h>

#include "sim/core/assert.h"

namespace kafkasim::cluster {

using protocol::ErrorCode;

namespace {
bool contains(const std::vector<std::int32_t>& v, std::int32_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

ErrorCode to_error_code(LogError e) {
  switch (e) {
    case LogError::kOk: return ErrorCode::kNone;
    case LogError::kCorruptRecord: return ErrorCode::kCorruptMessage;
    case LogError::kInvalidRecord: return ErrorCode::kCorruptMessage;
    case LogError::kRecordTooLarge: return ErrorCode::kMessageTooLarge;
    case LogError::kOffsetOutOfRange: return ErrorCode::kOffsetOutOfRange;
    case LogError::kUnexpectedOffset: return ErrorCode::kCorruptMessage;
    case LogError::kStorageError:
    case LogError::kNoSpace: return ErrorCode::kKafkaStorageError;
  }
  return ErrorCode::kUnknownServerError;
}
}  // namespace

Replica::Replica(protocol::TopicPartition tp, std::unique_ptr<PartitionLog> log, TopicConfig config)
    : tp_(std::move(tp)), log_(std::move(log)), config_(std::move(config)) {
  KS_ASSERT(log_ != nullptr);
}

std::int64_t Replica::log_end_offset() const { return log_->log_end_offset(); }
std::int64_t Replica::log_start_offset() const { return log_->log_start_offset(); }

Replica::Transition Replica::apply_state(const protocol::PartitionState& state, std::int32_t self, TimeUs now) {
  Transition t;
  self_ = self;
  if (state.leader_epoch < leader_epoch_) return t;  // a stale update
  const bool epoch_changed = state.leader_epoch != leader_epoch_;
  t.leader_changed = state.leader != leader_;
  replicas_ = state.replicas;
  partition_epoch_ = state.partition_epoch;
  isr_ = state.isr;
  alter_pending_ = false;  // the controller's state supersedes any proposal in flight
  proposed_isr_.clear();
  if (state.leader == self) {
    if (role_ != ReplicaRole::kLeader || epoch_changed) {
      role_ = ReplicaRole::kLeader;
      t.became_leader = true;
      leader_epoch_start_offset_ = log_->log_end_offset();
      log_->assign_epoch_start_offset(state.leader_epoch, leader_epoch_start_offset_);
      followers_.clear();
      for (std::int32_t r : replicas_) {
        if (r == self) continue;
        FollowerState fs;
        // Kafka resets the followers' state on a leader change: ISR members count as caught up now.
        fs.last_caught_up_us = contains(isr_, r) ? now : -1;
        followers_[r] = fs;
      }
    }
  } else {
    if (role_ != ReplicaRole::kFollower || epoch_changed || t.leader_changed) {
      role_ = ReplicaRole::kFollower;
      t.became_follower = true;
      followers_.clear();
      // A follower's HW is never above its LEO.
      high_watermark_ = std::min(high_watermark_, log_->log_end_offset());
    }
  }
  leader_ = state.leader;
  leader_epoch_ = state.leader_epoch;
  return t;
}

Replica::LeaderAppend Replica::append_as_leader(Bytes batch, std::int16_t acks, std::int64_t wall_clock_ms) {
  LeaderAppend out;
  KS_ASSERT(role_ == ReplicaRole::kLeader);
  if (acks == -1 && static_cast<std::int32_t>(isr_.size()) < config_.min_insync_replicas) {
    out.error = ErrorCode::kNotEnoughReplicas;
    out.error_message = fmt::format("ISR={} < min.insync.replicas={}", isr_.size(), config_.min_insync_replicas);
    return out;
  }
  if (batch.size() < batch::kHeaderBytes) {
    out.error = ErrorCode::kCorruptMessage;
    return out;
  }
  const BatchHeader h = parse_batch_header(batch.data());
  // Idempotence (KIP-98, ProducerStateManager): fence old epochs, answer duplicates, reject gaps.
  if (h.producer_id >= 0 && h.base_sequence >= 0) {
    auto it = producers_.find(h.producer_id);
    const std::int32_t first_seq = h.base_sequence;
    const std::int32_t last_seq = h.last_sequence();
    if (it != producers_.end()) {
      ProducerEntry& e = it->second;
      if (h.producer_epoch < e.epoch) {
        out.error = ErrorCode::kInvalidProducerEpoch;
        out.error_message = fmt::format("producer epoch {} is older than the current epoch {}", h.producer_epoch, e.epoch);
        return out;
      }
      if (h.producer_epoch == e.epoch) {
        for (const ProducerBatchMeta& m : e.batches) {
          if (m.first_seq == first_seq && m.last_seq == last_seq) {
            out.duplicate = true;
            out.base_offset = m.first_offset;
            out.last_offset = m.last_offset;
            return out;
          }
        }
        const std::int32_t expected = e.batches.empty() ? 0 : e.batches.back().last_seq + 1;
        if (!e.batches.empty() && first_seq != expected) {
          out.error = ErrorCode::kOutOfOrderSequenceNumber;
          out.error_message = fmt::format("expected sequence {} from producer {}, got {}", expected, h.producer_id,
                                          first_seq);
          return out;
        }
      } else if (first_seq != 0) {
        out.error = ErrorCode::kOutOfOrderSequenceNumber;
        out.error_message = fmt::format("a new producer epoch must start at sequence 0, got {}", first_seq);
        return out;
      }
    } else if (first_seq != 0) {
      out.error = ErrorCode::kUnknownProducerId;
      out.error_message = fmt::format("no state for producer {} (sequence {})", h.producer_id, first_seq);
      return out;
    }
  }
  const std::int64_t first_offset = log_->log_end_offset();
  auto res = log_->append_as_leader(batch, leader_epoch_, wall_clock_ms);
  if (!res.ok()) {
    out.error = to_error_code(res.error);
    out.error_message = to_string(res.error);
    return out;
  }
  out.base_offset = res.value.first_offset;
  out.last_offset = res.value.last_offset;
  out.log_append_time_ms = res.value.log_append_time_ms;
  // Producer state from the batch's header with the offsets (and LogAppendTime) the log assigned, without
  // reading it back: a produce request carries one batch per partition (Kafka: produce v3+).
  BatchHeader stored_header = parse_batch_header(batch.data());
  if (stored_header.size_bytes() == batch.size() && !stored_header.is_control()) {
    stored_header.base_offset = res.value.first_offset;
    if (res.value.log_append_time_ms >= 0) stored_header.max_timestamp = res.value.log_append_time_ms;
    apply_producer_batch(stored_header, batch);
  } else {
    auto stored = log_->read(first_offset, batch.size() + 64, INT64_MAX);
    if (stored.ok()) update_producer_state(stored.value.bytes);
  }
  return out;
}

Replica::LeaderAppend Replica::append_marker(std::int64_t producer_id, std::int16_t producer_epoch, bool commit,
                                             std::int32_t coordinator_epoch, std::int64_t wall_clock_ms) {
  LeaderAppend out;
  KS_ASSERT(role_ == ReplicaRole::kLeader);
  if (static_cast<std::int32_t>(isr_.size()) < config_.min_insync_replicas) {
    out.error = ErrorCode::kNotEnoughReplicas;
    out.error_message = fmt::format("ISR={} < min.insync.replicas={}", isr_.size(), config_.min_insync_replicas);
    return out;
  }
  auto it = producers_.find(producer_id);
  if (it != producers_.end()) {
    // Kafka: ProducerAppendInfo.appendEndTxnMarker checks the epoch, then the coordinator epoch.
    if (producer_epoch < it->second.epoch) {
      out.error = ErrorCode::kInvalidProducerEpoch;
      out.error_message = fmt::format("marker epoch {} is older than the producer's epoch {}", producer_epoch,
                                      it->second.epoch);
      return out;
    }
    if (coordinator_epoch < it->second.coordinator_epoch) {
      out.error = ErrorCode::kTransactionCoordinatorFenced;
      out.error_message = fmt::format("coordinator epoch {} is older than {}", coordinator_epoch,
                                      it->second.coordinator_epoch);
      return out;
    }
  }
  BatchSpec spec;
  spec.transactional = true;
  spec.control = true;
  spec.producer_id = producer_id;
  spec.producer_epoch = producer_epoch;
  std::vector<std::uint8_t> batch;
  encode_control_batch(spec, commit ? ControlType::kCommit : ControlType::kAbort, coordinator_epoch, wall_clock_ms,
                       batch);
  auto res = log_->append_as_leader(batch, leader_epoch_, wall_clock_ms, AppendOrigin::kCoordinator);
  if (!res.ok()) {
    out.error = to_error_code(res.error);
    out.error_message = to_string(res.error);
    return out;
  }
  out.base_offset = res.value.first_offset;
  out.last_offset = res.value.last_offset;
  BatchHeader h = parse_batch_header(batch.data());
  h.base_offset = res.value.first_offset;
  apply_producer_batch(h, batch);
  producers_[producer_id].coordinator_epoch = coordinator_epoch;
  return out;
}

bool Replica::on_follower_fetch(std::int32_t follower, std::int64_t fetch_offset, TimeUs now) {
  if (role_ != ReplicaRole::kLeader) return false;
  FollowerState& fs = followers_[follower];
  const std::int64_t leader_leo = log_->log_end_offset();
  // Kafka's Replica.updateFetchState: caught up when the fetch reached the LEO of this or the last fetch.
  if (fetch_offset >= leader_leo) {
    fs.last_caught_up_us = std::max(fs.last_caught_up_us, now);
  } else if (fs.last_fetch_leader_leo >= 0 && fetch_offset >= fs.last_fetch_leader_leo) {
    fs.last_caught_up_us = std::max(fs.last_caught_up_us, fs.last_fetch_us);
  }
  fs.log_end_offset = fetch_offset;
  fs.last_fetch_leader_leo = leader_leo;
  fs.last_fetch_us = now;
  return maybe_advance_hw();
}

bool Replica::maybe_advance_hw() {
  if (role_ != ReplicaRole::kLeader) return false;
  // Kafka 3.7+: no HW progress while the ISR is below min.insync.replicas.
  if (static_cast<std::int32_t>(isr_.size()) < config_.min_insync_replicas) return false;
  // The "maximal ISR": while an expansion is pending, the new member counts already.
  std::vector<std::int32_t> members = isr_;
  if (alter_pending_) {
    for (std::int32_t r : proposed_isr_) {
      if (!contains(members, r)) members.push_back(r);
    }
  }
  std::int64_t new_hw = log_->log_end_offset();
  for (std::int32_t r : members) {
    if (r == self_) continue;
    auto it = followers_.find(r);
    const std::int64_t leo = it == followers_.end() ? -1 : it->second.log_end_offset;
    new_hw = std::min(new_hw, leo < 0 ? high_watermark_ : leo);
  }
  if (new_hw > high_watermark_) {
    high_watermark_ = new_hw;
    return true;
  }
  return false;
}

std::optional<std::vector<std::int32_t>> Replica::isr_change_wanted(TimeUs now, TimeUs lag_max_us,
                                                                     std::string& reason,
                                                                     const std::vector<std::int32_t>* eligible) {
  if (role_ != ReplicaRole::kLeader || alter_pending_) return std::nullopt;
  std::vector<std::int32_t> out_of_sync;
  for (std::int32_t r : isr_) {
    if (r == self_) continue;
    auto it = followers_.find(r);
    const TimeUs caught_up = it == followers_.end() ? -1 : it->second.last_caught_up_us;
    if (caught_up >= 0 && now - caught_up > lag_max_us) out_of_sync.push_back(r);
  }
  if (!out_of_sync.empty()) {
    std::vector<std::int32_t> isr;
    for (std::int32_t r : isr_) {
      if (!contains(out_of_sync, r)) isr.push_back(r);
    }
    reason = fmt::format("broker {} has not caught up for replica.lag.time.max.ms={}", out_of_sync.front(),
                         lag_max_us / 1000);
    return isr;
  }
  for (std::int32_t r : replicas_) {
    if (r == self_ || contains(isr_, r)) continue;
    // A crashed (fenced) follower that had caught up would be proposed forever and block the others.
    if (eligible != nullptr && !contains(*eligible, r)) continue;
    auto it = followers_.find(r);
    if (it == followers_.end() || it->second.last_fetch_us < 0) continue;
    const std::int64_t leo = it->second.log_end_offset;
    // Kafka: a follower rejoins when its LEO reached the HW and the start of the leader's epoch.
    if (leo >= high_watermark_ && leo >= leader_epoch_start_offset_) {
      std::vector<std::int32_t> isr = isr_;
      isr.push_back(r);
      reason = fmt::format("broker {} caught up to the high watermark {}", r, high_watermark_);
      return isr;
    }
  }
  return std::nullopt;
}

void Replica::set_alter_pending(bool pending, std::vector<std::int32_t> proposed) {
  alter_pending_ = pending;
  proposed_isr_ = pending ? std::move(proposed) : std::vector<std::int32_t>{};
}

void Replica::on_alter_result(const protocol::AlterPartitionResponse& resp) {
  alter_pending_ = false;
  proposed_isr_.clear();
  if (resp.error != ErrorCode::kNone) return;
  if (resp.leader_epoch == leader_epoch_ && resp.partition_epoch >= partition_epoch_) {
    isr_ = resp.isr;
    partition_epoch_ = resp.partition_epoch;
  }
}

ErrorCode Replica::append_as_follower(const protocol::SharedBytes& batches, std::int64_t leader_hw) {
  if (batches != nullptr && !batches->empty()) {
    auto res = log_->append_as_follower(*batches);
    if (!res.ok()) return to_error_code(res.error);
    // The log stored these bytes as they are (offsets assigned by the leader): no need to read them back.
    update_producer_state(*batches);
  }
  if (leader_hw >= 0) high_watermark_ = std::max(high_watermark_, std::min(leader_hw, log_->log_end_offset()));
  return ErrorCode::kNone;
}

std::int64_t Replica::truncate_to(std::int64_t offset) {
  const std::int64_t leo = log_->log_end_offset();
  if (offset >= leo) return 0;
  log_->truncate_to(offset);
  high_watermark_ = std::min(high_watermark_, log_->log_end_offset());
  aborted_.erase(std::remove_if(aborted_.begin(), aborted_.end(),
                                [&](const AbortedTxn& a) { return a.last_offset >= offset; }),
                 aborted_.end());
  rebuild_producer_state();
  return leo - log_->log_end_offset();
}

void Replica::rebuild_producer_state() {
  producers_.clear();
  aborted_.clear();
  std::int64_t offset = log_->log_start_offset();
  const std::int64_t end = log_->log_end_offset();
  while (offset < end) {
    auto r = log_->read(offset, 1 << 20, INT64_MAX);
    if (!r.ok() || r.value.bytes.empty()) break;
    update_producer_state(r.value.bytes);
    Bytes rest = r.value.bytes;
    std::int64_t next = offset;
    while (true) {
      Bytes b = next_batch(rest);
      if (b.empty()) break;
      next = parse_batch_header(b.data()).next_offset();
    }
    if (next <= offset) break;
    offset = next;
  }
}

void Replica::update_producer_state(Bytes bytes) {
  Bytes rest = bytes;
  while (true) {
    Bytes b = next_batch(rest);
    if (b.empty()) break;
    apply_producer_batch(parse_batch_header(b.data()), b);
  }
}

void Replica::apply_producer_batch(const BatchHeader& h, Bytes b) {
  if (h.producer_id < 0) return;
  ProducerEntry& e = producers_[h.producer_id];
  if (h.producer_epoch > e.epoch) {
    e.epoch = h.producer_epoch;
    e.batches.clear();
  }
  if (h.is_control()) {
    // A transaction marker ends the producer's open transaction.
    if (b.size() >= batch::kHeaderBytes) {
      DecodedBatch d;
      if (decode_batch(b, d) == DecodeError::kOk && !d.records.empty()) {
        auto marker = parse_control_record(d.records.front());
        if (marker) e.coordinator_epoch = std::max(e.coordinator_epoch, marker->coordinator_epoch);
        if (marker && marker->type == ControlType::kAbort && e.current_txn_first_offset >= 0) {
          aborted_.push_back(AbortedTxn{h.producer_id, e.current_txn_first_offset, h.last_offset()});
        }
      }
    }
    e.current_txn_first_offset = -1;
    return;
  }
  if (h.is_transactional() && e.current_txn_first_offset < 0) e.current_txn_first_offset = h.base_offset;
  if (h.base_sequence >= 0) {
    e.batches.push_back(ProducerBatchMeta{h.base_sequence, h.last_sequence(), h.base_offset, h.last_offset(),
                                          h.max_timestamp});
    if (e.batches.size() > kMaxBatchesPerProducer) e.batches.erase(e.batches.begin());
  }
}

std::int64_t Replica::last_stable_offset() const {
  std::int64_t lso = high_watermark_;
  for (const auto& [pid, e] : producers_) {
    if (e.current_txn_first_offset >= 0) lso = std::min(lso, e.current_txn_first_offset);
  }
  return lso;
}

std::vector<protocol::AbortedTransaction> Replica::aborted_transactions(std::int64_t from, std::int64_t to) const {
  std::vector<protocol::AbortedTransaction> out;
  for (const AbortedTxn& a : aborted_) {
    if (a.last_offset >= from && a.first_offset < to) out.push_back({a.producer_id, a.first_offset});
  }
  return out;
}

void Replica::note_aborted(std::int64_t producer_id, std::int64_t first_offset, std::int64_t last_offset) {
  aborted_.push_back(AbortedTxn{producer_id, first_offset, last_offset});
}

}  // namespace kafkasim::cluster
