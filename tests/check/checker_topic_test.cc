// Producer/log-side verdicts of the history checker: lost acked writes, log duplicates, send order.
#include <catch2/catch.hpp>

#include "tests/check/history_builder.h"

namespace kafkasim::check {
namespace {

using testing::Builder;
using testing::ids;

TEST_CASE("A clean run counts produced and acked records and reports no anomaly") {
  Builder b;
  b.produce(0, 1, 0, 10);
  b.final_log(ids(1, 10));
  const Report r = b.check();
  REQUIRE(r.topics.size() == 1);
  CHECK(r.topics[0].topic == "orders");
  CHECK(r.produced == 10);
  CHECK(r.acked == 10);
  CHECK(r.lost_acked == 0);
  CHECK(r.duplicates == 0);
  CHECK(r.anomalies.empty());
}

TEST_CASE("Acked records removed by a truncation are one lost-write range explained by its cause") {
  Builder b;
  b.produce(0, 1, 0, 10);
  b.h.append(LeaderChange{ms_to_us(12'400), 500, b.tp("orders", 0), 2, 5, true, {2}});
  b.truncate(13'000, 5, 10, "unclean leader election of broker 2", 500, 12'400);
  b.final_log({1, 2, 3, 4, 5, 100, 101});
  const Report r = b.check();
  CHECK(r.lost_acked == 5);
  REQUIRE(r.anomalies.size() == 1);
  const Anomaly& a = r.anomalies[0];
  CHECK(a.kind == AnomalyKind::kLostWrite);
  CHECK(a.group.empty());
  CHECK(a.first_offset == 5);
  CHECK(a.last_offset == 9);
  CHECK(a.record_ids == ids(6, 5));
  CHECK(a.explanation == "orders-0 offsets 5-9 lost: unclean leader election of broker 2 at t=12.400s");
  CHECK(a.where == "orders-0 offsets 5-9");
  CHECK(a.what == "lost");
  CHECK(a.because == "unclean leader election of broker 2 at t=12.400s");
  CHECK(a.cause_event == 500);
  CHECK(a.cause_time_us == ms_to_us(12'400));
}

TEST_CASE("A cause text that already names its time is not given the time twice") {
  Builder b;
  b.produce(0, 1, 0, 2);
  b.truncate(3'000, 1, 2, "broker 2 became leader uncleanly at t=2.500s", 9, 2'500);
  b.final_log({1});
  const Report r = b.check();
  REQUIRE(r.anomalies.size() == 1);
  CHECK(r.anomalies[0].explanation == "orders-0 offset 1 lost: broker 2 became leader uncleanly at t=2.500s");
}

TEST_CASE("Lost ranges are split where the cause or the offsets change") {
  Builder b;
  b.produce(0, 1, 0, 10);
  b.truncate(100, 2, 4, "power loss of broker 3", 50, 90);
  b.truncate(200, 6, 8, "leader-epoch truncation after leader change", 60, 190);
  b.final_log({1, 2, 5, 6, 9, 10}, 0);
  // Offsets 2..3 and 6..7 are gone; the final log re-uses no offsets here, so shift offsets by hand.
  b.f.partitions[0].records = {{0, 1}, {1, 2}, {4, 5}, {5, 6}, {8, 9}, {9, 10}};
  const Report r = b.check();
  CHECK(r.lost_acked == 4);
  REQUIRE(r.anomalies.size() == 2);
  CHECK(r.anomalies[0].explanation == "orders-0 offsets 2-3 lost: power loss of broker 3 at t=90ms");
  CHECK(r.anomalies[1].explanation ==
        "orders-0 offsets 6-7 lost: leader-epoch truncation after leader change at t=190ms");
}

TEST_CASE("A lost write with no recorded truncation is explained by the next leader change") {
  Builder b;
  b.produce(0, 1, 0, 3);
  b.h.append(LeaderChange{ms_to_us(2'000), 77, b.tp("orders", 0), 3, 4, false, {3}});
  b.final_log({1, 2});
  const Report r = b.check();
  REQUIRE(r.anomalies.size() == 1);
  CHECK(r.anomalies[0].explanation ==
        "orders-0 offset 2 lost: broker 3 became leader of orders-0 in epoch 4 at t=2.000s");
}

TEST_CASE("Records removed by retention or compaction are counted as removed, not lost") {
  Builder b;
  b.produce(0, 1, 0, 10);
  PartitionFinal& pf = b.final_log({5, 7, 8, 9, 10}, 0);
  pf.records = {{4, 5}, {6, 7}, {7, 8}, {8, 9}, {9, 10}};
  pf.removed = {Removed{RemovedBy::kRetention, 3}, Removed{RemovedBy::kCompaction, 6}};
  const Report r = b.check();
  CHECK(r.topics[0].removed == 5);  // offsets 0-2 by retention, 3 and 5 by compaction
  CHECK(r.topics[0].lost_acked == 0);
  CHECK(r.anomalies.empty());
}

TEST_CASE("A producer retry without idempotence shows as a duplicate in the log") {
  Builder b;
  b.produce(0, 1, 0, 3);
  b.send(10, 4);
  b.fail(20, 4, "REQUEST_TIMED_OUT", GaveUp::kNo);
  b.ack(30, 4, 4);
  b.final_log({1, 2, 3, 4, 4});
  const Report r = b.check();
  CHECK(r.duplicates == 1);
  CHECK(r.topics[0].duplicates_in_log == 1);
  REQUIRE(r.anomalies.size() == 1);
  CHECK(r.anomalies[0].kind == AnomalyKind::kDuplicate);
  CHECK(r.anomalies[0].first_offset == 4);
  CHECK(r.anomalies[0].explanation ==
        "orders-0 offset 4 written again (first at offset 3): producer p1 retried after REQUEST_TIMED_OUT at "
        "t=20ms");
}

TEST_CASE("Failed sends are counted, and written ones as unacked-but-written") {
  Builder b;
  b.send(0, 1);
  b.send(1, 2);
  b.fail(5, 1, "NOT_ENOUGH_REPLICAS", GaveUp::kYes);
  b.fail(6, 2, "delivery.timeout.ms expired", GaveUp::kYes);
  b.final_log({2});
  const Report r = b.check();
  CHECK(r.topics[0].produced == 2);
  CHECK(r.topics[0].failed == 2);
  CHECK(r.topics[0].acked == 0);
  CHECK(r.topics[0].unacked_written == 1);
}

TEST_CASE("A later send at a lower offset is a nonmonotonic-send per partition") {
  Builder b;
  b.send(0, 1);
  b.send(1, 2);
  b.fail(5, 1, "NETWORK_EXCEPTION", GaveUp::kNo);
  b.ack(6, 2, 0);
  b.ack(9, 1, 1);
  b.final_log({2, 1});
  const Report r = b.check();
  REQUIRE(r.topics[0].order_violations.size() == 1);
  CHECK(r.topics[0].order_violations[0].partition == 0);
  CHECK(r.topics[0].order_violations[0].count == 1);
  REQUIRE(r.anomalies.size() == 1);
  CHECK(r.anomalies[0].kind == AnomalyKind::kNonmonotonicSend);
  CHECK(r.anomalies[0].explanation ==
        "orders-0 offset 1 sent by p1 before records at lower offsets: producer p1 retried after "
        "NETWORK_EXCEPTION at t=5ms");
}

}  // namespace
}  // namespace kafkasim::check
