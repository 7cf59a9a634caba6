#include "sim/log/log_segment.h"

#include <algorithm>
#include <charconv>

#include "sim/core/assert.h"
#include "sim/log/varint.h"

namespace kafkasim {

std::string segment_file_name(std::int64_t base_offset, std::string_view suffix) {
  char digits[21];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), base_offset);
  KS_ASSERT(ec == std::errc());
  const std::size_t n = static_cast<std::size_t>(end - digits);
  std::string name(20 - std::min<std::size_t>(n, 20), '0');
  name.append(digits, n);
  name.append(suffix);
  return name;
}

std::optional<std::int64_t> parse_segment_file_name(std::string_view name, std::string_view suffix) {
  if (name.size() != 20 + suffix.size() || name.substr(20) != suffix) return std::nullopt;
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(name.data(), name.data() + 20, v);
  if (ec != std::errc() || ptr != name.data() + 20 || v < 0) return std::nullopt;
  return v;
}

namespace {
DiskResult<FileId> create_or_reset(Disk& disk, const std::string& path) {
  auto f = disk.create(path);
  if (f.error == DiskError::kExists) {
    f = disk.open(path);
    if (f.ok()) f.error = disk.truncate(f.value, 0);
  }
  return f;
}
DiskResult<FileId> open_existing(Disk& disk, const std::string& path) { return disk.open(path); }
DiskResult<FileId> open_or_create(Disk& disk, const std::string& path) {
  auto f = disk.open(path);
  if (f.error == DiskError::kNotFound) f = disk.create(path);
  return f;
}
}  // namespace

LogSegment::LogSegment(Disk& disk, std::string dir, std::int64_t base_offset, const LogConfig& config,
                       std::int64_t created_ms, FileId log, FileId index, FileId timeindex, FileId txnindex)
    : disk_(disk),
      dir_(std::move(dir)),
      log_path_(dir_ + "/" + segment_file_name(base_offset, ".log")),
      base_offset_(base_offset),
      index_interval_bytes_(config.index_interval_bytes),
      index_bytes_max_(config.segment_index_bytes),
      created_ms_(created_ms),
      log_(log),
      offset_index_(disk, index, base_offset),
      time_index_(disk, timeindex, base_offset),
      txn_index_(disk, txnindex),
      next_offset_(base_offset) {}

DiskResult<std::unique_ptr<LogSegment>> LogSegment::make(Disk& disk, const std::string& dir, std::int64_t base_offset,
                                                         const LogConfig& config, std::int64_t created_ms,
                                                         DiskResult<FileId> (*log_file)(Disk&, const std::string&),
                                                         DiskResult<FileId> (*index_file)(Disk&, const std::string&)) {
  DiskResult<std::unique_ptr<LogSegment>> r;
  auto log = log_file(disk, dir + "/" + segment_file_name(base_offset, ".log"));
  auto index = log.ok() ? index_file(disk, dir + "/" + segment_file_name(base_offset, ".index")) : log;
  auto tindex = index.ok() ? index_file(disk, dir + "/" + segment_file_name(base_offset, ".timeindex")) : index;
  auto txn = tindex.ok() ? index_file(disk, dir + "/" + segment_file_name(base_offset, ".txnindex")) : tindex;
  if (!txn.ok()) {
    r.error = txn.error;
    return r;
  }
  r.value.reset(
      new LogSegment(disk, dir, base_offset, config, created_ms, log.value, index.value, tindex.value, txn.value));
  return r;
}

DiskResult<std::unique_ptr<LogSegment>> LogSegment::create(Disk& disk, const std::string& dir, std::int64_t base_offset,
                                                           const LogConfig& config, std::int64_t created_ms) {
  return make(disk, dir, base_offset, config, created_ms, create_or_reset, create_or_reset);
}

DiskResult<std::unique_ptr<LogSegment>> LogSegment::open(Disk& disk, const std::string& dir, std::int64_t base_offset,
                                                         const LogConfig& config, std::int64_t created_ms) {
  return make(disk, dir, base_offset, config, created_ms, open_existing, open_or_create);
}

bool LogSegment::index_full() const {
  return offset_index_.entries() + 1 >= static_cast<std::size_t>(index_bytes_max_) / OffsetIndex::kEntryBytes ||
         time_index_.entries() + 1 >= static_cast<std::size_t>(index_bytes_max_) / TimeIndex::kEntryBytes;
}

