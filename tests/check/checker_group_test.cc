// Consumer-group verdicts of the history checker: loss, duplicates, poll anomalies, semantics.
#include <catch2/catch.hpp>

#include "tests/check/history_builder.h"

namespace kafkasim::check {
namespace {

using testing::Builder;
using testing::ids;

const GroupCounts& group(const Report& r, const std::string& name) {
  for (const GroupCounts& g : r.groups) {
    if (g.group == name) return g;
  }
  FAIL("no group " << name);
  return r.groups.front();
}

TEST_CASE("A group that processed every record once and committed is exactly-once") {
  Builder b;
  b.produce(0, 1, 0, 5);
  b.consume(100, "c1", 1, 0, 5);
  b.commit(200, "c1", 5);
  b.final_log(ids(1, 5));
  b.final_commit(5);
  const Report r = b.check();
  const GroupCounts& g = group(r, "g");
  CHECK(g.consumed == 5);
  CHECK(g.duplicates == 0);
  CHECK(g.lost == 0);
  CHECK(g.semantics == Semantics::kExactlyOnce);
  CHECK(r.anomalies.empty());
}

TEST_CASE("A group that consumed nothing has semantics none yet") {
  Builder b;
  b.produce(0, 1, 0, 2);
  b.member(5, "c1", MemberWhat::kJoined);
  b.final_log(ids(1, 2));
  const Report r = b.check();
  CHECK(group(r, "g").semantics == Semantics::kNoneYet);
  CHECK(std::string(to_string(Semantics::kNoneYet)) == "none yet");
}

TEST_CASE(
    "A member that crashes after committing polled records it never processed loses them: at-most-once") {
  Builder b;
  b.produce(0, 1, 0, 5);
  for (int i = 0; i < 5; ++i) b.poll(100, "c1", 1 + i, i);
  b.commit(100, "c1", 5);  // enable.auto.commit commits the polled position
  b.processed(101, "c1", 1, 0);
  b.processed(101, "c1", 2, 1);
  b.member(1'500, "c1", MemberWhat::kCrashed);
  const std::uint64_t crash_event = b.ev;
  b.final_log(ids(1, 5));
  b.final_commit(5);
  const Report r = b.check();
  const GroupCounts& g = group(r, "g");
  CHECK(g.consumed == 2);
  CHECK(g.lost == 3);
  CHECK(g.semantics == Semantics::kAtMostOnce);
  REQUIRE(r.anomalies.size() == 1);
  CHECK(r.anomalies[0].kind == AnomalyKind::kLostWrite);
  CHECK(r.anomalies[0].group == "g");
  CHECK(
      r.anomalies[0].explanation ==
      "orders-0 offsets 2-4 lost by group g: offset 5 was committed after c1 polled them at t=100ms, and c1 "
      "crashed at t=1.500s before processing them");
  CHECK(r.anomalies[0].cause_event == crash_event);
}

TEST_CASE("A group that committed past records without processing any is at-most-once, not none yet") {
  Builder b;
  b.produce(0, 1, 0, 3);
  b.commit(100, "c1", 3);
  b.final_log(ids(1, 3));
  b.final_commit(3);
  const Report r = b.check();
  CHECK(group(r, "g").lost == 3);
  CHECK(group(r, "g").semantics == Semantics::kAtMostOnce);
  REQUIRE(r.anomalies.size() == 1);
  CHECK(r.anomalies[0].explanation ==
        "orders-0 offsets 0-2 lost by group g: c1 committed offset 3 without processing them at t=100ms");
}

TEST_CASE("Records re-read after the first reader crashed are duplicates: at-least-once") {
  Builder b;
  b.produce(0, 1, 0, 5);
  b.consume(100, "c1", 1, 0, 5);
  b.commit(150, "c1", 2);
  b.member(1'000, "c1", MemberWhat::kCrashed);
  b.member(2'000, "c2", MemberWhat::kAssigned);
  b.consume(2'100, "c2", 3, 2, 3);
  b.commit(2'200, "c2", 5);
  b.final_log(ids(1, 5));
  b.final_commit(5);
  const Report r = b.check();
  const GroupCounts& g = group(r, "g");
  CHECK(g.consumed == 5);
  CHECK(g.duplicates == 3);
  CHECK(g.lost == 0);
  CHECK(g.semantics == Semantics::kAtLeastOnce);
  REQUIRE(r.anomalies.size() == 1);
  CHECK(r.anomalies[0].kind == AnomalyKind::kDuplicate);
  CHECK(r.anomalies[0].record_ids == ids(3, 3));
  CHECK(r.anomalies[0].explanation ==
        "orders-0 offsets 2-4 processed twice by group g: c1 crashed at t=1.000s before committing them; c2 "
        "re-read them from committed offset 2");
}

TEST_CASE("A group with both loss and duplicates achieved neither semantics") {
  Builder b;
  b.produce(0, 1, 0, 6);
  b.consume(100, "c1", 1, 0, 3);
  b.member(200, "c1", MemberWhat::kRevoked);
  b.consume(300, "c1", 1, 0, 3);  // re-read: duplicates
  b.commit(400, "c1", 6);         // committed past 3..5 without processing them: loss
  b.final_log(ids(1, 6));
  b.final_commit(6);
  const Report r = b.check();
  const GroupCounts& g = group(r, "g");
  CHECK(g.duplicates == 3);
  CHECK(g.lost == 3);
  CHECK(g.semantics == Semantics::kNeither);
  CHECK(std::string(to_string(g.semantics)) == "neither");
}

TEST_CASE("Records rewritten below a group's committed offset after a truncation are lost to the group") {
  Builder b;
  b.produce(0, 1, 0, 4);
  b.consume(100, "c1", 1, 0, 4);
  b.commit(200, "c1", 4);
  b.truncate(300, 2, 4, "unclean leader election of broker 2", 40, 290);
  b.produce(400, 10, 2, 2);  // new records at offsets 2 and 3
  b.final_log({1, 2, 10, 11});
  b.final_commit(4);
  const Report r = b.check();
  CHECK(r.lost_acked == 2);
  CHECK(group(r, "g").lost == 2);
  REQUIRE(r.anomalies.size() == 2);
  const Anomaly& a = r.anomalies[0].group.empty() ? r.anomalies[1] : r.anomalies[0];
  CHECK(a.explanation ==
        "orders-0 offsets 2-3 lost by group g: the log was truncated and rewritten below offset 4 committed "
        "earlier by c1: unclean leader election of broker 2 at t=290ms");
}

TEST_CASE("Records below the group's first reset position are not counted as lost") {
  Builder b;
  b.produce(0, 1, 0, 6);
  b.seek(50, "c1", 4, "auto.offset.reset=latest");
  b.consume(100, "c1", 5, 4, 2);
  b.commit(150, "c1", 6);
  b.final_log(ids(1, 6));
  b.final_commit(6);
  const GroupCounts g = group(b.check(), "g");
  CHECK(g.lost == 0);
  CHECK(g.semantics == Semantics::kExactlyOnce);
}

TEST_CASE("Polls that jump over readable offsets are a poll-skip") {
  Builder b;
  b.produce(0, 1, 0, 6);
  b.poll(100, "c1", 1, 0);
  b.poll(101, "c1", 2, 1);
  b.poll(102, "c1", 5, 4);
  b.final_log(ids(1, 6));
  const Report r = b.check();
  CHECK(group(r, "g").poll_skips == 1);
  REQUIRE(r.anomalies.size() == 1);
  CHECK(r.anomalies[0].kind == AnomalyKind::kPollSkip);
  CHECK(r.anomalies[0].first_offset == 2);
  CHECK(r.anomalies[0].last_offset == 3);
  CHECK(r.anomalies[0].explanation.starts_with(
      "orders-0 offsets 2-3 skipped by c1 of group g (polled 1 then 4): cause unknown"));
}

TEST_CASE(
    "Polls going backwards without a rebalance are nonmonotonic, after a seek or rebalance they are not") {
  Builder b;
  b.produce(0, 1, 0, 6);
  for (int i = 0; i < 6; ++i) b.poll(100, "c1", 1 + i, i);
  b.truncate(150, 3, 6, "leader-epoch truncation after leader change", 140, 140);
  b.poll(200, "c1", 4, 3);  // backwards, no rebalance: nonmonotonic
  b.seek(300, "c1", 0, "seek to beginning");
  b.poll(301, "c1", 1, 0);  // after a seek: fine
  b.member(400, "c1", MemberWhat::kAssigned);
  b.poll(401, "c1", 1, 0);  // after a rebalance: fine
  b.final_log(ids(1, 6));
  const Report r = b.check();
  const GroupCounts& g = group(r, "g");
  CHECK(g.nonmonotonic_polls == 1);
  REQUIRE(g.order_violations.size() == 1);
  CHECK(g.order_violations[0].count == 1);
  REQUIRE(r.anomalies.size() == 1);
  CHECK(r.anomalies[0].kind == AnomalyKind::kNonmonotonicPoll);
  CHECK(r.anomalies[0].explanation ==
        "orders-0 offset 3 polled again by c1 of group g after offset 5 with no rebalance or seek: "
        "leader-epoch truncation after leader change at t=140ms");
}

TEST_CASE(
    "Records of an aborted transaction processed by a group are aborted reads, and not loss when skipped") {
  Builder b;
  b.send(0, 1, "orders", 0, "p1", "txn-1");
  b.ack(1, 1, 0);
  b.txn_end(5, "txn-1", false);
  b.send(10, 2, "orders", 0, "p1", "txn-1");
  b.ack(11, 2, 2);
  b.txn_end(15, "txn-1", true);
  b.consume(100, "c1", 1, 0, 1, "uncommitted");  // a read_uncommitted group sees the aborted record
  b.consume(200, "c2", 2, 2, 1, "committed");    // a read_committed group skips it
  b.final_log({1, 2}, 0);
  b.f.partitions[0].records = {{0, 1}, {2, 2}};  // offset 1 holds the ABORT marker
  b.final_commit(3, "committed");
  const Report r = b.check();
  CHECK(group(r, "uncommitted").aborted_seen == 1);
  CHECK(group(r, "committed").aborted_seen == 0);
  CHECK(group(r, "committed").lost == 0);
  REQUIRE(r.anomalies.size() == 1);
  CHECK(r.anomalies[0].kind == AnomalyKind::kAbortedRead);
  CHECK(r.anomalies[0].explanation ==
        "orders-0 offset 0 of an aborted transaction processed by group uncommitted: transaction of txn-1 "
        "aborted at t=5ms");
}

}  // namespace
}  // namespace kafkasim::check
