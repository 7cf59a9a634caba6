// When the broker's log cleaner runs: every log.cleaner.backoff.ms (Kafka's LogCleaner thread), not from
// the retention task (log.retention.check.interval.ms), and only with log.cleaner.enable.
#include <catch2/catch.hpp>

#include "tests/cluster/cluster_fixture.h"

using namespace kafkasim;
using kafkasim::testing::ClusterFixture;

namespace {
const protocol::TopicPartition kTp{"profiles", 0};

// A compacted one-partition RF=3 topic whose segments roll every second.
void compacted_topic(ClusterFixture& c) {
  cluster::TopicConfig tc;
  tc.cleanup_policy = "compact";
  tc.segment_ms = 1000;
  c.create_topic("profiles", 1, 3, tc);
}

// Sends `n` updates of 5 keys now.
void send_updates(client::Producer& p, std::uint64_t& next_id, int n) {
  for (int i = 0; i < n; ++i, ++next_id) {
    client::ProducerRecord r;
    r.id = next_id;
    r.topic = "profiles";
    r.key = "user-" + std::to_string(next_id % 5);
    r.value = std::string(50, 'v');
    p.send(r);
  }
}

// From `start_s`: three rounds of 50 updates 2 s apart (start_s, +2, +4), then runs to start_s + 6 s.
// With segment.ms=1000 that leaves two closed, fully dirty segments and an active one.
void write_three_rounds(ClusterFixture& c, client::Producer& p, std::uint64_t& next_id, int start_s) {
  c.sim.run_until(sec_to_us(start_s));
  for (int round = 0; round < 3; ++round) {
    send_updates(p, next_id, 50);
    c.sim.run_until(sec_to_us(start_s + 2 * (round + 1)));
  }
}

// Records the cleaner removed from profiles-0, per broker.
std::vector<std::uint64_t> compacted_away(ClusterFixture& c) {
  std::vector<std::uint64_t> out;
  for (auto* b : c.brokers) {
    const cluster::Replica* r = b->replica(kTp);
    out.push_back(r == nullptr ? 0 : r->log().counters().maintenance.records_compacted_away);
  }
  return out;
}

bool all_above(const std::vector<std::uint64_t>& now, const std::vector<std::uint64_t>& before) {
  for (std::size_t i = 0; i < now.size(); ++i) {
    if (now[i] <= before[i]) return false;
  }
  return true;
}
}  // namespace

TEST_CASE("a compacted topic is cleaned at the cleaner's next wake-up (log.cleaner.backoff.ms) and not at the retention check") {
  ClusterFixture c(21);  // log.cleaner.backoff.ms 15 s, log.retention.check.interval.ms 5 min (Kafka's defaults)
  REQUIRE(c.brokers.front()->config().log_cleaner_backoff_ms == 15000);
  compacted_topic(c);
  auto& p = c.add_producer({});
  std::uint64_t id = 1;
  write_three_rounds(c, p, id, 2);
  c.sim.run_until(ms_to_us(14'900));
  const std::vector<std::uint64_t> none{0, 0, 0};
  CHECK(compacted_away(c) == none);  // dirty enough since ~6 s, but the cleaner sleeps until 15 s
  c.sim.run_until(ms_to_us(15'100));
  const auto first = compacted_away(c);
  CHECK(all_above(first, none));  // every replica's cleaner ran at 15 s
  // New updates at 20, 22 and 24 s make the log dirty again: the next wake-up (30 s) cleans them.
  write_three_rounds(c, p, id, 20);
  c.sim.run_until(ms_to_us(29'900));
  CHECK(compacted_away(c) == first);
  c.sim.run_until(ms_to_us(30'100));
  CHECK(all_above(compacted_away(c), first));
  CHECK(c.acked.size() == 300);
}

TEST_CASE("with log.cleaner.enable=false a compacted topic is never cleaned however often retention runs") {
  cluster::BrokerConfig config;
  config.log_cleaner_enable = false;
  config.log_retention_check_interval_ms = 1000;
  ClusterFixture c(22, 3, config);
  compacted_topic(c);
  auto& p = c.add_producer({});
  std::uint64_t id = 1;
  write_three_rounds(c, p, id, 2);
  c.sim.run_until(sec_to_us(60));
  REQUIRE(c.acked.size() == 150);
  CHECK(compacted_away(c) == std::vector<std::uint64_t>{0, 0, 0});
  CHECK(c.broker(1).replica(kTp)->log().segments().size() >= 3);
}
