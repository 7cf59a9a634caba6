#pragma once
// PartitionLog: the log of one partition replica on one broker's Disk (kafka.log.UnifiedLog + LocalLog).
// Its directory (e.g. "orders-0") holds Kafka's files: <base>.log/.index/.timeindex per segment
// (log_segment.h) and leader-epoch-checkpoint (leader_epoch_cache.h). The bytes are Kafka's bytes.
//
// Offsets: log_start_offset <= recovery_point <= log_end_offset (LEO). recovery_point is the first offset
// not yet fsynced: everything below it survives a power loss (durable_end_offset()).
//
// Lifecycle: open() a directory (empty or not) -> recover from the recovery point -> append / read /
// truncate / flush / maintain -> destroy (nothing to close: every write already reached the Disk). After a
// crash the broker simply opens the directory again. The broker owns the PartitionLog; the PartitionLog
// keeps a reference to the Disk, which must outlive it. Single-threaded, deterministic, no exceptions:
// every outcome is a LogError value named after Kafka's error code.
//
// Simplifications (documented in docs/log-format.md): compressed batches are kept as the producer
// compressed them (Kafka's in-place assignment, compression.type=producer); the checkpoint files for the
// recovery point, the log start offset and the cleaner live with the broker (pass them to open());
// the cleaner rewrites each segment in place and does not merge small segments.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/disk/disk.h"
#include "sim/log/leader_epoch_cache.h"
#include "sim/log/log_config.h"
#include "sim/log/log_segment.h"
#include "sim/log/record_batch.h"

namespace kafkasim {

enum class LogError : std::uint8_t {
  kOk,
  kCorruptRecord,     // CORRUPT_MESSAGE (2): bad CRC / length / magic, in a request or found on disk
  kInvalidRecord,     // INVALID_RECORD (87): offsets/count inconsistent, control batch from a client,
                      // record without key in a compacted log
  kRecordTooLarge,    // MESSAGE_TOO_LARGE (10): batch larger than max.message.bytes
  kOffsetOutOfRange,  // OFFSET_OUT_OF_RANGE (1)
  kUnexpectedOffset,  // follower batches that go backwards (UnexpectedAppendOffsetException)
  kStorageError,      // KAFKA_STORAGE_ERROR (56): the disk returned an I/O error
  kNoSpace,           // KAFKA_STORAGE_ERROR (56) caused by a full disk
};
const char* to_string(LogError e);

template <typename T>
struct LogResult {
  T value{};
  LogError error = LogError::kOk;
  bool ok() const { return error == LogError::kOk; }
};

// Who is writing as leader. Only the transaction coordinator may write control batches.
enum class AppendOrigin : std::uint8_t { kClient, kCoordinator };

struct AppendInfo {
  std::int64_t first_offset = -1;
  std::int64_t last_offset = -1;
  std::int64_t max_timestamp = -1;
  std::int64_t offset_of_max_timestamp = -1;
  std::int64_t log_append_time_ms = -1;  // set when message.timestamp.type=LogAppendTime
  std::int64_t record_count = 0;
  std::int32_t batch_count = 0;
  std::uint64_t bytes = 0;
};

struct FetchData {
  std::vector<std::uint8_t> bytes;  // whole batches, back to back (what a Fetch returns)
  std::int64_t log_start_offset = 0;
  std::int64_t log_end_offset = 0;
  // Set when a corrupt batch stopped the read (the batches before it are returned). The next read from
  // that offset fails with kCorruptRecord; the broker decides (truncate and refetch, or go offline).
  std::optional<std::int64_t> corrupt_offset;
};

struct LogOpenOptions {
  std::int64_t recovery_point = 0;    // from recovery-point-offset-checkpoint; 0 validates everything
  std::int64_t log_start_offset = 0;  // from log-start-offset-checkpoint
  std::int64_t now_ms = 0;
};

// What open() did.
struct RecoveryReport {
  std::uint64_t segments_recovered = 0;  // segments whose batches were CRC-validated
  std::uint64_t truncated_bytes = 0;     // invalid tail removed
  std::uint64_t segments_removed = 0;    // segments after the first invalid batch, or below log start
  BatchCheck first_invalid = BatchCheck::kOk;
  bool epoch_checkpoint_malformed = false;
};

// What maintain() did, and the running totals (LogCounters).
struct MaintenanceReport {
  std::uint64_t segments_deleted = 0;
  std::uint64_t bytes_deleted = 0;
  std::uint64_t records_compacted_away = 0;
  std::uint64_t tombstones_removed = 0;
  std::uint64_t segments_cleaned = 0;
};

// What the cleaner would work on now (Kafka: LogToClean from LogCleanerManager.cleanableOffsets): the
// cleanable segments from the start of the log and how many of their bytes are dirty (above the cleaner's
// checkpoint). Only for compacted logs; empty otherwise.
struct CleanableLog {
  std::size_t segments = 0;       // segments [0, segments) are cleanable
  std::uint64_t total_bytes = 0;  // their size
  std::uint64_t dirty_bytes = 0;  // of which not cleaned yet
  bool horizon_due = false;       // a tombstone's delete horizon (KIP-534) has passed
  // Kafka: cleanableRatio > min.cleanable.dirty.ratio (or a delete horizon has passed).
  bool needs_cleaning(std::int32_t min_cleanable_dirty_ratio_permille) const;
  // A higher dirty ratio (dirty_bytes / total_bytes): Kafka's cleaner picks the filthiest log first.
  bool dirtier_than(const CleanableLog& other) const;
};

struct LogCounters {
  std::uint64_t batches_appended = 0;
  std::uint64_t records_appended = 0;
  std::uint64_t bytes_appended = 0;
  std::uint64_t segments_rolled = 0;
  std::uint64_t corruptions_detected = 0;
  MaintenanceReport maintenance;  // totals
};

class PartitionLog {
 public:
  static LogResult<std::unique_ptr<PartitionLog>> open(Disk& disk, std::string dir, const LogConfig& config,
                                                       const LogOpenOptions& options, RecoveryReport* report = nullptr);
  ~PartitionLog();
  PartitionLog(const PartitionLog&) = delete;
  PartitionLog& operator=(const PartitionLog&) = delete;

