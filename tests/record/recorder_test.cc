#include <sqlite3.h>

#include <fstream>

#include <catch2/catch.hpp>

#include "sim/check/checker.h"
#include "sim/record/reader.h"
#include "sim/record/recorder.h"
#include "sim/record/schema.h"
#include "tests/record/temp_dir.h"

namespace kafkasim::record {
namespace {

using testing::TempDir;

RunInfo run_info() {
  RunInfo info;
  info.seed = 42;
  info.scenario_name = "unclean-election";
  info.scenario_text = "name: unclean-election\nbrokers: 3\n";
  info.scenario_hash = "abc123";
  info.version = "0.1.0";
  info.commit = "deadbeef";
  info.command_line = "kafkasim run unclean-election.yaml --record run.sqlite";
  return info;
}

// Counts rows with a query returning one integer.
std::int64_t query_int(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  const std::int64_t v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

// A small run: 3 trace records, and a history where offset 2 is lost to an unclean election.
void record_small_run(Recorder& rec) {
  Trace trace;
  trace.add_observer(&rec);
  trace.record(1, 0, NodeId{1}, "cluster.start", "3 brokers");
  trace.record(2, 1000, NodeId{2}, "broker.crash", "broker 2 crashed");
  trace.record(3, 2000, NodeId{3}, "controller.elect", "broker 3 leader of orders-0 (unclean)");
  trace.remove_observer(&rec);

  check::History h;
  h.add_observer(&rec);
  const auto tp = h.tp("orders", 0);
  for (std::uint64_t i = 0; i < 3; ++i) {
    const auto t = static_cast<TimeUs>(10 + 2 * i);
    h.append(check::Send{t, 1, i, h.intern("p1"), tp, check::kNoName, check::kNoName});
    h.append(check::Ack{t + 1, 1, i, tp, static_cast<std::int64_t>(i)});
  }
  h.append(check::Poll{{30, 2, h.intern("g"), h.intern("c1"), 0, tp, 0}});
  h.append(check::Processed{{31, 2, h.intern("g"), h.intern("c1"), 0, tp, 0}});
  h.append(check::Commit{40, 2, h.intern("g"), h.intern("c1"), tp, 1, true, check::kNoName});
  h.append(check::Fault{1000, 2, h.intern("crash broker 2")});
  h.append(check::LeaderChange{2000, 3, tp, 3, 2, true, {3}});
  h.append(check::Truncation{2100, 4, tp, 2, 2, 3, h.intern("unclean leader election of broker 3"), 3, 2000});
  h.remove_observer(&rec);

  rec.sample_offsets(2000, {{"orders", 0, 3, 0, 2, 2}, {"orders", 0, 2, 0, 3, 3}});
  rec.sample_group_offsets(2000, {{"g", "orders", 0, 1, 2}});
  rec.record_generation(500, "g", 1, "range", {{"c1", {"orders-0"}}});

  check::FinalState f;
  f.partitions.push_back(check::PartitionFinal{tp, 2, {{0, 0}, {1, 1}}, {}});
  f.groups.push_back(check::GroupFinal{h.intern("g"), {{tp, 1}}});
  const check::Report report = check::check_history(h, f);
  REQUIRE(report.lost_acked == 1);
  REQUIRE(rec.finish(trace.hash(), 3, report).ok());
}

TEST_CASE("A recorded run reads back with its run info, events, history and checker results") {
  TempDir dir;
  const std::string path = dir.file("run.sqlite");
  {
    Recorder rec;
    REQUIRE(rec.open(path, run_info()).ok());
    record_small_run(rec);
  }
  Recording r;
  const Status s = open_recording(path, &r);
  INFO(s.message());
  REQUIRE(s.ok());
  CHECK(r.schema_version == kSchemaVersion);
  CHECK(r.finished);
  CHECK(r.info.seed == 42);
  CHECK(r.info.scenario_name == "unclean-election");
  CHECK(r.info.scenario_text == run_info().scenario_text);
  CHECK(r.info.commit == "deadbeef");
  CHECK(r.info.command_line == run_info().command_line);
  CHECK(r.trace_hash.size() == 16);
  CHECK(r.events_executed == 3);
  REQUIRE(r.events.size() == 3);
  CHECK(r.events[1].kind == "broker.crash");
  CHECK(r.events[1].node == 2);
  CHECK(r.events[2].time_us == 2000);
  REQUIRE(r.faults.size() == 1);
  CHECK(r.faults[0].what == "crash broker 2");
  REQUIRE(r.anomalies.size() == 1);
  CHECK(r.anomalies[0].kind == check::AnomalyKind::kLostWrite);
  CHECK(r.anomalies[0].first_offset == 2);
  CHECK(r.anomalies[0].record_ids == std::vector<std::uint64_t>{2});
  CHECK(r.anomalies[0].explanation == "orders-0 offset 2 lost: unclean leader election of broker 3 at t=2ms");
  CHECK(r.anomalies[0].where == "orders-0 offset 2");
  CHECK(r.anomalies[0].because == "unclean leader election of broker 3 at t=2ms");
  CHECK(query_int(path, "SELECT count(*) FROM sends") == 3);
  CHECK(query_int(path, "SELECT count(*) FROM acks") == 3);
  CHECK(query_int(path, "SELECT count(*) FROM consumes WHERE stage = 'processed'") == 1);
  CHECK(query_int(path, "SELECT committed_offset FROM commits") == 1);
  CHECK(query_int(path, "SELECT count(*) FROM replica_offsets") == 2);
  CHECK(query_int(path, "SELECT lag FROM group_offsets") == 1);
  CHECK(query_int(path, "SELECT count(*) FROM generations WHERE partitions = 'orders-0'") == 1);
  CHECK(query_int(path, "SELECT count(*) FROM faults") == 1);
  CHECK(query_int(path, "SELECT lost_acked FROM check_topics WHERE topic = 'orders'") == 1);
  CHECK(query_int(path, "SELECT count(*) FROM check_groups WHERE semantics = 'exactly-once'") == 1);
  // The docs' "which records were lost and why" query.
  CHECK(query_int(
            path,
            "SELECT a.log_offset FROM anomalies an JOIN anomaly_records ar USING (anomaly_id) "
            "JOIN acks a ON a.record_id = ar.record_id WHERE an.kind = 'lost-write' AND an.group_id = ''") ==
        2);
}

TEST_CASE("Recording again to the same path replaces the old recording") {
  TempDir dir;
  const std::string path = dir.file("run.sqlite");
  for (int i = 0; i < 2; ++i) {
    Recorder rec;
    REQUIRE(rec.open(path, run_info()).ok());
    record_small_run(rec);
  }
  CHECK(query_int(path, "SELECT count(*) FROM events") == 3);
}

TEST_CASE("A file that is not a kafkasim recording is refused with a clear error") {
  TempDir dir;
  const std::string text = dir.file("notes.txt");
  std::ofstream(text) << "these are not the records you are looking for\n";
  Recording r;
  Status s = open_recording(text, &r);
  CHECK(s.message() == text + ": not a kafkasim recording (file is not a database)");

  const std::string other = dir.file("other.sqlite");
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(other.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "CREATE TABLE t (x)", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  s = open_recording(other, &r);
  CHECK(s.message() ==
        other + ": not a kafkasim recording (SQLite application_id is 0x0, expected 0x6b666b73)");

  s = open_recording(dir.file("missing.sqlite"), &r);
  CHECK(s.message() == dir.file("missing.sqlite") + ": cannot open: no such file");
}

TEST_CASE("The recorder refuses to overwrite a file that is not a recording") {
  TempDir dir;
  const std::string text = dir.file("important.txt");
  std::ofstream(text) << "keep me\n";
  Recorder rec;
  const Status s = rec.open(text, run_info());
  CHECK(s.message() == text + ": exists and is not a kafkasim recording; not overwriting it");
  std::ifstream in(text);
  std::string line;
  std::getline(in, line);
  CHECK(line == "keep me");
}

TEST_CASE("A recording of another schema version is refused with both versions named") {
  TempDir dir;
  const std::string path = dir.file("run.sqlite");
  {
    Recorder rec;
    REQUIRE(rec.open(path, run_info()).ok());
    record_small_run(rec);
  }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  Recording r;
  const Status s = open_recording(path, &r);
  CHECK(s.message() ==
        path + ": recording schema version 99 is not supported (this kafkasim reads versions 1 to 2)");
}

TEST_CASE("A recorder that cannot create its file reports the path and SQLite's reason") {
  TempDir dir;
  Recorder rec;
  const Status s = rec.open(dir.file("no-such-dir/run.sqlite"), run_info());
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().starts_with(dir.file("no-such-dir/run.sqlite") + ": cannot open: "));
  // Writes after a failed open are ignored, not a crash.
  rec.on_trace(TraceRecord{1, 0, NodeId{1}, "x", "y"});
  CHECK_FALSE(rec.status().ok());
}

TEST_CASE("A failed write keeps every batch committed before it and stops later writes") {
  TempDir dir;
  const std::string path = dir.file("run.sqlite");
  Recorder rec;
  REQUIRE(rec.open(path, run_info(), RecorderOptions{10}).ok());
  for (std::uint64_t i = 1; i <= 25; ++i) rec.on_trace(TraceRecord{i, 0, NodeId{1}, "x", "y"});
  REQUIRE(rec.rows_committed() == 20);
  REQUIRE(rec.flush().ok());
  // Another connection drops a table under the recorder, so its next write to that table fails.
  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &other) == SQLITE_OK);
  REQUIRE(sqlite3_exec(other, "DROP TABLE seeks", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(other);
  for (std::uint64_t i = 26; i <= 30; ++i) rec.on_trace(TraceRecord{i, 0, NodeId{1}, "x", "y"});
  check::History h;
  h.add_observer(&rec);
  h.append(check::Seek{0, 31, h.intern("g"), h.intern("c1"), h.tp("orders", 0), 0, check::kNoName});
  h.remove_observer(&rec);
  REQUIRE_FALSE(rec.status().ok());
  CHECK(rec.status().message().starts_with(path + ": cannot write to table seeks: no such table"));
  rec.on_trace(TraceRecord{32, 0, NodeId{1}, "x", "y"});
  CHECK_FALSE(rec.flush().ok());
  Recording r;
  REQUIRE(open_recording(path, &r).ok());
  CHECK(r.events.size() == 25);
  CHECK(r.events.back().event_number == 25);
  CHECK_FALSE(r.finished);
}

}  // namespace
}  // namespace kafkasim::record
