#include "sim/log/record_batch.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "sim/core/assert.h"
#include "sim/log/crc32c.h"
#include "sim/log/varint.h"

namespace kafkasim {
namespace {
using namespace batch;

int nullable_size(const std::optional<std::string_view>& s) {
  return s ? varint::size32(static_cast<std::int32_t>(s->size())) + static_cast<int>(s->size()) : 1;
}

std::uint8_t* put_nullable(std::uint8_t* p, const std::optional<std::string_view>& s) {
  if (!s) return varint::put32(p, -1);
  p = varint::put32(p, static_cast<std::int32_t>(s->size()));
  if (!s->empty()) std::memcpy(p, s->data(), s->size());
  return p + s->size();
}

// Size of a record's body (everything after its length varint).
std::size_t record_body_size(const RecordInput& r, std::int64_t ts_delta, std::int32_t offset_delta) {
  std::size_t n = 1 + static_cast<std::size_t>(varint::size64(ts_delta) + varint::size32(offset_delta) +
                                               nullable_size(r.key) + nullable_size(r.value) +
                                               varint::size32(static_cast<std::int32_t>(r.headers.size())));
  for (const RecordHeader& h : r.headers) {
    n += static_cast<std::size_t>(varint::size32(static_cast<std::int32_t>(h.key.size()))) + h.key.size();
    n += static_cast<std::size_t>(nullable_size(h.value));
  }
  return n;
}

std::int32_t offset_delta_of(const RecordInput& r, std::size_t i) {
  return r.offset_delta >= 0 ? r.offset_delta : static_cast<std::int32_t>(i);
}

// Writes one record (length varint first) at p; returns the byte after it.
std::uint8_t* put_record(std::uint8_t* p, const RecordInput& r, std::int64_t ts_delta, std::int32_t off_delta,
                         std::size_t body) {
  p = varint::put32(p, static_cast<std::int32_t>(body));
  *p++ = 0;  // record attributes: unused
  p = varint::put64(p, ts_delta);
  p = varint::put32(p, off_delta);
  p = put_nullable(p, r.key);
  p = put_nullable(p, r.value);
  p = varint::put32(p, static_cast<std::int32_t>(r.headers.size()));
  for (const RecordHeader& h : r.headers) {
    p = put_nullable(p, std::optional<std::string_view>(h.key));
    p = put_nullable(p, h.value);
  }
  return p;
}

// Appends one record to out (one resize).
void append_record(const RecordInput& r, std::int64_t ts_delta, std::int32_t off_delta, std::vector<std::uint8_t>& out) {
  const std::size_t body = record_body_size(r, ts_delta, off_delta);
  const std::size_t at = out.size();
  out.resize(at + body + static_cast<std::size_t>(varint::size32(static_cast<std::int32_t>(body))));
  std::uint8_t* end = put_record(out.data() + at, r, ts_delta, off_delta, body);
  KS_ASSERT(end == out.data() + out.size());
}

// Appends the records section (uncompressed) to out: sizes first, one resize, then the bytes.
void encode_records(std::span<const RecordInput> records, std::int64_t base_ts, std::vector<std::uint8_t>& out) {
  std::size_t total = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const std::size_t body = record_body_size(records[i], records[i].timestamp - base_ts, offset_delta_of(records[i], i));
    total += body + static_cast<std::size_t>(varint::size32(static_cast<std::int32_t>(body)));
  }
  const std::size_t at = out.size();
  out.resize(at + total);
  std::uint8_t* p = out.data() + at;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const RecordInput& r = records[i];
    const std::int64_t ts_delta = r.timestamp - base_ts;
    const std::int32_t off_delta = offset_delta_of(r, i);
    p = put_record(p, r, ts_delta, off_delta, record_body_size(r, ts_delta, off_delta));
  }
  KS_ASSERT(p == out.data() + out.size());
}

