// Transactional offsets in the group coordinator (KIP-98 / KIP-447): TxnOffsetCommit, COMMIT / ABORT
// markers on __consumer_offsets, OffsetFetch require_stable, and loading after a coordinator failover.
// A raw client plays the producer (TxnOffsetCommit) and the transaction coordinator (WriteTxnMarkers).
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <vector>

#include "sim/protocol/txn_messages.h"
#include "tests/client/group_fixture.h"
#include "tests/cluster/raw_client.h"

using namespace kafkasim;
using kafkasim::testing::consumer_config;
using kafkasim::testing::GroupFixture;
using kafkasim::testing::RawClient;
using protocol::ErrorCode;
using protocol::TopicPartition;

namespace {

const TopicPartition kIn0{"in", 0};
const TopicPartition kIn1{"in", 1};

struct TxnOffsetsFixture : GroupFixture {
  explicit TxnOffsetsFixture(std::uint64_t seed) : GroupFixture(seed) {
    client = &sim.add_node<RawClient>(NodeId(2900), net);
    sim.start_node(client->id());
    create_topic("in", 2, 3);
    sim.run_until(sec_to_us(3));
  }

  cluster::Broker& coordinator(const std::string& group) {
    cluster::Broker* b = coordinator_of(group);
    REQUIRE(b != nullptr);
    return *b;
  }
  std::int32_t offsets_partition(const std::string& group) {
    return broker(1).group_coordinator().partition_for(group);
  }

  // TxnOffsetCommit of `offsets` for producer (pid, epoch); generation -1 / member "" unless given.
  ErrorCode txn_commit(const std::string& group, std::int64_t pid, std::int16_t epoch,
                       std::vector<std::pair<TopicPartition, std::int64_t>> offsets, std::int32_t generation = -1,
                       std::string member = "") {
    auto req = std::make_shared<protocol::TxnOffsetCommitRequest>();
    req->transactional_id = "tx-" + std::to_string(pid);
    req->group_id = group;
    req->producer_id = pid;
    req->producer_epoch = epoch;
    req->generation_id = generation;
    req->member_id = std::move(member);
    req->offsets = std::move(offsets);
    auto resp = client->call<protocol::TxnOffsetCommitResponse>(coordinator(group).broker_id(), req);
    REQUIRE(resp != nullptr);
    REQUIRE(resp->results.size() == req->offsets.size());
    return resp->error();
  }

  // What the transaction coordinator sends at the end of a transaction: the marker on the group's
  // __consumer_offsets partition, answered when replicated.
  ErrorCode marker(const std::string& group, std::int64_t pid, std::int16_t epoch, bool commit) {
    auto req = std::make_shared<protocol::WriteTxnMarkersRequest>();
    protocol::WritableTxnMarker m;
    m.producer_id = pid;
    m.producer_epoch = epoch;
    m.committed = commit;
    m.partitions.push_back(TopicPartition{std::string(cluster::kOffsetsTopic), offsets_partition(group)});
    req->markers.push_back(m);
    auto resp = client->call<protocol::WriteTxnMarkersResponse>(coordinator(group).broker_id(), req);
    REQUIRE(resp != nullptr);
    REQUIRE(resp->markers.size() == 1);
    REQUIRE(resp->markers[0].partitions.size() == 1);
    return resp->markers[0].partitions[0].second;
  }

  ErrorCode plain_commit(const std::string& group, const TopicPartition& tp, std::int64_t offset) {
    auto req = std::make_shared<protocol::OffsetCommitRequest>();
    req->group_id = group;
    req->partitions.push_back(protocol::OffsetCommitPartition{tp, offset, -1, ""});
    auto resp = client->call<protocol::OffsetCommitResponse>(coordinator(group).broker_id(), req);
    REQUIRE(resp != nullptr);
    REQUIRE(resp->partitions.size() == 1);
    return resp->partitions[0].second;
  }

  protocol::OffsetFetchPartition fetch(const std::string& group, const TopicPartition& tp, bool require_stable) {
    auto req = std::make_shared<protocol::OffsetFetchRequest>();
    req->group_id = group;
    req->partitions.push_back(tp);
    req->require_stable = require_stable;
    auto resp = client->call<protocol::OffsetFetchResponse>(coordinator(group).broker_id(), req);
    REQUIRE(resp != nullptr);
    REQUIRE(resp->error == ErrorCode::kNone);
    REQUIRE(resp->partitions.size() == 1);
    return resp->partitions[0];
  }

  std::map<TopicPartition, std::int64_t> committed(const std::string& group) {
    return coordinator(group).group_coordinator().committed_offsets(group);
  }
  std::map<TopicPartition, std::int64_t> pending(const std::string& group) {
    return coordinator(group).group_coordinator().pending_txn_offsets(group);
  }