DiskError LogSegment::index_batch(std::uint32_t position, std::uint32_t size, std::int64_t last_offset,
                                  std::int64_t max_ts, std::int64_t offset_of_max_ts) {
  if (max_ts > max_timestamp_) {
    max_timestamp_ = max_ts;
    offset_of_max_timestamp_ = offset_of_max_ts;
  }
  if (first_batch_timestamp_ < 0 && position == 0) first_batch_timestamp_ = max_ts;
  DiskError e = DiskError::kOk;
  if (bytes_since_last_index_entry_ > static_cast<std::uint64_t>(index_interval_bytes_)) {
    e = offset_index_.append(last_offset, position);
    if (e == DiskError::kOk) e = time_index_.maybe_append(max_timestamp_, offset_of_max_timestamp_);
    bytes_since_last_index_entry_ = 0;
  }
  bytes_since_last_index_entry_ += size;
  next_offset_ = last_offset + 1;
  return e;
}

DiskError LogSegment::append(Bytes head, Bytes tail, std::int64_t last_offset, std::int64_t max_timestamp,
                             std::int64_t offset_of_max_timestamp) {
  const std::uint64_t position = size_bytes();
  const std::uint64_t n = head.size() + tail.size();
  KS_ASSERT(position + n <= UINT32_MAX);
  DiskError e = disk_.append(log_, head);
  if (e == DiskError::kOk && !tail.empty()) {
    e = disk_.append(log_, tail);
    if (e != DiskError::kOk) (void)disk_.truncate(log_, position);  // all or nothing
  }
  if (e != DiskError::kOk) return e;
  return index_batch(static_cast<std::uint32_t>(position), static_cast<std::uint32_t>(n), last_offset,
                     max_timestamp, offset_of_max_timestamp);
}

std::optional<BatchHeader> LogSegment::header_at(std::uint64_t position) const {
  std::vector<std::uint8_t> scratch;
  const Bytes head = disk_.view(log_, position, batch::kHeaderBytes, scratch);
  if (head.size() < batch::kHeaderBytes) return std::nullopt;
  const BatchHeader h = parse_batch_header(head.data());
  if (h.batch_length < static_cast<std::int32_t>(batch::kHeaderBytes - batch::kLogOverheadBytes)) return std::nullopt;
  return h;
}

std::vector<BatchPosition> LogSegment::batches_from(std::uint32_t position) const {
  std::vector<BatchPosition> out;
  const std::uint64_t size = size_bytes();
  for (std::uint64_t pos = position; pos < size;) {
    const auto h = header_at(pos);
    if (!h || pos + h->size_bytes() > size) break;
    out.push_back({static_cast<std::uint32_t>(pos), *h});
    pos += h->size_bytes();
  }
  return out;
}

std::optional<BatchPosition> LogSegment::find(std::int64_t offset) const {
  const std::uint64_t size = size_bytes();
  for (std::uint64_t pos = offset_index_.lookup(offset).position; pos < size;) {
    const auto h = header_at(pos);
    if (!h) break;
    if (h->last_offset() >= offset) return BatchPosition{static_cast<std::uint32_t>(pos), *h};
    pos += h->size_bytes();
  }
  return std::nullopt;
}

std::optional<TimestampOffset> LogSegment::find_offset_for_timestamp(std::int64_t ts) const {
  if (max_timestamp_ < ts) return std::nullopt;
  const TimestampOffset start = time_index_.lookup(ts);
  const std::uint32_t position = offset_index_.lookup(start.offset).position;
  DecodedBatch decoded;
  std::vector<std::uint8_t> scratch;
  for (const BatchPosition& b : batches_from(position)) {
    if (b.header.max_timestamp < ts) continue;
    const Bytes v = bytes_at(b.position, b.header.size_bytes(), scratch);
    if (decode_batch(v, decoded) != DecodeError::kOk) return std::nullopt;
    for (const RecordView& r : decoded.records) {
      if (r.timestamp >= ts) return TimestampOffset{r.timestamp, r.offset};
    }
  }
  return std::nullopt;
}

DiskResult<std::uint64_t> LogSegment::truncate_to(std::int64_t offset) {
  DiskResult<std::uint64_t> r;
  const auto found = find(offset);
  if (!found) return r;
  const std::uint64_t before = size_bytes();
  r.error = disk_.truncate(log_, found->position);
  if (r.error == DiskError::kOk) r.error = offset_index_.truncate_to(offset);
  if (r.error == DiskError::kOk) r.error = time_index_.truncate_to(offset);
  if (!r.ok()) return r;
  r.value = before - found->position;
  // Recompute what the remaining batches say (Kafka resets bytesSinceLastIndexEntry to 0).
  next_offset_ = base_offset_;
  max_timestamp_ = -1;
  offset_of_max_timestamp_ = -1;
  if (found->position == 0) first_batch_timestamp_ = -1;
  for (const BatchPosition& b : batches_from(0)) {
    next_offset_ = b.header.next_offset();
    if (b.header.max_timestamp > max_timestamp_) {
      max_timestamp_ = b.header.max_timestamp;
      offset_of_max_timestamp_ = b.header.last_offset();
    }
  }
  bytes_since_last_index_entry_ = 0;
  return r;
}

