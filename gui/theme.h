#pragma once
// Themes and the semantic palette. A colour always means the same thing in every view:
//   replicas:  leader (blue), follower in the ISR (green), follower out of the ISR (orange), offline (grey)
//   brokers:   up (green), down (red), paused (amber), isolated (purple), fenced (orange ring),
//              the controller wears a gold ring
//   timeline:  fault (red), election (blue), ISR change (orange), rebalance (violet), pause point (white)
// Three themes: dark (default), light, and high-contrast for projectors (white on black, thick borders,
// fully saturated state colours). Palette is plain data; make_palette() and apply_theme() are pure.
#include <array>
#include <cstdint>
#include <string>

#include <imgui.h>

namespace kafkasim::gui {

enum class ThemeKind : std::uint8_t { kDark, kLight, kHighContrast };

struct Palette {
  // Replica roles.
  ImU32 leader = 0;
  ImU32 follower_isr = 0;
  ImU32 follower_out_of_isr = 0;
  ImU32 offline = 0;
  // Broker states.
  ImU32 broker_up = 0;
  ImU32 broker_down = 0;
  ImU32 broker_paused = 0;
  ImU32 broker_isolated = 0;
  ImU32 broker_fenced = 0;
  ImU32 controller = 0;
  // Network.
  ImU32 link = 0;
  ImU32 cut_link = 0;
  // Log strips.
  ImU32 strip_bg = 0;
  ImU32 uncommitted = 0;       // between HW and LEO (not yet visible to consumers)
  ImU32 retention_gap = 0;     // below the log start offset: deleted by retention
  ImU32 truncated = 0;         // removed by a truncation, fading
  ImU32 durable = 0;           // fsync marker
  // Text and verdicts.
  ImU32 text = 0;
  ImU32 text_dim = 0;
  ImU32 canvas_bg = 0;
  ImU32 good = 0;
  ImU32 warn = 0;
  ImU32 bad = 0;
  // Timeline marks, indexed by engine::MarkKind.
  std::array<ImU32, 7> marks{};
  // Consumer groups and message kinds cycle through these.
  std::array<ImU32, 6> series{};
  float line_px = 1.5f;        // base thickness of links and outlines
};

Palette make_palette(ThemeKind kind);
// Sets ImGui's style colours and sizes for the theme; `scale` follows the font size (1 at 20 px).
void apply_theme(ThemeKind kind, float scale, ImGuiStyle& style);

const char* theme_name(ThemeKind kind);  // "dark", "light", "high-contrast"
bool parse_theme(const std::string& name, ThemeKind& out);

// A colour with its alpha multiplied by `alpha` (0..1), for fading.
ImU32 with_alpha(ImU32 colour, float alpha);
ImVec4 to_vec4(ImU32 colour);

}  // namespace kafkasim::gui