void write_header(const BatchSpec& spec, std::uint8_t* h, std::size_t total, std::int32_t last_delta,
                  std::int64_t base_ts, std::int64_t max_ts, std::int32_t count) {
  std::uint16_t attributes = static_cast<std::uint16_t>(spec.compression);
  if (spec.timestamp_type == TimestampType::kLogAppendTime) attributes |= kTimestampTypeBit;
  if (spec.transactional) attributes |= kTransactionalBit;
  if (spec.control) attributes |= kControlBit;
  if (spec.delete_horizon_ms) attributes |= kDeleteHorizonBit;
  be::put64(h + kBaseOffsetPos, static_cast<std::uint64_t>(spec.base_offset));
  be::put32(h + kLengthPos, static_cast<std::uint32_t>(total - kLogOverheadBytes));
  be::put32(h + kLeaderEpochPos, static_cast<std::uint32_t>(spec.partition_leader_epoch));
  h[kMagicPos] = static_cast<std::uint8_t>(kMagicV2);
  be::put16(h + kAttributesPos, attributes);
  be::put32(h + kLastOffsetDeltaPos, static_cast<std::uint32_t>(last_delta));
  be::put64(h + kBaseTimestampPos, static_cast<std::uint64_t>(base_ts));
  be::put64(h + kMaxTimestampPos, static_cast<std::uint64_t>(max_ts));
  be::put64(h + kProducerIdPos, static_cast<std::uint64_t>(spec.producer_id));
  be::put16(h + kProducerEpochPos, static_cast<std::uint16_t>(spec.producer_epoch));
  be::put32(h + kBaseSequencePos, static_cast<std::uint32_t>(spec.base_sequence));
  be::put32(h + kRecordCountPos, static_cast<std::uint32_t>(count));
  be::put32(h + kCrcPos, crc32c(h + kAttributesPos, total - kAttributesPos));
}

bool get_nullable(const std::uint8_t*& p, const std::uint8_t* end, std::optional<std::string_view>& out) {
  std::int32_t len = 0;
  p = varint::get32(p, end, len);
  if (p == nullptr || len < -1 || (len >= 0 && len > end - p)) return false;
  if (len < 0) {
    out.reset();
  } else {
    out.emplace(reinterpret_cast<const char*>(p), static_cast<std::size_t>(len));
    p += len;
  }
  return true;
}

// Decodes one record starting at p; returns the byte after it or nullptr.
const std::uint8_t* decode_record(const std::uint8_t* p, const std::uint8_t* end, const BatchHeader& h,
                                  RecordView& r, std::vector<RecordHeader>& headers) {
  std::int32_t len = 0;
  p = varint::get32(p, end, len);
  if (p == nullptr || len < 1 || len > end - p) return nullptr;
  const std::uint8_t* rend = p + len;
  r.attributes = static_cast<std::int8_t>(*p++);
  std::int64_t ts_delta = 0;
  std::int32_t off_delta = 0;
  if ((p = varint::get64(p, rend, ts_delta)) == nullptr) return nullptr;
  if ((p = varint::get32(p, rend, off_delta)) == nullptr) return nullptr;
  r.offset = h.base_offset + off_delta;
  r.timestamp = h.timestamp_type() == TimestampType::kLogAppendTime ? h.max_timestamp : h.base_timestamp + ts_delta;
  if (!get_nullable(p, rend, r.key) || !get_nullable(p, rend, r.value)) return nullptr;
  std::int32_t header_count = 0;
  if ((p = varint::get32(p, rend, header_count)) == nullptr || header_count < 0 || header_count > rend - p) {
    return nullptr;
  }
  r.header_begin = static_cast<std::uint32_t>(headers.size());
  r.header_count = static_cast<std::uint32_t>(header_count);
  for (std::int32_t i = 0; i < header_count; ++i) {
    std::optional<std::string_view> key;
    RecordHeader hd;
    if (!get_nullable(p, rend, key) || !key || !get_nullable(p, rend, hd.value)) return nullptr;
    hd.key = *key;
    headers.push_back(hd);
  }
  return p == rend ? p : nullptr;
}
}  // namespace

std::int32_t BatchHeader::last_sequence() const {
  if (base_sequence == kNoSequence) return kNoSequence;
  const std::int32_t max = std::numeric_limits<std::int32_t>::max();
  return base_sequence > max - last_offset_delta ? last_offset_delta - (max - base_sequence) - 1
                                                 : base_sequence + last_offset_delta;
}

BatchHeader parse_batch_header(const std::uint8_t* p) {
  BatchHeader h;
  h.base_offset = static_cast<std::int64_t>(be::get64(p + kBaseOffsetPos));
  h.batch_length = static_cast<std::int32_t>(be::get32(p + kLengthPos));
  h.partition_leader_epoch = static_cast<std::int32_t>(be::get32(p + kLeaderEpochPos));
  h.magic = static_cast<std::int8_t>(p[kMagicPos]);
  h.crc = be::get32(p + kCrcPos);
  h.attributes = be::get16(p + kAttributesPos);
  h.last_offset_delta = static_cast<std::int32_t>(be::get32(p + kLastOffsetDeltaPos));
  h.base_timestamp = static_cast<std::int64_t>(be::get64(p + kBaseTimestampPos));
  h.max_timestamp = static_cast<std::int64_t>(be::get64(p + kMaxTimestampPos));
  h.producer_id = static_cast<std::int64_t>(be::get64(p + kProducerIdPos));
  h.producer_epoch = static_cast<std::int16_t>(be::get16(p + kProducerEpochPos));
  h.base_sequence = static_cast<std::int32_t>(be::get32(p + kBaseSequencePos));
  h.record_count = static_cast<std::int32_t>(be::get32(p + kRecordCountPos));
  return h;
}

