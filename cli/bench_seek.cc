// kafkasim bench seek: how long the visualizer takes to seek in a long run (issue 8: any point of a
// 10-minute simulated run within 1 s). By default it measures what kafkasim-gui uses, the RemoteDriver
// (sim/engine/remote_driver.h): the run lives in a sim-server process that leaves a fork() checkpoint every
// --interval of sim time, and a seek wakes the newest checkpoint at or before the target. --in-process
// measures the plain engine::Session instead (a backward seek re-executes from t=0).
//
// Sequence: open; wait for the background explorer to reach the end (its time is printed; the GUI stays
// usable meanwhile) - or with --no-explore, seek forward to the end (cold: every event runs once in the
// server, checkpoints are made on the way); back to 3/4, 1/2, 1/4; then --random seeded random targets (the seed is printed); then a forward seek
// from the start to the end again (through the checkpoints). Each figure includes fetching the snapshot
// the GUI would draw. Memory: RSS and PSS (proportional: shared copy-on-write pages divided among the
// processes sharing them) summed over the root, the server and every checkpoint, from /proc.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "cli/bench.h"
#include "cli/command.h"
#include "cli/run_common.h"
#include "sim/core/duration.h"
#include "sim/core/rng.h"
#include "sim/engine/remote_driver.h"
#include "sim/engine/session.h"

