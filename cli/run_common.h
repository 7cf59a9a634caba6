#pragma once
// Shared by the run, check-determinism and sweep commands: load a scenario (with --set overrides) and run
// it headless to the end.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/engine/run.h"
#include "sim/record/replay.h"
#include "sim/scenario/scenario.h"

namespace kafkasim::cli {

// Parses SCENARIO (the default lesson when empty) and applies the overrides. On error prints it and
// returns nullopt (exit code 2 for the caller).
std::optional<scenario::Scenario> load_scenario(std::string path, const std::vector<std::string>& overrides);

// `kafkasim run`: SCENARIO may also be a recording (a run, or a visualizer session): its recorded scenario
// text, seed (unless `seed` is given) and commands (docs/recording.md). The overrides apply to the
// scenario either way. On error prints it and returns nullopt (exit code 2 for the caller).
std::optional<record::ReplaySource> load_run(std::string path, std::optional<std::uint64_t> seed,
                                             const std::vector<std::string>& overrides);

struct RunOutcome {
  std::uint64_t trace_hash = 0;
  std::uint64_t events = 0;
  bool expectations_passed = true;
};

// Adds a crash (or power loss) of a random broker at a random time and its restart, drawn from `seed`
// (kafkasim sweep --random-faults, and run --random-faults to replay one of its seeds).
void add_random_faults(scenario::Scenario& scenario, std::uint64_t seed);

// Runs to the end of the scenario (or `until_us`), evaluates the expectations. The Run stays usable.
void run_to_end(engine::Run& run, std::optional<TimeUs> until_us);

}  // namespace kafkasim::cli
