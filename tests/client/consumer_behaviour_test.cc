#include <catch2/catch.hpp>

#include "tests/client/group_fixture.h"

using namespace kafkasim;
using kafkasim::testing::consumer_config;
using kafkasim::testing::GroupFixture;

TEST_CASE("a consumer that exceeds max.poll.interval.ms leaves the group and its partitions move") {
  GroupFixture c(31);
  c.create_topic("orders", 4, 3);
  c.sim.run_until(sec_to_us(3));
  auto& p = c.add_producer({});
  auto slow = consumer_config("c1", "g");
  slow.max_poll_interval_ms = 10000;
  slow.max_poll_records = 40;
  slow.processing_time_us = ms_to_us(500);  // 20 s per batch > max.poll.interval.ms
  slow.mode = client::ProcessingMode::kCommitAfterProcessing;
  slow.enable_auto_commit = false;
  auto& c1 = c.add_consumer(slow, {"orders"});
  auto fast = slow;
  fast.client_id = "c2";
  fast.processing_time_us = 0;
  fast.max_poll_interval_ms = 300000;
  auto& c2 = c.add_consumer(fast, {"orders"});
  c.produce(p, "orders", 400);
  c.sim.run_until(sec_to_us(12));
  REQUIRE(c1.assignment().size() == 2);
  c.sim.run_until(sec_to_us(30));
  CHECK(c2.assignment().size() == 4);  // c1 left after 10 s without poll(); the group rebalanced
  c.sim.run_until(sec_to_us(60));
  CHECK(c1.stats().commits_failed > 0);  // its commit after the long batch failed (CommitFailedException)
  CHECK(c.processed_counts("c").size() == 400);
}

TEST_CASE("a consumer follows a partition leader crash and reads every acknowledged record") {
  GroupFixture c(32);
  cluster::TopicConfig tc;
  tc.min_insync_replicas = 2;
  c.create_topic("orders", 2, 3, tc);
  c.sim.run_until(sec_to_us(3));
  auto& p = c.add_producer({});
  c.add_consumer(consumer_config("c1", "g"), {"orders"});
  c.produce(p, "orders", 100);
  c.sim.run_until(sec_to_us(12));
  const std::int32_t leader = c.partition("orders", 0).leader;
  c.sim.crash_node(NodeId(leader));
  c.produce(p, "orders", 100);
  c.sim.run_until(sec_to_us(60));
  CHECK(c.partition("orders", 0).leader != leader);
  const auto counts = c.processed_counts("c");
  for (const auto& [id, ack] : c.acked) CHECK(counts.count(id) == 1);
  CHECK(c.acked.size() == 200);
}

TEST_CASE("auto.offset.reset=latest skips records produced before the consumer got its partitions") {
  GroupFixture c(33);
  c.create_topic("orders", 2, 3);
  c.sim.run_until(sec_to_us(3));
  auto& p = c.add_producer({});
  c.produce(p, "orders", 100);
  c.sim.run_until(sec_to_us(5));
  auto cc = consumer_config("c1", "g");
  cc.auto_offset_reset = client::OffsetReset::kLatest;
  c.add_consumer(cc, {"orders"});
  c.sim.run_until(sec_to_us(15));
  c.produce(p, "orders", 50);
  c.sim.run_until(sec_to_us(25));
  const auto counts = c.processed_counts("c");
  CHECK(counts.size() == 50);
  for (const auto& [id, n] : counts) CHECK(id > 100);
}

TEST_CASE("a manually assigned consumer without a group reads its partitions from the earliest offset") {
  GroupFixture c(34);
  c.create_topic("orders", 2, 3);
  c.sim.run_until(sec_to_us(3));
  auto& p = c.add_producer({});
  c.produce(p, "orders", 100);
  auto cc = consumer_config("m1", "");
  cc.enable_auto_commit = false;
  auto& m = c.add_consumer(cc, {});
  m.assign({{"orders", 0}, {"orders", 1}});
  c.sim.run_until(sec_to_us(10));
  CHECK(c.processed_counts("m").size() == 100);
}

TEST_CASE("closing an auto-commit consumer mid-batch commits records it never processed") {
  GroupFixture c(35);
  c.create_topic("orders", 1, 3);
  c.sim.run_until(sec_to_us(3));
  auto& p = c.add_producer({});
  auto cc = consumer_config("c1", "g");
  cc.max_poll_records = 50;
  cc.processing_time_us = ms_to_us(100);
  auto& c1 = c.add_consumer(cc, {"orders"});
  c.produce(p, "orders", 200);
  c.sim.run_until(ms_to_us(8500));  // the first batch (6 s .. 11 s) is being processed
  c1.close();
  c.sim.run_until(sec_to_us(12));
  cc.client_id = "c2";
  cc.processing_time_us = 0;
  c.add_consumer(cc, {"orders"});
  c.sim.run_until(sec_to_us(30));
  const auto counts = c.processed_counts("c");
  CHECK(counts.size() < 200);  // the unprocessed rest of c1's batch was committed on close: lost
  std::int64_t max_committed = 0;
  for (const auto& [tp, off] : c.logs["c1"].commits_ok) max_committed = std::max(max_committed, off);
  CHECK(max_committed > static_cast<std::int64_t>(c.logs["c1"].processed.size()));
}

TEST_CASE("the same seed gives the same trace hash with consumer groups") {
  auto run = [](std::uint64_t seed) {
    GroupFixture c(seed);
    c.create_topic("orders", 3, 3);
    c.sim.run_until(sec_to_us(3));
    auto& p = c.add_producer({});
    for (const char* name : {"c1", "c2", "c3"}) c.add_consumer(consumer_config(name, "g"), {"orders"});
    c.produce(p, "orders", 300);
    c.sim.run_until(sec_to_us(15));
    c.sim.crash_node(c.consumers.at("c2")->id());
    c.sim.run_until(sec_to_us(70));
    return c.sim.trace_hash();
  };
  const std::uint64_t seed = 36;
  INFO("seed " << seed);
  CHECK(run(seed) == run(seed));
}

TEST_CASE("partitions added to a subscribed topic are assigned after the leader's metadata refresh") {
  GroupFixture c(37);
  c.create_topic("orders", 2, 3);
  c.sim.run_until(sec_to_us(3));
  for (const char* name : {"c1", "c2"}) {
    auto cc = consumer_config(name, "g");
    cc.metadata_max_age_ms = 5000;
    c.add_consumer(cc, {"orders"});
  }
  c.sim.run_until(sec_to_us(12));
  REQUIRE(c.controller->add_partitions("orders", 4) == protocol::ErrorCode::kNone);
  c.sim.run_until(sec_to_us(30));
  std::size_t owned = 0;
  for (const auto& [name, consumer] : c.consumers) owned += consumer->assignment().size();
  CHECK(owned == 4);
}
