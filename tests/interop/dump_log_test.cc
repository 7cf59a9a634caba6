// `kafkasim dump-log` on segments written through the Disk's real-file mirror: the kafka-dump-log.sh text
// form, the --json form (compared with every record written) and the report of a torn tail.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/log/partition_log.h"

namespace kafkasim {
namespace {
namespace fs = std::filesystem;

struct Output {
  int exit_code = 0;
  std::string text;
};

Output run_kafkasim(const std::string& args) {
  Output out;
  FILE* p = ::popen((std::string(KAFKASIM_BIN) + " " + args + " 2>&1").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[65536];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof(buf), p)) > 0;) out.text.append(buf, n);
  const int status = ::pclose(p);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

struct Fixture {
  fs::path root = fs::temp_directory_path() / ("kafkasim-dump-log-" + std::to_string(::getpid()));
  Disk disk;
  std::unique_ptr<PartitionLog> log;
  Fixture() {
    fs::remove_all(root);
    REQUIRE(disk.set_mirror_dir(root.string()).ok);
    auto opened = PartitionLog::open(disk, "orders-0", LogConfig{}, {});
    REQUIRE(opened.ok());
    log = std::move(opened.value);
    const RecordHeader h{"trace", std::string_view("t1")};
    RecordInput r[2];
    r[0].timestamp = 1000;
    r[0].key = "k1";
    r[0].value = "hello";
    r[0].headers = {&h, 1};
    r[1].timestamp = 1001;
    r[1].value = std::string_view("\xff\x00", 2);
    BatchSpec spec;
    spec.producer_id = 7;
    spec.producer_epoch = 0;
    spec.base_sequence = 0;
    REQUIRE(log->append_records_as_leader(spec, r, 3, 0).ok());
    spec.compression = Compression::kGzip;
    spec.base_sequence = 2;
    REQUIRE(log->append_records_as_leader(spec, r, 3, 0).ok());
    std::vector<std::uint8_t> marker;
    encode_control_batch(BatchSpec{}, ControlType::kCommit, 5, 2000, marker);
    REQUIRE(log->append_as_leader(marker, 3, 0, AppendOrigin::kCoordinator).ok());
    marker.clear();
    BatchSpec txn;
    txn.producer_id = 9;
    txn.producer_epoch = 0;
    encode_control_batch(txn, ControlType::kAbort, 5, 2000, marker);
    REQUIRE(log->append_as_leader(marker, 3, 0, AppendOrigin::kCoordinator).ok());
  }
  ~Fixture() { fs::remove_all(root); }
  std::string segment(const char* suffix) const { return (root / "orders-0" / ("00000000000000000000" + std::string(suffix))).string(); }
};
}  // namespace

TEST_CASE("dump-log prints batches and records like kafka-dump-log.sh") {
  Fixture f;
  const Output out = run_kafkasim("dump-log --print-data-log " + f.segment(".log"));
  REQUIRE(out.exit_code == 0);
  CHECK(out.text.find("Log starting offset: 0") != std::string::npos);
  CHECK(out.text.find("baseOffset: 0 lastOffset: 1 count: 2 baseSequence: 0 lastSequence: 1 producerId: 7 "
                      "producerEpoch: 0 partitionLeaderEpoch: 3 isTransactional: false isControl: false "
                      "deleteHorizonMs: OptionalLong.empty position: 0 CreateTime: 1001") != std::string::npos);
  CHECK(out.text.find("compresscodec: gzip") != std::string::npos);
  CHECK(out.text.find("| offset: 0 CreateTime: 1000 keySize: 2 valueSize: 5 sequence: 0 headerKeys: [trace] key: k1 "
                      "payload: hello") != std::string::npos);
  CHECK(out.text.find("endTxnMarker: COMMIT coordinatorEpoch: 5") != std::string::npos);
  CHECK(out.text.find("isvalid: false") == std::string::npos);
}

TEST_CASE("dump-log --json holds every record, with non-UTF-8 bytes in base64") {
  Fixture f;
  const Output out = run_kafkasim("dump-log --json " + f.segment(".log"));
  REQUIRE(out.exit_code == 0);
  const auto j = nlohmann::json::parse(out.text);
  const auto& batches = j["files"][0]["batches"];
  REQUIRE(batches.size() == 4);
  CHECK(batches[1]["compression"] == "gzip");
  const auto& rec = batches[1]["records"][1];
  CHECK(rec["offset"] == 3);
  CHECK(rec["key"].is_null());
  CHECK(rec["value"]["base64"] == "/wA=");
  CHECK(batches[0]["records"][0]["headers"][0]["value"] == "t1");
  CHECK(batches[2]["records"][0]["control"]["type"] == "COMMIT");
}

TEST_CASE("dump-log reports a torn tail with its byte position and never crashes") {
  Fixture f;
  const auto size = fs::file_size(f.segment(".log"));
  const fs::path torn = f.root / "00000000000000000000.log";
  fs::copy_file(f.segment(".log"), torn);
  fs::resize_file(torn, size - 10);
  const Output out = run_kafkasim("dump-log " + torn.string());
  CHECK(out.exit_code == 0);
  CHECK(out.text.find("invalid bytes at the end of 00000000000000000000.log (at byte position") != std::string::npos);
  // A flipped bit inside a batch: isvalid false, no records decoded.
  std::fstream io(f.segment(".log"), std::ios::in | std::ios::out | std::ios::binary);
  io.seekp(70);
  io.put('\x7f');
  io.close();
  const Output flipped = run_kafkasim("dump-log --print-data-log " + f.segment(".log"));
  CHECK(flipped.exit_code == 0);
  CHECK(flipped.text.find("isvalid: false") != std::string::npos);
}

TEST_CASE("dump-log prints index entries and rejects files that are not segments") {
  Fixture f;
  const Output idx =
      run_kafkasim("dump-log " + f.segment(".index") + " " + f.segment(".timeindex") + " " + f.segment(".txnindex"));
  CHECK(idx.exit_code == 0);
  CHECK(idx.text.find("version: 0 producerId: 9 firstOffset: 5 lastOffset: 5 lastStableOffset: 6") != std::string::npos);
  CHECK(idx.text.find("Dumping " + f.segment(".timeindex")) != std::string::npos);
  const Output bad = run_kafkasim("dump-log /etc/hostname");
  CHECK(bad.exit_code == 2);
  CHECK(bad.text.find("kafkasim: error: /etc/hostname: expected a segment file") != std::string::npos);
  const Output missing = run_kafkasim("dump-log " + (f.root / "00000000000000000099.log").string());
  CHECK(missing.exit_code == 2);
}

}  // namespace kafkasim