namespace kafkasim::cli {
namespace {

struct SeekArgs {
  std::string scenario;
  std::string duration = "10m";
  std::string interval = "20s";
  std::size_t max_checkpoints = 40;
  int random = 20;
  std::uint64_t seed = 1;
  bool in_process = false;
  bool no_explore = false;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Rss and Pss of a process in KiB, from /proc/PID/smaps_rollup (0 when it is gone).
std::pair<std::uint64_t, std::uint64_t> memory_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
  std::uint64_t rss = 0;
  std::uint64_t pss = 0;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string key;
    std::uint64_t kib = 0;
    fields >> key >> kib;
    if (key == "Rss:") rss = kib;
    if (key == "Pss:") pss = kib;
  }
  return {rss, pss};
}

struct Timer {
  engine::Driver& driver;
  double worst = 0;
  double total = 0;
  int count = 0;
  void seek(TimeUs target, const std::string& label) {
    const auto t0 = std::chrono::steady_clock::now();
    driver.seek(target);
    const std::uint64_t events = driver.snapshot().events_executed;
    const double s = seconds_since(t0);
    worst = std::max(worst, s);
    total += s;
    ++count;
    if (!label.empty()) {
      std::printf("  %-34s %8.3f s  (%llu events)\n", label.c_str(), s, static_cast<unsigned long long>(events));
    }
  }
};

void print_memory(const engine::RemoteDriver& remote) {
  std::uint64_t rss = 0;
  std::uint64_t pss = 0;
  for (pid_t pid : remote.process_ids()) {
    const auto [r, p] = memory_kib(pid);
    rss += r;
    pss += p;
  }
  std::printf("  memory: %zu checkpoints + server + root: RSS sum %.0f MiB, PSS sum %.0f MiB\n",
              remote.checkpoints().size(), rss / 1024.0, pss / 1024.0);
}

int bench_seek(const SeekArgs& a) {
  auto sc = load_scenario(a.scenario, {});
  if (!sc) return kExitBadInput;
  const DurationParse d = parse_duration(a.duration);
  if (!d.value) return bad_input(fmt::format("--duration '{}': expected {}", a.duration, d.error));
  const DurationParse iv = parse_duration(a.interval);
  if (!iv.value || *iv.value <= 0) return bad_input(fmt::format("--interval '{}': expected a positive duration", a.interval));
  const TimeUs duration_us = *d.value;  // the scenario's timeline and workload, run for longer
  std::printf("kafkasim bench seek: %s, %s simulated, %s\nmachine: %s\n", sc->name.c_str(),
              format_time(duration_us).c_str(),
              a.in_process ? "in-process Session (re-execution from t=0)"
                           : fmt::format("sim server, checkpoint every {}, at most {}", format_time(*iv.value),
                                         a.max_checkpoints).c_str(),
              machine_description().c_str());
  std::unique_ptr<engine::Driver> driver;
  engine::RemoteDriver* remote = nullptr;
  if (a.in_process) {
    sc->duration_us = duration_us;
    driver = std::make_unique<engine::Session>(*sc, engine::RunOptions{});
  } else {
    engine::server::ServerSpec spec;
    spec.scenario_source = a.scenario.empty() ? engine::default_scenario_path() : a.scenario;
    std::ifstream in(spec.scenario_source);
    std::ostringstream text;
    text << in.rdbuf();
    spec.scenario_text = text.str();
    spec.duration_us = duration_us;
    spec.checkpoint_interval_us = *iv.value;
    engine::RemoteOptions options;
    options.max_checkpoints = a.max_checkpoints;
    options.explore = !a.no_explore;
    std::string error;
    auto r = engine::RemoteDriver::open(spec, options, error);
    if (r == nullptr) return bad_input(error);
    remote = r.get();
    driver = std::move(r);
  }
  Timer timer{*driver};
  if (remote != nullptr && remote->exploring()) {
    const auto t0 = std::chrono::steady_clock::now();
    remote->wait_explored();
    std::printf("  %-34s %8.3f s  (in the background, %zu checkpoints)\n", "explorer: start -> end of the run",
                seconds_since(t0), remote->checkpoints().size());
  }
  timer.seek(duration_us, remote != nullptr && !a.no_explore ? "seek 0 -> end (forward)" : "seek 0 -> end (cold, forward)");
  if (remote != nullptr) print_memory(*remote);
  Timer warm{*driver};
  for (int i = 3; i >= 1; --i) warm.seek(duration_us * i / 4, fmt::format("seek back to {}", format_time(duration_us * i / 4)));
  Rng rng = Rng::stream(a.seed, "bench.seek");
  for (int i = 0; i < a.random; ++i) warm.seek(static_cast<TimeUs>(rng.uniform(static_cast<std::uint64_t>(duration_us) + 1)), "");
  if (a.random > 0) {
    std::printf("  %d random seeks (seed %llu): mean %.3f s\n", a.random, static_cast<unsigned long long>(a.seed),
                warm.total / std::max(warm.count, 1));
  }
  warm.seek(duration_us - 1000000, "seek to end-1s");
  warm.seek(duration_us - 1000, "seek to end-1ms");
  warm.seek(duration_us, "seek to end");
  warm.seek(0, "seek to 0");
  warm.seek(duration_us, "seek 0 -> end (warm, forward)");
  if (remote != nullptr) print_memory(*remote);
  std::printf("worst seek after the first: %.3f s (goal <= 1 s): %s; first seek 0 -> end: %.3f s\n", warm.worst,
              warm.worst <= 1.0 ? "met" : "missed", timer.worst);
  return kExitOk;
}

const BenchRegistrar kSeek("seek", "Seek times of the visualizer's driver in a long run", [](CLI::App& sub) {
  auto args = std::make_shared<SeekArgs>();
  sub.add_option("scenario", args->scenario, "scenario (default: the first lesson)");
  sub.add_option("--duration", args->duration, "simulated length of the run (default 10m)");
  sub.add_option("--interval", args->interval, "sim time between checkpoints (default 20s)");
  sub.add_option("--max-checkpoints", args->max_checkpoints, "checkpoints kept (default 40)");
  sub.add_option("--random", args->random, "random seek targets (default 20)");
  sub.add_option("--seed", args->seed, "seed of the random targets (default 1)");
  sub.add_flag("--no-explore", args->no_explore, "no background explorer (checkpoints only where seeks went)");
  sub.add_flag("--in-process", args->in_process, "measure the in-process Session (re-execution from t=0)");
  return std::function<int()>([args] { return bench_seek(*args); });
});

}  // namespace
}  // namespace kafkasim::cli
