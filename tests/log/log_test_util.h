#pragma once
// Helpers for the partition log tests: open a log on a Disk, append simple keyed batches, read all records.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "sim/log/partition_log.h"

namespace kafkasim::test {

struct SimpleRecord {
  std::int64_t offset = 0;
  std::int64_t timestamp = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
  bool operator==(const SimpleRecord&) const = default;
};

inline std::unique_ptr<PartitionLog> open_log(Disk& disk, const LogConfig& config, LogOpenOptions options = {},
                                              RecoveryReport* report = nullptr) {
  auto r = PartitionLog::open(disk, "topic-0", config, options, report);
  REQUIRE(r.ok());
  return std::move(r.value);
}

// Encodes one batch of `n` records "k<i % keys>" = "v<offset-ish>" at timestamp ts.
inline std::vector<std::uint8_t> make_batch(int n, std::int64_t ts, const std::string& tag, int keys = 1000000,
                                            Compression codec = Compression::kNone) {
  std::vector<std::string> storage;
  storage.reserve(static_cast<std::size_t>(2 * n));
  std::vector<RecordInput> in(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    storage.push_back("k" + std::to_string(i % keys));
    in[static_cast<std::size_t>(i)].key = storage.back();
    storage.push_back(tag + "-" + std::to_string(i));
    in[static_cast<std::size_t>(i)].value = storage.back();
    in[static_cast<std::size_t>(i)].timestamp = ts + i;
  }
  BatchSpec spec;
  spec.compression = codec;
  std::vector<std::uint8_t> out;
  encode_batch(spec, in, out);
  return out;
}

// Every record of a byte range of whole batches (REQUIRE: all decode).
inline std::vector<SimpleRecord> records_of(Bytes bytes) {
  std::vector<SimpleRecord> out;
  DecodedBatch d;
  Bytes rest = bytes;
  for (Bytes b = next_batch(rest); !b.empty(); b = next_batch(rest)) {
    REQUIRE(decode_batch(b, d) == DecodeError::kOk);
    for (const RecordView& r : d.records) {
      out.push_back({r.offset, r.timestamp, r.key ? std::optional<std::string>(*r.key) : std::nullopt,
                     r.value ? std::optional<std::string>(*r.value) : std::nullopt});
    }
  }
  REQUIRE(rest.empty());
  return out;
}

inline std::vector<SimpleRecord> read_all(PartitionLog& log) {
  auto r = log.read(log.log_start_offset(), SIZE_MAX);
  REQUIRE(r.ok());
  return records_of(r.value.bytes);
}

}  // namespace kafkasim::test
