// InternalTopicWriter on its own: a writer over an ordinary 3-replica topic of a small cluster, driven the
// way a coordinator drives it (the test tells it when the HW may have advanced). Completion at the HW,
// the timeout, failing a partition, and refusals before anything is appended.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "sim/cluster/coordinator_util.h"
#include "sim/cluster/replica.h"
#include "tests/cluster/cluster_fixture.h"

using namespace kafkasim;
using cluster::InternalTopicWriter;
using kafkasim::testing::ClusterFixture;
using protocol::ErrorCode;
using protocol::TopicPartition;

namespace {

constexpr std::uint64_t kSeed = 4242;
const std::string kTopic = "state";

// What the callbacks of one write saw.
struct Outcome {
  std::optional<ErrorCode> settled;
  std::optional<ErrorCode> done;
  std::int64_t done_base_offset = -2;
  bool settled_before_done = false;
};

struct WriterFixture {
  explicit WriterFixture(std::int64_t timeout_ms = 5000) : c(kSeed, 3) {
    cluster::TopicConfig tc;
    tc.min_insync_replicas = 2;
    c.create_topic(kTopic, 1, 3, tc);
    c.sim.run_until(sec_to_us(3));
    const auto& p = c.partition(kTopic, 0);
    REQUIRE(p.leader > 0);
    REQUIRE(p.isr.size() == 3);
    leader = &c.broker(p.leader);
    for (std::int32_t r : p.replicas) {
      if (r != p.leader) followers.push_back(r);
    }
    writer.emplace(*leader, kTopic, timeout_ms);
  }

  std::int64_t hw() const { return leader->replica(TopicPartition{kTopic, 0})->high_watermark(); }

  InternalTopicWriter::Write write(Outcome& out, int records = 2) {
    InternalTopicWriter::Write w;
    w.partition = 0;
    for (int i = 0; i < records; ++i) {
      w.records.push_back({{std::uint8_t('k'), std::uint8_t('0' + i)}, std::vector<std::uint8_t>{std::uint8_t('v')}});
    }
    w.settled = [&out](ErrorCode e) { out.settled = e; };
    w.done = [&out](ErrorCode e, std::int64_t base) {
      out.settled_before_done = out.settled.has_value();
      out.done = e;
      out.done_base_offset = base;
    };
    return w;
  }

  // Runs the simulation in small steps, telling the writer after each one, until `until`.
  void run_until(TimeUs until) {
    while (c.sim.now() < until) {
      c.sim.run_until(std::min(until, c.sim.now() + ms_to_us(5)));
      writer->on_hw_advanced(0);
    }
  }

  ClusterFixture c;
  cluster::Broker* leader = nullptr;
  std::vector<std::int32_t> followers;
  std::optional<InternalTopicWriter> writer;
};

}  // namespace

TEST_CASE("an internal topic write completes when the HW passes its last offset, not before") {
  WriterFixture f;
  Outcome out;
  const std::int64_t base = f.writer->append(f.write(out, 1));
  REQUIRE(base >= 0);
  CHECK(f.writer->pending() == 1);
  CHECK(f.hw() == base);  // acks=all: the followers have not fetched it yet
  f.writer->on_hw_advanced(0);
  CHECK_FALSE(out.settled.has_value());
  const TimeUs deadline = f.c.sim.now() + sec_to_us(2);
  while (!out.settled && f.c.sim.now() < deadline) {
    f.c.sim.run_until(f.c.sim.now() + ms_to_us(1));
    const std::int64_t hw = f.hw();
    f.writer->on_hw_advanced(0);
    CHECK(out.settled.has_value() == (hw >= base + 1));
  }
  REQUIRE(out.settled == ErrorCode::kNone);
  CHECK_FALSE(out.done.has_value());  // the answer comes in a later event
  f.c.sim.run_until(f.c.sim.now() + ms_to_us(1));
  CHECK(out.done == ErrorCode::kNone);
  CHECK(out.done_base_offset == base);
  CHECK(out.settled_before_done);
  CHECK(f.writer->pending() == 0);
}

