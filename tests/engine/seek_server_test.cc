// The sim server and RemoteDriver (sim/engine/sim_server.h, remote_driver.h): exact seeks through fork()
// checkpoints, the snapshot codec, and no process left behind.
#include <catch2/catch.hpp>

#include <csignal>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include "sim/engine/remote_driver.h"
#include "sim/engine/session.h"
#include "sim/engine/snapshot_codec.h"
#include "sim/scenario/parser.h"
#include "tests/engine/process_state.h"
#include "tests/engine/seek_scenario.h"

using namespace kafkasim;

namespace {
using kafkasim_test::all_ended;
using kafkasim_test::kScenario;
// Sim times of these tests, in seconds of a 40 s run; under ASan everything is scaled to 40% (a 16 s run).
#ifdef __SANITIZE_ADDRESS__
constexpr TimeUs kTenthsPerSecond = 4;
#else
constexpr TimeUs kTenthsPerSecond = 10;
#endif
constexpr TimeUs at(TimeUs seconds) { return seconds * kTenthsPerSecond * 100'000; }
constexpr TimeUs kDurationUs = at(40);  // the shared scenario, run longer

scenario::Scenario parse() {
  auto r = scenario::parse_scenario_text(kScenario, "seek_test.yaml");
  REQUIRE(r.ok());
  r.scenario->duration_us = kDurationUs;
  return *r.scenario;
}

std::unique_ptr<engine::RemoteDriver> open_remote(std::size_t max_checkpoints = 40, bool explore = false) {
  engine::server::ServerSpec spec;
  spec.scenario_text = kScenario;
  spec.scenario_source = "seek_test.yaml";
  spec.duration_us = kDurationUs;
  spec.checkpoint_interval_us = at(5);
  engine::RemoteOptions options;
  options.max_checkpoints = max_checkpoints;
  options.explore = explore;
  std::string error;
  auto d = engine::RemoteDriver::open(spec, options, error);
  INFO(error);
  REQUIRE(d != nullptr);
  return d;
}

std::string bytes_of(const engine::Snapshot& s) {
  engine::codec::Writer w;
  engine::codec::encode(w, s);
  return w.take();
}

engine::Command command(engine::CommandKind kind, std::int32_t node) {
  engine::Command c;
  c.kind = kind;
  c.node = node;
  return c;
}

}  // namespace

TEST_CASE("the snapshot codec round-trips every field of every struct") {
  engine::Snapshot filled;
  engine::codec::fill_every_field(filled);
  const std::string bytes = bytes_of(filled);
  CHECK(bytes != bytes_of(engine::Snapshot{}));
  engine::codec::Reader r(bytes);
  engine::Snapshot back;
  engine::codec::decode(r, back);
  CHECK(r.ok());
  CHECK(r.at_end());
  CHECK(bytes_of(back) == bytes);
  CHECK(back.partitions.at(1).replica_views.at(1).truncated_at_us == filled.partitions[1].replica_views[1].truncated_at_us);
  CHECK(back.producers.at(0).rate_per_sec == filled.producers[0].rate_per_sec);
  CHECK(back.groups.at(1).lag_history.at(0).total_lag == filled.groups[1].lag_history[0].total_lag);

  engine::Command c;
  engine::codec::fill_every_field(c);
  engine::codec::Writer w;
  engine::codec::encode(w, c);
  engine::codec::Reader cr(w.bytes());
  engine::Command c2;
  engine::codec::decode(cr, c2);
  engine::codec::Writer w2;
  engine::codec::encode(w2, c2);
  CHECK(w2.bytes() == w.bytes());
  CHECK(c2.groups == c.groups);
}

TEST_CASE("decoding truncated or garbage bytes fails without crashing") {
  engine::Snapshot filled;
  engine::codec::fill_every_field(filled);
  const std::string bytes = bytes_of(filled);
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, bytes.size() / 3, bytes.size() - 1}) {
    engine::codec::Reader r(std::string_view(bytes).substr(0, cut));
    engine::Snapshot s;
    engine::codec::decode(r, s);
    CHECK_FALSE(r.ok());
  }
  const std::string garbage(64, '\xff');
  engine::codec::Reader r(garbage);
  engine::Snapshot s;
  engine::codec::decode(r, s);
  CHECK_FALSE(r.ok());
}

