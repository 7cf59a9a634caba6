#pragma once
// Opening a run for replay: a scenario file, or a kafkasim recording (a run recorded by `kafkasim run
// --record`, or a visualizer session saved with `kafkasim-gui --record` / "Save session as..."). A
// recording replays from the scenario text and seed stored in it, plus the commands the session applied
// at their event numbers (table `commands`, docs/recording.md). Used by `kafkasim run` and kafkasim-gui,
// so both replay a recording the same way (engine::CommandReplay, engine::Session's initial commands).
//
// This is the one place of sim/record that knows the engine: ks_record links ks_engine for the command
// text form (sim/engine/command.h) and ks_scenario for the scenario parser.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/engine/command.h"
#include "sim/record/recorder.h"
#include "sim/record/status.h"
#include "sim/scenario/scenario.h"

namespace kafkasim::record {

struct ReplaySource {
  std::string path;
  bool from_recording = false;            // false: a scenario file
  RecordingKind kind = RecordingKind::kRun;  // with from_recording
  scenario::Scenario scenario;            // source_text is the file (or the recorded text)
  std::uint64_t seed = 0;                 // the seed override, else the recording's, else the scenario's
  std::vector<engine::TimedCommand> commands;  // recorded commands, in order; empty for a scenario file
};

// True when `path` names a scenario file (.yaml / .yml); anything else is opened as a recording.
bool is_scenario_path(const std::string& path);

// Opens `path` for replay. Errors: the scenario parser's "file:line:column: ..." text (for a recording's
// text: "<path> (recorded scenario):line:column: ..."), the recording reader's message, or
// "<path>: command N (after event E): cannot parse '...'" for a command that is not in the text form.
// `seed` overrides the recorded or scenario seed.
Status open_replay_source(const std::string& path, std::optional<std::uint64_t> seed, ReplaySource* out);

// The rows of the `commands` table for these commands (engine::encode).
std::vector<CommandRow> command_rows(const std::vector<engine::TimedCommand>& commands);

// The run info of a recording of `source` replayed with `commands` (version and commit left empty).
RunInfo run_info_for(const ReplaySource& source, const std::string& command_line);

}  // namespace kafkasim::record
