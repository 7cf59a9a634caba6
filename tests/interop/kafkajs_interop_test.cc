// Interop: segments written by kafkasim (through the Disk's real-file mirror) are decoded by an
// independent decoder, kafkajs 2.2.4's RecordBatch decoder (tests/interop/decode_segment.js), and every
// batch and record is compared. Codecs cross-checked: none, gzip (kafkajs' zlib), snappy (kafkajs-snappy /
// snappyjs), lz4 (lz4js) and zstd (fzstd). Skipped with a WARN when node or tests/interop/node_modules is
// absent (scripts/test.sh runs `npm ci` there).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/log/partition_log.h"

namespace kafkasim {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

std::string base64(std::string_view s) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < s.size(); i += 3) {
    const std::uint32_t v = (static_cast<std::uint32_t>(static_cast<unsigned char>(s[i])) << 16) |
                            (i + 1 < s.size() ? static_cast<std::uint32_t>(static_cast<unsigned char>(s[i + 1])) << 8 : 0) |
                            (i + 2 < s.size() ? static_cast<unsigned char>(s[i + 2]) : 0);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < s.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += i + 2 < s.size() ? kAlphabet[v & 63] : '=';
  }
  return out;
}
json b64(const std::optional<std::string_view>& v) { return v ? json(base64(*v)) : json(nullptr); }

std::string run_node(const std::string& args) {
  const std::string cmd = "node " KAFKASIM_SOURCE_DIR "/tests/interop/decode_segment.js " + args;
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[65536];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof(buf), p)) > 0;) out.append(buf, n);
  REQUIRE(::pclose(p) == 0);
  return out;
}

std::string random_text(Rng& rng, std::size_t max_len, bool binary) {
  std::string s(rng.uniform(max_len + 1), 'a');
  for (char& c : s) c = binary ? static_cast<char>(rng.uniform(256)) : static_cast<char>('a' + rng.uniform(26));
  return s;
}

// Appends seeded random batches (null keys and values, headers, a transaction and its commit marker).
void fill(PartitionLog& log, Compression codec, Rng& rng) {
  for (int b = 0; b < 30; ++b) {
    std::vector<std::string> storage;
    storage.reserve(200);
    std::vector<std::vector<RecordHeader>> headers(20);
    std::vector<RecordInput> in;
    const std::size_t n = 1 + rng.uniform(20);
    for (std::size_t i = 0; i < n; ++i) {
      RecordInput r;
      r.timestamp = 1'700'000'000'000 + b * 100 + static_cast<std::int64_t>(i);
      if (rng.uniform(4) != 0) r.key = storage.emplace_back(random_text(rng, 16, true));
      if (rng.uniform(5) != 0) r.value = storage.emplace_back(random_text(rng, 200, true));
      for (std::uint64_t h = rng.uniform(3); h > 0; --h) {
        const std::string& k = storage.emplace_back("h" + random_text(rng, 5, false));
        std::optional<std::string_view> v;
        if (rng.uniform(3) != 0) v = storage.emplace_back(random_text(rng, 10, true));
        headers[i].push_back({k, v});
      }
      r.headers = headers[i];
      in.push_back(r);
    }
    BatchSpec spec;
    spec.compression = codec;
    if (b == 10) {
      spec.transactional = true;
      spec.producer_id = 42;
      spec.producer_epoch = 1;
      spec.base_sequence = 0;
    }
    REQUIRE(log.append_records_as_leader(spec, in, b / 10, 0).ok());
    if (b == 10) {
      std::vector<std::uint8_t> marker;
      BatchSpec m;
      m.producer_id = 42;
      m.producer_epoch = 1;
      encode_control_batch(m, ControlType::kCommit, 3, 1'700'000'000'000, marker);
      REQUIRE(log.append_as_leader(marker, 1, 0, AppendOrigin::kCoordinator).ok());
    }
  }
}