TEST_CASE("a remote seek backwards through a checkpoint equals the in-process seek, commands included") {
  auto remote = open_remote();
  engine::Session local(parse(), {});
  for (engine::Driver* d : {static_cast<engine::Driver*>(remote.get()), static_cast<engine::Driver*>(&local)}) {
    d->advance_to(at(6) + 250, UINT64_MAX);
    d->apply(command(engine::CommandKind::kCrashBroker, 2));
    d->advance_to(at(12), UINT64_MAX);
    d->apply(command(engine::CommandKind::kRestartBroker, 2));
    d->seek(at(35));
  }
  CHECK(remote->checkpoints().size() >= 7);  // 0, 5, 10, ... 35 s
  CHECK(bytes_of(remote->snapshot()) == bytes_of(local.snapshot()));
  for (TimeUs t : {at(13), at(6), at(30) + 7, at(1)}) {
    INFO("seek to " << t);
    remote->seek(t);
    local.seek(t);
    CHECK(remote->now_us() == t);
    CHECK(bytes_of(remote->snapshot()) == bytes_of(local.snapshot()));
    CHECK(remote->marks().size() == local.marks().size());
    CHECK(remote->recent_events(50, "").size() == 50);
    CHECK(remote->recent_events(50, "").back().number == local.recent_events(50, "").back().number);
  }
  remote->seek_event(40000);
  local.seek_event(40000);
  CHECK(bytes_of(remote->snapshot()) == bytes_of(local.snapshot()));
}

TEST_CASE("a seek to t gives the same trace hash and snapshot as playing to t") {
  auto player = open_remote();
  for (TimeUs t = 0; t < at(27); t += 16667 * 30) player->advance_to(t, 2000);  // 30 frames of 60 Hz
  player->advance_to(at(27), UINT64_MAX);
  player->seek(at(27));  // a seek to where it is: refreshes the checker report like every seek
  const std::string played = bytes_of(player->snapshot());
  auto seeker = open_remote();
  seeker->seek(at(38));
  seeker->seek(at(27));
  CHECK(bytes_of(seeker->snapshot()) == played);
  CHECK(seeker->snapshot().trace_hash == player->snapshot().trace_hash);
}

TEST_CASE("a command applied after a backward seek discards the later checkpoints and that future") {
  auto remote = open_remote();  // no explorer: it would bring new checkpoints of the new future
  engine::Session local(parse(), {});
  remote->seek(at(30));
  const std::size_t before = remote->checkpoints().size();
  for (engine::Driver* d : {static_cast<engine::Driver*>(remote.get()), static_cast<engine::Driver*>(&local)}) {
    d->seek(at(30));
    d->seek(at(11));
    d->apply(command(engine::CommandKind::kPauseNode, 3));
  }
  CHECK(remote->checkpoints().size() < before);
  for (const auto& c : remote->checkpoints()) CHECK(c.events_executed <= remote->snapshot().events_executed);
  for (engine::Driver* d : {static_cast<engine::Driver*>(remote.get()), static_cast<engine::Driver*>(&local)}) {
    d->seek(at(25));
    d->seek(at(16));
  }
  CHECK(bytes_of(remote->snapshot()) == bytes_of(local.snapshot()));
  CHECK(remote->snapshot().brokers.at(2).status == engine::NodeStatus::kPaused);
}

