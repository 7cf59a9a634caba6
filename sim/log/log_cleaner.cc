// PartitionLog's retention and compaction on the virtual clock, as Kafka's UnifiedLog.deleteOldSegments and
// LogCleaner do them. The broker schedules them (sim/cluster/broker.cc): delete_old_segments() from the
// retention task (log.retention.check.interval.ms), clean() from the cleaner (log.cleaner.backoff.ms);
// maintain() runs both, for tests and tools.
//
// Retention (delete_old_segments) deletes whole segments from the start of the log, never past the high
// watermark:
//  - retention.ms: a segment goes when now - its largest timestamp > retention.ms;
//  - retention.bytes: the oldest segments go while the log minus that segment is still >= retention.bytes;
//  - log start offset: segments wholly below it (after DeleteRecords) go.
// The cleaner (clean) works on the segments below the active one and below the high watermark and
// min.compaction.lag.ms (cleanable()). It runs when the dirty part is more than min.cleanable.dirty.ratio
// of the cleanable log, or a tombstone's delete horizon has passed. One pass:
//  1. builds the map key -> latest offset over the cleanable segments (Kafka's OffsetMap; ours is exact);
//  2. rewrites each cleanable segment keeping, per key, only its latest record; control batches are kept;
//  3. tombstones (null value) are kept until their batch's delete horizon (KIP-534: the first pass that
//     sees a tombstone stamps the batch with deleteHorizonMs = now + delete.retention.ms, attributes bit
//     6); a later pass after the horizon removes them.
// Rewritten batches keep their base offset, lastOffsetDelta, producer fields and codec; batches left
// empty are dropped. The new segment is written to <base>.log.cleaned, fsynced and renamed over the .log.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/log/partition_log.h"

namespace kafkasim {

const char* to_string(CleanupPolicy p) {
  switch (p) {
    case CleanupPolicy::kDelete: return "delete";
    case CleanupPolicy::kCompact: return "compact";
    case CleanupPolicy::kCompactDelete: return "compact,delete";
  }
  return "?";
}

class LogCleaner {
 public:
  LogCleaner(PartitionLog& log, std::int64_t now_ms) : log_(log), now_ms_(now_ms) {}
  LogError clean(std::size_t cleanable, MaintenanceReport& report);

