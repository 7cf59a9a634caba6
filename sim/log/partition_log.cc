#include "sim/log/partition_log.h"

#include <algorithm>
#include <cstring>

#include "sim/core/assert.h"
#include "sim/log/crc32c.h"
#include "sim/log/varint.h"

namespace kafkasim {

const char* to_string(LogError e) {
  switch (e) {
    case LogError::kOk: return "NONE";
    case LogError::kCorruptRecord: return "CORRUPT_MESSAGE";
    case LogError::kInvalidRecord: return "INVALID_RECORD";
    case LogError::kRecordTooLarge: return "MESSAGE_TOO_LARGE";
    case LogError::kOffsetOutOfRange: return "OFFSET_OUT_OF_RANGE";
    case LogError::kUnexpectedOffset: return "UNEXPECTED_APPEND_OFFSET";
    case LogError::kStorageError: return "KAFKA_STORAGE_ERROR";
    case LogError::kNoSpace: return "KAFKA_STORAGE_ERROR(no space)";
  }
  return "?";
}

LogError to_log_error(DiskError e) {
  switch (e) {
    case DiskError::kOk: return LogError::kOk;
    case DiskError::kNoSpace: return LogError::kNoSpace;
    default: return LogError::kStorageError;
  }
}

Bytes next_batch(Bytes& rest) {
  if (rest.size() < batch::kHeaderBytes) return {};
  const auto length = static_cast<std::int32_t>(be::get32(rest.data() + batch::kLengthPos));
  if (length < 0) return {};
  const std::size_t total = static_cast<std::size_t>(length) + batch::kLogOverheadBytes;
  if (total > rest.size()) return {};
  Bytes b = rest.first(total);
  rest = rest.subspan(total);
  return b;
}

PartitionLog::PartitionLog(Disk& disk, std::string dir, const LogConfig& config)
    : disk_(disk), dir_(std::move(dir)), config_(config), epoch_cache_(disk, dir_ + "/leader-epoch-checkpoint") {}

PartitionLog::~PartitionLog() = default;

LogResult<std::unique_ptr<PartitionLog>> PartitionLog::open(Disk& disk, std::string dir, const LogConfig& config,
                                                            const LogOpenOptions& options, RecoveryReport* report) {
  LogResult<std::unique_ptr<PartitionLog>> r;
  r.value.reset(new PartitionLog(disk, std::move(dir), config));
  RecoveryReport local;
  r.error = r.value->recover(options, report != nullptr ? *report : local);
  if (!r.ok()) r.value.reset();
  return r;
}

LogError PartitionLog::recover(const LogOpenOptions& options, RecoveryReport& report) {
  if (disk_.io_error()) return LogError::kStorageError;
  // Leftovers of interrupted operations: cleaner output and checkpoint temporaries are dropped.
  std::vector<std::int64_t> bases;
  for (const std::string& name : disk_.list(dir_)) {
    if (name.ends_with(".cleaned") || name.ends_with(".tmp") || name.ends_with(".deleted")) {
      if (const DiskError e = disk_.remove(dir_ + "/" + name); e != DiskError::kOk) return to_log_error(e);
    } else if (auto base = parse_segment_file_name(name, ".log")) {
      bases.push_back(*base);
    }
  }
  std::sort(bases.begin(), bases.end());
  log_start_offset_ = std::max<std::int64_t>(options.log_start_offset, bases.empty() ? 0 : bases.front());
  std::vector<std::pair<std::int32_t, std::int64_t>> scanned_epochs;
  bool truncated = false;
  for (std::size_t i = 0; i < bases.size(); ++i) {
    auto seg = LogSegment::open(disk_, dir_, bases[i], config_, options.now_ms);
    if (!seg.ok()) return to_log_error(seg.error);
    const bool next_below_start = i + 1 < bases.size() && bases[i + 1] <= log_start_offset_;
    if (truncated || next_below_start) {  // after the first invalid batch, or wholly below the log start
      if (const DiskError e = seg.value->remove_files(); e != DiskError::kOk) return to_log_error(e);
      ++report.segments_removed;
      continue;
    }
    // Segments that end below the recovery point were fsynced: only their headers are read. From the
    // segment holding the recovery point on, every batch is validated (length, magic, CRC, offsets).
    const bool validate = i + 1 >= bases.size() || bases[i + 1] > options.recovery_point;
    auto rec = seg.value->recover(validate ? 0 : UINT32_MAX, config_.max_message_bytes, gaps());
    if (!rec.ok()) return to_log_error(rec.error);
    if (validate) ++report.segments_recovered;
    report.truncated_bytes += rec.value.truncated_bytes;
    scanned_epochs.insert(scanned_epochs.end(), rec.value.epochs.begin(), rec.value.epochs.end());
    if (rec.value.first_invalid != BatchCheck::kOk) {
      report.first_invalid = rec.value.first_invalid;
      truncated = true;
    }
    const std::int64_t prev_end = segments_.empty() ? INT64_MIN : segments_.back()->next_offset();
    if (!segments_.empty() && (seg.value->base_offset() < prev_end ||
                               (gaps() == OffsetGaps::kForbidden && seg.value->base_offset() != prev_end))) {
      // A segment is rolled at the log end offset, so a hole (outside compacted logs, where the cleaner
      // leaves holes) or an overlap means that the end of the previous segment was lost (its creation was
      // durable, its data was not): the log ends there.
      if (const DiskError e = seg.value->remove_files(); e != DiskError::kOk) return to_log_error(e);
      ++report.segments_removed;
      truncated = true;
      continue;
    }
    segments_.push_back(std::move(seg.value));
  }
  if (report.segments_removed > 0) {
    if (const DiskError e = disk_.sync_dir(dir_); e != DiskError::kOk) return to_log_error(e);
  }
  if (segments_.empty()) {
    auto seg = LogSegment::create(disk_, dir_, log_start_offset_, config_, options.now_ms);
    if (!seg.ok()) return to_log_error(seg.error);
    segments_.push_back(std::move(seg.value));
  }
  const std::int64_t leo = log_end_offset();
  log_start_offset_ = std::min(std::max(log_start_offset_, segments_.front()->base_offset()), leo);
  // The epoch cache follows the recovered log: truncated to it, then completed from the batches read.
  report.epoch_checkpoint_malformed = !epoch_cache_.load();
  DiskError e = epoch_cache_.truncate_from_end(leo);
  if (e == DiskError::kOk) e = epoch_cache_.truncate_from_start(log_start_offset_);
  for (const auto& [epoch, offset] : scanned_epochs) {
    if (e == DiskError::kOk && offset < leo) e = epoch_cache_.assign(epoch, std::max(offset, log_start_offset_));
  }
  if (e != DiskError::kOk) return to_log_error(e);
  // What recovery kept is made durable, so the recovery point is the log end (as Kafka's LogLoader does).
  for (auto& seg : segments_) {
    if (const DiskError fe = seg->flush(); fe != DiskError::kOk) return to_log_error(fe);
  }
  if (const DiskError se = disk_.sync_dir(dir_); se != DiskError::kOk) return to_log_error(se);
  recovery_point_ = leo;
  first_dirty_offset_ = log_start_offset_;
  return rebuild_transactions();
}

std::int64_t PartitionLog::log_end_offset() const { return segments_.back()->next_offset(); }

std::uint64_t PartitionLog::size_bytes() const {
  std::uint64_t n = 0;
  for (const auto& s : segments_) n += s->size_bytes();
  return n;
}

std::vector<const LogSegment*> PartitionLog::segments() const {
  std::vector<const LogSegment*> v;
  for (const auto& s : segments_) v.push_back(s.get());
  return v;
}

std::size_t PartitionLog::segment_index_for(std::int64_t offset) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), offset,
                             [](std::int64_t o, const std::unique_ptr<LogSegment>& s) { return o < s->base_offset(); });
  return it == segments_.begin() ? 0 : static_cast<std::size_t>(it - segments_.begin() - 1);
}