  // Crashes the coordinator of `group` and runs until another broker has loaded the group's partition.
  void fail_over(const std::string& group) {
    const std::int32_t old = coordinator(group).broker_id();
    sim.crash_node(NodeId(old));
    const TimeUs limit = sim.now() + sec_to_us(30);
    while (sim.now() < limit && (coordinator_of(group) == nullptr || coordinator_of(group)->broker_id() == old)) {
      sim.run_until(sim.now() + ms_to_us(100));
    }
    REQUIRE(coordinator_of(group) != nullptr);
    REQUIRE(coordinator_of(group)->broker_id() != old);
  }

  // Group `group` with one consumer (no auto commits) on "in", once Stable.
  protocol::GroupDescription stable_group(const std::string& group) {
    auto cc = consumer_config("c1", group);
    cc.enable_auto_commit = false;
    add_consumer(cc, {"in"});
    sim.run_until(sim.now() + sec_to_us(10));
    const auto d = describe(group);
    REQUIRE(d.has_value());
    REQUIRE(d->state == "Stable");
    REQUIRE(d->members.size() == 1);
    return *d;
  }

  RawClient* client = nullptr;
};

using Offsets = std::map<TopicPartition, std::int64_t>;

}  // namespace

TEST_CASE("the group coordinator answers TxnOffsetCommit") {
  CHECK(cluster::GroupCoordinator::handles(protocol::Api::kTxnOffsetCommit));
}

TEST_CASE("a TxnOffsetCommit stays pending until the producer's COMMIT marker makes it the committed offset") {
  TxnOffsetsFixture c(1);
  REQUIRE(c.txn_commit("g", 1000, 0, {{kIn0, 42}, {kIn1, 7}}) == ErrorCode::kNone);
  // Kafka creates the unknown group (Empty) and keeps the offsets pending for producer 1000.
  REQUIRE(c.describe("g").has_value());
  CHECK(c.describe("g")->state == "Empty");
  CHECK(c.committed("g").empty());
  CHECK(c.pending("g") == Offsets{{kIn0, 42}, {kIn1, 7}});
  CHECK(c.fetch("g", kIn0, false).committed_offset == -1);

  REQUIRE(c.marker("g", 1000, 0, true) == ErrorCode::kNone);
  CHECK(c.committed("g") == Offsets{{kIn0, 42}, {kIn1, 7}});
  CHECK(c.pending("g").empty());
  const auto p = c.fetch("g", kIn0, true);
  CHECK(p.error == ErrorCode::kNone);
  CHECK(p.committed_offset == 42);
}

TEST_CASE("an ABORT marker drops the pending transactional offsets") {
  TxnOffsetsFixture c(2);
  REQUIRE(c.plain_commit("g", kIn0, 10) == ErrorCode::kNone);
  REQUIRE(c.txn_commit("g", 1000, 0, {{kIn0, 42}}) == ErrorCode::kNone);
  REQUIRE(c.marker("g", 1000, 0, false) == ErrorCode::kNone);
  CHECK(c.committed("g") == Offsets{{kIn0, 10}});
  CHECK(c.pending("g").empty());
  CHECK(c.fetch("g", kIn0, true).committed_offset == 10);
}

TEST_CASE("OffsetFetch with require_stable answers UNSTABLE_OFFSET_COMMIT for a partition with a pending txn offset") {
  TxnOffsetsFixture c(3);
  REQUIRE(c.plain_commit("g", kIn1, 5) == ErrorCode::kNone);
  REQUIRE(c.txn_commit("g", 1000, 0, {{kIn0, 42}}) == ErrorCode::kNone);
  const auto unstable = c.fetch("g", kIn0, true);
  CHECK(unstable.error == ErrorCode::kUnstableOffsetCommit);
  CHECK(unstable.committed_offset == -1);
  // Other partitions of the group, and readers that do not ask for stable offsets, are answered.
  CHECK(c.fetch("g", kIn1, true).error == ErrorCode::kNone);
  CHECK(c.fetch("g", kIn1, true).committed_offset == 5);
  CHECK(c.fetch("g", kIn0, false).error == ErrorCode::kNone);
  REQUIRE(c.marker("g", 1000, 0, true) == ErrorCode::kNone);
  CHECK(c.fetch("g", kIn0, true).committed_offset == 42);
}

