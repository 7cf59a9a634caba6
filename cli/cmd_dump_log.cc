// kafkasim dump-log PATH...: prints Kafka segment files the way Kafka's kafka-dump-log.sh
// (kafka.tools.DumpLogSegments) does: for a .log file one line per batch, and with --print-data-log (or
// --deep-iteration) one "| offset: ..." line per record with key and payload; .index, .timeindex and
// .txnindex files print their entries. --json prints one JSON document with every batch and its records (offset,
// timestamp, key, value, headers; bytes that are not UTF-8 as {"base64": "..."}). Reads the files from the
// host (our --data-dir mirror or a real broker's log.dirs). Corrupt or truncated data is reported with its
// byte position, never a crash; a missing or unknown file is bad input (exit 2).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "sim/log/log_segment.h"
#include "sim/log/offset_index.h"
#include "sim/log/record_batch.h"
#include "sim/log/time_index.h"
#include "sim/log/txn_index.h"

namespace kafkasim::cli {
namespace {
using nlohmann::json;

struct DumpOptions {
  std::vector<std::string> paths;
  bool print_data = false;
  bool deep = false;
  bool as_json = false;
};

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    }
    i += n;
  }
  return true;
}

std::string base64(std::string_view s) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < s.size(); i += 3) {
    const std::uint32_t b0 = static_cast<unsigned char>(s[i]);
    const std::uint32_t b1 = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
    const std::uint32_t b2 = i + 2 < s.size() ? static_cast<unsigned char>(s[i + 2]) : 0;
    const std::uint32_t v = (b0 << 16) | (b1 << 8) | b2;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < s.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += i + 2 < s.size() ? kAlphabet[v & 63] : '=';
  }
  return out;
}

json bytes_json(const std::optional<std::string_view>& b) {
  if (!b) return nullptr;
  if (valid_utf8(*b)) return std::string(*b);
  return json{{"base64", base64(*b)}};
}

const char* timestamp_type_name(const BatchHeader& h) {
  return h.timestamp_type() == TimestampType::kLogAppendTime ? "LogAppendTime" : "CreateTime";
}

std::string delete_horizon(const BatchHeader& h) {
  return h.has_delete_horizon() ? fmt::format("OptionalLong[{}]", h.base_timestamp) : "OptionalLong.empty";
}

// DefaultRecord.sequence(): baseSequence + offsetDelta, or -1.
std::int64_t record_sequence(const BatchHeader& h, const RecordView& r) {
  if (h.base_sequence < 0) return -1;
  BatchHeader tmp = h;
  tmp.last_offset_delta = static_cast<std::int32_t>(r.offset - h.base_offset);
  return tmp.last_sequence();
}

void print_record(const DecodedBatch& d, const RecordView& r, bool print_data) {
  const BatchHeader& h = d.header;
  std::string keys;
  for (const RecordHeader& hd : d.headers_of(r)) keys += (keys.empty() ? "" : ",") + std::string(hd.key);
  std::string line = fmt::format("| offset: {} {}: {} keySize: {} valueSize: {} sequence: {} headerKeys: [{}]",
                                 r.offset, timestamp_type_name(h), r.timestamp, r.key ? static_cast<long>(r.key->size()) : -1L,
                                 r.value ? static_cast<long>(r.value->size()) : -1L, record_sequence(h, r), keys);
  if (h.is_control()) {
    if (auto marker = parse_control_record(r)) {
      line += fmt::format(" endTxnMarker: {} coordinatorEpoch: {}",
                          marker->type == ControlType::kCommit ? "COMMIT" : "ABORT", marker->coordinator_epoch);
    }
  } else if (print_data) {
    if (r.key) line += fmt::format(" key: {}", *r.key);
    if (r.value) line += fmt::format(" payload: {}", *r.value);
  }
  std::puts(line.c_str());
}

json record_json(const DecodedBatch& d, const RecordView& r) {
  json headers = json::array();
  for (const RecordHeader& hd : d.headers_of(r)) {
    headers.push_back({{"key", bytes_json(hd.key)}, {"value", bytes_json(hd.value)}});
  }
  json j{{"offset", r.offset}, {"timestamp", r.timestamp}, {"key", bytes_json(r.key)}, {"value", bytes_json(r.value)},
         {"headers", headers}};
  if (d.header.is_control()) {
    if (auto marker = parse_control_record(r)) {
      j["control"] = {{"type", marker->type == ControlType::kCommit ? "COMMIT" : "ABORT"},
                      {"coordinator_epoch", marker->coordinator_epoch}};
    }
  }
  return j;
}