LogError PartitionLog::roll(std::int64_t now_ms) {
  const std::int64_t base = log_end_offset();
  if (active().empty()) return LogError::kOk;
  if (const DiskError e = active().on_roll(); e != DiskError::kOk) return to_log_error(e);
  auto seg = LogSegment::create(disk_, dir_, base, config_, now_ms);
  if (!seg.ok()) return to_log_error(seg.error);
  segments_.push_back(std::move(seg.value));
  ++counters_.segments_rolled;
  return LogError::kOk;
}

LogError PartitionLog::maybe_roll(std::size_t batch_bytes, std::int64_t max_timestamp, std::int64_t last_offset,
                                  std::int64_t now_ms) {
  LogSegment& seg = active();
  if (seg.empty()) return LogError::kOk;
  // Kafka's LogSegment.shouldRoll: size, segment.ms measured from the first batch's timestamp (or the
  // creation time), full indexes, or an offset that no longer fits the 4-byte relative offset.
  const std::int64_t waited_ms = (max_timestamp >= 0 ? max_timestamp : now_ms) - seg.rolling_base_ms();
  const bool roll_now = seg.size_bytes() + batch_bytes > static_cast<std::uint64_t>(config_.segment_bytes) ||
                        waited_ms > config_.segment_ms || seg.index_full() ||
                        last_offset - seg.base_offset() > INT32_MAX;
  return roll_now ? roll(now_ms) : LogError::kOk;
}

