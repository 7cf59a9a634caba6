// Issue 4 item 6: replication and producer behaviour as Kafka's, on the ClusterFixture (no engine):
// NOT_ENOUGH_REPLICAS below min.insync.replicas, ISR shrink and expansion timing, the HW and leader-epoch
// invariants checked after every event, and idempotent retries after a lost produce response.
#include <catch2/catch.hpp>

#include <map>
#include <utility>

#include "sim/core/rng.h"
#include "tests/cluster/cluster_fixture.h"

using namespace kafkasim;
using kafkasim::testing::ClusterFixture;

namespace {
const protocol::TopicPartition kTp{"t", 0};

client::ProducerRecord record(std::uint64_t id) {
  client::ProducerRecord r;
  r.id = id;
  r.topic = "t";
  r.key = "k" + std::to_string(id % 13);
  r.value = std::string(100, 'v');
  return r;
}

// A one-partition RF=3 topic "t" with min.insync.replicas=2; returns its leader once elected.
std::int32_t one_partition_topic(ClusterFixture& c) {
  cluster::TopicConfig tc;
  tc.min_insync_replicas = 2;
  c.create_topic("t", 1, 3, tc);
  c.sim.run_until(sec_to_us(3));
  const std::int32_t leader = c.partition("t", 0).leader;
  REQUIRE(leader > 0);
  return leader;
}

std::vector<std::int32_t> others(std::int32_t broker) {
  std::vector<std::int32_t> v;
  for (std::int32_t b = 1; b <= 3; ++b)
    if (b != broker) v.push_back(b);
  return v;
}

const cluster::Replica* live_replica(ClusterFixture& c, std::int32_t broker, const protocol::TopicPartition& tp) {
  auto& b = c.broker(broker);
  return b.is_up() ? b.replica(tp) : nullptr;
}
}  // namespace

TEST_CASE("a new partition's first leader has leader epoch 0 and every later election adds one") {
  ClusterFixture c(4);
  const std::int32_t leader = one_partition_topic(c);
  // Kafka: ReplicationControlManager writes a new PartitionRecord with leaderEpoch 0 and partitionEpoch 0.
  CHECK(c.partition("t", 0).leader_epoch == 0);
  CHECK(c.partition("t", 0).partition_epoch == 0);
  auto& p = c.add_producer({});
  for (std::uint64_t i = 1; i <= 10; ++i) p.send(record(i));
  c.sim.run_until(sec_to_us(5));
  REQUIRE(c.acked.size() == 10);
  for (std::int32_t b = 1; b <= 3; ++b) {
    const cluster::Replica* r = c.broker(b).replica(kTp);
    REQUIRE(r != nullptr);
    CHECK(r->leader_epoch() == 0);
    // Every replica's leader-epoch cache starts with (epoch 0, start offset 0), as Kafka's does.
    const auto& entries = r->log().epoch_cache().entries();
    REQUIRE(!entries.empty());
    CHECK(entries.front().epoch == 0);
    CHECK(entries.front().start_offset == 0);
  }
  c.sim.crash_node(NodeId(leader));
  c.sim.run_until(sec_to_us(20));  // fenced after broker.session.timeout.ms (9 s), a new leader elected
  CHECK(c.partition("t", 0).leader != leader);
  CHECK(c.partition("t", 0).leader_epoch == 1);
  // A partition added later also starts at epoch 0.
  REQUIRE(c.controller->add_partitions("t", 2) == protocol::ErrorCode::kNone);
  CHECK(c.partition("t", 1).leader_epoch == 0);
}

TEST_CASE("acks=all produce fails with NOT_ENOUGH_REPLICAS while the ISR is below min.insync.replicas") {
  ClusterFixture c(5);
  const std::int32_t leader = one_partition_topic(c);
  const auto followers = others(leader);
  for (auto f : followers) c.sim.crash_node(NodeId(f));
  // The controller fences them after broker.session.timeout.ms (9 s) and shrinks the ISR to the leader.
  c.sim.run_until(sec_to_us(15));
  REQUIRE(c.partition("t", 0).isr == std::vector<std::int32_t>{leader});
  auto& p = c.add_producer({});
  for (std::uint64_t i = 1; i <= 20; ++i) p.send(record(i));
  c.sim.run_until(sec_to_us(30));
  CHECK(c.acked.empty());
  CHECK(c.retriable_errors[protocol::ErrorCode::kNotEnoughReplicas] > 0);
  // Kafka checks the ISR size before appending (Partition.appendRecordsToLeader): nothing was written.
  CHECK(c.broker(leader).replica(kTp)->log_end_offset() == 0);
  // A follower returns and joins the ISR: the producer's retries now succeed.
  c.sim.restart_node(NodeId(followers[0]));
  c.sim.run_until(sec_to_us(60));
  CHECK(c.partition("t", 0).isr.size() == 2);
  CHECK(c.acked.size() == 20);
  CHECK(c.failed.empty());
}

