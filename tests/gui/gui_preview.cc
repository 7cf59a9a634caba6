// gui_preview (test only): runs the visualizer on the FakeDriver, for screenshots, the Xvfb smoke test
// and the frame-time benchmark without the engine (--at is the application's start time option).
//   gui_preview [--at SECONDS] [--large] [--frames N --screenshot out.png] [--bench] [--theme ...]
#include <CLI/CLI.hpp>

#include "gui/app.h"
#include "tests/gui/fake_driver.h"

int main(int argc, char** argv) {
  using kafkasim::gui::testing::FakeConfig;
  using kafkasim::gui::testing::FakeDriver;
  CLI::App app{"gui_preview: the kafkasim visualizer on a scripted fake cluster"};
  kafkasim::gui::AppOptions options;
  bool large = false;
  app.add_flag("--large", large, "12 brokers, 300 partition replicas, 4 groups (the --bench size)");
  kafkasim::gui::add_app_options(app, options);
  if (const int code = kafkasim::gui::parse_command_line(app, argc, argv); code >= 0) return code;
  FakeDriver driver(large ? FakeConfig::large() : FakeConfig{});
  options.title = "kafkasim (fake driver)";
  return kafkasim::gui::run_app(driver, options);
}
