#include <catch2/catch.hpp>

#include "tests/client/group_fixture.h"

using namespace kafkasim;
using kafkasim::testing::consumer_config;
using kafkasim::testing::GroupFixture;

namespace {
int members_with_partitions(const protocol::GroupDescription& d) {
  int n = 0;
  for (const auto& m : d.members) n += m.assignment.empty() ? 0 : 1;
  return n;
}
}  // namespace

TEST_CASE("a group's coordinator leads the __consumer_offsets partition of abs(hashCode(group.id)) % 50") {
  GroupFixture c(11);
  c.sim.run_until(sec_to_us(3));
  // "billing".hashCode() = 103 ... computed by the partitioner; here we only check the routing agrees.
  const std::int32_t p = c.broker(1).group_coordinator().partition_for("billing");
  const auto& rec = c.partition(std::string(cluster::kOffsetsTopic), p);
  REQUIRE(c.coordinator_of("billing") != nullptr);
  CHECK(c.coordinator_of("billing")->broker_id() == rec.leader);
  CHECK(c.controller->topic_partition_count(std::string(cluster::kOffsetsTopic)) == 50);
}

TEST_CASE("more consumers than partitions leaves members idle") {
  GroupFixture c(1);
  c.create_topic("orders", 2, 3);
  c.sim.run_until(sec_to_us(3));
  auto& p = c.add_producer({});
  for (int i = 1; i <= 3; ++i) c.add_consumer(consumer_config("c" + std::to_string(i), "g"), {"orders"});
  c.produce(p, "orders", 200);
  c.sim.run_until(sec_to_us(20));
  const auto d = c.describe("g");
  REQUIRE(d.has_value());
  CHECK(d->state == "Stable");
  CHECK(d->members.size() == 3);
  CHECK(members_with_partitions(*d) == 2);
  const auto counts = c.processed_counts("c");
  CHECK(counts.size() == 200);
  for (const auto& [id, n] : counts) CHECK(n == 1);
}

TEST_CASE("two groups on one topic each receive every record") {
  GroupFixture c(2);
  c.create_topic("orders", 3, 3);
  c.sim.run_until(sec_to_us(3));
  auto& p = c.add_producer({});
  c.add_consumer(consumer_config("a1", "ga"), {"orders"});
  c.add_consumer(consumer_config("a2", "ga"), {"orders"});
  c.add_consumer(consumer_config("b1", "gb"), {"orders"});
  c.produce(p, "orders", 300);
  c.sim.run_until(sec_to_us(20));
  CHECK(c.processed_counts("a").size() == 300);
  CHECK(c.processed_counts("b").size() == 300);
}

TEST_CASE("per-partition order holds for every consumer") {
  GroupFixture c(3);
  c.create_topic("orders", 4, 3);
  c.sim.run_until(sec_to_us(3));
  auto& p = c.add_producer({});
  for (int i = 1; i <= 3; ++i) {
    auto cc = consumer_config("c" + std::to_string(i), "g");
    cc.max_poll_records = 7;
    cc.processing_time_us = ms_to_us(1);
    c.add_consumer(cc, {"orders"});
  }
  for (int round = 0; round < 20; ++round) {
    c.produce(p, "orders", 50);
    c.sim.run_until(c.sim.now() + ms_to_us(500));
  }
  c.sim.run_until(c.sim.now() + sec_to_us(20));
  CHECK(c.processed_counts("c").size() == 1000);
  for (const auto& [name, log] : c.logs) {
    std::map<protocol::TopicPartition, std::int64_t> last;
    for (const auto& r : log.polled) {
      auto it = last.find(r.tp);
      if (it != last.end()) CHECK(r.offset > it->second);
      last[r.tp] = r.offset;
    }
  }
}