const char* to_string(BatchCheck c) {
  switch (c) {
    case BatchCheck::kOk: return "ok";
    case BatchCheck::kIncomplete: return "incomplete batch";
    case BatchCheck::kBadLength: return "invalid batch length";
    case BatchCheck::kBadMagic: return "unsupported magic";
    case BatchCheck::kBadCrc: return "CRC-32C mismatch";
    case BatchCheck::kBadOffset: return "offsets out of order";
  }
  return "?";
}

BatchCheck check_batch(Bytes bytes, std::size_t& size_out, std::size_t max_batch_bytes) {
  if (bytes.size() < kLogOverheadBytes) return BatchCheck::kIncomplete;
  const auto length = static_cast<std::int32_t>(be::get32(bytes.data() + kLengthPos));
  if (length < static_cast<std::int32_t>(kHeaderBytes - kLogOverheadBytes) ||
      static_cast<std::size_t>(length) + kLogOverheadBytes > max_batch_bytes) {
    return BatchCheck::kBadLength;
  }
  const std::size_t total = static_cast<std::size_t>(length) + kLogOverheadBytes;
  if (bytes.size() < kMagicPos + 1) return BatchCheck::kIncomplete;
  if (static_cast<std::int8_t>(bytes[kMagicPos]) != kMagicV2) return BatchCheck::kBadMagic;
  if (bytes.size() < total) return BatchCheck::kIncomplete;
  if (crc32c(bytes.data() + kAttributesPos, total - kAttributesPos) != be::get32(bytes.data() + kCrcPos)) {
    return BatchCheck::kBadCrc;
  }
  size_out = total;
  return BatchCheck::kOk;
}

void store_crc(std::span<std::uint8_t> b) {
  KS_ASSERT(b.size() >= kHeaderBytes);
  be::put32(b.data() + kCrcPos, crc32c(b.data() + kAttributesPos, b.size() - kAttributesPos));
}
void set_base_offset(std::span<std::uint8_t> b, std::int64_t base_offset) {
  be::put64(b.data() + kBaseOffsetPos, static_cast<std::uint64_t>(base_offset));
}
void set_partition_leader_epoch(std::span<std::uint8_t> b, std::int32_t epoch) {
  be::put32(b.data() + kLeaderEpochPos, static_cast<std::uint32_t>(epoch));
}

void encode_batch(const BatchSpec& spec, std::span<const RecordInput> records, std::vector<std::uint8_t>& out,
                  std::vector<std::uint8_t>& scratch) {
  std::int64_t max_ts = kNoTimestamp;
  std::int32_t last_delta = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    max_ts = std::max(max_ts, records[i].timestamp);
    last_delta = offset_delta_of(records[i], i);
  }
  const std::int64_t first_ts = records.empty() ? kNoTimestamp : records.front().timestamp;
  const std::int64_t base_ts = spec.delete_horizon_ms.value_or(first_ts);
  if (spec.last_offset_delta) last_delta = *spec.last_offset_delta;
  if (spec.max_timestamp) max_ts = *spec.max_timestamp;

  const std::size_t start = out.size();
  out.resize(start + kHeaderBytes);
  if (spec.compression == Compression::kNone) {
    encode_records(records, base_ts, out);
  } else {
    scratch.clear();
    encode_records(records, base_ts, scratch);
    compress(spec.compression, scratch, out);
  }
  write_header(spec, out.data() + start, out.size() - start, last_delta, base_ts, max_ts,
               static_cast<std::int32_t>(records.size()));
}

BatchBuilder::BatchBuilder(std::size_t capacity_bytes) {
  buf_.reserve(std::max(capacity_bytes, kHeaderBytes));
  buf_.resize(kHeaderBytes);
}

void BatchBuilder::append(const RecordInput& r) {
  KS_ASSERT(!closed_);
  if (count_ == 0) base_ts_ = r.timestamp;  // Kafka's MemoryRecordsBuilder: baseTimestamp = first record's
  max_ts_ = std::max(max_ts_, r.timestamp);
  append_record(r, r.timestamp - base_ts_, count_, buf_);
  ++count_;
}

