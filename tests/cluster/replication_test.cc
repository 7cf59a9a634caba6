#include <catch2/catch.hpp>

#include "tests/cluster/cluster_fixture.h"

using namespace kafkasim;
using kafkasim::testing::ClusterFixture;

namespace {
client::ProducerRecord rec(std::uint64_t id, const std::string& topic, std::string key) {
  client::ProducerRecord r;
  r.id = id;
  r.topic = topic;
  r.key = std::move(key);
  r.value = std::string(100, 'v');
  return r;
}
}  // namespace

TEST_CASE("acks=all records are acknowledged once every ISR member has them") {
  ClusterFixture c(1);
  cluster::TopicConfig tc;
  tc.min_insync_replicas = 2;
  c.create_topic("orders", 3, 3, tc);
  c.sim.run_until(sec_to_us(3));
  auto& p = c.add_producer({});
  for (std::uint64_t i = 1; i <= 300; ++i) p.send(rec(i, "orders", "k" + std::to_string(i % 17)));
  c.sim.run_until(sec_to_us(10));
  REQUIRE(c.acked.size() == 300);
  REQUIRE(c.failed.empty());
  for (int part = 0; part < 3; ++part) {
    const protocol::TopicPartition tp{"orders", part};
    std::int64_t leo = -1;
    for (auto* b : c.brokers) {
      const auto* r = b->replica(tp);
      REQUIRE(r != nullptr);
      if (leo < 0) leo = r->log_end_offset();
      CHECK(r->log_end_offset() == leo);
      if (r->role() == cluster::ReplicaRole::kLeader) CHECK(r->high_watermark() == leo);
    }
  }
}
