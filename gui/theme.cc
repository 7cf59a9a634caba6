#include "gui/theme.h"

#include <algorithm>

namespace kafkasim::gui {
namespace {

constexpr ImU32 rgb(int r, int g, int b) { return IM_COL32(r, g, b, 255); }

Palette dark_palette() {
  Palette p;
  p.leader = rgb(66, 150, 250);
  p.follower_isr = rgb(80, 200, 120);
  p.follower_out_of_isr = rgb(245, 150, 40);
  p.offline = rgb(110, 110, 118);
  p.broker_up = rgb(70, 190, 110);
  p.broker_down = rgb(225, 65, 65);
  p.broker_paused = rgb(235, 195, 50);
  p.broker_isolated = rgb(175, 105, 235);
  p.broker_fenced = rgb(245, 150, 40);
  p.controller = rgb(255, 215, 0);
  p.link = IM_COL32(150, 160, 180, 110);
  p.cut_link = rgb(235, 70, 70);
  p.strip_bg = rgb(44, 46, 54);
  p.uncommitted = IM_COL32(200, 200, 210, 120);
  p.retention_gap = rgb(70, 70, 78);
  p.truncated = rgb(235, 60, 60);
  p.durable = rgb(250, 250, 250);
  p.text = rgb(235, 235, 240);
  p.text_dim = rgb(150, 150, 160);
  p.canvas_bg = rgb(24, 26, 32);
  p.good = rgb(80, 200, 120);
  p.warn = rgb(245, 170, 50);
  p.bad = rgb(240, 80, 80);
  p.marks = {rgb(240, 70, 70), rgb(66, 150, 250), rgb(245, 150, 40), rgb(185, 120, 245),
             rgb(250, 250, 250), rgb(80, 220, 220), rgb(160, 200, 120)};
  p.series = {rgb(80, 200, 220), rgb(240, 120, 190), rgb(180, 220, 80), rgb(250, 180, 80),
              rgb(160, 140, 250), rgb(120, 230, 180)};
  return p;
}

Palette light_palette() {
  Palette p = dark_palette();
  p.leader = rgb(20, 100, 215);
  p.follower_isr = rgb(30, 150, 70);
  p.follower_out_of_isr = rgb(220, 115, 0);
  p.offline = rgb(150, 150, 155);
  p.broker_up = rgb(35, 160, 75);
  p.broker_down = rgb(205, 35, 35);
  p.broker_paused = rgb(210, 160, 0);
  p.broker_isolated = rgb(140, 60, 200);
  p.controller = rgb(200, 150, 0);
  p.link = IM_COL32(90, 100, 120, 120);
  p.strip_bg = rgb(222, 224, 230);
  p.uncommitted = IM_COL32(90, 90, 110, 110);
  p.retention_gap = rgb(190, 190, 196);
  p.durable = rgb(20, 20, 20);
  p.text = rgb(20, 20, 25);
  p.text_dim = rgb(100, 100, 110);
  p.canvas_bg = rgb(248, 248, 250);
  p.good = rgb(30, 150, 70);
  p.warn = rgb(200, 120, 0);
  p.bad = rgb(205, 35, 35);
  p.marks = {rgb(210, 40, 40), rgb(20, 100, 215), rgb(220, 115, 0), rgb(140, 60, 200),
             rgb(40, 40, 40), rgb(0, 150, 150), rgb(90, 140, 40)};
  p.series = {rgb(0, 140, 170), rgb(200, 50, 140), rgb(100, 150, 0), rgb(210, 120, 0),
              rgb(100, 80, 210), rgb(0, 160, 110)};
  return p;
}

Palette high_contrast_palette() {
  Palette p;
  p.leader = rgb(0, 170, 255);
  p.follower_isr = rgb(0, 255, 0);
  p.follower_out_of_isr = rgb(255, 140, 0);
  p.offline = rgb(128, 128, 128);
  p.broker_up = rgb(0, 255, 0);
  p.broker_down = rgb(255, 0, 0);
  p.broker_paused = rgb(255, 255, 0);
  p.broker_isolated = rgb(255, 0, 255);
  p.broker_fenced = rgb(255, 140, 0);
  p.controller = rgb(255, 255, 255);
  p.link = rgb(160, 160, 160);
  p.cut_link = rgb(255, 0, 0);
  p.strip_bg = rgb(40, 40, 40);
  p.uncommitted = rgb(170, 170, 170);
  p.retention_gap = rgb(90, 90, 90);
  p.truncated = rgb(255, 0, 0);
  p.durable = rgb(255, 255, 255);
  p.text = rgb(255, 255, 255);
  p.text_dim = rgb(210, 210, 210);
  p.canvas_bg = rgb(0, 0, 0);
  p.good = rgb(0, 255, 0);
  p.warn = rgb(255, 200, 0);
  p.bad = rgb(255, 40, 40);
  p.marks = {rgb(255, 0, 0), rgb(0, 170, 255), rgb(255, 140, 0), rgb(255, 0, 255),
             rgb(255, 255, 255), rgb(0, 255, 255), rgb(200, 255, 0)};
  p.series = {rgb(0, 255, 255), rgb(255, 0, 255), rgb(200, 255, 0), rgb(255, 200, 0),
              rgb(150, 150, 255), rgb(0, 255, 150)};
  p.line_px = 3.0f;
  return p;
}

}  // namespace

Palette make_palette(ThemeKind kind) {
  switch (kind) {
    case ThemeKind::kDark: return dark_palette();
    case ThemeKind::kLight: return light_palette();
    case ThemeKind::kHighContrast: return high_contrast_palette();
  }
  return dark_palette();
}

void apply_theme(ThemeKind kind, float scale, ImGuiStyle& style) {
  style = ImGuiStyle();
  switch (kind) {
    case ThemeKind::kDark: ImGui::StyleColorsDark(&style); break;
    case ThemeKind::kLight: ImGui::StyleColorsLight(&style); break;
    case ThemeKind::kHighContrast: ImGui::StyleColorsDark(&style); break;
  }
  // Square corners: a rounded rectangle is filled as a fan with anti-aliased fringe strips along every
  // edge, which a software rasterizer (Mesa llvmpipe) shades block by block; a square one is two triangles
  // (docs/benchmarks.md, "Visualizer").
  style.WindowRounding = 0.0f;
  style.FrameRounding = 0.0f;
  style.GrabRounding = 0.0f;
  style.ScrollbarRounding = 0.0f;
  style.TabRounding = 0.0f;
  style.WindowBorderSize = 1.0f;
  style.FrameBorderSize = kind == ThemeKind::kLight ? 1.0f : 0.0f;
  style.ItemSpacing = ImVec2(8, 5);
  style.WindowPadding = ImVec2(8, 6);
  if (kind == ThemeKind::kDark) {
    ImVec4* c = style.Colors;
    c[ImGuiCol_WindowBg] = ImVec4(0.09f, 0.10f, 0.12f, 1.0f);
    c[ImGuiCol_TitleBgActive] = ImVec4(0.16f, 0.29f, 0.48f, 1.0f);
    c[ImGuiCol_TitleBg] = ImVec4(0.12f, 0.20f, 0.33f, 1.0f);
  }
  if (kind == ThemeKind::kHighContrast) {
    ImVec4* c = style.Colors;
    const ImVec4 black(0, 0, 0, 1), white(1, 1, 1, 1), yellow(1, 1, 0, 1), grey(0.25f, 0.25f, 0.25f, 1);
    c[ImGuiCol_Text] = white;
    c[ImGuiCol_TextDisabled] = ImVec4(0.8f, 0.8f, 0.8f, 1);
    c[ImGuiCol_WindowBg] = black;
    c[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);  // the frame is cleared black: no second fill under child windows
    c[ImGuiCol_PopupBg] = black;
    c[ImGuiCol_MenuBarBg] = black;
    c[ImGuiCol_Border] = white;
    c[ImGuiCol_FrameBg] = grey;
    c[ImGuiCol_FrameBgHovered] = ImVec4(0.4f, 0.4f, 0.4f, 1);
    c[ImGuiCol_FrameBgActive] = ImVec4(0.5f, 0.5f, 0.5f, 1);
    c[ImGuiCol_TitleBg] = black;
    c[ImGuiCol_TitleBgActive] = black;
    c[ImGuiCol_TitleBgCollapsed] = black;
    c[ImGuiCol_Button] = grey;
    c[ImGuiCol_ButtonHovered] = ImVec4(0.0f, 0.35f, 0.7f, 1);
    c[ImGuiCol_ButtonActive] = ImVec4(0.0f, 0.5f, 1.0f, 1);
    c[ImGuiCol_Header] = ImVec4(0.0f, 0.3f, 0.6f, 1);
    c[ImGuiCol_HeaderHovered] = ImVec4(0.0f, 0.4f, 0.8f, 1);
    c[ImGuiCol_HeaderActive] = ImVec4(0.0f, 0.5f, 1.0f, 1);
    c[ImGuiCol_CheckMark] = yellow;
    c[ImGuiCol_SliderGrab] = yellow;
    c[ImGuiCol_SliderGrabActive] = white;
    c[ImGuiCol_Separator] = white;
    c[ImGuiCol_TableHeaderBg] = grey;
    c[ImGuiCol_TableBorderStrong] = white;
    c[ImGuiCol_TableBorderLight] = ImVec4(0.6f, 0.6f, 0.6f, 1);
    c[ImGuiCol_TableRowBg] = black;
    c[ImGuiCol_TableRowBgAlt] = ImVec4(0.12f, 0.12f, 0.12f, 1);
    c[ImGuiCol_PlotLines] = yellow;
    style.WindowBorderSize = 3.0f;
    style.FrameBorderSize = 2.0f;
    style.PopupBorderSize = 3.0f;
    style.ChildBorderSize = 2.0f;
    style.TabBorderSize = 2.0f;
  }
  style.ScaleAllSizes(std::max(0.5f, scale));
}

const char* theme_name(ThemeKind kind) {
  switch (kind) {
    case ThemeKind::kDark: return "dark";
    case ThemeKind::kLight: return "light";
    case ThemeKind::kHighContrast: return "high-contrast";
  }
  return "dark";
}

bool parse_theme(const std::string& name, ThemeKind& out) {
  for (ThemeKind kind : {ThemeKind::kDark, ThemeKind::kLight, ThemeKind::kHighContrast}) {
    if (name == theme_name(kind)) {
      out = kind;
      return true;
    }
  }
  return false;
}

ImU32 with_alpha(ImU32 colour, float alpha) {
  const auto a = static_cast<ImU32>(((colour >> IM_COL32_A_SHIFT) & 0xFF) * std::clamp(alpha, 0.0f, 1.0f));
  return (colour & ~IM_COL32_A_MASK) | (a << IM_COL32_A_SHIFT);
}

ImVec4 to_vec4(ImU32 colour) { return ImGui::ColorConvertU32ToFloat4(colour); }

}  // namespace kafkasim::gui