TEST_CASE("the explorer checkpoints the whole run ahead, so a first forward seek wakes its checkpoint") {
  auto remote = open_remote(40, true);
  engine::Session local(parse(), {});
  remote->wait_explored();
  CHECK_FALSE(remote->exploring());
  REQUIRE(remote->checkpoints().size() == 9);  // 0, 5 s ... 35 s and the end (after its final check)
  CHECK(remote->checkpoints().back().sim_now_us == kDurationUs);
  remote->seek(at(37));
  local.seek(at(37));
  CHECK(bytes_of(remote->snapshot()) == bytes_of(local.snapshot()));
  remote->apply(command(engine::CommandKind::kCrashBroker, 3));
  local.apply(command(engine::CommandKind::kCrashBroker, 3));
  CHECK(remote->exploring());  // a new explorer for the new future
  remote->wait_explored();
  remote->seek(at(40));
  local.seek(at(40));
  CHECK(bytes_of(remote->snapshot()) == bytes_of(local.snapshot()));
}

TEST_CASE("at most max_checkpoints are kept and the start of the run is one of them") {
  auto remote = open_remote(4);
  remote->seek(at(40));
  CHECK(remote->finished());
  REQUIRE(remote->checkpoints().size() == 4);
  CHECK(remote->checkpoints().front().events_executed == 0);
  remote->seek(at(2));
  CHECK(remote->now_us() == at(2));
}

TEST_CASE("no server or checkpoint process outlives the driver") {
  std::vector<pid_t> pids;
  {
    auto remote = open_remote(40, true);
    remote->seek(at(20));
    remote->seek(at(7));
    pids = remote->process_ids();
  }
  CHECK(pids.size() >= 5);
  CHECK(all_ended(pids));
}

TEST_CASE("when the GUI process dies its servers and checkpoints exit") {
  int p[2];
  REQUIRE(::pipe(p) == 0);
  const pid_t gui = ::fork();
  REQUIRE(gui >= 0);
  if (gui == 0) {
    ::close(p[0]);
    auto remote = open_remote(40, true);
    remote->seek(at(12));
    remote->seek(at(3));
    for (pid_t pid : remote->process_ids()) {
      if (::write(p[1], &pid, sizeof pid) != sizeof pid) break;
    }
    ::_exit(0);  // a crash: no destructor runs
  }
  ::close(p[1]);
  std::vector<pid_t> pids;
  pid_t pid;
  while (::read(p[0], &pid, sizeof pid) == sizeof pid) pids.push_back(pid);
  ::close(p[0]);
  int status = 0;
  ::waitpid(gui, &status, 0);
  CHECK(pids.size() >= 4);
  CHECK(all_ended(pids));
}

TEST_CASE("play through prefetched frames equals play through plain advances, snapshot for snapshot") {
  auto prefetching = open_remote();
  auto plain = open_remote();
  TimeUs t = 0;
  for (int frame = 0; frame < 40; ++frame) {
    t += 16667 * 4;
    prefetching->advance_to(t, 2000);  // announced last frame (but the first): only collects the answers
    plain->advance_to(t, 2000);
    REQUIRE(bytes_of(prefetching->snapshot()) == bytes_of(plain->snapshot()));
    prefetching->prefetch_advance(t + 16667 * 4, 2000);
  }
  // A call other than the announced advance reads the outstanding answers first.
  plain->advance_to(t + 16667 * 4, 2000);
  CHECK(prefetching->now_us() == t);  // not read yet
  prefetching->seek(at(1));
  plain->seek(at(1));
  CHECK(bytes_of(prefetching->snapshot()) == bytes_of(plain->snapshot()));
}

TEST_CASE("a held explorer is stopped while play runs and continues after") {
  auto remote = open_remote(40, /*explore=*/true);
  REQUIRE(remote->exploring());
  const pid_t explorer = remote->explorer_pid();
  REQUIRE(explorer > 0);
  remote->hold_background_work(true);
  char s = '?';
  for (int i = 0; i < 200 && (s = kafkasim_test::process_state(explorer)) != 'T' && s != 'Z' && s != '?'; ++i) ::usleep(5000);
  CHECK((s == 'T' || s == 'Z' || s == '?'));  // stopped (or already at the end of the run)
  remote->hold_background_work(false);
  remote->wait_explored();  // would never return with the explorer still stopped
  CHECK_FALSE(remote->exploring());
}