LogError PartitionLog::append_batch(Bytes head, Bytes tail, const BatchHeader& h, std::int64_t now_ms) {
  if (const LogError e = maybe_roll(head.size() + tail.size(), h.max_timestamp, h.last_offset(), now_ms); e != LogError::kOk) {
    return e;
  }
  if (h.partition_leader_epoch >= 0) {
    if (const DiskError e = epoch_cache_.assign(h.partition_leader_epoch, h.base_offset); e != DiskError::kOk) {
      return to_log_error(e);
    }
  }
  const DiskError e = active().append(head, tail, h.last_offset(), h.max_timestamp, h.last_offset());
  if (e != DiskError::kOk) return to_log_error(e);
  if (h.is_transactional()) {
    std::vector<std::uint8_t> whole;
    if (h.is_control()) {  // markers are 78 bytes: assemble them to read the marker
      whole.assign(head.begin(), head.end());
      whole.insert(whole.end(), tail.begin(), tail.end());
    }
    if (const LogError te = track_transaction(h, whole, active()); te != LogError::kOk) return te;
  }
  ++counters_.batches_appended;
  counters_.records_appended += static_cast<std::uint64_t>(h.record_count);
  counters_.bytes_appended += head.size() + tail.size();
  return LogError::kOk;
}

LogError PartitionLog::after_append(std::int64_t records) {
  unflushed_records_ += records;
  if (unflushed_records_ >= config_.flush_messages) return flush(log_end_offset());  // Kafka: flush.messages
  return LogError::kOk;
}

namespace {
void add_batch(AppendInfo& info, const BatchHeader& h, std::size_t bytes) {
  if (info.first_offset < 0) info.first_offset = h.base_offset;
  if (h.max_timestamp > info.max_timestamp) {
    info.max_timestamp = h.max_timestamp;
    info.offset_of_max_timestamp = h.last_offset();
  }
  info.last_offset = h.last_offset();
  info.record_count += h.record_count;
  ++info.batch_count;
  info.bytes += bytes;
}

// Validation of a produce request's batch as Kafka's LogValidator does it for magic v2.
LogError validate_client_batch(Bytes b, const LogConfig& config, AppendOrigin origin, BatchHeader& h,
                               DecodedBatch& scratch) {
  std::size_t size = 0;
  const BatchCheck check = check_batch(b, size, std::size_t{1} << 31);
  if (check != BatchCheck::kOk || size != b.size()) return LogError::kCorruptRecord;
  if (size > static_cast<std::size_t>(config.max_message_bytes) + batch::kLogOverheadBytes) {
    return LogError::kRecordTooLarge;
  }
  h = parse_batch_header(b.data());
  if (h.record_count <= 0 || h.last_offset_delta + 1 != h.record_count) return LogError::kInvalidRecord;
  if (h.is_control() && origin == AppendOrigin::kClient) return LogError::kInvalidRecord;
  if (h.compression() > Compression::kZstd) return LogError::kCorruptRecord;
  if (config.compact() && !h.is_control()) {  // "Compacted topic cannot accept message without key"
    if (decode_batch(b, scratch) != DecodeError::kOk) return LogError::kCorruptRecord;
    for (const RecordView& r : scratch.records) {
      if (!r.key) return LogError::kInvalidRecord;
    }
  }
  return LogError::kOk;
}
}  // namespace

