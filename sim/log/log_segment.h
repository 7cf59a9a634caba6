#pragma once
// LogSegment: one segment of a partition log (kafka.log.LogSegment). Three files in the partition
// directory, named by the segment's base offset as 20 zero-padded digits:
//   <base>.log        the record batches, back to back, exactly as Kafka writes them
//   <base>.index      sparse offset index (offset_index.h)
//   <base>.timeindex  sparse time index (time_index.h)
//   <base>.txnindex   aborted transactions (txn_index.h)
// Lifecycle: created empty by PartitionLog (roll) or opened and recovered at PartitionLog::open; appended
// to while active; read at any time; truncated by replication; deleted by retention; replaced by the
// cleaner. The PartitionLog owns its segments; a segment never outlives the Disk it was made on.
// The segment trusts its caller for batch validity on append (PartitionLog validated them); recover()
// re-validates from the file.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/disk/disk.h"
#include "sim/log/log_config.h"
#include "sim/log/offset_index.h"
#include "sim/log/record_batch.h"
#include "sim/log/time_index.h"
#include "sim/log/txn_index.h"

namespace kafkasim {

// "00000000000000000042"
std::string segment_file_name(std::int64_t base_offset, std::string_view suffix);
// Parses "<20 digits><suffix>"; nullopt otherwise.
std::optional<std::int64_t> parse_segment_file_name(std::string_view name, std::string_view suffix);

// Whether offsets may jump between batches (compaction leaves gaps; nothing else does).
enum class OffsetGaps : std::uint8_t { kForbidden, kAllowed };

// Where a batch is in a segment.
struct BatchPosition {
  std::uint32_t position = 0;
  BatchHeader header;
};

// What recover() found.
struct SegmentRecovery {
  std::uint64_t valid_bytes = 0;
  std::uint64_t truncated_bytes = 0;
  BatchCheck first_invalid = BatchCheck::kOk;  // why the scan stopped early (kOk: it did not)
  std::vector<std::pair<std::int32_t, std::int64_t>> epochs;  // (partitionLeaderEpoch, baseOffset) of batches
};

class LogSegment {
 public:
  // Creates the three files (empty). kExists etc. from the disk.
  static DiskResult<std::unique_ptr<LogSegment>> create(Disk& disk, const std::string& dir, std::int64_t base_offset,
                                                        const LogConfig& config, std::int64_t created_ms);
  // Opens an existing .log (creating missing index files). Call recover() or rebuild_indexes() next.
  static DiskResult<std::unique_ptr<LogSegment>> open(Disk& disk, const std::string& dir, std::int64_t base_offset,
                                                      const LogConfig& config, std::int64_t created_ms);

  std::int64_t base_offset() const { return base_offset_; }
  // The offset after the last batch (base_offset when empty).
  std::int64_t next_offset() const { return next_offset_; }
  std::uint64_t size_bytes() const { return disk_.size(log_); }
  bool empty() const { return size_bytes() == 0; }
  // Largest batch maxTimestamp in the segment, or -1.
  std::int64_t max_timestamp() const { return max_timestamp_; }
  // segment.ms counts from the first batch's maxTimestamp (Kafka's rollingBasedTimestamp), else creation.
  std::int64_t rolling_base_ms() const { return first_batch_timestamp_ >= 0 ? first_batch_timestamp_ : created_ms_; }
  const std::string& log_path() const { return log_path_; }
  FileId log_file() const { return log_; }
  const OffsetIndex& offset_index() const { return offset_index_; }
  const TimeIndex& time_index() const { return time_index_; }
  TxnIndex& txn_index() { return txn_index_; }
  const TxnIndex& txn_index() const { return txn_index_; }
  // Whether the indexes can take another entry (segment.index.bytes).
  bool index_full() const;

  // Appends one whole, validated batch given in two pieces (head then tail: lets the leader write a
  // patched copy of the header and the producer's body without copying the body twice).
  DiskError append(Bytes head, Bytes tail, std::int64_t last_offset, std::int64_t max_timestamp,
                   std::int64_t offset_of_max_timestamp);

  // The header of the batch at `position` when a whole header with a plausible length is there.
  std::optional<BatchHeader> header_at(std::uint64_t position) const;
  // Up to len bytes of the .log at position, contiguous (in place or through scratch; see Disk::view).
  Bytes bytes_at(std::uint64_t position, std::uint64_t len, std::vector<std::uint8_t>& scratch) const {
    return disk_.view(log_, position, len, scratch);
  }
  // The first batch whose last offset >= offset, scanning from the offset index; nullopt past the end.
  std::optional<BatchPosition> find(std::int64_t offset) const;
  // Batch headers from `position` on, while they are complete.
  std::vector<BatchPosition> batches_from(std::uint32_t position) const;
  // The first offset whose record timestamp is >= ts, with that timestamp (ListOffsets).
  std::optional<TimestampOffset> find_offset_for_timestamp(std::int64_t ts) const;

  // Removes every batch whose last offset >= offset. Returns the bytes removed.
  DiskResult<std::uint64_t> truncate_to(std::int64_t offset);
  // Scans the .log from the start: validates length, magic, CRC from `validate_from` on (headers only
  // before) and offset order everywhere (with offset_gaps == kForbidden, each batch must start where the
  // previous one ended, the first at the segment's base: true of every log that is not compacted),
  // truncates at the first invalid batch and rebuilds both indexes.
  DiskResult<SegmentRecovery> recover(std::uint32_t validate_from, std::int32_t max_batch_bytes, OffsetGaps gaps);
  // Called when the segment stops being the active one (Kafka's onBecomeInactiveSegment).
  DiskError on_roll();
  DiskError flush();
  // Removes the three files.
  DiskError remove_files();
  // Renames into the segment's .log (the cleaner's swap) and re-reads the segment. REQUIRES: same dir.
  DiskError replace_with(const std::string& cleaned_path, std::int32_t max_batch_bytes);  // gaps allowed

 private:
  static DiskResult<std::unique_ptr<LogSegment>> make(Disk& disk, const std::string& dir, std::int64_t base_offset,
                                                      const LogConfig& config, std::int64_t created_ms,
                                                      DiskResult<FileId> (*log_file)(Disk&, const std::string&),
                                                      DiskResult<FileId> (*index_file)(Disk&, const std::string&));
  LogSegment(Disk& disk, std::string dir, std::int64_t base_offset, const LogConfig& config, std::int64_t created_ms,
             FileId log, FileId index, FileId timeindex, FileId txnindex);
  DiskError index_batch(std::uint32_t position, std::uint32_t size, std::int64_t last_offset, std::int64_t max_ts,
                        std::int64_t offset_of_max_ts);

  Disk& disk_;
  std::string dir_;
  std::string log_path_;
  std::int64_t base_offset_;
  std::int32_t index_interval_bytes_;
  std::int32_t index_bytes_max_;
  std::int64_t created_ms_;
  FileId log_;
  OffsetIndex offset_index_;
  TimeIndex time_index_;
  TxnIndex txn_index_;
  std::int64_t next_offset_;
  std::int64_t max_timestamp_ = -1;
  std::int64_t offset_of_max_timestamp_ = -1;
  std::int64_t first_batch_timestamp_ = -1;
  std::uint64_t bytes_since_last_index_entry_ = 0;
};

}  // namespace kafkasim
