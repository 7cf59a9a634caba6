// Retention (retention.ms, retention.bytes, log start) and compaction (compact, compact,delete) tests.
#include "tests/log/log_test_util.h"

namespace kafkasim {
using test::make_batch;
using test::open_log;
using test::read_all;

namespace {
constexpr std::int64_t kNoHw = INT64_MAX;

// Appends one batch per (key, value); value nullopt = tombstone.
void put(PartitionLog& log, const std::string& key, std::optional<std::string> value, std::int64_t ts) {
  RecordInput r;
  r.key = key;
  if (value) r.value = *value;
  r.timestamp = ts;
  REQUIRE(log.append_records_as_leader(BatchSpec{}, {&r, 1}, 0, ts).ok());
}

// A compact,delete log (retention.ms 10 s, 300-byte segments) of 60 updates of 3 keys, 500 ms apart.
std::unique_ptr<PartitionLog> compact_delete_log(Disk& disk) {
  LogConfig config;
  config.cleanup_policy = CleanupPolicy::kCompactDelete;
  config.segment_bytes = 300;
  config.retention_ms = 10'000;
  auto log = open_log(disk, config);
  for (int i = 0; i < 60; ++i) put(*log, "k" + std::to_string(i % 3), std::to_string(i), i * 500);
  return log;
}

// A compacted log (300-byte segments) of 40 updates of 4 keys at 0..39 ms.
std::unique_ptr<PartitionLog> compacted_log(Disk& disk) {
  LogConfig config;
  config.cleanup_policy = CleanupPolicy::kCompact;
  config.segment_bytes = 300;
  auto log = open_log(disk, config);
  for (int i = 0; i < 40; ++i) put(*log, "k" + std::to_string(i % 4), std::to_string(i), i);
  return log;
}

std::map<std::string, std::optional<std::string>> latest_by_key(const std::vector<test::SimpleRecord>& recs) {
  std::map<std::string, std::optional<std::string>> m;
  for (const auto& r : recs) m[*r.key] = r.value;
  return m;
}
}  // namespace

TEST_CASE("retention.ms deletes whole segments older than the retention, never past the high watermark") {
  Disk disk;
  LogConfig config;
  config.segment_bytes = 400;
  config.retention_ms = 10'000;
  auto log = open_log(disk, config);
  for (int i = 0; i < 30; ++i) REQUIRE(log->append_as_leader(make_batch(2, i * 1000, "v"), 0, i * 1000).ok());
  const std::size_t segments = log->segments().size();
  auto nothing = log->maintain(30'000, 0);  // HW 0: nothing may go
  REQUIRE(nothing.ok());
  CHECK(nothing.value.segments_deleted == 0);
  auto r = log->maintain(30'000, kNoHw);
  REQUIRE(r.ok());
  CHECK(r.value.segments_deleted > 0);
  CHECK(log->segments().size() == segments - r.value.segments_deleted);
  CHECK(log->log_start_offset() == log->segments().front()->base_offset());
  for (const LogSegment* s : log->segments()) CHECK((s->empty() || s->max_timestamp() >= 30'000 - 10'000 - 1000));
  CHECK(read_all(*log).front().offset == log->log_start_offset());
  CHECK(log->counters().maintenance.segments_deleted == r.value.segments_deleted);
}

TEST_CASE("retention.ms can delete the active segment, after rolling") {
  Disk disk;
  LogConfig config;
  config.retention_ms = 1000;
  auto log = open_log(disk, config);
  REQUIRE(log->append_as_leader(make_batch(3, 0, "v"), 0, 0).ok());
  auto r = log->maintain(5000, kNoHw);
  REQUIRE(r.ok());
  CHECK(r.value.segments_deleted == 1);
  CHECK(log->log_start_offset() == 3);
  CHECK(log->log_end_offset() == 3);
  CHECK(read_all(*log).empty());
}

TEST_CASE("retention.bytes deletes the oldest segments that lie wholly beyond the limit") {
  Disk disk;
  LogConfig config;
  config.segment_bytes = 400;
  config.retention_bytes = 1000;
  auto log = open_log(disk, config);
  for (int i = 0; i < 30; ++i) REQUIRE(log->append_as_leader(make_batch(2, 0, "v"), 0, 0).ok());
  REQUIRE(log->maintain(0, kNoHw).ok());
  // As Kafka: a segment goes only if the log stays >= retention.bytes without it.
  CHECK(log->size_bytes() >= 1000);
  CHECK(log->size_bytes() - log->segments().front()->size_bytes() < 1000);
  CHECK(read_all(*log).back().offset == 59);
}

TEST_CASE("Compaction keeps the latest record of every key") {
  const std::uint64_t seed = 5;
  INFO("seed " << seed);
  Rng rng(seed);
  Disk disk;
  LogConfig config;
  config.cleanup_policy = CleanupPolicy::kCompact;
  config.segment_bytes = 600;
  auto log = open_log(disk, config);
  for (int i = 0; i < 300; ++i) put(*log, "key" + std::to_string(rng.uniform(20)), "v" + std::to_string(i), i);
  const auto before = read_all(*log);
  auto r = log->maintain(1000, kNoHw);
  REQUIRE(r.ok());
  CHECK(r.value.records_compacted_away > 200);
  const auto after = read_all(*log);
  CHECK(latest_by_key(after) == latest_by_key(before));
  CHECK(after.size() < 60);
  // Offsets are kept, increasing, with gaps.
  for (std::size_t i = 1; i < after.size(); ++i) CHECK(after[i].offset > after[i - 1].offset);
  CHECK(log->log_end_offset() == 300);
  // Compacted segments survive reopening (gaps allowed in compacted logs).
  log.reset();
  log = open_log(disk, config);
  CHECK(read_all(*log) == after);
  put(*log, "new", "x", 2000);
  CHECK(read_all(*log).back().offset == 300);
}

TEST_CASE("Tombstones are kept until delete.retention.ms after the cleaner first saw them") {
  Disk disk;
  LogConfig config;
  config.cleanup_policy = CleanupPolicy::kCompact;
  config.segment_bytes = 200;
  config.delete_retention_ms = 5000;
  auto log = open_log(disk, config);
  put(*log, "a", "1", 0);
  put(*log, "b", "1", 0);
  put(*log, "a", std::nullopt, 10);
  for (int i = 0; i < 5; ++i) put(*log, "c", std::to_string(i), 20);
  REQUIRE(log->maintain(1000, kNoHw).ok());
  auto m = latest_by_key(read_all(*log));
  REQUIRE(m.count("a") == 1);
  CHECK_FALSE(m["a"].has_value());  // the tombstone stays, the old "a" is gone
  CHECK(read_all(*log).front().key != std::optional<std::string>("a"));
  REQUIRE(log->maintain(3000, kNoHw).ok());
  CHECK(latest_by_key(read_all(*log)).count("a") == 1);  // horizon is 1000 + 5000
  auto r = log->maintain(7000, kNoHw);
  REQUIRE(r.ok());
  CHECK(r.value.tombstones_removed == 1);
  CHECK(latest_by_key(read_all(*log)).count("a") == 0);
  CHECK(latest_by_key(read_all(*log))["b"] == "1");
}

TEST_CASE("A compacted topic refuses records without a key") {
  Disk disk;
  LogConfig config;
  config.cleanup_policy = CleanupPolicy::kCompact;
  auto log = open_log(disk, config);
  RecordInput r;
  r.value = "no key";
  CHECK(log->append_records_as_leader(BatchSpec{}, {&r, 1}, 0, 0).error == LogError::kInvalidRecord);
}

TEST_CASE("compact,delete both compacts and applies retention") {
  Disk disk;
  auto log = compact_delete_log(disk);
  auto r = log->maintain(30'000, kNoHw);
  REQUIRE(r.ok());
  CHECK(r.value.segments_deleted > 0);
  CHECK(r.value.records_compacted_away > 0);
  for (const auto& rec : read_all(*log)) CHECK(rec.timestamp >= 30'000 - 10'000 - 2000);
}

TEST_CASE("The cleaner waits for min.cleanable.dirty.ratio") {
  Disk disk;
  auto log = compacted_log(disk);
  auto first = log->maintain(100, kNoHw);
  REQUIRE(first.ok());
  CHECK(first.value.segments_cleaned > 0);
  auto second = log->maintain(300, kNoHw);  // nothing new is dirty
  REQUIRE(second.ok());
  CHECK(second.value.segments_cleaned == 0);
}

TEST_CASE("delete_old_segments applies retention without compacting and clean compacts without deleting") {
  Disk disk;
  auto log = compact_delete_log(disk);
  auto retention = log->delete_old_segments(30'000, kNoHw);
  REQUIRE(retention.ok());
  CHECK(retention.value.segments_deleted > 0);
  CHECK(retention.value.records_compacted_away == 0);
  CHECK(retention.value.segments_cleaned == 0);
  auto cleaned = log->clean(30'000, kNoHw);
  REQUIRE(cleaned.ok());
  CHECK(cleaned.value.segments_deleted == 0);
  CHECK(cleaned.value.records_compacted_away > 0);
  CHECK(log->counters().maintenance.segments_deleted == retention.value.segments_deleted);
  CHECK(log->counters().maintenance.records_compacted_away == cleaned.value.records_compacted_away);
}

TEST_CASE("cleanable reports the dirty bytes and a log is cleaned only above min.cleanable.dirty.ratio") {
  Disk disk;
  auto log = compacted_log(disk);
  const CleanableLog before = log->cleanable(100, kNoHw);
  REQUIRE(before.segments > 0);
  CHECK(before.segments + 1 == log->segments().size());  // never the active segment
  CHECK(before.dirty_bytes == before.total_bytes);      // nothing cleaned yet
  CHECK(before.needs_cleaning(500));
  CHECK_FALSE(before.needs_cleaning(1000));  // Kafka: cleanableRatio > min.cleanable.dirty.ratio
  CHECK(log->cleanable(100, 0).segments == 0);  // nothing at or above the high watermark
  REQUIRE(log->clean(100, kNoHw).ok());
  const CleanableLog after = log->cleanable(100, kNoHw);
  CHECK(after.dirty_bytes == 0);
  CHECK_FALSE(after.needs_cleaning(0));
  CHECK(before.dirtier_than(after));
  CHECK_FALSE(after.dirtier_than(before));
  // A delete-only log has nothing for the cleaner.
  Disk disk2;
  LogConfig plain;
  plain.segment_bytes = 300;
  auto other = open_log(disk2, plain);
  for (int i = 0; i < 40; ++i) put(*other, "k", "v", i);
  CHECK(other->cleanable(100, kNoHw).segments == 0);
}

}  // namespace kafkasim
