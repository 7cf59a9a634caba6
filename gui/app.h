#pragma once
// run_app(): the visualizer's window and main loop. Owns the GLFW window, the OpenGL3 context and the
// ImGui context for its duration; borrows the Driver (and owns any Driver it opens later from the File
// menu through AppOptions::open). Modes:
//   interactive (default), vsync on;
//   --frames N [--screenshot out.png]: renders exactly N frames with a fixed 1/60 s step (so the picture
//     is reproducible), writes the last back buffer as PNG, exits;
//   --bench: renders --bench-frames frames while playing, prints the median and p90 frame time with the
//     machine (CPU, GL renderer) and exits.
// Sessions: File > Save session as... writes the run (a gui::LoggedDriver, see gui/session_file.h) as a
// session recording; with --record FILE the session is written there after every command and at exit.
// Returns the process exit code: 0, or 2 when the window or the screenshot cannot be made.
#include <functional>
#include <memory>
#include <string>

#include "gui/theme.h"
#include "sim/engine/driver.h"

namespace CLI {
class App;
}

namespace kafkasim::gui {

struct AppOptions {
  int width_px = 1600;
  int height_px = 1000;
  float font_size_px = 0;          // 0: from the window height (about 20 px at 1080 lines)
  ThemeKind theme = ThemeKind::kDark;
  int frames = 0;                  // > 0: render this many frames, then exit
  std::string screenshot;          // with frames: write the last frame here (PNG)
  bool bench = false;
  int bench_frames = 600;
  bool play = false;               // start playing
  float speed = 1.0f;              // sim seconds per wall second
  double start_at_s = 0;           // > 0: seek the run to this sim time before the first frame
  std::string record_path;         // --record: keep the session saved here (after every command and at exit)
  std::string scenario_dir;        // the lesson library; "" = search (gui/lessons.h)
  std::string font_dir;            // "" = search (gui/fonts.h)
  std::string title = "kafkasim";
  // Opens a scenario or a recording chosen in the File menu; nullptr with `error` set on failure.
  std::function<std::unique_ptr<engine::Driver>(const std::string& path, std::string& error)> open;
};

int run_app(engine::Driver& driver, const AppOptions& options);

// Registers --width --height --font-size --theme --frames --screenshot --bench --bench-frames --play
// --speed --at --record --scenarios --fonts on a CLI11 app.
void add_app_options(CLI::App& app, AppOptions& options);
// Parses argv; returns -1 to go on, or the exit code (0 for --help; 2 with "kafkasim: error: ..." on
// bad usage).
int parse_command_line(CLI::App& app, int argc, char** argv);

}  // namespace kafkasim::gui
