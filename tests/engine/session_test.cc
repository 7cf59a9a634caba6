#include <catch2/catch.hpp>

#include "sim/engine/overrides.h"
#include "sim/engine/run.h"
#include "sim/engine/session.h"
#include "sim/scenario/parser.h"
#include "tests/engine/seek_scenario.h"

using namespace kafkasim;

namespace {
using kafkasim_test::kScenario;

scenario::Scenario parse() {
  auto r = scenario::parse_scenario_text(kScenario, "engine_test.yaml");
  REQUIRE(r.ok());
  return *r.scenario;
}

std::uint64_t run_hash(std::uint64_t seed) {
  engine::RunOptions o;
  o.seed = seed;
  scenario::Scenario sc = parse();
#ifdef __SANITIZE_ADDRESS__
  sc.duration_us = sec_to_us(10);  // each test under ~20 s in Debug+ASan
#endif
  engine::Run run(sc, o);
  run.start();
  run.sim().run_until(run.duration_us());
  return run.sim().trace_hash();
}
}  // namespace

TEST_CASE("the same seed gives the same trace hash and different seeds differ") {
#ifdef __SANITIZE_ADDRESS__
  constexpr std::uint64_t kSeeds = 2;
#else
  constexpr std::uint64_t kSeeds = 5;
#endif
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    INFO("seed " << seed);
    CHECK(run_hash(seed) == run_hash(seed));
  }
  CHECK(run_hash(1) != run_hash(2));
}

TEST_CASE("a leader crash with acks=all and min.insync.replicas=2 loses nothing and the expectations hold") {
  engine::Run run(parse(), {});
  run.start();
  run.sim().run_until(run.duration_us());
  run.finish();
  for (const auto& x : run.expectations()) {
    INFO(x.text << ": " << x.explanation);
    CHECK(x.passed);
  }
  const check::Report rep = run.check_now();
  CHECK(rep.acked > 2000);
  CHECK(rep.lost_acked == 0);
}

TEST_CASE("seeking backwards replays the run exactly, commands included") {
  engine::Session s(parse(), {});
  s.advance_to(sec_to_us(5), UINT64_MAX);
  engine::Command crash;
  crash.kind = engine::CommandKind::kCrashBroker;
  crash.node = 2;
  s.apply(crash);
  s.advance_to(sec_to_us(12), UINT64_MAX);
  const std::uint64_t hash_at_12 = s.snapshot().trace_hash;
  const std::uint64_t events_at_12 = s.snapshot().events_executed;
  s.advance_to(sec_to_us(25), UINT64_MAX);
  s.seek(sec_to_us(12));
  CHECK(s.now_us() == sec_to_us(12));
  CHECK(s.snapshot().events_executed == events_at_12);
  CHECK(s.snapshot().trace_hash == hash_at_12);
  const auto& brokers = s.snapshot().brokers;
  REQUIRE(brokers.size() == 3);
  CHECK(brokers[1].status == engine::NodeStatus::kDown);  // the replayed command crashed broker 2 again
}

TEST_CASE("the session stops at the scenario's pause point and marks the timeline") {
  engine::Session s(parse(), {});
  CHECK(s.next_pause_point_us() == sec_to_us(8));
  s.advance_to(sec_to_us(9), UINT64_MAX);
  bool fault = false;
  for (const auto& m : s.marks()) fault = fault || m.kind == engine::MarkKind::kFault;
  CHECK(fault);
  CHECK(s.snapshot().narration == "the leader dies");
}

TEST_CASE("overrides given with --set are validated like the scenario file") {
  scenario::Scenario sc = parse();
  CHECK_FALSE(engine::apply_override(sc, "acks=1").has_value());
  CHECK(engine::apply_override(sc, "acks=2").has_value());
  CHECK(engine::apply_override(sc, "no.such.key=1").has_value());
  CHECK_FALSE(engine::apply_override(sc, "topic/orders:min.insync.replicas=3").has_value());
  CHECK(engine::apply_override(sc, "topic/nope:min.insync.replicas=3").has_value());
}

TEST_CASE("a session started with recorded commands replays them exactly as a backward seek does") {
  engine::Session live(parse(), {});
  live.advance_to(sec_to_us(5) + 123, UINT64_MAX);  // between two events: the shown time moves, the clock not
  engine::Command crash;
  crash.kind = engine::CommandKind::kCrashBroker;
  crash.node = 2;
  live.apply(crash);
  live.advance_to(sec_to_us(9), UINT64_MAX);
  engine::Command restart;
  restart.kind = engine::CommandKind::kRestartBroker;
  restart.node = 2;
  live.apply(restart);
  live.advance_to(sec_to_us(14), UINT64_MAX);
  const engine::Snapshot at_14 = live.snapshot();

  engine::Session replayed(parse(), {}, live.commands());
  replayed.seek(sec_to_us(14));
  CHECK(replayed.now_us() == sec_to_us(14));
  CHECK(replayed.snapshot().events_executed == at_14.events_executed);
  CHECK(replayed.snapshot().trace_hash == at_14.trace_hash);
  CHECK(replayed.commands().size() == 2);

  live.seek(sec_to_us(3));
  live.seek(sec_to_us(14));
  CHECK(live.snapshot().trace_hash == at_14.trace_hash);
}

TEST_CASE("a Session played to the end runs the events at exactly the end time, as kafkasim run does") {
  // Producer ticks every 100 ms from t=0 put events at exactly the 2 s end.
  const char* text =
      "name: end\nduration: 2s\ncluster: {brokers: 1}\n"
      "topics: [{name: t, partitions: 1, replication.factor: 1}]\n"
      "producers: [{id: p, topic: t, rate: 10/s}]\n";
  auto parsed = scenario::parse_scenario_text(text, "end.yaml");
  REQUIRE(parsed.ok());
  engine::Run run(*parsed.scenario, {});
  run.start();
  run.sim().run_until(run.duration_us());
  engine::Session session(*parsed.scenario, {});
  session.advance_to(sec_to_us(10), 100'000'000);
  CHECK(session.finished());
  CHECK(session.run().sim().events_executed() == run.sim().events_executed());
  CHECK(session.run().sim().trace_hash() == run.sim().trace_hash());
}
