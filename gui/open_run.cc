#include "gui/open_run.h"

#include "gui/session_file.h"
#include "sim/engine/remote_driver.h"
#include "sim/engine/session.h"
#include "sim/record/replay.h"

namespace kafkasim::gui {

std::unique_ptr<engine::Driver> open_run(const std::string& path, std::optional<std::uint64_t> seed,
                                         const OpenOptions& options, std::string& error) {
  // open_logged_run reads `path` (record::open_replay_source) and wraps the Driver built here in a
  // LoggedDriver that keeps the session's commands for File > Save session as... and --record.
  auto make = [&](const record::ReplaySource& source) -> std::unique_ptr<engine::Driver> {
    engine::Session::CommandLog commands;
    for (const engine::TimedCommand& c : source.commands) commands.emplace_back(c.event_number, c.command);
    if (options.in_process) {
      engine::RunOptions run_options;
      run_options.seed = source.seed;
      return std::make_unique<engine::Session>(source.scenario, std::move(run_options), std::move(commands));
    }
    engine::server::ServerSpec spec;
    spec.scenario_text = source.scenario.source_text;
    spec.scenario_source = source.from_recording ? path + " (recorded scenario)" : path;
    spec.seed = source.seed;
    spec.initial_commands = std::move(commands);
    engine::RemoteOptions remote;
    remote.exec_path = options.server_exec_path;
    return engine::RemoteDriver::open(spec, remote, error);
  };
  return open_logged_run(path, seed, error, make);
}

}  // namespace kafkasim::gui