LogResult<AppendInfo> PartitionLog::append_as_leader(Bytes batches, std::int32_t leader_epoch, std::int64_t now_ms,
                                                     AppendOrigin origin) {
  LogResult<AppendInfo> r;
  if (disk_.io_error()) {
    r.error = LogError::kStorageError;
    return r;
  }
  // Pass 1: validate everything (all or nothing).
  DecodedBatch decoded;
  std::size_t count = 0;
  for (Bytes rest = batches; !rest.empty(); ++count) {
    Bytes b = next_batch(rest);
    BatchHeader h;
    if (b.empty()) {
      r.error = LogError::kCorruptRecord;
      return r;
    }
    if ((r.error = validate_client_batch(b, config_, origin, h, decoded)) != LogError::kOk) return r;
  }
  if (count == 0) {
    r.error = LogError::kInvalidRecord;
    return r;
  }
  // Pass 2: assign offsets, stamp the epoch (outside the CRC), apply LogAppendTime (inside it), write.
  const bool log_append_time = config_.message_timestamp_type == TimestampType::kLogAppendTime;
  AppendInfo& info = r.value;
  std::uint8_t head[batch::kHeaderBytes];
  for (Bytes rest = batches; !rest.empty();) {
    Bytes b = next_batch(rest);
    std::memcpy(head, b.data(), sizeof(head));
    const std::int64_t base = log_end_offset();
    be::put64(head + batch::kBaseOffsetPos, static_cast<std::uint64_t>(base));
    be::put32(head + batch::kLeaderEpochPos, static_cast<std::uint32_t>(leader_epoch));
    if (log_append_time) {
      be::put16(head + batch::kAttributesPos,
                static_cast<std::uint16_t>(be::get16(head + batch::kAttributesPos) | batch::kTimestampTypeBit));
      be::put64(head + batch::kMaxTimestampPos, static_cast<std::uint64_t>(now_ms));
      const std::uint32_t crc = crc32c(head + batch::kAttributesPos, batch::kHeaderBytes - batch::kAttributesPos);
      be::put32(head + batch::kCrcPos, crc32c(b.data() + batch::kHeaderBytes, b.size() - batch::kHeaderBytes, crc));
      info.log_append_time_ms = now_ms;
    }
    const BatchHeader h = parse_batch_header(head);
    if ((r.error = append_batch(Bytes(head, sizeof(head)), b.subspan(batch::kHeaderBytes), h, now_ms)) != LogError::kOk) {
      return r;
    }
    add_batch(info, h, b.size());
  }
  r.error = after_append(info.record_count);
  return r;
}

LogResult<AppendInfo> PartitionLog::append_records_as_leader(const BatchSpec& spec, std::span<const RecordInput> records,
                                                             std::int32_t leader_epoch, std::int64_t now_ms) {
  std::vector<std::uint8_t> bytes;
  encode_batch(spec, records, bytes, scratch_);
  return append_as_leader(bytes, leader_epoch, now_ms, spec.control ? AppendOrigin::kCoordinator : AppendOrigin::kClient);
}

