#include "gui/session_file.h"

#include "kafkasim/build_info.h"
#include "sim/core/trace.h"

namespace kafkasim::gui {

std::unique_ptr<engine::Driver> open_logged_run(const std::string& path, std::optional<std::uint64_t> seed,
                                                std::string& error, const MakeDriver& make) {
  record::ReplaySource source;
  if (const record::Status s = record::open_replay_source(path, seed, &source); !s.ok()) {
    error = s.message();
    return nullptr;
  }
  std::unique_ptr<engine::Driver> inner = make(source);
  if (inner == nullptr) {
    if (error.empty()) error = path + ": cannot start the run";
    return nullptr;
  }
  RunOrigin origin;
  origin.path = path;
  origin.seed = source.seed;
  origin.scenario_name = source.scenario.name;
  origin.scenario_text = source.scenario.source_text;
  origin.scenario_hash = format_hash(source.scenario.source_hash);
  return std::make_unique<LoggedDriver>(std::move(inner), std::move(origin), std::move(source.commands));
}

std::string save_session(const engine::Driver& driver, const std::string& path) {
  const auto* logged = dynamic_cast<const LoggedDriver*>(&driver);
  if (logged == nullptr) return "this run cannot be saved (it was not opened from a scenario or a recording)";
  const RunOrigin& o = logged->origin();
  record::RunInfo info;
  info.seed = o.seed;
  info.scenario_name = o.scenario_name;
  info.scenario_text = o.scenario_text;
  info.scenario_hash = o.scenario_hash;
  info.version = build_info::kVersion;
  info.commit = build_info::kGitCommit;
  info.command_line = "kafkasim-gui " + o.path + " --seed " + std::to_string(o.seed);
  const record::Status s = record::write_session_recording(path, info, record::command_rows(logged->commands()));
  return s.ok() ? std::string() : s.message();
}

}  // namespace kafkasim::gui