TEST_CASE("a static member that restarts within the session timeout causes no rebalance") {
  GroupFixture c(4);
  c.create_topic("orders", 4, 3);
  c.sim.run_until(sec_to_us(3));
  auto cc1 = consumer_config("s1", "g");
  cc1.group_instance_id = "instance-1";
  auto cc2 = consumer_config("s2", "g");
  cc2.group_instance_id = "instance-2";
  auto& s1 = c.add_consumer(cc1, {"orders"});
  c.add_consumer(cc2, {"orders"});
  c.sim.run_until(sec_to_us(15));
  auto before = c.describe("g");
  REQUIRE(before.has_value());
  REQUIRE(before->state == "Stable");
  const auto owned_before = s1.assignment();
  c.sim.crash_node(s1.id());
  c.sim.run_until(sec_to_us(25));
  c.sim.restart_node(s1.id());
  c.sim.run_until(sec_to_us(40));
  auto after = c.describe("g");
  REQUIRE(after.has_value());
  CHECK(after->state == "Stable");
  CHECK(after->generation == before->generation);
  CHECK(after->rebalances == before->rebalances);
  CHECK(s1.assignment() == owned_before);
  CHECK(after->members.size() == 2);
}

TEST_CASE("a new dynamic member first gets MEMBER_ID_REQUIRED, then joins with that id") {
  GroupFixture c(5);
  c.create_topic("orders", 2, 3);
  c.sim.run_until(sec_to_us(3));
  auto& k = c.add_consumer(consumer_config("c1", "g"), {"orders"});
  c.sim.run_until(sec_to_us(10));
  REQUIRE(k.stable());
  CHECK(k.member_id().rfind("c1-", 0) == 0);
  const auto d = c.describe("g");
  REQUIRE(d.has_value());
  REQUIRE(d->members.size() == 1);
  CHECK(d->members[0].member_id == k.member_id());
  CHECK(d->protocol == "range");  // the first protocol of the default [range, cooperative-sticky]
}

TEST_CASE("a cooperative rebalance revokes only the partitions that move, then rebalances again") {
  GroupFixture c(6);
  c.create_topic("orders", 6, 3);
  c.sim.run_until(sec_to_us(3));
  auto cc = consumer_config("c1", "g");
  cc.assignment_strategies = {"cooperative-sticky"};
  auto& c1 = c.add_consumer(cc, {"orders"});
  c.sim.run_until(sec_to_us(10));
  REQUIRE(c1.assignment().size() == 6);
  const auto gen_before = c.describe("g")->generation;
  cc.client_id = "c2";
  auto& c2 = c.add_consumer(cc, {"orders"});
  c.sim.run_until(sec_to_us(25));
  CHECK(c1.assignment().size() == 3);
  CHECK(c2.assignment().size() == 3);
  // c1 never gave up the partitions it keeps: exactly one revocation, of the 3 that moved.
  int revocations = 0;
  for (const auto& [what, tps] : c.logs["c1"].events) {
    if (what == client::MemberChange::kRevoked) {
      ++revocations;
      CHECK(tps.size() == 3);
    }
  }
  CHECK(revocations == 1);
  const auto settled = c.describe("g");
  REQUIRE(settled.has_value());
  for (const auto& m : settled->members) CHECK(m.revoking.empty());  // the follow-up rebalance is done
  CHECK(c.describe("g")->generation == gen_before + 2);  // the join and the follow-up rebalance
}

TEST_CASE("a coordinator broker crash moves the group and committed offsets survive") {
  GroupFixture c(7);
  c.create_topic("orders", 3, 3);
  c.sim.run_until(sec_to_us(3));
  auto& p = c.add_producer({});
  auto cc = consumer_config("c1", "g");
  cc.mode = client::ProcessingMode::kCommitAfterProcessing;
  cc.enable_auto_commit = false;
  c.add_consumer(cc, {"orders"});
  c.produce(p, "orders", 300);
  c.sim.run_until(sec_to_us(20));
  cluster::Broker* old = c.coordinator_of("g");
  REQUIRE(old != nullptr);
  const auto committed = old->group_coordinator().committed_offsets("g");
  REQUIRE(committed.size() == 3);
  c.sim.crash_node(old->id());
  c.sim.run_until(sec_to_us(40));
  cluster::Broker* fresh = c.coordinator_of("g");
  REQUIRE(fresh != nullptr);
  CHECK(fresh != old);
  const auto loaded = fresh->group_coordinator().committed_offsets("g");
  for (const auto& [tp, off] : committed) CHECK(loaded.at(tp) >= off);
  c.produce(p, "orders", 100);
  c.sim.run_until(sec_to_us(70));
  CHECK(c.processed_counts("c").size() == 400);
  const auto d = c.describe("g");
  REQUIRE(d.has_value());
  CHECK(d->state == "Stable");
}
