// kafkasim bench log: throughput of the log engine (sim/log) on one core.
//  - encode: 100-byte records (8-byte keys) into ~16 KiB record batches, per codec;
//  - decode: the same batches back into records, per codec;
//  - append: pre-encoded batches into a PartitionLog as leader (validate CRC, assign offsets, stamp the
//    epoch, store, index), on the in-memory Disk and on real files (the Disk's host mirror);
//  - read: the log read back from offset 0 in 1 MiB fetches (each batch CRC-checked);
//  - ceilings: a plain memcpy of the same bytes and a bare CRC-32C pass over them.
// Goals (docs/benchmarks.md): in-memory append >= 50% of the memcpy rate; encode and decode >= 20 M
// records/s each. Wall-clock time is read here, in cli/, never in sim/.
#include <malloc.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/bench.h"
#include "cli/command.h"
#include "sim/log/crc32c.h"
#include "sim/log/partition_log.h"

namespace kafkasim::cli {
namespace {
// CPU time of this thread: the goals are per core, and the team's machine is shared (a wall clock there
// measures the neighbours' builds too).
struct Clock {
  using time_point = double;
  static double now() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  }
};

struct BenchOptions {
  int megabytes = 128;   // uncompressed record bytes per measurement
  int repeat = 3;        // best of N
  std::string codecs = "none,gzip,snappy,lz4,zstd";
  std::string dir = "";  // real-files directory (default: a temp directory)
};

constexpr std::size_t kRecordBytes = 100;
constexpr std::size_t kKeyBytes = 8;
constexpr std::size_t kBatchBytesTarget = 16 * 1024;

double seconds_since(Clock::time_point t0) { return Clock::now() - t0; }

// The best (shortest) time of `repeat` runs of fn.
template <typename F>
double best_of(int repeat, F&& fn) {
  double best = 1e300;
  for (int i = 0; i < repeat; ++i) {
    const auto t0 = Clock::now();
    fn();
    best = std::min(best, seconds_since(t0));
  }
  return best;
}

void report(const char* what, const char* codec, std::uint64_t records, std::uint64_t bytes, double secs) {
  std::printf("%-22s %-7s %9.2f M records/s %9.1f MB/s\n", what, codec, static_cast<double>(records) / secs / 1e6,
              static_cast<double>(bytes) / secs / 1e6);
}

struct Workload {
  std::vector<std::string> keys;
  std::vector<std::string> values;
  std::vector<RecordInput> inputs;
  std::size_t records_per_batch = 0;
  std::size_t batches = 0;
};

Workload make_workload(std::size_t total_bytes) {
  Workload w;
  // ~16 KiB batches: record = 100 value + 8 key + ~9 bytes of framing.
  w.records_per_batch = kBatchBytesTarget / (kRecordBytes + kKeyBytes + 9);
  w.batches = std::max<std::size_t>(1, total_bytes / (w.records_per_batch * kRecordBytes));
  Rng rng(1);
  for (std::size_t i = 0; i < w.records_per_batch; ++i) {
    std::string key = fmt::format("{:08d}", i);
    std::string value(kRecordBytes, ' ');
    // Compressible like real payloads: words from a small vocabulary.
    for (std::size_t c = 0; c < value.size(); ++c) value[c] = static_cast<char>('a' + rng.uniform(8) + (c % 7 == 0 ? 10 : 0));
    w.keys.push_back(std::move(key));
    w.values.push_back(std::move(value));
  }
  for (std::size_t i = 0; i < w.records_per_batch; ++i) {
    RecordInput r;
    r.timestamp = 1'700'000'000'000 + static_cast<std::int64_t>(i);
    r.key = w.keys[i];
    r.value = w.values[i];
    w.inputs.push_back(r);
  }
  return w;
}

// All batches, back to back, as a producer would send them.
void encode_all(const Workload& w, Compression codec, std::vector<std::uint8_t>& out, std::vector<std::uint8_t>& scratch) {
  out.clear();
  BatchSpec spec;
  spec.compression = codec;
  spec.producer_id = 1;
  spec.producer_epoch = 0;
  for (std::size_t b = 0; b < w.batches; ++b) {
    spec.base_sequence = static_cast<std::int32_t>(b * w.records_per_batch);
    encode_batch(spec, w.inputs, out, scratch);
  }
}

std::vector<Bytes> split(const std::vector<std::uint8_t>& all) {
  std::vector<Bytes> v;
  Bytes rest = all;
  for (Bytes b = next_batch(rest); !b.empty(); b = next_batch(rest)) v.push_back(b);
  return v;
}

LogConfig bench_config() {
  LogConfig c;
  c.segment_bytes = 256 * 1024 * 1024;
  return c;
}

// Appends every batch to a fresh log; returns seconds, and checks the LEO.
double append_all(const Workload& w, const std::vector<Bytes>& batches, const std::string& mirror_dir, int repeat,
                  double& read_secs, double& first_secs) {
  read_secs = 1e300;
  first_secs = -1;
  double best = 1e300;
  for (int i = 0; i < repeat; ++i) {
    Disk disk;
    if (!mirror_dir.empty()) {
      std::filesystem::remove_all(mirror_dir);
      const Status s = disk.set_mirror_dir(mirror_dir);
      if (!s.ok) {
        std::fprintf(stderr, "kafkasim: error: %s\n", s.message.c_str());
        return -1;
      }
    }
    auto log = PartitionLog::open(disk, "bench-0", bench_config(), {}).value;
    auto t0 = Clock::now();
    for (Bytes b : batches) {
      if (!log->append_as_leader(b, 0, 0).ok()) return -1;
    }
    const double secs = seconds_since(t0);
    if (first_secs < 0) first_secs = secs;
    best = std::min(best, secs);
    if (log->log_end_offset() != static_cast<std::int64_t>(w.batches * w.records_per_batch)) return -1;
    t0 = Clock::now();
    std::int64_t next = 0;
    while (next < log->log_end_offset()) {
      auto r = log->read(next, 1024 * 1024);
      if (!r.ok()) return -1;
      Bytes rest = r.value.bytes;
      Bytes last;
      for (Bytes b = next_batch(rest); !b.empty(); b = next_batch(rest)) last = b;
      next = parse_batch_header(last.data()).next_offset();
    }
    read_secs = std::min(read_secs, seconds_since(t0));
    if (!mirror_dir.empty()) std::filesystem::remove_all(mirror_dir);
  }
  return best;
}

int run(const BenchOptions& o) {
  // Keep freed memory in the process (no trimming, chunks from the heap): later repeats then measure the
  // engine on warm pages, as a long simulation runs, instead of the kernel's first-touch page faults.
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, INT32_MAX);
  std::printf("kafkasim bench log: %s\n", machine_description().c_str());
  std::printf("crc32c: %s; rates are per core (thread CPU time), MB/s of uncompressed batch bytes\n",
              crc32c_hardware_available() ? "SSE4.2, 3 streams" : "table");
  const Workload w = make_workload(static_cast<std::size_t>(o.megabytes) * 1024 * 1024);
  const std::uint64_t records = w.batches * w.records_per_batch;
  std::printf("workload: %llu records of %zu-byte values and %zu-byte keys in %zu batches of %zu records, best of %d\n\n",
              static_cast<unsigned long long>(records), kRecordBytes, kKeyBytes, w.batches, w.records_per_batch, o.repeat);
  std::vector<std::uint8_t> encoded;
  std::vector<std::uint8_t> scratch;
  const std::string real_dir =
      o.dir.empty() ? (std::filesystem::temp_directory_path() / "kafkasim-bench-log").string() : o.dir;

