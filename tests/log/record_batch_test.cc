// Tests of the record batch v2 codec, CRC-32C and compression framing.
#include <catch2/catch.hpp>

#include <cstring>

#include "sim/log/crc32c.h"
#include "sim/log/record_batch.h"
#include "tests/log/test_util.h"

namespace kafkasim {
namespace {
// Big-endian byte builder for batches written by hand from the published format.
struct ByteBuilder {
  std::vector<std::uint8_t> b;
  ByteBuilder& i8(int v) { b.push_back(static_cast<std::uint8_t>(v)); return *this; }
  ByteBuilder& i16(int v) { return i8(v >> 8).i8(v); }
  ByteBuilder& i32(std::int64_t v) { return i16(static_cast<int>(v >> 16)).i16(static_cast<int>(v & 0xFFFF)); }
  ByteBuilder& i64(std::int64_t v) { return i32(v >> 32).i32(v & 0xFFFFFFFF); }
  ByteBuilder& raw(std::string_view s) { b.insert(b.end(), s.begin(), s.end()); return *this; }
};
}  // namespace

TEST_CASE("CRC-32C of 123456789 is E3069283 in both implementations") {
  const char* s = "123456789";
  CHECK(crc32c_table(s, 9) == 0xE3069283u);
  if (crc32c_hardware_available()) CHECK(crc32c_hardware(s, 9) == 0xE3069283u);
  CHECK(crc32c(s, 9) == 0xE3069283u);
}

TEST_CASE("Hardware and table CRC-32C agree on random data of every length and split") {
  Rng rng(42);
  std::string data(40000, '\0');
  for (char& c : data) c = static_cast<char>(rng.uniform(256));
  for (std::size_t len = 0; len < data.size(); len += 37) {
    const std::uint32_t t = crc32c_table(data.data(), len);
    CHECK(crc32c(data.data(), len) == t);
    const std::size_t split = len / 3;
    CHECK(crc32c(data.data() + split, len - split, crc32c(data.data(), split)) == t);
  }
}

TEST_CASE("A batch encodes to the bytes of the published v2 layout") {
  // Two records: (key "k", value "hello", header h1="x") at ts 1000 and (null key, value "v2") at ts 1005.
  // Record 1 body: attrs 0 | tsDelta 0 | offDelta 0 | keyLen 1 "k" | valLen 5 "hello" | 1 header:
  //                keyLen 2 "h1" valLen 1 "x"  -> zigzag varints: 1->02, 5->0a, 2->04
  ByteBuilder r1;
  r1.i8(0).i8(0).i8(0).i8(0x02).raw("k").i8(0x0a).raw("hello").i8(0x02).i8(0x04).raw("h1").i8(0x02).raw("x");
  // Record 2 body: attrs 0 | tsDelta 5 -> 0a | offDelta 1 -> 02 | keyLen -1 -> 01 | valLen 2 -> 04 "v2" | 0 headers
  ByteBuilder r2;
  r2.i8(0).i8(0x0a).i8(0x02).i8(0x01).i8(0x04).raw("v2").i8(0);
  ByteBuilder records;
  records.i8(static_cast<int>(r1.b.size() * 2)).raw({reinterpret_cast<char*>(r1.b.data()), r1.b.size()});
  records.i8(static_cast<int>(r2.b.size() * 2)).raw({reinterpret_cast<char*>(r2.b.data()), r2.b.size()});
  ByteBuilder after_crc;  // attributes .. records
  after_crc.i16(0).i32(1).i64(1000).i64(1005).i64(77).i16(3).i32(10).i32(2);
  after_crc.b.insert(after_crc.b.end(), records.b.begin(), records.b.end());
  ByteBuilder expected;
  expected.i64(500).i32(static_cast<std::int64_t>(4 + 1 + 4 + after_crc.b.size())).i32(7).i8(2);
  expected.i32(crc32c_table(after_crc.b.data(), after_crc.b.size()));
  expected.b.insert(expected.b.end(), after_crc.b.begin(), after_crc.b.end());

  const RecordHeader hdr{"h1", std::string_view("x")};
  RecordInput in[2];
  in[0].timestamp = 1000;
  in[0].key = "k";
  in[0].value = "hello";
  in[0].headers = {&hdr, 1};
  in[1].timestamp = 1005;
  in[1].value = "v2";
  BatchSpec spec;
  spec.base_offset = 500;
  spec.partition_leader_epoch = 7;
  spec.producer_id = 77;
  spec.producer_epoch = 3;
  spec.base_sequence = 10;
  std::vector<std::uint8_t> out;
  encode_batch(spec, in, out);
  CHECK(out == expected.b);

  DecodedBatch d;
  REQUIRE(decode_batch(expected.b, d) == DecodeError::kOk);
  CHECK(d.header.base_offset == 500);
  CHECK(d.header.producer_id == 77);
  CHECK(d.header.last_sequence() == 11);
  REQUIRE(d.records.size() == 2);
  CHECK(d.records[0].offset == 500);
  CHECK(*d.records[0].key == "k");
  CHECK(d.headers_of(d.records[0])[0].key == "h1");
  CHECK(d.records[1].offset == 501);
  CHECK(d.records[1].timestamp == 1005);
  CHECK_FALSE(d.records[1].key);
}

TEST_CASE("A commit marker is Kafka's 78-byte control batch") {
  BatchSpec spec;
  spec.base_offset = 9;
  spec.producer_id = 5;
  spec.producer_epoch = 1;
  std::vector<std::uint8_t> out;
  encode_control_batch(spec, ControlType::kCommit, 4, 123, out);
  REQUIRE(out.size() == batch::kControlMarkerBatchBytes);
  // attributes: control (0x20) | transactional (0x10)
  CHECK(out[batch::kAttributesPos] == 0);
  CHECK(out[batch::kAttributesPos + 1] == 0x30);
  // record: length 16 -> 0x20, attrs, tsDelta, offDelta, keyLen 4 -> 08, key 00 00 00 01, valLen 6 -> 0c,
  // value 00 00 00 00 00 04, headers 0
  const std::uint8_t record[] = {0x20, 0, 0, 0, 0x08, 0, 0, 0, 1, 0x0c, 0, 0, 0, 0, 0, 4, 0};
  CHECK(std::memcmp(out.data() + batch::kHeaderBytes, record, sizeof(record)) == 0);
  DecodedBatch d;
  REQUIRE(decode_batch(out, d) == DecodeError::kOk);
  CHECK(d.header.is_control());
  auto marker = parse_control_record(d.records.at(0));
  REQUIRE(marker);
  CHECK(marker->type == ControlType::kCommit);
  CHECK(marker->coordinator_epoch == 4);
}

TEST_CASE("Random batches round-trip through every codec") {
  const std::uint64_t seed = 20240611;
  INFO("seed " << seed);
  Rng rng(seed);
  DecodedBatch d;
  for (int iter = 0; iter < 200; ++iter) {
    const Compression codec = kAllCompressions[iter % 5];
    std::vector<test::OwnedRecord> recs;
    for (std::uint64_t i = 1 + rng.uniform(40); i > 0; --i) recs.push_back(test::random_record(rng, 1'700'000'000'000));
    test::RecordInputs inputs(recs);
    BatchSpec spec;
    spec.base_offset = static_cast<std::int64_t>(rng.uniform(1'000'000));
    spec.compression = codec;
    spec.transactional = rng.uniform(2) == 0;
    std::vector<std::uint8_t> out;
    encode_batch(spec, inputs.inputs, out);
    INFO("iter " << iter << " codec " << to_string(codec));
    REQUIRE(decode_batch(out, d) == DecodeError::kOk);
    CHECK(d.header.compression() == codec);
    CHECK(d.header.is_transactional() == spec.transactional);
    REQUIRE(d.records.size() == recs.size());
    for (std::size_t i = 0; i < recs.size(); ++i) {
      CHECK(d.records[i].offset == spec.base_offset + static_cast<std::int64_t>(i));
      CHECK(d.records[i].timestamp == recs[i].timestamp);
      CHECK(test::owned(d.records[i].key) == recs[i].key);
      CHECK(test::owned(d.records[i].value) == recs[i].value);
      const auto hs = d.headers_of(d.records[i]);
      REQUIRE(hs.size() == recs[i].headers.size());
      for (std::size_t h = 0; h < hs.size(); ++h) {
        CHECK(std::string(hs[h].key) == recs[i].headers[h].first);
        CHECK(test::owned(hs[h].value) == recs[i].headers[h].second);
      }
    }
  }
}

TEST_CASE("A batch built record by record is byte for byte the batch encode_batch writes") {
  const std::uint64_t seed = 20261125;
  INFO("seed " << seed);
  Rng rng(seed);
  for (int iter = 0; iter < 100; ++iter) {
    const Compression codec = kAllCompressions[iter % 5];
    std::vector<test::OwnedRecord> recs;
    for (std::uint64_t i = rng.uniform(30); i > 0; --i) recs.push_back(test::random_record(rng, 1'700'000'000'000));
    test::RecordInputs inputs(recs);
    BatchSpec spec;
    spec.base_offset = static_cast<std::int64_t>(rng.uniform(1000));
    spec.compression = codec;
    spec.producer_id = 9;
    spec.producer_epoch = 2;
    spec.base_sequence = static_cast<std::int32_t>(rng.uniform(100));
    if (rng.uniform(2) == 0) spec.max_timestamp = 1'800'000'000'000;
    std::vector<std::uint8_t> expected;
    encode_batch(spec, inputs.inputs, expected);
    BatchBuilder builder(rng.uniform(2000));
    for (const RecordInput& r : inputs.inputs) builder.append(r);
    CHECK(builder.record_count() == static_cast<std::int32_t>(recs.size()));
    INFO("iter " << iter << " codec " << to_string(codec) << " records " << recs.size());
    CHECK(builder.close(spec) == expected);
    CHECK(builder.closed());
  }
}

TEST_CASE("Rewriting the producer state of a batch gives the batch encoded with that state") {
  std::vector<test::OwnedRecord> recs(3);
  for (std::size_t i = 0; i < recs.size(); ++i) {
    recs[i].timestamp = 1000 + static_cast<std::int64_t>(i);
    recs[i].value = "value " + std::to_string(i);
  }
  test::RecordInputs inputs(recs);
  BatchSpec spec;
  spec.producer_id = 5;
  spec.producer_epoch = 0;
  spec.base_sequence = 10;
  std::vector<std::uint8_t> batch;
  encode_batch(spec, inputs.inputs, batch);
  spec.producer_id = 6;
  spec.producer_epoch = 1;
  spec.base_sequence = 0;
  std::vector<std::uint8_t> expected;
  encode_batch(spec, inputs.inputs, expected);
  set_producer_state(batch, 6, 1, 0);
  CHECK(batch == expected);
  std::size_t size = 0;
  CHECK(check_batch(batch, size) == BatchCheck::kOk);
}

TEST_CASE("Snappy batches use the xerial framing and lz4 batches the LZ4 frame format") {
  RecordInput r;
  r.value = "some value";
  std::vector<std::uint8_t> out;
  BatchSpec spec;
  spec.compression = Compression::kSnappy;
  encode_batch(spec, {&r, 1}, out);
  const std::uint8_t xerial[] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1};
  CHECK(std::memcmp(out.data() + batch::kHeaderBytes, xerial, sizeof(xerial)) == 0);
  out.clear();
  spec.compression = Compression::kLz4;
  encode_batch(spec, {&r, 1}, out);
  const std::uint8_t lz4_magic[] = {0x04, 0x22, 0x4D, 0x18};
  CHECK(std::memcmp(out.data() + batch::kHeaderBytes, lz4_magic, 4) == 0);
  out.clear();
  spec.compression = Compression::kGzip;
  encode_batch(spec, {&r, 1}, out);
  CHECK(out[batch::kHeaderBytes] == 0x1f);
  CHECK(out[batch::kHeaderBytes + 1] == 0x8b);
}

