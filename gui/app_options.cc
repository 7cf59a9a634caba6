// Command-line options shared by kafkasim-gui and the test-only gui_preview.
#include <cstdio>
#include <map>

#include <CLI/CLI.hpp>

#include "gui/app.h"

namespace kafkasim::gui {

void add_app_options(CLI::App& app, AppOptions& o) {
  app.add_option("--width", o.width_px, "window width in pixels")->check(CLI::Range(320, 16384));
  app.add_option("--height", o.height_px, "window height in pixels")->check(CLI::Range(240, 16384));
  app.add_option("--font-size", o.font_size_px, "text size in pixels (default: from the window height)")
      ->check(CLI::Range(10.0, 48.0));
  const std::map<std::string, ThemeKind> themes{{"dark", ThemeKind::kDark},
                                                {"light", ThemeKind::kLight},
                                                {"high-contrast", ThemeKind::kHighContrast}};
  app.add_option("--theme", o.theme, "dark, light or high-contrast")->transform(CLI::CheckedTransformer(themes));
  app.add_option("--frames", o.frames, "render N frames and exit")->check(CLI::Range(1, 1000000));
  app.add_option("--screenshot", o.screenshot, "with --frames: write the last frame to this PNG");
  app.add_flag("--bench", o.bench, "print the median frame time while playing, then exit");
  app.add_option("--bench-frames", o.bench_frames, "frames measured by --bench")->check(CLI::Range(10, 100000));
  app.add_flag("--play", o.play, "start playing");
  app.add_option("--speed", o.speed, "sim seconds per wall second")->check(CLI::Range(0.01, 1000.0));
  app.add_option("--at", o.start_at_s, "start at this sim time (seconds): seek there before the first frame")
      ->check(CLI::Range(0.0, 1e6));
  app.add_option("--record", o.record_path,
                 "keep this session saved as a recording here (scenario, seed and every command you apply)");
  app.add_option("--scenarios", o.scenario_dir, "the lesson library folder");
  app.add_option("--fonts", o.font_dir, "a folder with DejaVuSans.ttf and DejaVuSansMono.ttf");
}

int parse_command_line(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "kafkasim: error: %s\n", e.what());
    return 2;
  }
  return -1;
}

}  // namespace kafkasim::gui
