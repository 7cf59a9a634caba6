#pragma once
// Kafka's record batch, magic v2 (KIP-98), byte for byte (org.apache.kafka.common.record.DefaultRecordBatch
// and DefaultRecord). The grammar is in docs/log-format.md; in short, all header integers big-endian:
//
//   0 baseOffset int64 | 8 batchLength int32 (bytes after this field) | 12 partitionLeaderEpoch int32 |
//  16 magic int8 = 2 | 17 crc uint32 = CRC-32C of bytes [21, end) | 21 attributes int16 |
//  23 lastOffsetDelta int32 | 27 baseTimestamp int64 | 35 maxTimestamp int64 | 43 producerId int64 |
//  51 producerEpoch int16 | 53 baseSequence int32 | 57 recordCount int32 | 61 records (maybe compressed)
//
//   attributes: bits 0-2 compression, bit 3 timestamp type (1 = LogAppendTime), bit 4 transactional,
//               bit 5 control, bit 6 delete horizon set (KIP-534: baseTimestamp is then the horizon).
//   record: length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
//           keyLength varint (-1 = null) | key | valueLength varint (-1 = null) | value |
//           headerCount varint | headers: keyLength varint | key | valueLength varint | value
//
// baseOffset and partitionLeaderEpoch lie outside the CRC, so a leader assigns offsets and stamps its epoch
// without recomputing it. Control batches hold one control record: key {version int16 = 0, type int16:
// 0 abort, 1 commit}, value {version int16 = 0, coordinatorEpoch int32}; a marker batch is 78 bytes.
//
// Encoding writes into a caller's vector (no per-record allocation). Decoding fills a reusable
// DecodedBatch whose views point into the caller's batch bytes or the DecodedBatch's own inflate buffer.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "sim/log/compression.h"

namespace kafkasim {

using Bytes = std::span<const std::uint8_t>;

namespace batch {
inline constexpr std::size_t kBaseOffsetPos = 0;
inline constexpr std::size_t kLengthPos = 8;
inline constexpr std::size_t kLeaderEpochPos = 12;
inline constexpr std::size_t kMagicPos = 16;
inline constexpr std::size_t kCrcPos = 17;
inline constexpr std::size_t kAttributesPos = 21;
inline constexpr std::size_t kLastOffsetDeltaPos = 23;
inline constexpr std::size_t kBaseTimestampPos = 27;
inline constexpr std::size_t kMaxTimestampPos = 35;
inline constexpr std::size_t kProducerIdPos = 43;
inline constexpr std::size_t kProducerEpochPos = 51;
inline constexpr std::size_t kBaseSequencePos = 53;
inline constexpr std::size_t kRecordCountPos = 57;
inline constexpr std::size_t kHeaderBytes = 61;
inline constexpr std::size_t kLogOverheadBytes = 12;  // baseOffset + batchLength
inline constexpr std::int8_t kMagicV2 = 2;
inline constexpr std::uint16_t kCompressionMask = 0x07;
inline constexpr std::uint16_t kTimestampTypeBit = 0x08;
inline constexpr std::uint16_t kTransactionalBit = 0x10;
inline constexpr std::uint16_t kControlBit = 0x20;
inline constexpr std::uint16_t kDeleteHorizonBit = 0x40;
inline constexpr std::int64_t kNoTimestamp = -1;     // RecordBatch.NO_TIMESTAMP
inline constexpr std::int64_t kNoProducerId = -1;    // RecordBatch.NO_PRODUCER_ID
inline constexpr std::int16_t kNoProducerEpoch = -1;
inline constexpr std::int32_t kNoSequence = -1;
inline constexpr std::int32_t kNoPartitionLeaderEpoch = -1;
inline constexpr std::size_t kControlMarkerBatchBytes = 78;
}  // namespace batch

enum class TimestampType : std::uint8_t { kCreateTime = 0, kLogAppendTime = 1 };
enum class ControlType : std::int16_t { kAbort = 0, kCommit = 1 };

// The fixed 61-byte header of a batch, parsed.
struct BatchHeader {
  std::int64_t base_offset = 0;
  std::int32_t batch_length = 0;
  std::int32_t partition_leader_epoch = batch::kNoPartitionLeaderEpoch;
  std::int8_t magic = batch::kMagicV2;
  std::uint32_t crc = 0;
  std::uint16_t attributes = 0;
  std::int32_t last_offset_delta = 0;
  std::int64_t base_timestamp = batch::kNoTimestamp;
  std::int64_t max_timestamp = batch::kNoTimestamp;
  std::int64_t producer_id = batch::kNoProducerId;
  std::int16_t producer_epoch = batch::kNoProducerEpoch;
  std::int32_t base_sequence = batch::kNoSequence;
  std::int32_t record_count = 0;