TEST_CASE("Corrupt batches and corrupt compressed data are errors, never a crash") {
  const std::uint64_t seed = 7;
  INFO("seed " << seed);
  Rng rng(seed);
  DecodedBatch d;
  for (int iter = 0; iter < 500; ++iter) {
    std::vector<test::OwnedRecord> recs{test::random_record(rng, 0), test::random_record(rng, 0)};
    test::RecordInputs inputs(recs);
    BatchSpec spec;
    spec.compression = kAllCompressions[iter % 5];
    std::vector<std::uint8_t> out;
    encode_batch(spec, inputs.inputs, out);
    const std::size_t pos = rng.uniform(out.size());
    out[pos] ^= static_cast<std::uint8_t>(1u << rng.uniform(8));
    const DecodeError e = decode_batch(out, d);
    // A flip outside the CRC (base offset, length, epoch) may decode; inside it never does.
    if (pos >= batch::kCrcPos && pos != batch::kMagicPos) CHECK(e != DecodeError::kOk);
    // Re-sign the corrupted bytes so the decoder itself meets garbage records.
    if (out.size() >= batch::kHeaderBytes && pos >= batch::kAttributesPos) {
      store_crc(out);
      (void)decode_batch(out, d);
    }
  }
}

TEST_CASE("Truncated input is reported as incomplete") {
  RecordInput r;
  r.value = "v";
  std::vector<std::uint8_t> out;
  encode_batch(BatchSpec{}, {&r, 1}, out);
  std::size_t size = 0;
  for (std::size_t n = 0; n < out.size(); ++n) {
    CHECK(check_batch(Bytes(out.data(), n), size) == BatchCheck::kIncomplete);
  }
  CHECK(check_batch(out, size) == BatchCheck::kOk);
  CHECK(size == out.size());
}

}  // namespace kafkasim