json our_view(Bytes file_bytes) {
  json batches = json::array();
  DecodedBatch d;
  Bytes rest = file_bytes;
  for (Bytes b = next_batch(rest); !b.empty(); b = next_batch(rest)) {
    REQUIRE(decode_batch(b, d) == DecodeError::kOk);
    json recs = json::array();
    for (const RecordView& r : d.records) {
      json hs = json::array();
      for (const RecordHeader& h : d.headers_of(r)) hs.push_back(json::array({std::string(h.key), b64(h.value)}));
      recs.push_back({{"offset", std::to_string(r.offset)}, {"timestamp", std::to_string(r.timestamp)},
                      {"key", b64(r.key)}, {"value", b64(r.value)}, {"headers", hs}});
    }
    batches.push_back({{"firstOffset", std::to_string(d.header.base_offset)},
                       {"producerId", std::to_string(d.header.producer_id)},
                       {"isControlBatch", d.header.is_control()},
                       {"inTransaction", d.header.is_transactional()},
                       {"records", recs}});
  }
  return batches;
}

// Headers as a sorted list: kafkajs returns them as an object (keys merged), so compare as multisets.
void normalize(json& batches) {
  for (auto& b : batches) {
    for (auto& r : b["records"]) {
      auto hs = r["headers"].get<std::vector<json>>();
      std::sort(hs.begin(), hs.end(), [](const json& a, const json& c) { return a.dump() < c.dump(); });
      r["headers"] = hs;
    }
  }
}
}  // namespace

TEST_CASE("Segments written by kafkasim decode identically in kafkajs, with every codec") {
  if (!fs::exists(KAFKASIM_SOURCE_DIR "/tests/interop/node_modules/kafkajs") || std::system("node --version >/dev/null 2>&1") != 0) {
    WARN("skipped: node or tests/interop/node_modules is missing (run `npm ci` in tests/interop)");
    return;
  }
  const std::uint64_t seed = 8128;
  INFO("seed " << seed);
  Rng rng(seed);
  const fs::path root = fs::temp_directory_path() / ("kafkasim-interop-" + std::to_string(::getpid()));
  fs::remove_all(root);
  Disk disk;
  REQUIRE(disk.set_mirror_dir(root.string()).ok);
  std::vector<std::pair<std::string, const PartitionLog*>> files;
  std::vector<std::unique_ptr<PartitionLog>> logs;
  LogConfig config;
  config.segment_bytes = 16 * 1024;
  for (Compression codec : kAllCompressions) {
    auto log = PartitionLog::open(disk, std::string("interop-") + to_string(codec) + "-0", config, {});
    REQUIRE(log.ok());
    fill(*log.value, codec, rng);
    logs.push_back(std::move(log.value));
  }
  REQUIRE(disk.mirror_status().ok);
  std::string args;
  std::vector<std::string> paths;
  for (const auto& log : logs) {
    for (const LogSegment* seg : log->segments()) {
      paths.push_back(seg->log_path());
      args += " " + (root / seg->log_path()).string();
    }
  }
  const json decoded = json::parse(run_node(args));
  REQUIRE(decoded.size() == paths.size());
  std::size_t records = 0;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    INFO("segment " << paths[i]);
    auto bytes = disk.read_all(paths[i]);
    REQUIRE(bytes.ok());
    json ours = our_view(bytes.value);
    json theirs = json::array();
    for (const auto& b : decoded[i]["batches"]) {
      CHECK(b["crcValid"] == true);
      json recs = b["records"];
      theirs.push_back({{"firstOffset", b["firstOffset"]}, {"producerId", b["producerId"]},
                        {"isControlBatch", b["isControlBatch"]}, {"inTransaction", b["inTransaction"]},
                        {"records", recs}});
      records += recs.size();
    }
    CHECK(decoded[i]["trailingBytes"] == 0);
    normalize(ours);
    normalize(theirs);
    CHECK(ours == theirs);
  }
  CHECK(records > 5 * 30 * 5);
  fs::remove_all(root);
}

}  // namespace kafkasim