TEST_CASE("a follower that stops catching up leaves the ISR after replica.lag.time.max.ms and rejoins once caught up") {
  ClusterFixture c(6);
  const std::int32_t leader = one_partition_topic(c);
  const std::int32_t follower = others(leader)[0];
  auto& p = c.add_producer({});
  std::uint64_t next_id = 1;
  TimeUs now = sec_to_us(3);
  // Records every 10 ms until `until`; returns the first time `done` held (checked every 10 ms), or -1.
  auto produce_until = [&](TimeUs until, auto done) -> TimeUs {
    for (; now < until; now += ms_to_us(10)) {
      p.send(record(next_id++));
      c.sim.run_until(now);
      if (done()) return now;
    }
    return -1;
  };
  produce_until(sec_to_us(5), [] { return false; });
  REQUIRE(c.partition("t", 0).isr.size() == 3);
  // The follower's fetch requests still arrive but no response reaches it: it falls behind.
  const TimeUs blocked_us = now;
  c.net.block(NodeId(leader), NodeId(follower));
  auto isr_has = [&](std::int32_t b) {
    const auto& isr = c.partition("t", 0).isr;
    return std::find(isr.begin(), isr.end(), b) != isr.end();
  };
  const TimeUs shrunk_us = produce_until(blocked_us + sec_to_us(60), [&] { return !isr_has(follower); });
  REQUIRE(shrunk_us > 0);
  // Kafka: out of sync once now - lastCaughtUpTimeMs > replica.lag.time.max.ms (30 s), checked every half of it.
  const TimeUs lag_us = ms_to_us(c.broker(leader).config().replica_lag_time_max_ms);
  CHECK(shrunk_us - blocked_us >= lag_us - ms_to_us(600));
  CHECK(shrunk_us - blocked_us <= lag_us + lag_us / 2 + sec_to_us(1));
  CHECK(c.partition("t", 0).isr.size() == 2);
  c.net.heal();
  const TimeUs healed_us = now;
  const TimeUs expanded_us = produce_until(healed_us + sec_to_us(90), [&] { return isr_has(follower); });
  REQUIRE(expanded_us > 0);
  // The follower reconnects when it notices the broken connection (at most replica.socket.timeout.ms), then
  // catches up to the HW in a few fetches.
  CHECK(expanded_us - healed_us <= ms_to_us(c.broker(leader).config().replica_socket_timeout_ms) + sec_to_us(5));
  const auto* r = c.broker(follower).replica(kTp);
  REQUIRE(r != nullptr);
  CHECK(r->log_end_offset() >= c.broker(leader).replica(kTp)->high_watermark() - 5);
}

namespace {
// Invariants checked after every event: a leader's HW is at most the LEO of every live ISR member, and each
// (partition, leader epoch) has one leader, as every broker and the controller see it.
struct InvariantChecker {
  std::map<std::pair<protocol::TopicPartition, std::int32_t>, std::int32_t> leader_of_epoch;
  std::uint64_t checks = 0;

  void note_leader(const protocol::TopicPartition& tp, std::int32_t epoch, std::int32_t leader) {
    auto [it, inserted] = leader_of_epoch.emplace(std::make_pair(tp, epoch), leader);
    if (!inserted && it->second != leader) {
      FAIL_CHECK(tp.topic << "-" << tp.partition << " epoch " << epoch << " has leaders " << it->second
                          << " and " << leader);
    }
  }

