// kafkasim sweep: many seeds of one scenario, in parallel processes; lists the failing seeds and the
// command that replays each. --shard i/n takes every n-th seed so a batch system can split a sweep.
// SCENARIO may be a recording (a visualizer session, or a run recording): its scenario, with its commands
// replayed at their event numbers for every seed.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <map>

#include <fmt/format.h>

#include "cli/command.h"
#include "cli/run_common.h"
#include "sim/engine/run.h"

namespace kafkasim::cli {
namespace {

struct SweepArgs {
  std::string scenario;
  std::string seeds = "1..100";
  int jobs = 2;
  std::string shard;
  bool random_faults = false;
  std::vector<std::string> sets;
};

// One seed in this process: 0 pass, 1 expectations failed.
int run_seed(const record::ReplaySource& source, std::uint64_t seed, bool random_faults) {
  scenario::Scenario sc = source.scenario;
  if (random_faults) add_random_faults(sc, seed);
  engine::RunOptions options;
  options.seed = seed;
  engine::Run run(sc, options);
  run_to_end(run, std::nullopt, source.commands);
  return run.expectations_passed() ? 0 : 1;
}

int sweep(const SweepArgs& a) {
  const auto dots = a.seeds.find("..");
  if (dots == std::string::npos) return bad_input(fmt::format("--seeds '{}': expected A..B, e.g. 1..1000", a.seeds));
  std::uint64_t first = 0, last = 0;
  try {
    first = std::stoull(a.seeds.substr(0, dots));
    last = std::stoull(a.seeds.substr(dots + 2));
  } catch (...) {
    return bad_input(fmt::format("--seeds '{}': expected A..B with whole numbers", a.seeds));
  }
  if (last < first) return bad_input(fmt::format("--seeds '{}': expected A <= B", a.seeds));
  std::uint64_t shard = 0, shards = 1;
  if (!a.shard.empty()) {
    const auto slash = a.shard.find('/');
    try {
      shard = std::stoull(a.shard.substr(0, slash));
      shards = std::stoull(a.shard.substr(slash + 1));
    } catch (...) {
      shards = 0;
    }
    if (slash == std::string::npos || shards == 0 || shard >= shards) {
      return bad_input(fmt::format("--shard '{}': expected i/n with 0 <= i < n", a.shard));
    }
  }
  if (a.jobs < 1) return bad_input("--jobs: expected at least 1");
  const auto source = load_run(a.scenario, std::nullopt, a.sets);
  if (!source) return kExitBadInput;
  if (source->from_recording) std::printf("%s\n", describe_replay(*source).c_str());
  std::vector<std::uint64_t> seeds;
  for (std::uint64_t s = first; s <= last; ++s) {
    if ((s - first) % shards == shard) seeds.push_back(s);
  }
  std::map<pid_t, std::uint64_t> running;
  std::vector<std::uint64_t> failing, crashed;
  std::size_t next = 0, done = 0;
  while (next < seeds.size() || !running.empty()) {
    while (next < seeds.size() && static_cast<int>(running.size()) < a.jobs) {
      std::fflush(stdout);
      const pid_t pid = fork();
      if (pid == 0) _exit(run_seed(*source, seeds[next], a.random_faults));
      if (pid < 0) return bad_input("cannot fork a worker process");
      running[pid] = seeds[next++];
    }
    int status = 0;
    const pid_t pid = wait(&status);
    if (pid < 0) break;
    const std::uint64_t seed = running[pid];
    running.erase(pid);
    ++done;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 1) failing.push_back(seed);
    if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) crashed.push_back(seed);
    std::fprintf(stderr, "\r%zu/%zu seeds, %zu failing, %zu crashed", done, seeds.size(), failing.size(), crashed.size());
  }
  if (!seeds.empty()) std::fprintf(stderr, "\n");
  std::sort(failing.begin(), failing.end());
  std::sort(crashed.begin(), crashed.end());
  std::string extra;
  for (const std::string& s : a.sets) extra += " --set " + s;
  for (std::uint64_t s : failing) {
    std::printf("FAIL seed %llu: kafkasim run %s --seed %llu%s%s\n", static_cast<unsigned long long>(s),
                source->path.c_str(), static_cast<unsigned long long>(s), extra.c_str(),
                a.random_faults ? " --random-faults" : "");
  }
  for (std::uint64_t s : crashed) {
    std::printf("CRASH seed %llu: kafkasim run %s --seed %llu%s%s\n", static_cast<unsigned long long>(s),
                source->path.c_str(), static_cast<unsigned long long>(s), extra.c_str(),
                a.random_faults ? " --random-faults" : "");
  }
  std::printf("%zu seeds: %zu passed, %zu failed\n", seeds.size(), seeds.size() - failing.size() - crashed.size(),
              failing.size() + crashed.size());
  return failing.empty() && crashed.empty() ? kExitOk : kExitExpectationsFailed;
}

const CommandRegistrar kSweep("30-sweep", [](CLI::App& app) -> std::function<int()> {
  auto args = std::make_shared<SweepArgs>();
  auto* sub = app.add_subcommand("sweep", "Run many seeds in parallel processes and list the failing ones");
  sub->add_option("scenario", args->scenario,
                  "scenario file, or a recording whose commands every seed replays")
      ->required();
  sub->add_option("--seeds", args->seeds, "seed range A..B (default 1..100)");
  sub->add_option("--jobs", args->jobs, "parallel processes (default 2)");
  sub->add_option("--shard", args->shard, "i/n: run only every n-th seed, starting at the i-th (0-based)");
  sub->add_flag("--random-faults", args->random_faults, "add a crash or power loss of a random broker per seed");
  sub->add_option("--set", args->sets, "config overrides, as for run");
  return [args] { return sweep(*args); };
});

}  // namespace
}  // namespace kafkasim::cli
