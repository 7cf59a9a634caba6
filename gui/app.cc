#include "gui/app.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include "gui/atlas_textures.h"
#include "gui/fonts.h"
#include "gui/frame.h"
#include "gui/gui_state.h"
#include "gui/screenshot.h"
#include "gui/session_file.h"

namespace kafkasim::gui {
namespace {

constexpr double kFixedFrameS = 1.0 / 60.0;  // --frames and --bench: deterministic frame step

void glfw_error(int code, const char* description) {
  std::fprintf(stderr, "kafkasim-gui: GLFW error %d: %s\n", code, description);
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown CPU";
}

// Fonts and style follow GuiState; rebuilt when the size or the theme changes.
struct LookCache {
  float font_px = -1;
  ThemeKind theme = ThemeKind::kDark;
  bool theme_set = false;
};

void refresh_look(GuiState& state, const FontPaths& fonts, LookCache& cache, bool backend_ready) {
  ImGuiIO& io = ImGui::GetIO();
  const bool size_changed = cache.font_px != state.font_size_px;
  if (size_changed) {
    if (backend_ready) ImGui_ImplOpenGL3_DestroyFontsTexture();
    state.mono_font = load_fonts(io, fonts, state.font_size_px);
    io.Fonts->Build();
    if (backend_ready) ImGui_ImplOpenGL3_CreateFontsTexture();
  }
  if (size_changed || !cache.theme_set || cache.theme != state.theme) {
    apply_theme(state.theme, state.font_size_px / 20.0f, ImGui::GetStyle());
    cache.theme = state.theme;
    cache.theme_set = true;
  }
  cache.font_px = state.font_size_px;
}

void font_shortcuts(GuiState& state) {
  const ImGuiIO& io = ImGui::GetIO();
  if (!io.KeyCtrl) return;
  if (ImGui::IsKeyPressed(GLFW_KEY_EQUAL) || ImGui::IsKeyPressed(GLFW_KEY_KP_ADD)) state.set_font_size(state.font_size_px + 2);
  if (ImGui::IsKeyPressed(GLFW_KEY_MINUS) || ImGui::IsKeyPressed(GLFW_KEY_KP_SUBTRACT)) state.set_font_size(state.font_size_px - 2);
}

double median_of(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Wall time per frame, and this process's CPU time per frame (all threads, llvmpipe's included): on a
// shared machine the second is the steadier figure.
// Per-frame figures of --bench.
struct BenchSamples {
  std::vector<double> frame_ms;     // wall, whole frame
  std::vector<double> cpu_ms;       // process CPU, whole frame
  std::vector<double> ui_ms;        // wall, from the start of the frame to ImGui::Render(): sim + panels
  std::vector<double> vertices;     // ImDrawData::TotalVtxCount
};

void print_bench(const BenchSamples& b, int width, int height) {
  const std::vector<double>& frame_ms = b.frame_ms;
  const std::vector<double>& cpu_ms = b.cpu_ms;
  std::vector<double> sorted = frame_ms;
  std::sort(sorted.begin(), sorted.end());
  auto percentile = [&sorted](std::size_t per_mille) {
    return sorted.empty() ? 0.0 : sorted[std::min(sorted.size() - 1, sorted.size() * per_mille / 1000)];
  };
  const double p90 = percentile(900);
  const char* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  std::printf("kafkasim-gui bench: median frame %.2f ms (p90 %.2f ms), median CPU %.2f ms per frame, "
              "over %zu frames at %dx%d\n",
              median_of(frame_ms), p90, median_of(cpu_ms), frame_ms.size(), width, height);
  std::printf("p99 %.2f ms, worst %.2f ms (the history checker's refresh, once a simulated second, is the worst)\n",
              percentile(990), sorted.empty() ? 0.0 : sorted.back());
  std::printf("of which simulation + panels (to ImGui::Render) %.2f ms median wall, rendering the rest; "
              "%.0f vertices per frame\n",
              median_of(b.ui_ms), median_of(b.vertices));
  std::printf("machine: %s, %u hardware threads, GL renderer: %s\n", cpu_model().c_str(),
              std::thread::hardware_concurrency(), renderer != nullptr ? renderer : "unknown");
}

// --record: saves the session whenever its commands changed (or another run was opened).
struct AutoSave {
  const engine::Driver* driver = nullptr;
  std::uint64_t version = 0;
  bool failed = false;