DiskResult<SegmentRecovery> LogSegment::recover(std::uint32_t validate_from, std::int32_t max_batch_bytes,
                                                OffsetGaps gaps) {
  DiskResult<SegmentRecovery> r;
  if (disk_.io_error()) {
    r.error = DiskError::kIoError;
    return r;
  }
  if ((r.error = offset_index_.clear()) != DiskError::kOk || (r.error = time_index_.clear()) != DiskError::kOk) return r;
  next_offset_ = base_offset_;
  max_timestamp_ = -1;
  offset_of_max_timestamp_ = -1;
  first_batch_timestamp_ = -1;
  bytes_since_last_index_entry_ = 0;
  const std::uint64_t size = size_bytes();
  const std::size_t max_bytes = static_cast<std::size_t>(max_batch_bytes) + batch::kLogOverheadBytes;
  std::vector<std::uint8_t> scratch;
  std::uint64_t pos = 0;
  while (pos < size) {
    std::size_t batch_size = 0;
    BatchCheck check = BatchCheck::kOk;
    const auto head = header_at(pos);
    if (!head) {
      check = size - pos < batch::kHeaderBytes ? BatchCheck::kIncomplete : BatchCheck::kBadLength;
    } else if (pos >= validate_from) {
      check = check_batch(bytes_at(pos, std::min<std::uint64_t>(head->size_bytes(), size - pos), scratch), batch_size,
                          max_bytes);
    } else {
      batch_size = head->size_bytes();
      if (pos + batch_size > size) check = BatchCheck::kIncomplete;
      else if (head->magic != batch::kMagicV2) check = BatchCheck::kBadMagic;
    }
    BatchHeader h;
    if (check == BatchCheck::kOk) {
      h = *head;
      if (h.base_offset < next_offset_ || h.last_offset_delta < 0 || h.last_offset() - base_offset_ > INT32_MAX ||
          (gaps == OffsetGaps::kForbidden && h.base_offset != next_offset_)) {
        check = BatchCheck::kBadOffset;
      }
    }
    if (check != BatchCheck::kOk) {
      r.value.first_invalid = check;
      break;
    }
    r.error = index_batch(static_cast<std::uint32_t>(pos), static_cast<std::uint32_t>(batch_size), h.last_offset(),
                          h.max_timestamp, h.last_offset());
    if (!r.ok()) return r;
    if (h.partition_leader_epoch >= 0) r.value.epochs.emplace_back(h.partition_leader_epoch, h.base_offset);
    pos += batch_size;
  }
  r.value.valid_bytes = pos;
  r.value.truncated_bytes = size - pos;
  if (pos < size) r.error = disk_.truncate(log_, pos);
  return r;
}

DiskError LogSegment::on_roll() { return time_index_.maybe_append(max_timestamp_, offset_of_max_timestamp_); }

DiskError LogSegment::flush() {
  DiskError e = disk_.fsync(log_);
  if (e == DiskError::kOk) e = disk_.fsync(offset_index_.file());
  if (e == DiskError::kOk) e = disk_.fsync(time_index_.file());
  if (e == DiskError::kOk) e = disk_.fsync(txn_index_.file());
  return e;
}

DiskError LogSegment::remove_files() {
  DiskError result = DiskError::kOk;
  for (const char* suffix : {".log", ".index", ".timeindex", ".txnindex"}) {
    const DiskError e = disk_.remove(dir_ + "/" + segment_file_name(base_offset_, suffix));
    if (e != DiskError::kOk && e != DiskError::kNotFound) result = e;
  }
  return result;
}

DiskError LogSegment::replace_with(const std::string& cleaned_path, std::int32_t max_batch_bytes) {
  DiskError e = disk_.rename(cleaned_path, log_path_);
  if (e != DiskError::kOk) return e;
  auto f = disk_.open(log_path_);
  if (!f.ok()) return f.error;
  log_ = f.value;
  auto rec = recover(UINT32_MAX, max_batch_bytes, OffsetGaps::kAllowed);
  return rec.error;
}

}  // namespace kafkasim
