// Issue 4 item 6: which acknowledged records survive broker crashes, as in Kafka. Each run is a whole
// engine::Run (tests/cluster/engine_fixture.h) and the history checker counts lost acknowledged records.
#include <catch2/catch.hpp>

#include "sim/core/rng.h"
#include "tests/cluster/engine_fixture.h"

using namespace kafkasim;
using kafkasim::testing::broker_command;
using kafkasim::testing::make_run;
using kafkasim::testing::ScenarioKnobs;
using engine::CommandKind;

namespace {
// Debug+ASan runs the engine ~30x slower: fewer seeds and a lighter workload there.
#ifdef __SANITIZE_ADDRESS__
constexpr std::uint64_t kSeeds = 1;
constexpr int kRatePerSec = 150;
#else
constexpr std::uint64_t kSeeds = 24;
constexpr int kRatePerSec = 500;
#endif

std::int32_t leader_of(engine::Run& run, int partition) {
  return run.controller().partitions().at(protocol::TopicPartition{"orders", partition}).leader;
}

// Runs the scenario, crashing `broker` (0: the leader of orders-0 then) at crash_us and restarting it
// at restart_us (never when < 0). Returns the checker's report.
check::Report crash_run(const ScenarioKnobs& k, std::uint64_t seed, std::int32_t broker, TimeUs crash_us,
                        TimeUs restart_us) {
  auto run = make_run(k, seed);
  run->sim().run_until(crash_us);
  if (broker == 0) broker = leader_of(*run, 0);
  REQUIRE(broker > 0);
  run->apply(broker_command(CommandKind::kCrashBroker, broker));
  if (restart_us >= 0) {
    run->sim().run_until(restart_us);
    run->apply(broker_command(CommandKind::kRestartBroker, broker));
  }
  run->sim().run_until(run->duration_us());
  return run->check_now();
}
}  // namespace

TEST_CASE("acks=all with min.insync.replicas=2 and RF=3 loses no acknowledged record when any one broker crashes") {
  ScenarioKnobs k;  // acks=all, min.insync.replicas=2, unclean election off
  k.rate_per_sec = kRatePerSec;
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    Rng rng(seed * 7919);
    const auto broker = static_cast<std::int32_t>(1 + rng.uniform(3));
    const TimeUs crash_us = ms_to_us(3000 + static_cast<std::int64_t>(rng.uniform(12000)));
    // Half the runs bring the broker back (recovery, truncation to the leader's epoch, ISR expansion).
    const TimeUs restart_us = rng.uniform(2) == 0 ? -1 : crash_us + ms_to_us(1 + static_cast<std::int64_t>(rng.uniform(15000)));
    INFO("seed " << seed << ": crash broker " << broker << " at " << crash_us << " us, restart at " << restart_us);
    const check::Report r = crash_run(k, seed, broker, crash_us, restart_us);
    CHECK(r.acked > 1000);
    CHECK(r.lost_acked == 0);
    CHECK(r.duplicates == 0);
  }
}

TEST_CASE("acks=1 loses acknowledged records when the leader crashes before its followers copy them") {
  ScenarioKnobs k;
  k.acks = "1";
  k.rate_per_sec = 2000;
  k.partitions = 1;
  k.duration = "12s";
  std::uint64_t found = 0;
  std::int64_t lost = 0;
  for (std::uint64_t seed = 1; seed <= 40 && found == 0; ++seed) {
    Rng rng(seed * 104729);
    const TimeUs crash_us = ms_to_us(3000) + static_cast<TimeUs>(rng.uniform(7'000'000));
    const check::Report r = crash_run(k, seed, 0, crash_us, -1);
    if (r.lost_acked > 0) {
      found = seed;
      lost = r.lost_acked;
    }
  }
  INFO("first seed losing acknowledged records: " << found << " (" << lost << " lost)");
  REQUIRE(found != 0);
  CHECK(lost > 0);
}

namespace {
// One partition, min.insync.replicas=1: both followers crash (the controller fences them and shrinks the ISR
// to the leader), the leader keeps acknowledging (committed: HW = its LEO), then the leader crashes and a
// stale follower comes back. The old leader returns last.
check::Report unclean_run(bool unclean, std::uint64_t seed) {
  ScenarioKnobs k;
  k.partitions = 1;
  k.min_insync_replicas = 1;
  k.unclean = unclean;
  k.duration = "60s";
  k.rate_per_sec = kRatePerSec;
  auto run = make_run(k, seed);
  run->sim().run_until(sec_to_us(4));
  const std::int32_t leader = leader_of(*run, 0);
  REQUIRE(leader > 0);
  std::vector<std::int32_t> followers;
  for (std::int32_t b = 1; b <= 3; ++b)
    if (b != leader) followers.push_back(b);
  for (auto f : followers) run->apply(broker_command(CommandKind::kCrashBroker, f));
  run->sim().run_until(sec_to_us(20));
  const protocol::TopicPartition tp{"orders", 0};
  CHECK(run->controller().partitions().at(tp).isr == std::vector<std::int32_t>{leader});
  run->apply(broker_command(CommandKind::kCrashBroker, leader));
  run->sim().run_until(sec_to_us(22));
  run->apply(broker_command(CommandKind::kRestartBroker, followers[0]));
  run->sim().run_until(sec_to_us(40));
  CHECK(run->controller().partitions().at(tp).leader == (unclean ? followers[0] : -1));
  run->apply(broker_command(CommandKind::kRestartBroker, leader));
  run->sim().run_until(run->duration_us());
  return run->check_now();
}
}  // namespace

TEST_CASE("an unclean leader election loses committed records; with it disabled the partition waits and loses none") {
  const check::Report unclean = unclean_run(true, 3);
  CHECK(unclean.acked > 1000);
  CHECK(unclean.lost_acked > 0);
  const check::Report clean = unclean_run(false, 3);
  CHECK(clean.acked > 1000);
  CHECK(clean.lost_acked == 0);
}
