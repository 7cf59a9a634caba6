// kafkasim bench seek: how long the visualizer's Session takes to seek in a long run. A backwards seek
// rebuilds the run and re-executes it up to the target (engine/session.h), so the cost grows with the
// target time. Goal (issue 8): any point of a 10-minute simulated run within 1 s.
#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include "cli/bench.h"
#include "cli/command.h"
#include "cli/run_common.h"
#include "sim/core/duration.h"
#include "sim/engine/session.h"

namespace kafkasim::cli {
namespace {

struct SeekArgs {
  std::string scenario;
  std::string duration = "10m";
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int bench_seek(const SeekArgs& a) {
  auto sc = load_scenario(a.scenario, {});
  if (!sc) return kExitBadInput;
  const DurationParse d = parse_duration(a.duration);
  if (!d.value) return bad_input(fmt::format("--duration '{}': expected {}", a.duration, d.error));
  sc->duration_us = *d.value;  // the scenario's timeline and workload, run for longer
  std::printf("kafkasim bench seek: %s, %s simulated\nmachine: %s\n", sc->name.c_str(), format_time(sc->duration_us).c_str(),
              machine_description().c_str());
  engine::Session session(*sc, {});
  auto t0 = std::chrono::steady_clock::now();
  session.seek(sc->duration_us);
  const double forward = seconds_since(t0);
  std::printf("seek 0 -> end (forward, %llu events): %.3f s\n",
              static_cast<unsigned long long>(session.snapshot().events_executed), forward);
  double worst = forward;
  for (int i = 1; i <= 4; ++i) {
    const TimeUs target = sc->duration_us * (5 - i) / 4;  // end, 3/4, 1/2, 1/4 (backwards each time)
    t0 = std::chrono::steady_clock::now();
    session.seek(target);
    const double s = seconds_since(t0);
    worst = std::max(worst, s);
    std::printf("seek back to %s: %.3f s\n", format_time(target).c_str(), s);
  }
  std::printf("worst seek: %.3f s (goal <= 1 s): %s\n", worst, worst <= 1.0 ? "met" : "missed");
  return kExitOk;
}

const BenchRegistrar kSeek("seek", "Seek times of the visualizer's Session in a long run", [](CLI::App& sub) {
  auto args = std::make_shared<SeekArgs>();
  sub.add_option("scenario", args->scenario, "scenario (default: the first lesson)");
  sub.add_option("--duration", args->duration, "simulated length of the run (default 10m)");
  return std::function<int()>([args] { return bench_seek(*args); });
});

}  // namespace
}  // namespace kafkasim::cli