  Compression compression() const { return static_cast<Compression>(attributes & batch::kCompressionMask); }
  TimestampType timestamp_type() const {
    return (attributes & batch::kTimestampTypeBit) ? TimestampType::kLogAppendTime : TimestampType::kCreateTime;
  }
  bool is_transactional() const { return (attributes & batch::kTransactionalBit) != 0; }
  bool is_control() const { return (attributes & batch::kControlBit) != 0; }
  bool has_delete_horizon() const { return (attributes & batch::kDeleteHorizonBit) != 0; }
  std::int64_t last_offset() const { return base_offset + last_offset_delta; }
  std::int64_t next_offset() const { return last_offset() + 1; }
  std::size_t size_bytes() const { return static_cast<std::size_t>(batch_length) + batch::kLogOverheadBytes; }
  // Last sequence number of the batch, for the broker's idempotence check (wraps like Kafka's).
  std::int32_t last_sequence() const;
};

// REQUIRES: p points at batch::kHeaderBytes readable bytes. Does no validation.
BatchHeader parse_batch_header(const std::uint8_t* p);

// Outcome of checking one batch at the start of a byte range.
enum class BatchCheck : std::uint8_t {
  kOk,
  kIncomplete,     // fewer bytes than the header or than batchLength promises (a torn tail)
  kBadLength,      // batchLength smaller than a header or larger than max_batch_bytes
  kBadMagic,       // magic != 2
  kBadCrc,         // CRC-32C mismatch (corruption)
  kBadOffset,      // offsets go backwards or leave the segment (found by recovery, not check_batch)
};
const char* to_string(BatchCheck c);

// Checks the batch at the start of `bytes` (length, magic, CRC). On kOk, size_out is its total size.
BatchCheck check_batch(Bytes bytes, std::size_t& size_out, std::size_t max_batch_bytes = std::size_t{1} << 30);

// Recomputes and stores the CRC of a whole batch. REQUIRES: batch.size() >= kHeaderBytes.
void store_crc(std::span<std::uint8_t> batch);
void set_base_offset(std::span<std::uint8_t> batch, std::int64_t base_offset);
void set_partition_leader_epoch(std::span<std::uint8_t> batch, std::int32_t epoch);

// --- encoding ---
struct RecordHeader {
  std::string_view key;
  std::optional<std::string_view> value;
};

// One record to encode. Bytes are views the caller keeps alive during encode_batch.
struct RecordInput {
  std::int64_t timestamp = 0;
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;  // nullopt = a tombstone
  std::span<const RecordHeader> headers;
  std::int32_t offset_delta = -1;  // -1: its index in the batch (compaction keeps original deltas)
};

struct BatchSpec {
  std::int64_t base_offset = 0;
  std::int32_t partition_leader_epoch = batch::kNoPartitionLeaderEpoch;
  Compression compression = Compression::kNone;
  TimestampType timestamp_type = TimestampType::kCreateTime;
  bool transactional = false;
  bool control = false;
  std::int64_t producer_id = batch::kNoProducerId;
  std::int16_t producer_epoch = batch::kNoProducerEpoch;
  std::int32_t base_sequence = batch::kNoSequence;
  std::optional<std::int64_t> delete_horizon_ms;    // KIP-534; sets attributes bit 6
  std::optional<std::int32_t> last_offset_delta;    // default: last record's offset delta
  std::optional<std::int64_t> max_timestamp;        // default: largest record timestamp (LogAppendTime: set it)
};

// Appends one encoded batch to `out`. `scratch` is reused for compression (may be empty).
void encode_batch(const BatchSpec& spec, std::span<const RecordInput> records, std::vector<std::uint8_t>& out,
                  std::vector<std::uint8_t>& scratch);
void encode_batch(const BatchSpec& spec, std::span<const RecordInput> records, std::vector<std::uint8_t>& out);

// BatchBuilder: one batch built record by record (Kafka's MemoryRecordsBuilder for magic v2). append()
// encodes the record into the builder's buffer at once, after room for the 61-byte header, as Kafka's
// producer writes each record into its batch's buffer in RecordAccumulator.append; close() writes the
// header (offset deltas 0..n-1, baseTimestamp = the first record's timestamp, maxTimestamp = the largest)
// and hands the bytes out: in place when uncompressed, compressed into a new buffer otherwise. The result
// is byte for byte what encode_batch gives for the same records. Lifecycle: append* -> close() once.
class BatchBuilder {
 public:
  explicit BatchBuilder(std::size_t capacity_bytes = 0);
  // REQUIRES: not closed. The record's offset_delta is ignored (its index is its delta); its bytes are
  // copied, so the views may die after the call.
  void append(const RecordInput& r);
  std::int32_t record_count() const { return count_; }
  std::size_t size_bytes() const { return buf_.size(); }  // header + uncompressed records so far
  bool closed() const { return closed_; }
  // The whole batch with spec's header fields (base offset, epoch, compression, attributes, producer
  // state; spec.max_timestamp overrides the records'). REQUIRES: not closed, and spec sets neither
  // delete_horizon_ms nor last_offset_delta (those are for rewriting batches: use encode_batch).
  std::vector<std::uint8_t> close(const BatchSpec& spec);