 private:
  LogError build_map(std::size_t cleanable);
  LogError clean_segment(LogSegment& seg, MaintenanceReport& report);
  PartitionLog& log_;
  std::int64_t now_ms_;
  std::map<std::string, std::int64_t, std::less<>> latest_;
  DecodedBatch decoded_;
  std::vector<std::uint8_t> scratch_;
};

LogError LogCleaner::build_map(std::size_t cleanable) {
  for (std::size_t i = 0; i < cleanable; ++i) {
    const LogSegment& seg = *log_.segments_[i];
    for (const BatchPosition& bp : seg.batches_from(0)) {
      const Bytes b = seg.bytes_at(bp.position, bp.header.size_bytes(), scratch_);
      if (decode_batch(b, decoded_) != DecodeError::kOk) {
        ++log_.counters_.corruptions_detected;
        return LogError::kCorruptRecord;
      }
      if (decoded_.header.is_control()) continue;
      for (const RecordView& r : decoded_.records) {
        if (!r.key) continue;
        auto it = latest_.find(*r.key);
        if (it == latest_.end()) latest_.emplace(std::string(*r.key), r.offset);
        else it->second = r.offset;
      }
    }
  }
  return LogError::kOk;
}

LogError LogCleaner::clean_segment(LogSegment& seg, MaintenanceReport& report) {
  std::vector<std::uint8_t> out;
  std::vector<std::uint8_t> scratch;
  std::vector<RecordInput> kept;
  bool changed = false;
  for (const BatchPosition& bp : seg.batches_from(0)) {
    const Bytes b = seg.bytes_at(bp.position, bp.header.size_bytes(), scratch_);
    if (decode_batch(b, decoded_) != DecodeError::kOk) return LogError::kCorruptRecord;
    const BatchHeader& h = decoded_.header;
    if (h.is_control()) {
      out.insert(out.end(), b.begin(), b.end());
      continue;
    }
    kept.clear();
    bool has_tombstone = false;
    for (const RecordView& r : decoded_.records) {
      const bool latest = r.key && latest_.find(*r.key)->second == r.offset;
      const bool horizon_passed = h.has_delete_horizon() && h.base_timestamp <= now_ms_;
      if (!latest) {
        ++report.records_compacted_away;
        continue;
      }
      if (!r.value) {
        if (horizon_passed) {
          ++report.tombstones_removed;
          continue;
        }
        has_tombstone = true;
      }
      RecordInput in;
      in.timestamp = r.timestamp;
      in.key = r.key;
      in.value = r.value;
      in.headers = decoded_.headers_of(r);
      in.offset_delta = static_cast<std::int32_t>(r.offset - h.base_offset);
      kept.push_back(in);
    }
    const bool stamp_horizon = has_tombstone && !h.has_delete_horizon();
    if (kept.size() == decoded_.records.size() && !stamp_horizon) {
      out.insert(out.end(), b.begin(), b.end());
      continue;
    }
    changed = true;
    if (kept.empty()) continue;
    BatchSpec spec;
    spec.base_offset = h.base_offset;
    spec.partition_leader_epoch = h.partition_leader_epoch;
    spec.compression = h.compression();
    spec.timestamp_type = h.timestamp_type();
    spec.transactional = h.is_transactional();
    spec.producer_id = h.producer_id;
    spec.producer_epoch = h.producer_epoch;
    spec.base_sequence = h.base_sequence;
    spec.last_offset_delta = h.last_offset_delta;
    spec.max_timestamp = h.max_timestamp;
    if (has_tombstone) {
      spec.delete_horizon_ms = h.has_delete_horizon() ? h.base_timestamp : now_ms_ + log_.config_.delete_retention_ms;
    }
    encode_batch(spec, kept, out, scratch);
  }
  if (!changed) return LogError::kOk;
  const std::string cleaned = seg.log_path() + ".cleaned";
  Disk& disk = log_.disk_;
  if (disk.exists(cleaned)) (void)disk.remove(cleaned);
  auto f = disk.create(cleaned);
  if (!f.ok()) return to_log_error(f.error);
  DiskError e = disk.append(f.value, out);
  if (e == DiskError::kOk) e = disk.fsync(f.value);
  if (e == DiskError::kOk) e = seg.replace_with(cleaned, log_.config_.max_message_bytes);
  if (e == DiskError::kOk) e = seg.flush();
  if (e == DiskError::kOk) e = disk.sync_dir(log_.dir_);
  ++report.segments_cleaned;
  return to_log_error(e);
}

LogError LogCleaner::clean(std::size_t cleanable, MaintenanceReport& report) {
  if (const LogError e = build_map(cleanable); e != LogError::kOk) return e;
  for (std::size_t i = 0; i < cleanable; ++i) {
    if (const LogError e = clean_segment(*log_.segments_[i], report); e != LogError::kOk) return e;
  }
  return LogError::kOk;
}

namespace {
// Upper bound of segment i: the next segment's base, or the LEO for the active one.
std::int64_t segment_upper(const std::vector<std::unique_ptr<LogSegment>>& segments, std::size_t i,
                           std::int64_t log_end_offset) {
  return i + 1 < segments.size() ? segments[i + 1]->base_offset() : log_end_offset;
}
}  // namespace

bool CleanableLog::needs_cleaning(std::int32_t min_cleanable_dirty_ratio_permille) const {
  if (segments == 0) return false;
  // Kafka (LogCleanerManager.grabFilthiestCompactedLog): cleanableRatio > min.cleanable.dirty.ratio.
  const bool ratio_met =
      total_bytes > 0 && dirty_bytes * 1000 > total_bytes * static_cast<std::uint64_t>(min_cleanable_dirty_ratio_permille);
  return ratio_met || horizon_due;
}

bool CleanableLog::dirtier_than(const CleanableLog& other) const {
  // dirty/total > other.dirty/other.total, in integers (a log with no bytes has ratio 0).
  if (total_bytes == 0) return false;
  if (other.total_bytes == 0) return dirty_bytes > 0;
  return static_cast<unsigned __int128>(dirty_bytes) * other.total_bytes >
         static_cast<unsigned __int128>(other.dirty_bytes) * total_bytes;
}

void PartitionLog::add_to_totals(const MaintenanceReport& report) {
  counters_.maintenance.segments_deleted += report.segments_deleted;
  counters_.maintenance.bytes_deleted += report.bytes_deleted;
  counters_.maintenance.records_compacted_away += report.records_compacted_away;
  counters_.maintenance.tombstones_removed += report.tombstones_removed;
  counters_.maintenance.segments_cleaned += report.segments_cleaned;
}

LogResult<MaintenanceReport> PartitionLog::delete_old_segments(std::int64_t now_ms, std::int64_t high_watermark) {
  LogResult<MaintenanceReport> r;
  MaintenanceReport& report = r.value;
  if (disk_.io_error()) {
    r.error = LogError::kStorageError;
    return r;
  }
  auto upper = [&](std::size_t i) { return segment_upper(segments_, i, log_end_offset()); };
  std::size_t n = 0;
  if (config_.delete_retention()) {
    if (config_.retention_ms >= 0) {
      while (n < segments_.size() && !segments_[n]->empty() && upper(n) <= high_watermark &&
             now_ms - std::max(segments_[n]->max_timestamp(), segments_[n]->rolling_base_ms()) > config_.retention_ms) {
        ++n;
      }
    }
    if (config_.retention_bytes >= 0) {
      std::int64_t diff = static_cast<std::int64_t>(size_bytes()) - config_.retention_bytes;
      for (std::size_t i = 0; i < segments_.size() && upper(i) <= high_watermark; ++i) {
        diff -= static_cast<std::int64_t>(segments_[i]->size_bytes());
        if (diff < 0) break;
        n = std::max(n, i + 1);
      }
    }
  }
  while (n + 1 < segments_.size() && segments_[n + 1]->base_offset() <= log_start_offset_) ++n;
  r.error = delete_segments(n, now_ms, report);
  add_to_totals(report);
  return r;
}

CleanableLog PartitionLog::cleanable(std::int64_t now_ms, std::int64_t high_watermark) const {
  CleanableLog c;
  if (!config_.compact()) return c;
  auto upper = [&](std::size_t i) { return segment_upper(segments_, i, log_end_offset()); };
  // Cleanable: segments below the active one, ending at or below the HW and older than the lag
  // (Kafka: LogCleanerManager.cleanableOffsets, firstUncleanableDirtyOffset).
  while (c.segments + 1 < segments_.size() && upper(c.segments) <= high_watermark &&
         now_ms - segments_[c.segments]->max_timestamp() >= config_.min_compaction_lag_ms) {
    const LogSegment& seg = *segments_[c.segments];
    c.total_bytes += seg.size_bytes();
    if (upper(c.segments) > first_dirty_offset_) c.dirty_bytes += seg.size_bytes();
    for (const BatchPosition& b : seg.batches_from(0)) {
      if (b.header.has_delete_horizon() && b.header.base_timestamp <= now_ms) c.horizon_due = true;
    }
    ++c.segments;
  }
  return c;
}

LogResult<MaintenanceReport> PartitionLog::clean(std::int64_t now_ms, std::int64_t high_watermark) {
  LogResult<MaintenanceReport> r;
  if (disk_.io_error()) {
    r.error = LogError::kStorageError;
    return r;
  }
  const CleanableLog c = cleanable(now_ms, high_watermark);
  if (!c.needs_cleaning(config_.min_cleanable_dirty_ratio_permille)) return r;
  LogCleaner cleaner(*this, now_ms);
  r.error = cleaner.clean(c.segments, r.value);
  if (r.error == LogError::kOk) {
    first_dirty_offset_ = segment_upper(segments_, c.segments - 1, log_end_offset());
    r.error = rebuild_transactions();
  }
  add_to_totals(r.value);
  return r;
}

LogResult<MaintenanceReport> PartitionLog::maintain(std::int64_t now_ms, std::int64_t high_watermark) {
  LogResult<MaintenanceReport> r = delete_old_segments(now_ms, high_watermark);
  if (!r.ok()) return r;
  const LogResult<MaintenanceReport> c = clean(now_ms, high_watermark);
  r.error = c.error;
  r.value.records_compacted_away = c.value.records_compacted_away;
  r.value.tombstones_removed = c.value.tombstones_removed;
  r.value.segments_cleaned = c.value.segments_cleaned;
  return r;
}

}  // namespace kafkasim
