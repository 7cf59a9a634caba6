#include "gui/open_run.h"

#include "sim/engine/remote_driver.h"
#include "sim/engine/session.h"
#include "sim/record/replay.h"

namespace kafkasim::gui {

std::unique_ptr<engine::Driver> open_run(const std::string& path, std::optional<std::uint64_t> seed,
                                         const OpenOptions& options, std::string& error) {
  record::ReplaySource source;
  const record::Status status = record::open_replay_source(path, seed, &source);
  if (!status.ok()) {
    error = status.message();
    return nullptr;
  }
  engine::Session::CommandLog commands;
  for (const engine::TimedCommand& c : source.commands) commands.emplace_back(c.event_number, c.command);
  if (options.in_process) {
    engine::RunOptions run_options;
    run_options.seed = source.seed;
    return std::make_unique<engine::Session>(std::move(source.scenario), std::move(run_options),
                                             std::move(commands));
  }
  engine::server::ServerSpec spec;
  spec.scenario_text = source.scenario.source_text;
  spec.scenario_source = source.from_recording ? path + " (recorded scenario)" : path;
  spec.seed = source.seed;
  spec.initial_commands = std::move(commands);
  engine::RemoteOptions remote;
  remote.exec_path = options.server_exec_path;
  return engine::RemoteDriver::open(spec, remote, error);
}

}  // namespace kafkasim::gui