  // --- appends ---
  // Appends the batches of a produce request as leader: validates each (length, magic, CRC, offsets vs
  // count, size, control/keys), assigns offsets from the LEO, stamps partitionLeaderEpoch=leader_epoch,
  // applies LogAppendTime if configured, and keeps producerId/epoch/baseSequence as sent. All or nothing:
  // nothing is written when one batch is invalid. The input is not modified.
  LogResult<AppendInfo> append_as_leader(Bytes batches, std::int32_t leader_epoch, std::int64_t now_ms,
                                         AppendOrigin origin = AppendOrigin::kClient);
  // Encodes `records` with `spec` (its base_offset is ignored) and appends them as leader.
  LogResult<AppendInfo> append_records_as_leader(const BatchSpec& spec, std::span<const RecordInput> records,
                                                 std::int32_t leader_epoch, std::int64_t now_ms);
  // Appends batches fetched from the leader as they are (offsets and epochs already assigned).
  // REQUIRES of the data (else kUnexpectedOffset): first base offset >= LEO, offsets increasing, and no
  // hole unless the log is compacted. An empty log whose first fetched batch starts below its LEO
  // restarts at that batch (the leader's log start fell inside it).
  LogResult<AppendInfo> append_as_follower(Bytes batches);

  // --- reads ---
  // Whole batches from the one holding from_offset, up to max_bytes (at least one batch, KIP-74), only
  // batches that end below max_offset (the high watermark for consumers). Every batch is CRC-checked.
  LogResult<FetchData> read(std::int64_t from_offset, std::size_t max_bytes, std::int64_t max_offset = INT64_MAX);
  // ListOffsets by timestamp: the first offset whose timestamp >= ts, with that timestamp.
  std::optional<TimestampOffset> offset_for_timestamp(std::int64_t ts) const;

  std::int64_t log_start_offset() const { return log_start_offset_; }
  std::int64_t log_end_offset() const;
  std::int64_t recovery_point() const { return recovery_point_; }
  // The end of what survives a power loss: every offset below it was fsynced.
  std::int64_t durable_end_offset() const { return recovery_point_; }
  std::uint64_t size_bytes() const;
  const std::string& dir() const { return dir_; }
  const LogConfig& config() const { return config_; }
  void set_config(const LogConfig& config) { config_ = config; }
  const LogCounters& counters() const { return counters_; }
  std::vector<const LogSegment*> segments() const;

  // --- replication / admin ---
  // Removes every batch whose last offset >= offset (the LEO may end below `offset` when it falls inside
  // a batch, as in Kafka). Truncates the leader epoch cache with the log.
  LogError truncate_to(std::int64_t offset);
  // Removes everything and starts the log empty at `offset` (a follower far behind the leader's start).
  LogError truncate_fully_and_start_at(std::int64_t offset);
  // DeleteRecords: moves the log start offset up to `offset` (REQUIRES offset <= LEO, else
  // kOffsetOutOfRange) and deletes the segments wholly below it.
  LogError delete_records_before(std::int64_t offset);
  // fsyncs the segments holding offsets below up_to (LEO when larger) and advances the recovery point.
  LogError flush(std::int64_t up_to);