LogResult<AppendInfo> PartitionLog::append_as_follower(Bytes batches) {
  LogResult<AppendInfo> r;
  if (disk_.io_error()) {
    r.error = LogError::kStorageError;
    return r;
  }
  std::int64_t expected = log_end_offset();
  // An empty follower log started at the leader's log start offset may receive a first batch that begins
  // below it (DeleteRecords in the middle of a batch): restart the log at that batch, as Kafka's
  // Partition.appendRecordsToFollowerOrFutureReplica does on UnexpectedAppendOffsetException.
  if (size_bytes() == 0 && batches.size() >= batch::kHeaderBytes) {
    const std::int64_t first = parse_batch_header(batches.data()).base_offset;
    if (first < expected && first >= 0) {
      if ((r.error = truncate_fully_and_start_at(first)) != LogError::kOk) return r;
      expected = first;
    }
  }
  for (Bytes rest = batches; !rest.empty();) {  // validate first: all or nothing
    Bytes b = next_batch(rest);
    std::size_t size = 0;
    if (b.empty() || check_batch(b, size) != BatchCheck::kOk) {
      r.error = LogError::kCorruptRecord;
      return r;
    }
    const BatchHeader h = parse_batch_header(b.data());
    if (h.base_offset < expected || h.last_offset_delta < 0 ||
        (gaps() == OffsetGaps::kForbidden && h.base_offset != expected)) {
      r.error = LogError::kUnexpectedOffset;
      return r;
    }
    expected = h.next_offset();
  }
  AppendInfo& info = r.value;
  for (Bytes rest = batches; !rest.empty();) {
    Bytes b = next_batch(rest);
    const BatchHeader h = parse_batch_header(b.data());
    if ((r.error = append_batch(b, {}, h, h.max_timestamp)) != LogError::kOk) return r;
    add_batch(info, h, b.size());
  }
  r.error = after_append(info.record_count);
  return r;
}

LogResult<FetchData> PartitionLog::read(std::int64_t from_offset, std::size_t max_bytes, std::int64_t max_offset) {
  LogResult<FetchData> r;
  FetchData& out = r.value;
  out.log_start_offset = log_start_offset_;
  out.log_end_offset = log_end_offset();
  if (from_offset < log_start_offset_ || from_offset > out.log_end_offset) {
    r.error = LogError::kOffsetOutOfRange;
    return r;
  }
  if (disk_.io_error()) {
    r.error = LogError::kStorageError;
    return r;
  }
  std::int64_t expected = -1;  // where the next batch must start when offsets have no gaps
  for (std::size_t i = segment_index_for(from_offset); i < segments_.size(); ++i) {
    const LogSegment& seg = *segments_[i];
    const auto start = seg.find(from_offset);
    if (!start) continue;
    const std::uint64_t seg_size = seg.size_bytes();
    for (std::uint64_t pos = start->position; pos < seg_size;) {
      const auto head = seg.header_at(pos);
      const Bytes rest = head ? seg.bytes_at(pos, std::min<std::uint64_t>(head->size_bytes(), seg_size - pos), scratch_)
                              : seg.bytes_at(pos, batch::kHeaderBytes, scratch_);
      std::size_t size = 0;
      BatchCheck check = check_batch(rest, size);
      const std::int64_t corrupt_at = expected < 0 ? from_offset : expected;
      if (check == BatchCheck::kOk) {
        // baseOffset lies outside the CRC: check that it is plausible.
        const BatchHeader& h = *head;
        if (h.base_offset < seg.base_offset() || h.next_offset() > out.log_end_offset || h.last_offset_delta < 0 ||
            h.base_offset < expected ||
            (gaps() == OffsetGaps::kForbidden && (expected < 0 ? h.base_offset > from_offset : h.base_offset != expected))) {
          check = BatchCheck::kBadOffset;
        }
        expected = h.next_offset();
      }
      if (check != BatchCheck::kOk) {
        ++counters_.corruptions_detected;
        out.corrupt_offset = corrupt_at;
        if (out.bytes.empty()) r.error = LogError::kCorruptRecord;
        return r;
      }
      const BatchHeader& h = *head;
      if (h.next_offset() > max_offset) return r;
      if (!out.bytes.empty() && out.bytes.size() + size > max_bytes) return r;
      out.bytes.insert(out.bytes.end(), rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(size));
      pos += size;
    }
  }
  return r;
}