  // Ceilings over the uncompressed encoding.
  encode_all(w, Compression::kNone, encoded, scratch);
  const std::uint64_t raw_bytes = encoded.size();
  double memcpy_secs = 0;
  {
    std::vector<std::uint8_t> dst(raw_bytes);
    memcpy_secs = best_of(o.repeat, [&] {
      for (std::size_t pos = 0; pos < raw_bytes; pos += kBatchBytesTarget) {
        const std::size_t n = std::min(kBatchBytesTarget, raw_bytes - pos);
        std::memcpy(dst.data() + pos, encoded.data() + pos, n);
      }
    });
    volatile std::uint32_t sink = 0;
    const double crc_secs = best_of(o.repeat, [&] { sink = crc32c(encoded.data(), encoded.size()); });
    (void)sink;
    report("ceiling memcpy", "-", records, raw_bytes, memcpy_secs);
    report("ceiling crc32c", "-", records, raw_bytes, crc_secs);
    std::printf("\n");
  }

  for (Compression codec : kAllCompressions) {
    if (o.codecs.find(to_string(codec)) == std::string::npos) continue;
    const double enc_secs = best_of(o.repeat, [&] { encode_all(w, codec, encoded, scratch); });
    const auto batches = split(encoded);
    DecodedBatch d;
    std::uint64_t decoded = 0;
    const double dec_secs = best_of(o.repeat, [&] {
      decoded = 0;
      for (Bytes b : batches) {
        if (decode_batch(b, d) == DecodeError::kOk) decoded += d.records.size();
      }
    });
    if (decoded != records) return bad_input("bench log: decode lost records");
    const char* name = to_string(codec);
    // MB/s of encode/decode/append/read are counted in uncompressed record bytes, so codecs compare.
    report("encode", name, records, raw_bytes, enc_secs);
    report("decode", name, records, raw_bytes, dec_secs);
    double read_secs = 0;
    double first_secs = 0;
    const double mem_secs = append_all(w, batches, "", o.repeat, read_secs, first_secs);
    if (mem_secs < 0) return bad_input("bench log: in-memory append failed");
    report("append (in-memory)", name, records, raw_bytes, mem_secs);
    if (codec == Compression::kNone) {
      std::printf("  = %.0f%% of the memcpy rate; first run on cold pages: %.1f MB/s\n", 100.0 * memcpy_secs / mem_secs,
                  static_cast<double>(raw_bytes) / first_secs / 1e6);
    }
    report("read (in-memory)", name, records, raw_bytes, read_secs);
    const double file_secs = append_all(w, batches, real_dir, o.repeat, read_secs, first_secs);
    if (file_secs < 0) return bad_input("bench log: append on real files failed in " + real_dir);
    report("append (real files)", name, records, raw_bytes, file_secs);
    std::printf("  stored %.1f MB (%.2fx of uncompressed)\n\n", static_cast<double>(encoded.size()) / 1e6,
                static_cast<double>(encoded.size()) / static_cast<double>(raw_bytes));
  }
  return kExitOk;
}

const BenchRegistrar kBenchLog("log", "Log engine: encode, decode, append, read per codec; memcpy and CRC-32C ceilings",
                               [](CLI::App& sub) -> std::function<int()> {
                                 auto o = std::make_shared<BenchOptions>();
                                 sub.add_option("--megabytes", o->megabytes, "Record bytes per measurement")
                                     ->check(CLI::Range(1, 4096));
                                 sub.add_option("--repeat", o->repeat, "Runs per measurement (best is kept)")
                                     ->check(CLI::Range(1, 100));
                                 sub.add_option("--codecs", o->codecs, "Codecs to measure, comma-separated");
                                 sub.add_option("--dir", o->dir, "Directory for the real-files run");
                                 return [o] { return run(*o); };
                               });

}  // namespace
}  // namespace kafkasim::cli