TEST_CASE("a plain commit written after a pending txn offset is kept when the COMMIT marker arrives") {
  TxnOffsetsFixture c(4);
  REQUIRE(c.txn_commit("g", 1000, 0, {{kIn0, 42}}) == ErrorCode::kNone);
  REQUIRE(c.plain_commit("g", kIn0, 50) == ErrorCode::kNone);
  // Kafka: completePendingTxnOffsetCommit materializes only offsets newer in the log than the cached one.
  REQUIRE(c.marker("g", 1000, 0, true) == ErrorCode::kNone);
  CHECK(c.committed("g") == Offsets{{kIn0, 50}});
}

TEST_CASE("a coordinator failover keeps a committed txn offset and a still-open one pending") {
  TxnOffsetsFixture c(5);
  REQUIRE(c.txn_commit("g", 1000, 0, {{kIn0, 42}}) == ErrorCode::kNone);
  REQUIRE(c.marker("g", 1000, 0, true) == ErrorCode::kNone);
  REQUIRE(c.txn_commit("g", 2000, 0, {{kIn1, 7}}) == ErrorCode::kNone);
  c.fail_over("g");
  CHECK(c.committed("g") == Offsets{{kIn0, 42}});
  CHECK(c.pending("g") == Offsets{{kIn1, 7}});
  CHECK(c.fetch("g", kIn0, true).committed_offset == 42);
  CHECK(c.fetch("g", kIn1, true).error == ErrorCode::kUnstableOffsetCommit);
  // The transaction coordinator completes the open transaction on the new leader.
  REQUIRE(c.marker("g", 2000, 0, true) == ErrorCode::kNone);
  CHECK(c.committed("g") == Offsets{{kIn0, 42}, {kIn1, 7}});
  CHECK(c.pending("g").empty());
}

TEST_CASE("loading after a failover drops the offsets of an aborted transaction") {
  TxnOffsetsFixture c(9);
  REQUIRE(c.plain_commit("g", kIn0, 10) == ErrorCode::kNone);
  REQUIRE(c.txn_commit("g", 1000, 0, {{kIn0, 42}}) == ErrorCode::kNone);
  REQUIRE(c.marker("g", 1000, 0, false) == ErrorCode::kNone);
  c.fail_over("g");
  CHECK(c.committed("g") == Offsets{{kIn0, 10}});
  CHECK(c.pending("g").empty());
}

TEST_CASE("loading after a failover keeps a plain commit written after a committed transaction's offsets") {
  TxnOffsetsFixture c(10);
  REQUIRE(c.txn_commit("g", 1000, 0, {{kIn0, 42}, {kIn1, 8}}) == ErrorCode::kNone);
  REQUIRE(c.plain_commit("g", kIn0, 50) == ErrorCode::kNone);
  REQUIRE(c.marker("g", 1000, 0, true) == ErrorCode::kNone);
  c.fail_over("g");
  // Kafka's doLoadGroupsAndOffsets applies the same olderThan rule at the COMMIT marker.
  CHECK(c.committed("g") == Offsets{{kIn0, 50}, {kIn1, 8}});
}

TEST_CASE("a TxnOffsetCommit from a stale generation gets ILLEGAL_GENERATION (KIP-447)") {
  TxnOffsetsFixture c(6);
  const auto d = c.stable_group("g");
  const std::string member = d.members[0].member_id;
  CHECK(c.txn_commit("g", 1000, 0, {{kIn0, 3}}, d.generation - 1, member) == ErrorCode::kIllegalGeneration);
  CHECK(c.pending("g").empty());
  CHECK(c.txn_commit("g", 1000, 0, {{kIn0, 3}}, d.generation, member) == ErrorCode::kNone);
  CHECK(c.pending("g") == Offsets{{kIn0, 3}});
}

TEST_CASE("a TxnOffsetCommit from a member the group does not know gets UNKNOWN_MEMBER_ID (KIP-447)") {
  TxnOffsetsFixture c(7);
  const auto d = c.stable_group("g");
  CHECK(c.txn_commit("g", 1000, 0, {{kIn0, 3}}, d.generation, "zombie-member") == ErrorCode::kUnknownMemberId);
  CHECK(c.pending("g").empty());
}

TEST_CASE("a TxnOffsetCommit with an epoch older than the partition has seen is fenced") {
  TxnOffsetsFixture c(8);
  REQUIRE(c.txn_commit("g", 1000, 1, {{kIn0, 42}}) == ErrorCode::kNone);
  REQUIRE(c.marker("g", 1000, 1, true) == ErrorCode::kNone);
  CHECK(c.txn_commit("g", 1000, 0, {{kIn0, 99}}) == ErrorCode::kInvalidProducerEpoch);
  CHECK(c.pending("g").empty());
  CHECK(c.committed("g") == Offsets{{kIn0, 42}});
}