std::optional<TimestampOffset> PartitionLog::offset_for_timestamp(std::int64_t ts) const {
  for (const auto& seg : segments_) {
    if (auto found = seg->find_offset_for_timestamp(ts)) {
      if (found->offset >= log_start_offset_) return found;
      return TimestampOffset{found->timestamp, log_start_offset_};
    }
  }
  return std::nullopt;
}

LogError PartitionLog::truncate_to(std::int64_t offset) {
  if (offset >= log_end_offset()) return LogError::kOk;
  if (offset < log_start_offset_) return truncate_fully_and_start_at(offset);
  if (disk_.io_error()) return LogError::kStorageError;
  while (segments_.size() > 1 && segments_.back()->base_offset() > offset) {
    if (const DiskError e = segments_.back()->remove_files(); e != DiskError::kOk) return to_log_error(e);
    segments_.pop_back();
  }
  auto t = active().truncate_to(offset);
  if (!t.ok()) return to_log_error(t.error);
  if (const DiskError e = disk_.sync_dir(dir_); e != DiskError::kOk) return to_log_error(e);
  const std::int64_t leo = log_end_offset();
  recovery_point_ = std::min(recovery_point_, leo);
  first_dirty_offset_ = std::min(first_dirty_offset_, leo);
  if (const DiskError e = epoch_cache_.truncate_from_end(leo); e != DiskError::kOk) return to_log_error(e);
  return rebuild_transactions();
}

LogError PartitionLog::truncate_fully_and_start_at(std::int64_t offset) {
  if (disk_.io_error()) return LogError::kStorageError;
  for (auto& seg : segments_) {
    if (const DiskError e = seg->remove_files(); e != DiskError::kOk) return to_log_error(e);
  }
  segments_.clear();
  auto seg = LogSegment::create(disk_, dir_, offset, config_, 0);
  if (!seg.ok()) return to_log_error(seg.error);
  segments_.push_back(std::move(seg.value));
  if (const DiskError e = disk_.sync_dir(dir_); e != DiskError::kOk) return to_log_error(e);
  log_start_offset_ = recovery_point_ = first_dirty_offset_ = offset;
  ongoing_txns_.clear();
  return to_log_error(epoch_cache_.truncate_from_end(INT64_MIN));
}

LogError PartitionLog::delete_records_before(std::int64_t offset) {
  if (offset > log_end_offset()) return LogError::kOffsetOutOfRange;
  if (offset <= log_start_offset_) return LogError::kOk;
  log_start_offset_ = offset;
  first_dirty_offset_ = std::max(first_dirty_offset_, offset);
  if (const DiskError e = epoch_cache_.truncate_from_start(offset); e != DiskError::kOk) return to_log_error(e);
  std::size_t n = 0;
  while (n + 1 < segments_.size() && segments_[n + 1]->base_offset() <= log_start_offset_) ++n;
  MaintenanceReport report;
  return delete_segments(n, 0, report);
}

LogError PartitionLog::flush(std::int64_t up_to) {
  up_to = std::min(up_to, log_end_offset());
  if (up_to <= recovery_point_) return LogError::kOk;
  const std::size_t first = segment_index_for(recovery_point_);
  for (std::size_t i = first; i < segments_.size(); ++i) {
    if (i > first && segments_[i]->base_offset() >= up_to) break;
    if (const DiskError e = segments_[i]->flush(); e != DiskError::kOk) return to_log_error(e);
  }
  if (const DiskError e = disk_.sync_dir(dir_); e != DiskError::kOk) return to_log_error(e);
  recovery_point_ = up_to;
  unflushed_records_ = 0;
  return LogError::kOk;
}

LogError PartitionLog::assign_epoch_start_offset(std::int32_t epoch, std::int64_t start_offset) {
  return to_log_error(epoch_cache_.assign(epoch, start_offset));
}

