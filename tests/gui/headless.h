#pragma once
// HeadlessImGui (test only): an ImGui context with no backend, for driving panels in unit tests.
// Owns the context for its lifetime. Frames are NewFrame ... Render with a fixed DisplaySize; clicks
// and keys are set on ImGuiIO between frames. Key indices follow GLFW's numbering, as in the app.
#include <functional>

#include <imgui.h>

namespace kafkasim::gui::testing {

inline constexpr int kKeySpace = 32;
inline constexpr int kKeyRight = 262;

class HeadlessImGui {
 public:
  HeadlessImGui(float width_px, float height_px);
  ~HeadlessImGui();
  HeadlessImGui(const HeadlessImGui&) = delete;
  HeadlessImGui& operator=(const HeadlessImGui&) = delete;

  // One frame: NewFrame, body(), Render.
  void frame(const std::function<void()>& body);
  // Moves the mouse to `pos`, presses `button` for one frame and releases it in the next (two frames).
  void click(ImVec2 pos, int button, const std::function<void()>& body);
  // Presses `key` (with shift if asked) for one frame and releases it in the next.
  void press(int key, bool shift, const std::function<void()>& body);
  // Clicks at each point of a grid over `rect_min`..`rect_max` (step px) until done() is true.
  bool click_sweep(ImVec2 rect_min, ImVec2 rect_max, float step_px, int button, const std::function<void()>& body,
                   const std::function<bool()>& done);
};

// The rectangle of a top-level window by title, or of the topmost open popup when title is nullptr.
bool window_rect(const char* title, ImVec2& min, ImVec2& max);

}  // namespace kafkasim::gui::testing
