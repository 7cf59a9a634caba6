// gui_preview (test only): runs the visualizer on the FakeDriver, for screenshots, the Xvfb smoke test
// and the frame-time benchmark before the real engine exists.
//   gui_preview [--at SECONDS] [--large] [--frames N --screenshot out.png] [--bench] [--theme ...]
#include <CLI/CLI.hpp>

#include "gui/app.h"
#include "tests/gui/fake_driver.h"

int main(int argc, char** argv) {
  using kafkasim::gui::testing::FakeConfig;
  using kafkasim::gui::testing::FakeDriver;
  CLI::App app{"gui_preview: the kafkasim visualizer on a scripted fake cluster"};
  kafkasim::gui::AppOptions options;
  double at_s = 0;
  bool large = false;
  app.add_option("--at", at_s, "start at this sim time (seconds)")->check(CLI::Range(0.0, 60.0));
  app.add_flag("--large", large, "12 brokers, 300 partition replicas, 4 groups (the --bench size)");
  kafkasim::gui::add_app_options(app, options);
  if (const int code = kafkasim::gui::parse_command_line(app, argc, argv); code >= 0) return code;
  FakeDriver driver(large ? FakeConfig::large() : FakeConfig{});
  driver.seek(static_cast<kafkasim::TimeUs>(at_s * 1e6));
  options.title = "kafkasim (fake driver)";
  return kafkasim::gui::run_app(driver, options);
}