TEST_CASE("an internal topic write the followers never fetch times out as COORDINATOR_NOT_AVAILABLE") {
  WriterFixture f(1000);
  for (std::int32_t id : f.followers) f.c.sim.pause_node(NodeId(id));
  Outcome out;
  const TimeUs start = f.c.sim.now();
  REQUIRE(f.writer->append(f.write(out)) >= 0);
  f.run_until(start + ms_to_us(990));
  CHECK_FALSE(out.settled.has_value());
  f.run_until(start + ms_to_us(1100));
  // Kafka: REQUEST_TIMED_OUT of a coordinator append becomes COORDINATOR_NOT_AVAILABLE (retriable).
  CHECK(out.settled == ErrorCode::kCoordinatorNotAvailable);
  CHECK(out.done == ErrorCode::kCoordinatorNotAvailable);
  CHECK(f.writer->pending() == 0);
}

TEST_CASE("failing an internal topic partition answers its pending writes NOT_COORDINATOR in write order") {
  WriterFixture f;
  for (std::int32_t id : f.followers) f.c.sim.pause_node(NodeId(id));
  std::vector<int> order;
  Outcome first;
  Outcome second;
  auto w1 = f.write(first);
  auto w2 = f.write(second);
  w1.settled = [&](ErrorCode e) { first.settled = e; order.push_back(1); };
  w2.settled = [&](ErrorCode e) { second.settled = e; order.push_back(2); };
  REQUIRE(f.writer->append(std::move(w1)) >= 0);
  REQUIRE(f.writer->append(std::move(w2)) >= 0);
  f.writer->fail_partition(1, ErrorCode::kNotLeaderOrFollower);  // another partition: nothing happens
  CHECK(f.writer->pending() == 2);
  f.writer->fail_partition(0, ErrorCode::kNotLeaderOrFollower);
  CHECK(order == std::vector<int>{1, 2});
  CHECK(first.settled == ErrorCode::kNotCoordinator);
  CHECK(f.writer->pending() == 0);
  f.run_until(f.c.sim.now() + sec_to_us(6));  // past the timeout: no second answer
  CHECK(first.done == ErrorCode::kNotCoordinator);
  CHECK(second.done == ErrorCode::kNotCoordinator);
}

TEST_CASE("an internal topic write off the leader or under another leader epoch is refused without an append") {
  WriterFixture f;
  const std::int64_t leo = f.leader->replica(TopicPartition{kTopic, 0})->log_end_offset();
  Outcome stale;
  auto w = f.write(stale);
  w.leader_epoch = f.c.partition(kTopic, 0).leader_epoch + 1;
  CHECK(f.writer->append(std::move(w)) == -1);
  Outcome missing;
  auto w2 = f.write(missing);
  w2.partition = 7;  // not hosted here
  CHECK(f.writer->append(std::move(w2)) == -1);
  CHECK(f.writer->pending() == 0);
  CHECK_FALSE(stale.done.has_value());
  f.run_until(f.c.sim.now() + ms_to_us(1));
  CHECK(stale.done == ErrorCode::kNotCoordinator);
  CHECK(stale.done_base_offset == -1);
  CHECK_FALSE(stale.settled.has_value());
  CHECK(missing.done == ErrorCode::kNotCoordinator);
  CHECK(f.leader->replica(TopicPartition{kTopic, 0})->log_end_offset() == leo);
}

TEST_CASE("a crash reset drops pending internal topic writes without answering them") {
  WriterFixture f;
  for (std::int32_t id : f.followers) f.c.sim.pause_node(NodeId(id));
  Outcome out;
  REQUIRE(f.writer->append(f.write(out)) >= 0);
  f.writer->reset();
  CHECK(f.writer->pending() == 0);
  f.writer->on_hw_advanced(0);
  f.writer->fail_partition(0, ErrorCode::kNotLeaderOrFollower);
  CHECK_FALSE(out.settled.has_value());
  CHECK_FALSE(out.done.has_value());
}
