#include "gui/open_run.h"

#include <filesystem>

#include "sim/engine/session.h"
#include "sim/record/reader.h"
#include "sim/scenario/parser.h"

namespace kafkasim::gui {
namespace {

bool is_yaml(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  return ext == ".yaml" || ext == ".yml";
}

}  // namespace

std::unique_ptr<engine::Driver> open_run(const std::string& path, std::optional<std::uint64_t> seed,
                                         std::string& error) {
  if (is_yaml(path)) return engine::open_session(path, seed, error);
  record::Recording recording;
  const record::Status status = record::read_recording_info(path, &recording);
  if (!status.ok()) {
    error = status.message();
    return nullptr;
  }
  scenario::ParseResult parsed =
      scenario::parse_scenario_text(recording.info.scenario_text, path + " (recorded scenario)");
  if (!parsed.ok()) {
    error = parsed.error_text();
    return nullptr;
  }
  engine::RunOptions options;
  options.seed = seed.value_or(recording.info.seed);
  return std::make_unique<engine::Session>(std::move(*parsed.scenario), std::move(options));
}

}  // namespace kafkasim::gui