 private:
  std::vector<std::uint8_t> buf_;  // header room + records
  std::int32_t count_ = 0;
  std::int64_t base_ts_ = batch::kNoTimestamp;
  std::int64_t max_ts_ = batch::kNoTimestamp;
  bool closed_ = false;
};

// Rewrites producerId, producerEpoch and baseSequence of a whole batch and recomputes its CRC (Kafka's
// ProducerBatch.resetProducerState: an idempotent producer re-sends a batch under a new producer id).
void set_producer_state(std::span<std::uint8_t> batch, std::int64_t producer_id, std::int16_t producer_epoch,
                        std::int32_t base_sequence);

// Appends a transaction marker batch (control + transactional, one control record, 78 bytes).
void encode_control_batch(const BatchSpec& spec, ControlType type, std::int32_t coordinator_epoch,
                          std::int64_t timestamp, std::vector<std::uint8_t>& out);

// --- decoding ---
struct RecordView {
  std::int64_t offset = 0;
  std::int64_t timestamp = 0;  // for LogAppendTime batches, the batch's maxTimestamp (as consumers see it)
  std::int8_t attributes = 0;
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
  std::uint32_t header_begin = 0;  // into DecodedBatch::headers
  std::uint32_t header_count = 0;
};

struct DecodedBatch {
  BatchHeader header;
  std::vector<RecordView> records;
  std::vector<RecordHeader> headers;
  std::vector<std::uint8_t> inflated;  // decompressed records of a compressed batch
  std::span<const RecordHeader> headers_of(const RecordView& r) const {
    return {headers.data() + r.header_begin, r.header_count};
  }
};

enum class DecodeError : std::uint8_t { kOk, kBadBatch, kBadCompression, kBadRecord, kCountMismatch };
const char* to_string(DecodeError e);

// Decodes one whole batch (first checking it with check_batch; kBadBatch when that fails). `out` is reused.
// Views in `out` stay valid while `batch_bytes` and `out` live and `out` is not reused.
DecodeError decode_batch(Bytes batch_bytes, DecodedBatch& out);

struct ControlMarker {
  ControlType type = ControlType::kAbort;
  std::int32_t coordinator_epoch = 0;
};
// The marker of a control record, or nullopt when it is not a well-formed control record.
std::optional<ControlMarker> parse_control_record(const RecordView& record);

inline Bytes as_bytes(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

}  // namespace kafkasim