EpochEndOffset PartitionLog::end_offset_for_epoch(std::int32_t epoch) const {
  return epoch_cache_.end_offset_for(epoch, log_end_offset());
}

LogError PartitionLog::delete_segments(std::size_t count, std::int64_t now_ms, MaintenanceReport& report) {
  if (count == 0) return LogError::kOk;
  if (count == segments_.size()) {  // deleting the active segment: roll first so one always remains
    if (const LogError e = roll(now_ms); e != LogError::kOk) return e;
    if (count == segments_.size()) --count;  // the active one was empty and could not roll
  }
  for (std::size_t i = 0; i < count; ++i) {
    report.bytes_deleted += segments_[i]->size_bytes();
    if (const DiskError e = segments_[i]->remove_files(); e != DiskError::kOk) return to_log_error(e);
  }
  segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(count));
  report.segments_deleted += count;
  if (const DiskError e = disk_.sync_dir(dir_); e != DiskError::kOk) return to_log_error(e);
  if (segments_.front()->base_offset() > log_start_offset_) {
    log_start_offset_ = segments_.front()->base_offset();
    first_dirty_offset_ = std::max(first_dirty_offset_, log_start_offset_);
    if (const DiskError e = epoch_cache_.truncate_from_start(log_start_offset_); e != DiskError::kOk) {
      return to_log_error(e);
    }
  }
  recovery_point_ = std::max(recovery_point_, log_start_offset_);
  return LogError::kOk;
}

LogError PartitionLog::track_transaction(const BatchHeader& h, Bytes batch, LogSegment& seg) {
  if (!h.is_control()) {
    ongoing_txns_.emplace(h.producer_id, h.base_offset);  // kept when the transaction is already open
    return LogError::kOk;
  }
  DecodedBatch d;
  if (decode_batch(batch, d) != DecodeError::kOk || d.records.empty()) return LogError::kOk;
  const auto marker = parse_control_record(d.records.front());
  if (!marker) return LogError::kOk;
  auto it = ongoing_txns_.find(h.producer_id);
  const std::int64_t first = it != ongoing_txns_.end() ? it->second : h.base_offset;
  if (it != ongoing_txns_.end()) ongoing_txns_.erase(it);
  if (marker->type != ControlType::kAbort) return LogError::kOk;
  std::int64_t lso = h.last_offset() + 1;  // the LSO once this transaction ended
  for (const auto& [pid, offset] : ongoing_txns_) lso = std::min(lso, offset);
  return to_log_error(seg.txn_index().append(AbortedTxn{h.producer_id, first, h.last_offset(), lso}));
}

LogError PartitionLog::rebuild_transactions() {
  ongoing_txns_.clear();
  std::vector<std::uint8_t> scratch;
  for (auto& seg : segments_) {
    if (const DiskError e = seg->txn_index().clear(); e != DiskError::kOk) return to_log_error(e);
    for (const BatchPosition& b : seg->batches_from(0)) {
      if (!b.header.is_transactional()) continue;
      const Bytes bytes = b.header.is_control() ? seg->bytes_at(b.position, b.header.size_bytes(), scratch) : Bytes{};
      if (const LogError e = track_transaction(b.header, bytes, *seg); e != LogError::kOk) return e;
    }
  }
  return LogError::kOk;
}

std::optional<std::int64_t> PartitionLog::first_unstable_offset() const {
  std::optional<std::int64_t> first;
  for (const auto& [pid, offset] : ongoing_txns_) first = std::min(first.value_or(offset), offset);
  return first;
}

std::vector<AbortedTxn> PartitionLog::aborted_transactions(std::int64_t from_offset, std::int64_t to_offset) const {
  std::vector<AbortedTxn> out;
  for (const auto& seg : segments_) {
    for (const AbortedTxn& t : seg->txn_index().entries()) {
      if (t.last_offset >= from_offset && t.first_offset < to_offset) out.push_back(t);
    }
  }
  return out;
}

}  // namespace kafkasim
