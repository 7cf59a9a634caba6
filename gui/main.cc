// kafkasim-gui: the desktop visualizer.
//   kafkasim-gui [SCENARIO] [--seed N] [--frames N --screenshot out.png] [--bench] [--width W --height H]
//                [--font-size PX] [--theme dark|light|high-contrast] [--play] [--speed X] [--in-process]
// With no SCENARIO it opens the default lesson: the first scenario (by file name) of the lesson library.
//
// The engine side is gui::open_run() (gui/open_run.h): by default an engine::RemoteDriver whose sim server
// is this same binary re-executed as `kafkasim-gui --sim-server FD FD` (handled first thing in main(),
// before any GLFW call); --in-process keeps the run in this process (engine::Session). A recording
// replays its scenario text, seed and commands; --seed overrides the seed. gui/CMakeLists.txt builds this
// program only when the ks_engine target exists.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "gui/app.h"
#include "gui/lessons.h"
#include "gui/open_run.h"
#include "sim/engine/sim_server.h"

int main(int argc, char** argv) {
  kafkasim::engine::server::maybe_run_root_from_args(argc, argv);  // the sim server: never returns
  namespace gui = kafkasim::gui;
  CLI::App app{"kafkasim-gui: watch a simulated Kafka cluster, inject faults, step through time"};
  std::string scenario;
  std::uint64_t seed_value = 0;
  gui::AppOptions options;
  gui::OpenOptions open_options;
  app.add_option("scenario", scenario, "scenario file (.yaml) or recording; default: the first lesson");
  CLI::Option* seed_option = app.add_option("--seed", seed_value, "the run's seed (default: the scenario's)");
  app.add_flag("--in-process", open_options.in_process,
               "run the simulation inside the GUI process (no sim server; backward seeks re-execute from t=0)");
  gui::add_app_options(app, options);
  if (const int code = gui::parse_command_line(app, argc, argv); code >= 0) return code;
  const std::optional<std::uint64_t> seed =
      seed_option->count() > 0 ? std::optional<std::uint64_t>(seed_value) : std::nullopt;

  if (scenario.empty()) {
    const auto lessons = gui::list_lessons(gui::find_scenario_dir(options.scenario_dir));
    if (lessons.empty()) {
      std::fprintf(stderr, "kafkasim: error: no scenario given and the lesson library is empty or missing "
                           "(pass a SCENARIO, --scenarios DIR or set KAFKASIM_SCENARIOS)\n");
      return 2;
    }
    scenario = lessons.front().path;
  }
  std::string error;
  std::unique_ptr<kafkasim::engine::Driver> session = gui::open_run(scenario, seed, open_options, error);
  if (session == nullptr) {
    std::fprintf(stderr, "kafkasim: error: %s\n", error.c_str());
    return 2;
  }
  options.title = "kafkasim - " + scenario;
  options.open = [seed, open_options](const std::string& path,
                                      std::string& open_error) -> std::unique_ptr<kafkasim::engine::Driver> {
    return kafkasim::gui::open_run(path, seed, open_options, open_error);
  };
  return gui::run_app(*session, options);
}
