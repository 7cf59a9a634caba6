#pragma once
// Shared by the run, check-determinism and sweep commands: load a scenario or a recording (with --set
// overrides) and run it headless to the end, replaying a recording's commands at their event numbers.
#include <cstddef>
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

// `kafkasim run`, `check-determinism` and `sweep`: SCENARIO may also be a recording (a run, or a
// visualizer session): its recorded scenario text, seed (unless `seed` is given) and commands
// (docs/recording.md). The overrides apply to the scenario either way. On error prints one line (a file
// that is not a recording: "kafkasim: error: FILE: not a kafkasim recording (...); expected ...") and
// returns nullopt (exit code 2 for the caller).
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

// For check-determinism and sweep given a recording: one line saying what replays, e.g.
// "s.sqlite: visualizer session of 'name' (recorded seed 11): its 6 commands are replayed for every seed";
// "" for a scenario file.
std::string describe_replay(const record::ReplaySource& source);

// Runs to the end of the scenario (or `until_us`), applying `commands` right after their event numbers
// (engine::CommandReplay), and evaluates the expectations. Returns how many commands were applied (the
// rest were due after the end). The Run stays usable.
std::size_t run_to_end(engine::Run& run, std::optional<TimeUs> until_us,
                       const std::vector<engine::TimedCommand>& commands = {});

}  // namespace kafkasim::cli