  void update(const engine::Driver& current, const AppOptions& options, GuiState& state) {
    if (options.record_path.empty() || failed) return;
    const auto* logged = dynamic_cast<const LoggedDriver*>(&current);
    const std::uint64_t v = logged != nullptr ? logged->version() : 0;
    if (driver == &current && version == v) return;
    driver = &current;
    version = v;
    if (const std::string error = save_session(current, options.record_path); !error.empty()) {
      state.status_line = "--record: " + error;
      std::fprintf(stderr, "kafkasim-gui: --record %s: %s\n", options.record_path.c_str(), error.c_str());
      failed = true;
    }
  }
};

void handle_app_requests(GuiState& state, const AppOptions& options, GLFWwindow* window, engine::Driver*& current,
                         std::unique_ptr<engine::Driver>& owned) {
  for (const auto& request : state.app_requests) {
    if (request.kind == ActionKind::kQuit) glfwSetWindowShouldClose(window, GLFW_TRUE);
    if (request.kind == ActionKind::kSaveSession) {
      const std::string error = save_session(*current, request.path);
      state.status_line = error.empty() ? "saved the session to " + request.path : "cannot save: " + error;
      continue;
    }
    if (request.kind != ActionKind::kOpenScenario) continue;
    if (!options.open) {
      state.status_line = "opening files is not available here";
      continue;
    }
    std::string error;
    auto opened = options.open(request.path, error);
    if (opened == nullptr) {
      state.status_line = "cannot open " + request.path + ": " + error;
      continue;
    }
    owned = std::move(opened);
    current = owned.get();
    state.playing = false;
    state.assignment_seen.clear();
    state.event_cache_at = UINT64_MAX;
    state.status_line = "opened " + request.path;
    state.driver_failure.clear();
  }
  state.app_requests.clear();
}

}  // namespace

int run_app(engine::Driver& driver, const AppOptions& options) {
  glfwSetErrorCallback(glfw_error);
  if (glfwInit() == GLFW_FALSE) {
    std::fprintf(stderr, "kafkasim: error: cannot open a window (no display? run under xvfb-run)\n");
    return 2;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  GLFWwindow* window = glfwCreateWindow(options.width_px, options.height_px, options.title.c_str(), nullptr, nullptr);
  if (window == nullptr) {
    std::fprintf(stderr, "kafkasim: error: cannot create an OpenGL 3 window\n");
    glfwTerminate();
    return 2;
  }
  glfwMakeContextCurrent(window);
  const bool fixed_step = options.frames > 0 || options.bench;
  glfwSwapInterval(fixed_step ? 0 : 1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 130");

  GuiState state;
  state.set_theme(options.theme);
  state.speed = options.speed;
  state.playing = options.play || options.bench;
  state.lessons = list_lessons(find_scenario_dir(options.scenario_dir));
  int fb_w = 0, fb_h = 0;
  glfwGetFramebufferSize(window, &fb_w, &fb_h);
  state.set_font_size(options.font_size_px > 0 ? options.font_size_px : default_font_size_px(fb_h));
  const FontPaths fonts = find_fonts(options.font_dir);
  LookCache look;
  refresh_look(state, fonts, look, /*backend_ready=*/false);

  if (options.start_at_s > 0) driver.seek(std::min<TimeUs>(static_cast<TimeUs>(options.start_at_s * 1e6), driver.duration_us()));
  engine::Driver* current = &driver;
  std::unique_ptr<engine::Driver> owned;
  BenchSamples bench;
  const int total_frames = options.bench ? options.bench_frames : options.frames;
  int exit_code = 0;
  AutoSave autosave;
  auto atlas = std::make_unique<AtlasTextures>();
  for (int frame = 1; !glfwWindowShouldClose(window); ++frame) {
    const auto start = std::chrono::steady_clock::now();
    const std::clock_t cpu_start = std::clock();
    glfwPollEvents();
    refresh_look(state, fonts, look, /*backend_ready=*/frame > 1);
    ImGui_ImplOpenGL3_NewFrame();
    atlas->update();
    state.smooth_atlas = atlas->smooth();
    ImGui_ImplGlfw_NewFrame();
    if (fixed_step) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);  // no stray hover tooltips in screenshots
    ImGui::NewFrame();
    font_shortcuts(state);
    run_frame(*current, state, fixed_step ? kFixedFrameS : static_cast<double>(io.DeltaTime));
    handle_app_requests(state, options, window, current, owned);
    autosave.update(*current, options, state);
    ImGui::Render();
    const auto rendered = std::chrono::steady_clock::now();
    // The previous frame was submitted and flushed at the end of the last iteration: llvmpipe's
    // rasterizer threads drew it while this thread ran the simulation and built this frame's panels.
    // Swapping now waits for them (if still busy) and shows it; this frame is then drawn the same way.
    if (frame > 1) glfwSwapBuffers(window);
    glfwGetFramebufferSize(window, &fb_w, &fb_h);
    glViewport(0, 0, fb_w, fb_h);
    const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];  // the tiled windows draw no background
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    const bool last = total_frames > 0 && frame >= total_frames;
    if (last && !options.screenshot.empty()) {
      std::string error;
      if (!write_back_buffer_png(options.screenshot, fb_w, fb_h, error)) {
        std::fprintf(stderr, "kafkasim: error: %s\n", error.c_str());
        exit_code = 2;
      }
    }
    glFlush();
    if (options.bench) {
      bench.frame_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
      bench.cpu_ms.push_back(1000.0 * static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC);
      bench.ui_ms.push_back(std::chrono::duration<double, std::milli>(rendered - start).count());
      bench.vertices.push_back(static_cast<double>(ImGui::GetDrawData()->TotalVtxCount));
    }
    if (last) break;
  }
  glfwSwapBuffers(window);
  if (options.bench) print_bench(bench, fb_w, fb_h);

  atlas.reset();
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return exit_code;
}

}  // namespace kafkasim::gui