// Dumps a .log file's bytes. Returns the JSON form when as_json.
json dump_log(const std::string& path, const std::vector<std::uint8_t>& bytes, std::int64_t base, const DumpOptions& o) {
  json batches = json::array();
  if (!o.as_json) std::printf("Log starting offset: %lld\n", static_cast<long long>(base));
  std::size_t pos = 0;
  DecodedBatch d;
  std::string problem;
  while (pos < bytes.size()) {
    const Bytes rest(bytes.data() + pos, bytes.size() - pos);
    if (rest.size() < batch::kHeaderBytes) {
      problem = "incomplete batch header";
      break;
    }
    const BatchHeader h = parse_batch_header(rest.data());
    if (h.batch_length < static_cast<std::int32_t>(batch::kHeaderBytes - batch::kLogOverheadBytes) ||
        h.size_bytes() > rest.size()) {
      problem = h.size_bytes() > rest.size() ? "incomplete batch" : "invalid batch length";
      break;
    }
    if (h.magic != batch::kMagicV2) {
      problem = fmt::format("unsupported magic {} (expected 2)", h.magic);
      break;
    }
    std::size_t size = 0;
    const BatchCheck check = check_batch(rest.first(h.size_bytes()), size);
    const bool valid = check == BatchCheck::kOk;
    const DecodeError de = valid ? decode_batch(rest.first(size), d) : DecodeError::kBadBatch;
    const bool deep = o.print_data || o.deep;
    if (o.as_json) {
      json jb{{"position", pos},
              {"base_offset", h.base_offset},
              {"last_offset", h.last_offset()},
              {"count", h.record_count},
              {"base_sequence", h.base_sequence},
              {"last_sequence", h.last_sequence()},
              {"producer_id", h.producer_id},
              {"producer_epoch", h.producer_epoch},
              {"partition_leader_epoch", h.partition_leader_epoch},
              {"is_transactional", h.is_transactional()},
              {"is_control", h.is_control()},
              {"delete_horizon_ms", h.has_delete_horizon() ? json(h.base_timestamp) : json(nullptr)},
              {"timestamp_type", timestamp_type_name(h)},
              {"max_timestamp", h.max_timestamp},
              {"size", h.size_bytes()},
              {"magic", h.magic},
              {"compression", to_string(h.compression())},
              {"crc", h.crc},
              {"is_valid", valid}};
      json records = json::array();
      if (de == DecodeError::kOk) {
        for (const RecordView& r : d.records) records.push_back(record_json(d, r));
      } else {
        jb["error"] = valid ? to_string(de) : to_string(check);
      }
      jb["records"] = records;
      batches.push_back(jb);
    } else {
      std::printf(
          "baseOffset: %lld lastOffset: %lld count: %d baseSequence: %d lastSequence: %d producerId: %lld "
          "producerEpoch: %d partitionLeaderEpoch: %d isTransactional: %s isControl: %s deleteHorizonMs: %s "
          "position: %zu %s: %lld size: %zu magic: %d compresscodec: %s crc: %u isvalid: %s\n",
          static_cast<long long>(h.base_offset), static_cast<long long>(h.last_offset()), h.record_count,
          h.base_sequence, h.last_sequence(), static_cast<long long>(h.producer_id), h.producer_epoch,
          h.partition_leader_epoch, h.is_transactional() ? "true" : "false", h.is_control() ? "true" : "false",
          delete_horizon(h).c_str(), pos, timestamp_type_name(h), static_cast<long long>(h.max_timestamp),
          h.size_bytes(), h.magic, to_string(h.compression()), h.crc, valid ? "true" : "false");
      if (deep && de == DecodeError::kOk) {
        for (const RecordView& r : d.records) print_record(d, r, o.print_data);
      } else if (deep) {
        std::printf("| records not decoded at position %zu: %s\n", pos, valid ? to_string(de) : to_string(check));
      }
    }
    pos += h.size_bytes();
  }
  const std::size_t trailing = bytes.size() - pos;
  const std::string name = std::filesystem::path(path).filename().string();
  if (trailing > 0 && !o.as_json) {
    std::printf("Found %zu invalid bytes at the end of %s (at byte position %zu: %s)\n", trailing, name.c_str(), pos,
                problem.c_str());
  }
  json j{{"file", path}, {"type", "log"}, {"base_offset", base}, {"batches", batches}, {"trailing_invalid_bytes", trailing}};
  if (trailing > 0) j["invalid_at_position"] = pos;
  if (trailing > 0) j["problem"] = problem;
  return j;
}

