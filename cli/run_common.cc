#include "cli/run_common.h"

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "sim/engine/overrides.h"
#include "sim/engine/session.h"
#include "sim/scenario/parser.h"

namespace kafkasim::cli {

namespace {

// The default lesson when `path` is empty; prints an error and returns "" when there is none.
std::string default_path_if_empty(std::string path) {
  if (path.empty()) {
    path = engine::default_scenario_path();
    if (path.empty()) {
      std::fprintf(stderr, "kafkasim: error: no SCENARIO given and no lesson library found in %s\n",
                   engine::scenario_dir().c_str());
      return "";
    }
  }
  return path;
}

bool apply_overrides(scenario::Scenario& sc, const std::vector<std::string>& overrides) {
  for (const std::string& o : overrides) {
    if (auto err = engine::apply_override(sc, o)) {
      std::fprintf(stderr, "kafkasim: error: %s\n", err->c_str());
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<scenario::Scenario> load_scenario(std::string path, const std::vector<std::string>& overrides) {
  path = default_path_if_empty(std::move(path));
  if (path.empty()) return std::nullopt;
  scenario::ParseResult parsed = scenario::parse_scenario_file(path);
  if (!parsed.ok()) {
    std::fprintf(stderr, "%s\n", parsed.error_text().c_str());
    return std::nullopt;
  }
  if (!apply_overrides(*parsed.scenario, overrides)) return std::nullopt;
  return std::move(parsed.scenario);
}

std::optional<record::ReplaySource> load_run(std::string path, std::optional<std::uint64_t> seed,
                                             const std::vector<std::string>& overrides) {
  path = default_path_if_empty(std::move(path));
  if (path.empty()) return std::nullopt;
  record::ReplaySource source;
  if (const record::Status s = record::open_replay_source(path, seed, &source); !s.ok()) {
    // Scenario parse errors are already "file:line:column: ..." lines; the reader's get the prefix.
    if (!source.from_recording) {
      std::fprintf(stderr, "%s\n", s.message().c_str());
    } else if (s.message().find(": not a kafkasim recording (") != std::string::npos) {
      std::fprintf(
          stderr,
          "kafkasim: error: %s; expected a scenario file (.yaml) or a kafkasim recording (a session saved "
          "by kafkasim-gui, or a kafkasim run --record file)\n",
          s.message().c_str());
    } else {
      std::fprintf(stderr, "kafkasim: error: %s\n", s.message().c_str());
    }
    return std::nullopt;
  }
  if (!apply_overrides(source.scenario, overrides)) return std::nullopt;
  return source;
}

// Adds a crash (or power loss) of a random broker at a random time, and its restart, drawn from the seed.
void add_random_faults(scenario::Scenario& sc, std::uint64_t seed) {
  if (sc.cluster.brokers.empty() || sc.duration_us <= 0) return;
  Rng rng = Rng::stream(seed, "sweep.random_faults");
  scenario::TimelineEvent ev;
  ev.at_us = sc.duration_us / 10 + static_cast<TimeUs>(rng.uniform(static_cast<std::uint64_t>(sc.duration_us / 2)));
  ev.kind = rng.chance_ppm(250'000) ? scenario::ActionKind::kPowerLoss : scenario::ActionKind::kCrash;
  scenario::NodeRef ref;
  ref.kind = scenario::NodeRef::Kind::kBroker;
  ref.broker = sc.cluster.brokers[rng.uniform(sc.cluster.brokers.size())].id;
  ev.nodes.push_back(ref);
  ev.for_us = sec_to_us(rng.between(5, 20));
  auto pos = std::upper_bound(sc.timeline.begin(), sc.timeline.end(), ev.at_us,
                              [](TimeUs t, const scenario::TimelineEvent& e) { return t < e.at_us; });
  sc.timeline.insert(pos, ev);
}

std::string describe_replay(const record::ReplaySource& source) {
  if (!source.from_recording) return "";
  return fmt::format("{}: {} of '{}' (recorded seed {}): its {} command{} replayed for every seed",
                     source.path,
                     source.kind == record::RecordingKind::kSession ? "visualizer session" : "run recording",
                     source.scenario.name, source.seed, source.commands.size(),
                     source.commands.size() == 1 ? " is" : "s are");
}

std::size_t run_to_end(engine::Run& run, std::optional<TimeUs> until_us,
                       const std::vector<engine::TimedCommand>& commands) {
  engine::CommandReplay replay(commands);
  run.start();
  const TimeUs end = until_us ? std::min(*until_us, run.duration_us()) : run.duration_us();
  replay.run_until(run, end);
  run.finish();
  return replay.applied();
}

}  // namespace kafkasim::cli
