// kafkasim run: one scenario, headless, with its report. SCENARIO may be a recording (a run, or a
// visualizer session): it replays from the recorded scenario text and seed, applying the recorded
// commands at their event numbers (engine::CommandReplay), so the trace hash is the session's.
// kafkasim check-determinism: every seed twice, trace hashes compared; given a recording, every seed
// replays its commands.
#include <chrono>
#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "cli/command.h"
#include "cli/run_common.h"
#include "kafkasim/build_info.h"
#include "sim/core/duration.h"
#include "sim/engine/report.h"
#include "sim/record/recorder.h"

namespace kafkasim::cli {
namespace {

struct RunArgs {
  std::string scenario;
  std::optional<std::uint64_t> seed;
  std::string until;
  std::vector<std::string> sets;
  std::string record;
  std::string data_dir;
  bool json = false;
  bool random_faults = false;
};

std::optional<TimeUs> parse_until(const std::string& text, std::string& error) {
  if (text.empty()) return std::nullopt;
  const DurationParse d = parse_duration(text);
  if (!d.value) {
    error = fmt::format("--until '{}': expected {}", text, d.error);
    return std::nullopt;
  }
  return d.value;
}


void sample_offsets(const engine::Run& run, record::Recorder& recorder) {
  const engine::Snapshot s = run.snapshot();
  std::vector<record::ReplicaOffsets> replicas;
  for (const engine::PartitionView& p : s.partitions) {
    for (const engine::ReplicaView& r : p.replica_views) {
      if (!r.online) continue;
      replicas.push_back({p.topic, p.partition, r.broker, r.log_start_offset, r.log_end_offset, r.high_watermark});
    }
  }
  recorder.sample_offsets(s.now_us, replicas);
  std::vector<record::GroupOffsetSample> groups;
  for (const engine::GroupView& g : s.groups) {
    for (const engine::LagRow& row : g.lag) {
      groups.push_back({g.group_id, row.topic, row.partition, row.current_offset, row.log_end_offset});
    }
  }
  if (!groups.empty()) recorder.sample_group_offsets(s.now_us, groups);
}

int run_command(const RunArgs& a) {
  std::string error;
  const auto until = parse_until(a.until, error);
  if (!error.empty()) return bad_input(error);
  auto source = load_run(a.scenario, a.seed, a.sets);
  if (!source) return kExitBadInput;
  scenario::Scenario* sc = &source->scenario;
  if (a.random_faults) add_random_faults(*sc, source->seed);
  engine::RunOptions options;
  options.seed = source->seed;
  options.data_dir = a.data_dir;
  const auto wall_start = std::chrono::steady_clock::now();
  engine::Run run(*sc, options);
  record::Recorder recorder;
  if (!a.record.empty()) {
    record::RunInfo info = record::run_info_for(
        *source, fmt::format("kafkasim run {} --seed {}", source->path, run.seed()));
    info.version = build_info::kVersion;
    info.commit = build_info::kGitCommit;
    const record::Status st = recorder.open(a.record, info);
    if (!st.ok()) return bad_input(st.message());
    // The replayed commands go into the new recording too, so it replays the same way.
    for (const record::CommandRow& row : record::command_rows(source->commands)) recorder.record_command(row);
    run.sim().trace().add_observer(&recorder);
    run.history().add_observer(&recorder);
  }
  engine::CommandReplay replay(source->commands);
  run.start();
  const TimeUs end = until ? std::min(*until, run.duration_us()) : run.duration_us();
  if (a.record.empty()) {
    replay.run_until(run, end);
  } else {
    // Offsets are sampled between events once per simulated second (no extra events: the trace is the
    // same as without --record).
    for (TimeUs t = 0; t < end;) {
      t = std::min(end, t + sec_to_us(1));
      replay.run_until(run, t);
      sample_offsets(run, recorder);
    }
  }
  run.finish();
  if (replay.applied() < source->commands.size()) {
    std::fprintf(stderr, "kafkasim: warning: %zu of %zu recorded commands were due after the end of the run\n",
                 source->commands.size() - replay.applied(), source->commands.size());
  }
  const check::Report report = run.check_now();
  const auto wall_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - wall_start).count();
  if (!a.record.empty()) {
    run.sim().trace().remove_observer(&recorder);
    run.history().remove_observer(&recorder);
    const record::Status st = recorder.finish(run.sim().trace_hash(), run.sim().events_executed(), report);
    if (!st.ok()) std::fprintf(stderr, "kafkasim: error: recording %s: %s\n", a.record.c_str(), st.message().c_str());
  }
  if (a.json) {
    std::cout << engine::report_json(run, report, wall_ms).dump(2) << "\n";
  } else {
    std::cout << engine::render_report(run, report, wall_ms);
    if (!a.record.empty()) std::cout << "recorded to " << a.record << "\n";
  }
  return run.expectations_passed() ? kExitOk : kExitExpectationsFailed;
}

const CommandRegistrar kRun("10-run", [](CLI::App& app) -> std::function<int()> {
  auto args = std::make_shared<RunArgs>();
  auto* sub = app.add_subcommand("run", "Run a scenario headless and print its report (exit 1 when an expectation fails)");
  sub->add_option("scenario", args->scenario, "scenario file (default: the first lesson of scenarios/)");
  sub->add_option("--seed", args->seed, "seed (default: the scenario's)");
  sub->add_option("--until", args->until, "stop at this sim time (e.g. 30s) instead of the scenario's duration");
  sub->add_option("--set", args->sets, "override a config: [scope[/name]:]key=value, e.g. acks=1, topic/orders:min.insync.replicas=2");
  sub->add_option("--record", args->record, "record the run to this SQLite file (docs/recording.md)");
  sub->add_option("--data-dir", args->data_dir, "also write every broker's logs as real files under DIR/broker-<id>/");
  sub->add_flag("--json", args->json, "print one JSON object instead of the report");
  sub->add_flag("--random-faults", args->random_faults, "add the random broker fault kafkasim sweep adds for this seed");
  return [args] { return run_command(*args); };
});

struct DeterminismArgs {
  std::string scenario;
  std::uint64_t seeds = 10;
  std::uint64_t first_seed = 1;
  std::vector<std::string> sets;
};

// Runs one seed, collecting the trace so a mismatch can name the first differing record.
struct TraceCollector : TraceObserver {
  std::vector<TraceRecord> records;
  void on_trace(const TraceRecord& r) override { records.push_back(r); }
};

int check_determinism(const DeterminismArgs& a) {
  const auto source = load_run(a.scenario, std::nullopt, a.sets);
  if (!source) return kExitBadInput;
  if (source->from_recording) std::printf("%s\n", describe_replay(*source).c_str());
  int failures = 0;
  for (std::uint64_t seed = a.first_seed; seed < a.first_seed + a.seeds; ++seed) {
    std::uint64_t hashes[2];
    std::size_t applied = 0;
    TraceCollector traces[2];
    for (int i = 0; i < 2; ++i) {
      engine::RunOptions options;
      options.seed = seed;
      engine::Run run(source->scenario, options);
      run.sim().trace().add_observer(&traces[i]);
      applied = run_to_end(run, std::nullopt, source->commands);
      run.sim().trace().remove_observer(&traces[i]);
      hashes[i] = run.sim().trace_hash();
    }
    // With another seed than the recorded one a session's later commands may fall after the end.
    const std::string note =
        applied < source->commands.size()
            ? fmt::format("  ({} of {} commands applied before the end)", applied, source->commands.size())
            : "";
    if (hashes[0] == hashes[1]) {
      std::printf("seed %llu: %s  ok%s\n", static_cast<unsigned long long>(seed),
                  format_hash(hashes[0]).c_str(), note.c_str());
      continue;
    }
    ++failures;
    std::printf("seed %llu: MISMATCH %s vs %s\n", static_cast<unsigned long long>(seed), format_hash(hashes[0]).c_str(),
                format_hash(hashes[1]).c_str());
    const auto& x = traces[0].records;
    const auto& y = traces[1].records;
    for (std::size_t i = 0; i < std::max(x.size(), y.size()); ++i) {
      if (i < x.size() && i < y.size() && x[i].time == y[i].time && x[i].kind == y[i].kind &&
          x[i].details == y[i].details && x[i].node == y[i].node) {
        continue;
      }
      auto show = [](const std::vector<TraceRecord>& v, std::size_t k) {
        if (k >= v.size()) return std::string("(end of trace)");
        return fmt::format("event {} t={} node {} {}: {}", v[k].event_number, format_time(v[k].time), v[k].node.value,
                           v[k].kind, v[k].details);
      };
      std::printf("  first difference at trace record %zu:\n    run 1: %s\n    run 2: %s\n", i, show(x, i).c_str(),
                  show(y, i).c_str());
      break;
    }
  }
  std::printf("%llu seeds, %d mismatches\n", static_cast<unsigned long long>(a.seeds), failures);
  return failures == 0 ? kExitOk : kExitExpectationsFailed;
}

const CommandRegistrar kDeterminism("20-check-determinism", [](CLI::App& app) -> std::function<int()> {
  auto args = std::make_shared<DeterminismArgs>();
  auto* sub = app.add_subcommand("check-determinism", "Run each seed twice and compare trace hashes");
  sub->add_option(
      "scenario", args->scenario,
      "scenario file, or a recording whose commands every seed replays (default: the first lesson)");
  sub->add_option("--seeds", args->seeds, "how many seeds (default 10)");
  sub->add_option("--first-seed", args->first_seed, "the first seed (default 1)");
  sub->add_option("--set", args->sets, "config overrides, as for run");
  return [args] { return check_determinism(*args); };
});

}  // namespace
}  // namespace kafkasim::cli