json dump_index(const std::string& path, const std::vector<std::uint8_t>& bytes, std::int64_t base, bool time,
                const DumpOptions& o) {
  json entries = json::array();
  const std::size_t entry_bytes = time ? TimeIndex::kEntryBytes : OffsetIndex::kEntryBytes;
  const std::size_t whole = bytes.size() / entry_bytes * entry_bytes;
  const std::vector<std::uint8_t> body(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(whole));
  if (time) {
    std::vector<TimestampOffset> v;
    parse_time_index(body, base, v);
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i > 0 && v[i].offset == base) break;  // preallocated zero entries, as Kafka stops
      if (o.as_json) entries.push_back({{"timestamp", v[i].timestamp}, {"offset", v[i].offset}});
      else std::printf("timestamp: %lld offset: %lld\n", static_cast<long long>(v[i].timestamp), static_cast<long long>(v[i].offset));
    }
  } else {
    std::vector<OffsetPosition> v;
    parse_offset_index(body, base, v);
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i > 0 && v[i].offset == base) break;
      if (o.as_json) entries.push_back({{"offset", v[i].offset}, {"position", v[i].position}});
      else std::printf("offset: %lld position: %u\n", static_cast<long long>(v[i].offset), v[i].position);
    }
  }
  if (whole != bytes.size() && !o.as_json) {
    std::printf("Found %zu invalid bytes at the end of %s (at byte position %zu: partial entry)\n", bytes.size() - whole,
                path.c_str(), whole);
  }
  return json{{"file", path}, {"type", time ? "timeindex" : "index"}, {"base_offset", base}, {"entries", entries}};
}

json dump_txn_index(const std::string& path, const std::vector<std::uint8_t>& bytes, std::int64_t base,
                    const DumpOptions& o) {
  json entries = json::array();
  for (const AbortedTxn& t : parse_txn_index(bytes)) {
    if (o.as_json) {
      entries.push_back({{"producer_id", t.producer_id}, {"first_offset", t.first_offset},
                         {"last_offset", t.last_offset}, {"last_stable_offset", t.last_stable_offset}});
    } else {
      std::printf("version: 0 producerId: %lld firstOffset: %lld lastOffset: %lld lastStableOffset: %lld\n",
                  static_cast<long long>(t.producer_id), static_cast<long long>(t.first_offset),
                  static_cast<long long>(t.last_offset), static_cast<long long>(t.last_stable_offset));
    }
  }
  const std::size_t partial = bytes.size() % TxnIndex::kEntryBytes;
  if (partial != 0 && !o.as_json) {
    std::printf("Found %zu invalid bytes at the end of %s (at byte position %zu: partial entry)\n", partial,
                path.c_str(), bytes.size() - partial);
  }
  return json{{"file", path}, {"type", "txnindex"}, {"base_offset", base}, {"entries", entries}};
}

int run(const DumpOptions& o) {
  json files = json::array();
  for (const std::string& path : o.paths) {
    const std::string name = std::filesystem::path(path).filename().string();
    std::optional<std::int64_t> base;
    std::string kind;
    for (const char* suffix : {".log", ".index", ".timeindex", ".txnindex"}) {
      if (auto b = parse_segment_file_name(name, suffix)) {
        base = b;
        kind = suffix;
      }
    }
    if (!base) {
      return bad_input(path + ": expected a segment file named <20-digit base offset>.log, .index, .timeindex or .txnindex");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return bad_input(path + ": cannot open file");
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!o.as_json) std::printf("Dumping %s\n", path.c_str());
    if (kind == ".log") files.push_back(dump_log(path, bytes, *base, o));
    else if (kind == ".txnindex") files.push_back(dump_txn_index(path, bytes, *base, o));
    else files.push_back(dump_index(path, bytes, *base, kind == ".timeindex", o));
  }
  if (o.as_json) std::puts(json{{"files", files}}.dump(2).c_str());
  return kExitOk;
}

const CommandRegistrar kDumpLog("40-dump-log", [](CLI::App& app) -> std::function<int()> {
  auto* sub = app.add_subcommand("dump-log", "Print Kafka segment files (.log, .index, .timeindex, .txnindex) like kafka-dump-log.sh");
  auto o = std::make_shared<DumpOptions>();
  sub->add_option("paths", o->paths, "Segment files")->required();
  sub->add_flag("--print-data-log", o->print_data, "Print every record with its key and payload");
  sub->add_flag("--deep-iteration", o->deep, "Print every record's metadata");
  sub->add_flag("--json", o->as_json, "Print one JSON document with every batch and record");
  return [o] { return run(*o); };
});

}  // namespace
}  // namespace kafkasim::cli
