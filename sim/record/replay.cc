#include "sim/record/replay.h"

#include <filesystem>

#include <fmt/format.h>

#include "sim/core/trace.h"
#include "sim/record/reader.h"
#include "sim/scenario/parser.h"

namespace kafkasim::record {

bool is_scenario_path(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  return ext == ".yaml" || ext == ".yml";
}

namespace {

Status parsed_scenario(scenario::ParseResult parsed, ReplaySource* out) {
  if (!parsed.ok()) {
    std::string text = parsed.error_text();
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return Status::error(text);
  }
  out->scenario = std::move(*parsed.scenario);
  return Status();
}

Status decode_commands(const std::string& path, const std::vector<CommandRow>& rows, ReplaySource* out) {
  std::uint64_t last_event = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const CommandRow& row = rows[i];
    std::optional<engine::Command> command = engine::parse_command(row.command);
    if (!command) {
      return Status::error(fmt::format("{}: command {} (after event {}): cannot parse '{}' (expected a command "
                                       "as sim/engine/command.h writes it, e.g. 'crash 2')",
                                       path, i + 1, row.event_number, row.command));
    }
    if (row.event_number < last_event || row.time_us < 0) {
      return Status::error(fmt::format("{}: command {} ('{}'): event {} at time {} us comes before the command "
                                       "before it (commands must be in the order they were applied)",
                                       path, i + 1, row.command, row.event_number, row.time_us));
    }
    last_event = row.event_number;
    out->commands.push_back(engine::TimedCommand{row.event_number, row.time_us, std::move(*command)});
  }
  return Status();
}

}  // namespace

Status open_replay_source(const std::string& path, std::optional<std::uint64_t> seed, ReplaySource* out) {
  *out = ReplaySource{};
  out->path = path;
  out->from_recording = !is_scenario_path(path);
  if (!out->from_recording) {
    if (Status s = parsed_scenario(scenario::parse_scenario_file(path), out); !s.ok()) return s;
    out->seed = seed.value_or(out->scenario.seed);
    return Status();
  }
  Recording recording;
  if (Status s = read_recording_info(path, &recording); !s.ok()) return s;
  out->kind = recording.info.kind;
  if (recording.info.scenario_text.empty()) {
    return Status::error(fmt::format("{}: the recording holds no scenario text (meta key scenario_text)", path));
  }
  if (Status s = parsed_scenario(
          scenario::parse_scenario_text(recording.info.scenario_text, path + " (recorded scenario)"), out);
      !s.ok()) {
    return s;
  }
  out->seed = seed.value_or(recording.info.seed);
  return decode_commands(path, recording.commands, out);
}

std::vector<CommandRow> command_rows(const std::vector<engine::TimedCommand>& commands) {
  std::vector<CommandRow> rows;
  rows.reserve(commands.size());
  for (const engine::TimedCommand& c : commands) rows.push_back(CommandRow{c.event_number, c.time_us, engine::encode(c.command)});
  return rows;
}

RunInfo run_info_for(const ReplaySource& source, const std::string& command_line) {
  RunInfo info;
  info.seed = source.seed;
  info.scenario_name = source.scenario.name;
  info.scenario_text = source.scenario.source_text;
  info.scenario_hash = format_hash(source.scenario.source_hash);
  info.command_line = command_line;
  return info;
}

}  // namespace kafkasim::record