std::vector<std::uint8_t> BatchBuilder::close(const BatchSpec& spec) {
  KS_ASSERT(!closed_ && !spec.delete_horizon_ms && !spec.last_offset_delta);
  closed_ = true;
  const std::int64_t max_ts = spec.max_timestamp.value_or(max_ts_);
  const std::int64_t base_ts = count_ == 0 ? kNoTimestamp : base_ts_;
  std::vector<std::uint8_t> out;
  if (spec.compression == Compression::kNone) {
    out = std::move(buf_);
  } else {
    out.resize(kHeaderBytes);
    compress(spec.compression, Bytes(buf_).subspan(kHeaderBytes), out);
    buf_ = {};
  }
  write_header(spec, out.data(), out.size(), std::max(count_ - 1, 0), base_ts, max_ts, count_);
  return out;
}

void set_producer_state(std::span<std::uint8_t> b, std::int64_t producer_id, std::int16_t producer_epoch,
                        std::int32_t base_sequence) {
  KS_ASSERT(b.size() >= kHeaderBytes);
  be::put64(b.data() + kProducerIdPos, static_cast<std::uint64_t>(producer_id));
  be::put16(b.data() + kProducerEpochPos, static_cast<std::uint16_t>(producer_epoch));
  be::put32(b.data() + kBaseSequencePos, static_cast<std::uint32_t>(base_sequence));
  store_crc(b);
}

void encode_batch(const BatchSpec& spec, std::span<const RecordInput> records, std::vector<std::uint8_t>& out) {
  std::vector<std::uint8_t> scratch;
  encode_batch(spec, records, out, scratch);
}

void encode_control_batch(const BatchSpec& spec, ControlType type, std::int32_t coordinator_epoch,
                          std::int64_t timestamp, std::vector<std::uint8_t>& out) {
  std::uint8_t key[4];
  std::uint8_t value[6];
  be::put16(key, 0);  // ControlRecordType key version
  be::put16(key + 2, static_cast<std::uint16_t>(type));
  be::put16(value, 0);  // EndTransactionMarker version
  be::put32(value + 2, static_cast<std::uint32_t>(coordinator_epoch));
  RecordInput r;
  r.timestamp = timestamp;
  r.key = std::string_view(reinterpret_cast<const char*>(key), sizeof(key));
  r.value = std::string_view(reinterpret_cast<const char*>(value), sizeof(value));
  BatchSpec s = spec;
  s.control = true;
  s.transactional = true;
  s.compression = Compression::kNone;
  encode_batch(s, std::span<const RecordInput>(&r, 1), out);
}

const char* to_string(DecodeError e) {
  switch (e) {
    case DecodeError::kOk: return "ok";
    case DecodeError::kBadBatch: return "invalid batch";
    case DecodeError::kBadCompression: return "invalid compressed data";
    case DecodeError::kBadRecord: return "invalid record";
    case DecodeError::kCountMismatch: return "record count mismatch";
  }
  return "?";
}

DecodeError decode_batch(Bytes bytes, DecodedBatch& out) {
  std::size_t size = 0;
  out.records.clear();
  out.headers.clear();
  if (check_batch(bytes, size) != BatchCheck::kOk) return DecodeError::kBadBatch;
  out.header = parse_batch_header(bytes.data());
  const BatchHeader& h = out.header;
  const std::uint8_t* p = bytes.data() + kHeaderBytes;
  const std::uint8_t* end = bytes.data() + size;
  if (h.compression() != Compression::kNone) {
    out.inflated.clear();
    if (h.compression() > Compression::kZstd || !decompress(h.compression(), Bytes(p, end), out.inflated)) {
      return DecodeError::kBadCompression;
    }
    p = out.inflated.data();
    end = p + out.inflated.size();
  }
  if (h.record_count < 0 || h.record_count > end - p) return DecodeError::kCountMismatch;
  out.records.resize(static_cast<std::size_t>(h.record_count));
  for (RecordView& r : out.records) {
    p = decode_record(p, end, h, r, out.headers);
    if (p == nullptr) return DecodeError::kBadRecord;
  }
  return p == end ? DecodeError::kOk : DecodeError::kCountMismatch;
}

std::optional<ControlMarker> parse_control_record(const RecordView& r) {
  if (!r.key || r.key->size() < 4 || !r.value || r.value->size() < 6) return std::nullopt;
  const auto* k = reinterpret_cast<const std::uint8_t*>(r.key->data());
  const auto* v = reinterpret_cast<const std::uint8_t*>(r.value->data());
  const auto type = static_cast<std::int16_t>(be::get16(k + 2));
  if (type != 0 && type != 1) return std::nullopt;
  return ControlMarker{static_cast<ControlType>(type), static_cast<std::int32_t>(be::get32(v + 2))};
}

}  // namespace kafkasim