  void check(ClusterFixture& c) {
    ++checks;
    for (const auto& [tp, rec] : c.controller->partitions())
      if (rec.leader >= 0) note_leader(tp, rec.leader_epoch, rec.leader);
    for (auto* b : c.brokers) {
      if (!b->is_up()) continue;
      for (const auto& [tp, r] : b->replicas()) {
        if (r->role() != cluster::ReplicaRole::kLeader) continue;
        note_leader(tp, r->leader_epoch(), b->broker_id());
        for (std::int32_t m : r->isr()) {
          const auto* mr = live_replica(c, m, tp);
          if (mr == nullptr || mr->role() == cluster::ReplicaRole::kNone) continue;
          if (r->high_watermark() > mr->log_end_offset()) {
            FAIL_CHECK("HW " << r->high_watermark() << " of leader " << b->broker_id() << " passes ISR member " << m
                             << "'s LEO " << mr->log_end_offset() << " on " << tp.topic << "-" << tp.partition
                             << " at " << c.sim.now() << " us");
          }
        }
      }
    }
  }
};
}  // namespace

TEST_CASE("the HW never passes an ISR member's LEO and each partition has one leader per epoch, through crashes") {
#ifdef __SANITIZE_ADDRESS__
  const std::uint64_t seeds = 2;
#else
  const std::uint64_t seeds = 6;
#endif
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    INFO("seed " << seed);
    ClusterFixture c(seed);
    cluster::TopicConfig tc;
    tc.min_insync_replicas = 2;
    c.create_topic("t", 3, 3, tc);
    c.sim.run_until(sec_to_us(3));
    auto& p = c.add_producer({});
    Rng rng(seed * 31337);
    InvariantChecker inv;
    std::uint64_t id = 1;
    TimeUs next_send_us = c.sim.now();
    TimeUs next_fault_us = c.sim.now() + sec_to_us(2);
    std::int32_t down = -1;
    while (c.sim.now() < sec_to_us(60)) {
      if (c.sim.now() >= next_send_us) {
        for (int i = 0; i < 5; ++i) p.send(record(id++));
        next_send_us += ms_to_us(10);
      }
      if (c.sim.now() >= next_fault_us) {
        // Alternate: crash a random broker (a process crash) for 1-15 s (past broker.session.timeout.ms, 9 s,
        // its leaderships move), then restart it and leave it up for 1-6 s.
        if (down < 0) {
          down = static_cast<std::int32_t>(1 + rng.uniform(3));
          c.sim.crash_node(NodeId(down));
          next_fault_us = c.sim.now() + ms_to_us(1000 + static_cast<std::int64_t>(rng.uniform(14000)));
        } else {
          c.sim.restart_node(NodeId(down));
          down = -1;
          next_fault_us = c.sim.now() + ms_to_us(1000 + static_cast<std::int64_t>(rng.uniform(5000)));
        }
      }
      if (!c.sim.step()) break;
      inv.check(c);
    }
    CHECK(inv.checks > 10000);
    CHECK(inv.leader_of_epoch.size() > 3);  // leaders changed
    CHECK(c.acked.size() > 1000);
  }
}

namespace {
// Sends 10 records as one batch, drops the leader's produce response (a one-way cut leader -> producer right
// after the leader appended), heals, and lets the producer retry. Returns the partition's final LEO.
std::int64_t lost_response_run(bool idempotence) {
  ClusterFixture c(9);
  const std::int32_t leader = one_partition_topic(c);
  client::ProducerConfig pc;
  pc.enable_idempotence = idempotence;  // Kafka: enable.idempotence
  pc.linger_ms = 5;
  pc.request_timeout_ms = 5000;
  auto& p = c.add_producer(pc);
  c.sim.run_until(sec_to_us(4));  // metadata and producer id known
  for (std::uint64_t i = 1; i <= 10; ++i) p.send(record(i));
  while (c.broker(leader).replica(kTp)->log_end_offset() < 10) REQUIRE(c.sim.step());
  c.net.block(NodeId(leader), p.id());
  c.sim.run_until(c.sim.now() + ms_to_us(100));
  c.net.heal();
  c.sim.run_until(sec_to_us(60));
  CHECK(c.acked.size() == 10);
  CHECK(c.failed.empty());
  CHECK(p.stats().retries >= 1);
  const std::int64_t leo = c.broker(leader).replica(kTp)->log_end_offset();
  for (auto* b : c.brokers) CHECK(b->replica(kTp)->log_end_offset() == leo);
  return leo;
}
}  // namespace

TEST_CASE("with idempotence a retry after a lost produce response writes no duplicate") {
  CHECK(lost_response_run(true) == 10);
}

TEST_CASE("without idempotence a retry after a lost produce response writes the records twice") {
  CHECK(lost_response_run(false) == 20);
}
