#pragma once
// Helpers shared by the log tests: random records from a seed, and a byte builder for hand-made batches.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/rng.h"
#include "sim/log/record_batch.h"

namespace kafkasim::test {

// A record that owns its bytes, and converts to the encoder's view type.
struct OwnedRecord {
  std::int64_t timestamp = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
};

inline std::string random_bytes(Rng& rng, std::size_t max_len) {
  std::string s(rng.uniform(max_len + 1), '\0');
  for (char& c : s) c = static_cast<char>(rng.uniform(256));
  return s;
}

inline OwnedRecord random_record(Rng& rng, std::int64_t ts) {
  OwnedRecord r;
  r.timestamp = ts + static_cast<std::int64_t>(rng.uniform(1000));
  if (rng.uniform(4) != 0) r.key = random_bytes(rng, 20);
  if (rng.uniform(5) != 0) r.value = random_bytes(rng, 300);
  for (std::uint64_t i = rng.uniform(3); i > 0; --i) {
    std::optional<std::string> v;
    if (rng.uniform(3) != 0) v = random_bytes(rng, 10);
    r.headers.emplace_back(random_bytes(rng, 8), v);
  }
  return r;
}

// Views of owned records for encode_batch. Keep `storage` alive while the inputs are used.
struct RecordInputs {
  std::vector<std::vector<RecordHeader>> headers;
  std::vector<RecordInput> inputs;
  explicit RecordInputs(const std::vector<OwnedRecord>& records) {
    headers.resize(records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
      for (const auto& [k, v] : records[i].headers) {
        headers[i].push_back({k, v ? std::optional<std::string_view>(*v) : std::nullopt});
      }
    }
    for (std::size_t i = 0; i < records.size(); ++i) {
      RecordInput in;
      in.timestamp = records[i].timestamp;
      if (records[i].key) in.key = *records[i].key;
      if (records[i].value) in.value = *records[i].value;
      in.headers = headers[i];
      inputs.push_back(in);
    }
  }
};

inline std::optional<std::string> owned(const std::optional<std::string_view>& v) {
  if (!v) return std::nullopt;
  return std::string(*v);
}

}  // namespace kafkasim::test
