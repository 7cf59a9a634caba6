// Tests of PartitionLog: appends, reads, segments, indexes, truncation, leader epochs.
#include "tests/log/log_test_util.h"

#include "sim/log/varint.h"

namespace kafkasim {
using test::make_batch;
using test::open_log;
using test::read_all;

TEST_CASE("Leader appends assign consecutive offsets and stamp the leader epoch") {
  Disk disk;
  auto log = open_log(disk, LogConfig{});
  auto a = log->append_as_leader(make_batch(3, 100, "a"), 5, 1000);
  REQUIRE(a.ok());
  CHECK(a.value.first_offset == 0);
  CHECK(a.value.last_offset == 2);
  auto b = log->append_as_leader(make_batch(2, 200, "b"), 6, 1000);
  REQUIRE(b.ok());
  CHECK(b.value.first_offset == 3);
  CHECK(log->log_end_offset() == 5);
  auto rd = log->read(0, SIZE_MAX);
  REQUIRE(rd.ok());
  Bytes rest = rd.value.bytes;
  CHECK(parse_batch_header(next_batch(rest).data()).partition_leader_epoch == 5);
  CHECK(parse_batch_header(next_batch(rest).data()).partition_leader_epoch == 6);
  const auto recs = read_all(*log);
  REQUIRE(recs.size() == 5);
  for (std::size_t i = 0; i < recs.size(); ++i) CHECK(recs[i].offset == static_cast<std::int64_t>(i));
  CHECK(*recs[3].value == "b-0");
  CHECK(log->epoch_cache().entries() == std::vector<EpochEntry>{{5, 0}, {6, 3}});
}

TEST_CASE("The segment files are named by 20-digit base offsets and roll on segment.bytes") {
  Disk disk;
  LogConfig config;
  config.segment_bytes = 500;
  auto log = open_log(disk, config);
  for (int i = 0; i < 20; ++i) REQUIRE(log->append_as_leader(make_batch(5, i, "x"), 0, 0).ok());
  CHECK(log->segments().size() > 4);
  const auto names = disk.list("topic-0");
  CHECK(std::find(names.begin(), names.end(), "00000000000000000000.log") != names.end());
  CHECK(std::find(names.begin(), names.end(), "00000000000000000000.index") != names.end());
  CHECK(std::find(names.begin(), names.end(), "00000000000000000000.timeindex") != names.end());
  CHECK(std::find(names.begin(), names.end(), "leader-epoch-checkpoint") != names.end());
  for (const LogSegment* s : log->segments()) CHECK(s->size_bytes() <= 500);
  CHECK(read_all(*log).size() == 100);
}

TEST_CASE("segment.ms rolls when a batch's timestamp is that much newer than the segment's first") {
  Disk disk;
  LogConfig config;
  config.segment_ms = 1000;
  auto log = open_log(disk, config);
  REQUIRE(log->append_as_leader(make_batch(1, 0, "a"), 0, 0).ok());
  REQUIRE(log->append_as_leader(make_batch(1, 900, "a"), 0, 900).ok());
  CHECK(log->segments().size() == 1);
  REQUIRE(log->append_as_leader(make_batch(1, 2000, "a"), 0, 2000).ok());
  CHECK(log->segments().size() == 2);
}

TEST_CASE("Offset and time index lookups agree with a linear scan") {
  const std::uint64_t seed = 99;
  INFO("seed " << seed);
  Rng rng(seed);
  Disk disk;
  LogConfig config;
  config.segment_bytes = 20000;
  config.index_interval_bytes = 300;
  auto log = open_log(disk, config);
  std::int64_t ts = 1000;
  for (int i = 0; i < 200; ++i) {
    ts += static_cast<std::int64_t>(rng.uniform(50));
    REQUIRE(log->append_as_leader(make_batch(1 + static_cast<int>(rng.uniform(10)), ts, "v"), 0, ts).ok());
  }
  const auto all = read_all(*log);
  REQUIRE(static_cast<std::int64_t>(all.size()) == log->log_end_offset());
  for (const LogSegment* s : log->segments()) CHECK(s->offset_index().entries() > 0);
  for (std::int64_t off = 0; off < log->log_end_offset(); ++off) {
    auto r = log->read(off, 1);
    REQUIRE(r.ok());
    const auto recs = test::records_of(r.value.bytes);
    REQUIRE(!recs.empty());
    CHECK(recs.front().offset <= off);
    CHECK(recs.back().offset >= off);
  }
  for (std::int64_t t = 900; t < ts + 20; t += 7) {
    std::optional<std::int64_t> expected;
    for (const auto& rec : all) {
      if (rec.timestamp >= t) {
        expected = rec.offset;
        break;
      }
    }
    const auto found = log->offset_for_timestamp(t);
    INFO("t " << t);
    REQUIRE(found.has_value() == expected.has_value());
    if (found) CHECK(found->offset == *expected);
  }
}

TEST_CASE("A read returns whole batches within max_bytes, at least one, and stops at max_offset") {
  Disk disk;
  auto log = open_log(disk, LogConfig{});
  for (int i = 0; i < 10; ++i) REQUIRE(log->append_as_leader(make_batch(10, i, "v"), 0, 0).ok());
  const std::size_t batch_size = make_batch(10, 0, "v").size();
  auto one = log->read(15, 1);
  REQUIRE(one.ok());
  CHECK(one.value.bytes.size() == batch_size);
  CHECK(test::records_of(one.value.bytes).front().offset == 10);
  auto three = log->read(0, 3 * batch_size + 5);
  CHECK(three.value.bytes.size() == 3 * batch_size);
  auto hw = log->read(0, SIZE_MAX, 35);
  CHECK(test::records_of(hw.value.bytes).back().offset == 29);
  CHECK(log->read(100, 10).value.bytes.empty());
  CHECK(log->read(101, 10).error == LogError::kOffsetOutOfRange);
}

TEST_CASE("Leader appends reject corrupt, control, empty and oversized batches without writing") {
  Disk disk;
  LogConfig config;
  config.max_message_bytes = 2000;
  auto log = open_log(disk, config);
  auto good = make_batch(2, 0, "g");
  auto bad = good;
  bad[bad.size() - 1] ^= 1;
  std::vector<std::uint8_t> both = good;
  both.insert(both.end(), bad.begin(), bad.end());
  CHECK(log->append_as_leader(both, 0, 0).error == LogError::kCorruptRecord);
  std::vector<std::uint8_t> marker;
  encode_control_batch(BatchSpec{}, ControlType::kAbort, 0, 0, marker);
  CHECK(log->append_as_leader(marker, 0, 0).error == LogError::kInvalidRecord);
  CHECK(log->append_as_leader(make_batch(200, 0, "big"), 0, 0).error == LogError::kRecordTooLarge);
  CHECK(log->append_as_leader({}, 0, 0).error == LogError::kInvalidRecord);
  CHECK(log->log_end_offset() == 0);
  CHECK(log->append_as_leader(marker, 0, 0, AppendOrigin::kCoordinator).ok());
  CHECK(log->log_end_offset() == 1);
}

TEST_CASE("LogAppendTime replaces maxTimestamp and keeps the CRC valid") {
  Disk disk;
  LogConfig config;
  config.message_timestamp_type = TimestampType::kLogAppendTime;
  auto log = open_log(disk, config);
  auto a = log->append_as_leader(make_batch(3, 5, "x"), 0, 777);
  REQUIRE(a.ok());
  CHECK(a.value.log_append_time_ms == 777);
  for (const auto& r : read_all(*log)) CHECK(r.timestamp == 777);
}

TEST_CASE("Producer id, epoch and sequence survive a leader append") {
  Disk disk;
  auto log = open_log(disk, LogConfig{});
  RecordInput r;
  r.value = "x";
  BatchSpec spec;
  spec.producer_id = 1234;
  spec.producer_epoch = 2;
  spec.base_sequence = 40;
  REQUIRE(log->append_records_as_leader(spec, {&r, 1}, 3, 0).ok());
  const auto rd = log->read(0, SIZE_MAX);
  const BatchHeader h = parse_batch_header(rd.value.bytes.data());
  CHECK(h.producer_id == 1234);
  CHECK(h.producer_epoch == 2);
  CHECK(h.base_sequence == 40);
  CHECK(h.partition_leader_epoch == 3);
}

TEST_CASE("Follower appends keep the leader's offsets and refuse to go backwards") {
  Disk leader_disk;
  Disk follower_disk;
  auto leader = open_log(leader_disk, LogConfig{});
  auto follower = open_log(follower_disk, LogConfig{});
  for (int i = 0; i < 5; ++i) REQUIRE(leader->append_as_leader(make_batch(3, i, "v"), 2 + i / 3, 0).ok());
  const auto fetched = leader->read(0, SIZE_MAX);
  REQUIRE(follower->append_as_follower(fetched.value.bytes).ok());
  CHECK(follower->log_end_offset() == 15);
  CHECK(read_all(*follower) == read_all(*leader));
  CHECK(follower->epoch_cache().entries() == leader->epoch_cache().entries());
  CHECK(follower->append_as_follower(fetched.value.bytes).error == LogError::kUnexpectedOffset);
}

TEST_CASE("An empty follower restarts at a fetched batch that begins below its start") {
  Disk leader_disk;
  Disk follower_disk;
  auto leader = open_log(leader_disk, LogConfig{});
  for (int i = 0; i < 4; ++i) REQUIRE(leader->append_as_leader(make_batch(5, i, "v"), 0, 0).ok());
  REQUIRE(leader->delete_records_before(12) == LogError::kOk);  // inside the batch 10..14
  auto follower = open_log(follower_disk, LogConfig{});
  REQUIRE(follower->truncate_fully_and_start_at(leader->log_start_offset()) == LogError::kOk);
  const auto fetched = leader->read(12, SIZE_MAX);
  REQUIRE(fetched.ok());
  REQUIRE(follower->append_as_follower(fetched.value.bytes).ok());
  CHECK(follower->log_end_offset() == 20);
  REQUIRE(follower->delete_records_before(12) == LogError::kOk);  // the leader's log start, from the fetch
  CHECK(follower->log_start_offset() == 12);
  CHECK(read_all(*follower).front().offset == 10);  // whole batches, as a Fetch returns them
}

TEST_CASE("truncate_to removes whole batches from the offset on and truncates the epoch cache") {
  Disk disk;
  LogConfig config;
  config.segment_bytes = 600;
  auto log = open_log(disk, config);
  for (int i = 0; i < 12; ++i) REQUIRE(log->append_as_leader(make_batch(4, i, "v"), i / 4, 0).ok());
  REQUIRE(log->flush(48) == LogError::kOk);
  REQUIRE(log->truncate_to(22) == LogError::kOk);  // inside the batch 20..23: the whole batch goes
  CHECK(log->log_end_offset() == 20);
  CHECK(log->recovery_point() == 20);
  CHECK(read_all(*log).back().offset == 19);
  CHECK(log->epoch_cache().entries() == std::vector<EpochEntry>{{0, 0}, {1, 16}});
  REQUIRE(log->append_as_leader(make_batch(1, 0, "n"), 9, 0).ok());
  CHECK(read_all(*log).back().offset == 20);
}

TEST_CASE("end_offset_for_epoch answers as Kafka's OffsetsForLeaderEpoch") {
  Disk disk;
  auto log = open_log(disk, LogConfig{});
  REQUIRE(log->append_as_leader(make_batch(5, 0, "a"), 1, 0).ok());  // epoch 1: 0..4
  REQUIRE(log->append_as_leader(make_batch(5, 0, "b"), 3, 0).ok());  // epoch 3: 5..9
  REQUIRE(log->assign_epoch_start_offset(4, 10) == LogError::kOk);    // leader of 4, nothing written yet
  CHECK(log->end_offset_for_epoch(1) == EpochEndOffset{1, 5});
  CHECK(log->end_offset_for_epoch(2) == EpochEndOffset{1, 5});   // unknown epoch between: floor epoch
  CHECK(log->end_offset_for_epoch(3) == EpochEndOffset{3, 10});
  CHECK(log->end_offset_for_epoch(4) == EpochEndOffset{4, 10});  // latest: the LEO
  CHECK(log->end_offset_for_epoch(0) == EpochEndOffset{0, 0});   // older than all: start of the first
  CHECK(log->end_offset_for_epoch(7) == EpochEndOffset{-1, -1});
}

TEST_CASE("The leader epoch checkpoint is Kafka's text format and survives reopening") {
  Disk disk;
  {
    auto log = open_log(disk, LogConfig{});
    REQUIRE(log->append_as_leader(make_batch(2, 0, "a"), 0, 0).ok());
    REQUIRE(log->append_as_leader(make_batch(2, 0, "b"), 2, 0).ok());
  }
  const auto text = disk.read_all("topic-0/leader-epoch-checkpoint");
  CHECK(std::string(text.value.begin(), text.value.end()) == "0\n2\n0 0\n2 2\n");
  auto log = open_log(disk, LogConfig{});
  CHECK(log->epoch_cache().entries() == std::vector<EpochEntry>{{0, 0}, {2, 2}});
}

TEST_CASE("delete_records_before moves the log start and drops whole segments below it") {
  Disk disk;
  LogConfig config;
  config.segment_bytes = 500;
  auto log = open_log(disk, config);
  for (int i = 0; i < 20; ++i) REQUIRE(log->append_as_leader(make_batch(3, i, "v"), 0, 0).ok());
  const std::size_t before = log->segments().size();
  REQUIRE(log->delete_records_before(31) == LogError::kOk);
  CHECK(log->log_start_offset() == 31);
  CHECK(log->segments().size() < before);
  CHECK(log->segments().front()->base_offset() <= 31);
  CHECK(log->read(30, 100).error == LogError::kOffsetOutOfRange);
  CHECK(log->read(31, 100).ok());
  CHECK(log->delete_records_before(1000) == LogError::kOffsetOutOfRange);
}

TEST_CASE("flush advances the durable end offset and flush.messages flushes by itself") {
  Disk disk;
  LogConfig config;
  auto log = open_log(disk, config);
  REQUIRE(log->append_as_leader(make_batch(3, 0, "v"), 0, 0).ok());
  CHECK(log->durable_end_offset() == 0);
  REQUIRE(log->flush(2) == LogError::kOk);
  CHECK(log->durable_end_offset() == 2);
  config.flush_messages = 1;
  log->set_config(config);
  REQUIRE(log->append_as_leader(make_batch(1, 0, "v"), 0, 0).ok());
  CHECK(log->durable_end_offset() == 4);
}

TEST_CASE("A full disk or an I/O error is an error value and the log stays usable") {
  Disk disk;
  auto log = open_log(disk, LogConfig{});
  REQUIRE(log->append_as_leader(make_batch(3, 0, "v"), 0, 0).ok());
  disk.set_capacity_bytes(disk.bytes_used() + 10);
  CHECK(log->append_as_leader(make_batch(3, 0, "v"), 0, 0).error == LogError::kNoSpace);
  CHECK(log->log_end_offset() == 3);
  disk.set_io_error(true);
  CHECK(log->read(0, 100).error == LogError::kStorageError);
  CHECK(log->append_as_leader(make_batch(1, 0, "v"), 0, 0).error == LogError::kStorageError);
  disk.set_io_error(false);
  disk.set_capacity_bytes(0);
  REQUIRE(log->append_as_leader(make_batch(1, 0, "v"), 0, 0).ok());
  CHECK(read_all(*log).size() == 4);
}

namespace {
void txn_batch(PartitionLog& log, std::int64_t pid, int n) {
  std::vector<RecordInput> in(static_cast<std::size_t>(n));
  for (auto& r : in) r.value = "t";
  BatchSpec spec;
  spec.transactional = true;
  spec.producer_id = pid;
  spec.producer_epoch = 0;
  spec.base_sequence = 0;
  REQUIRE(log.append_records_as_leader(spec, in, 0, 0).ok());
}
void marker(PartitionLog& log, std::int64_t pid, ControlType type) {
  std::vector<std::uint8_t> m;
  BatchSpec spec;
  spec.producer_id = pid;
  spec.producer_epoch = 0;
  encode_control_batch(spec, type, 1, 0, m);
  REQUIRE(log.append_as_leader(m, 0, 0, AppendOrigin::kCoordinator).ok());
}
}  // namespace

TEST_CASE("Aborted transactions go to the .txnindex and open ones hold back the last stable offset") {
  Disk disk;
  auto log = open_log(disk, LogConfig{});
  txn_batch(*log, 1, 3);  // 0..2, producer 1
  txn_batch(*log, 2, 2);  // 3..4, producer 2
  CHECK(log->first_unstable_offset() == 0);
  marker(*log, 1, ControlType::kAbort);  // 5
  CHECK(log->first_unstable_offset() == 3);
  REQUIRE(log->aborted_transactions(0, 100) == std::vector<AbortedTxn>{{1, 0, 5, 3}});
  marker(*log, 2, ControlType::kCommit);  // 6
  CHECK_FALSE(log->first_unstable_offset().has_value());
  CHECK(log->aborted_transactions(0, 100).size() == 1);
  CHECK(log->aborted_transactions(6, 100).empty());
  const auto file = disk.read_all("topic-0/00000000000000000000.txnindex");
  REQUIRE(file.ok());
  CHECK(file.value.size() == TxnIndex::kEntryBytes);
  // Rebuilt on open and after truncation.
  log.reset();
  log = open_log(disk, LogConfig{});
  CHECK(log->aborted_transactions(0, 100) == std::vector<AbortedTxn>{{1, 0, 5, 3}});
  REQUIRE(log->truncate_to(5) == LogError::kOk);
  CHECK(log->aborted_transactions(0, 100).empty());
  CHECK(log->first_unstable_offset() == 0);
}

}  // namespace kafkasim