  // --- leader epochs ---
  // When this replica becomes leader for `epoch`: records (epoch, LEO) (Kafka's assignEpochStartOffset).
  LogError assign_epoch_start_offset(std::int32_t epoch, std::int64_t start_offset);
  // OffsetsForLeaderEpoch (KIP-101, KIP-279).
  EpochEndOffset end_offset_for_epoch(std::int32_t epoch) const;
  std::optional<std::int32_t> latest_epoch() const { return epoch_cache_.latest_epoch(); }
  const LeaderEpochCache& epoch_cache() const { return epoch_cache_; }

  // --- transactions (KIP-98) ---
  // The first offset of the earliest transaction with no marker yet: the last stable offset (LSO) is
  // min(this, high watermark). nullopt when no transaction is open.
  std::optional<std::int64_t> first_unstable_offset() const;
  // Aborted transactions that overlap [from_offset, to_offset), from the .txnindex files (what a
  // read_committed Fetch returns as AbortedTransactions).
  std::vector<AbortedTxn> aborted_transactions(std::int64_t from_offset, std::int64_t to_offset) const;

  // --- retention and compaction on the virtual clock (log_cleaner.cc) ---
  // Retention (Kafka: UnifiedLog.deleteOldSegments): retention.ms / retention.bytes when cleanup.policy
  // has delete, and the log start offset always, to offsets below high_watermark only.
  LogResult<MaintenanceReport> delete_old_segments(std::int64_t now_ms, std::int64_t high_watermark);
  // What clean() would work on now (empty unless cleanup.policy has compact).
  CleanableLog cleanable(std::int64_t now_ms, std::int64_t high_watermark) const;
  // One cleaner pass (Kafka: LogCleaner.cleanLog) over cleanable(), if it needs_cleaning() with this
  // log's min.cleanable.dirty.ratio; otherwise nothing.
  LogResult<MaintenanceReport> clean(std::int64_t now_ms, std::int64_t high_watermark);
  // delete_old_segments, then clean.
  LogResult<MaintenanceReport> maintain(std::int64_t now_ms, std::int64_t high_watermark);

 private:
  friend class LogCleaner;
  PartitionLog(Disk& disk, std::string dir, const LogConfig& config);
  LogError recover(const LogOpenOptions& options, RecoveryReport& report);
  LogError roll(std::int64_t now_ms);
  LogError maybe_roll(std::size_t batch_bytes, std::int64_t max_timestamp, std::int64_t last_offset, std::int64_t now_ms);
  LogError append_batch(Bytes header, Bytes body, const BatchHeader& h, std::int64_t now_ms);
  LogError delete_segments(std::size_t count, std::int64_t now_ms, MaintenanceReport& report);
  LogError after_append(std::int64_t records);
  void add_to_totals(const MaintenanceReport& report);
  LogSegment& active() { return *segments_.back(); }
  // Follows transactional batches: opens a transaction on its first data batch, closes it on its marker
  // and writes an ABORT's entry into `seg`'s .txnindex. `batch` is the whole batch (needed for markers).
  LogError track_transaction(const BatchHeader& h, Bytes batch, LogSegment& seg);
  // Recomputes the open transactions and every .txnindex from the batches (open, truncation, cleaning).
  LogError rebuild_transactions();
  OffsetGaps gaps() const { return config_.compact() ? OffsetGaps::kAllowed : OffsetGaps::kForbidden; }
  std::size_t segment_index_for(std::int64_t offset) const;

  Disk& disk_;
  std::string dir_;
  LogConfig config_;
  std::vector<std::unique_ptr<LogSegment>> segments_;  // by base offset; never empty after open
  std::int64_t log_start_offset_ = 0;
  std::int64_t recovery_point_ = 0;
  std::int64_t unflushed_records_ = 0;
  std::int64_t first_dirty_offset_ = 0;  // the cleaner's checkpoint (in memory)
  std::map<std::int64_t, std::int64_t> ongoing_txns_;  // producerId -> first offset of its open transaction
  LeaderEpochCache epoch_cache_;
  LogCounters counters_;
  std::vector<std::uint8_t> scratch_;
};

LogError to_log_error(DiskError e);

// Splits a byte range of whole batches: the next batch's bytes, or an empty span at the end or when the
// next batch is incomplete (check it with check_batch for corruption).
Bytes next_batch(Bytes& rest);

}  // namespace kafkasim
