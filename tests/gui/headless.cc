#include "tests/gui/headless.h"

#include <imgui_internal.h>

namespace kafkasim::gui::testing {

HeadlessImGui::HeadlessImGui(float width_px, float height_px) {
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = ImVec2(width_px, height_px);
  io.DeltaTime = 1.0f / 60.0f;
  io.KeyMap[ImGuiKey_Space] = kKeySpace;
  io.KeyMap[ImGuiKey_RightArrow] = kKeyRight;
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
}

HeadlessImGui::~HeadlessImGui() { ImGui::DestroyContext(); }

void HeadlessImGui::frame(const std::function<void()>& body) {
  ImGui::NewFrame();
  body();
  ImGui::Render();
}

void HeadlessImGui::click(ImVec2 pos, int button, const std::function<void()>& body) {
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = pos;
  io.MouseDown[button] = true;
  frame(body);
  io.MouseDown[button] = false;
  frame(body);
}

void HeadlessImGui::press(int key, bool shift, const std::function<void()>& body) {
  ImGuiIO& io = ImGui::GetIO();
  io.KeysDown[key] = true;
  io.KeyShift = shift;
  frame(body);
  io.KeysDown[key] = false;
  io.KeyShift = false;
  frame(body);
}

bool HeadlessImGui::click_sweep(ImVec2 rect_min, ImVec2 rect_max, float step_px, int button,
                                const std::function<void()>& body, const std::function<bool()>& done) {
  for (float y = rect_min.y + step_px * 0.5f; y < rect_max.y; y += step_px) {
    for (float x = rect_min.x; x < rect_max.x; x += step_px) {
      ImGui::GetIO().MousePos = ImVec2(x, y);
      frame(body);  // hover first, as a real mouse does
      click(ImVec2(x, y), button, body);
      if (done()) return true;
    }
  }
  return false;
}

bool window_rect(const char* title, ImVec2& min, ImVec2& max) {
  ImGuiWindow* window = nullptr;
  if (title != nullptr) {
    window = ImGui::FindWindowByName(title);
  } else if (!GImGui->OpenPopupStack.empty()) {
    window = GImGui->OpenPopupStack.back().Window;
  }
  if (window == nullptr || !window->Active) return false;
  min = window->Pos;
  max = ImVec2(window->Pos.x + window->Size.x, window->Pos.y + window->Size.y);
  return true;
}

}  // namespace kafkasim::gui::testing
