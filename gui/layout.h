#pragma once
// The fixed window layout: non-overlapping rectangles computed from the display size, recomputed every
// frame (so a resize re-lays everything out), no imgui.ini. Three columns under the time bar:
//   left 31%: Cluster over Consumer groups
//   middle 40%: Partitions over Event log
//   right 29%: Producers over Delivery
// A closed window gives its height to the other window of its column. Pure function, tested headless.
#include <array>
#include <cstddef>

#include "gui/gui_state.h"

namespace kafkasim::gui {

enum class WindowId : std::uint8_t { kTime, kCluster, kGroups, kPartitions, kEvents, kProducers, kDelivery };
inline constexpr std::size_t kWindowCount = 7;

struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
  bool visible = false;
};

struct Layout {
  std::array<Rect, kWindowCount> rects{};
  const Rect& at(WindowId id) const { return rects[static_cast<std::size_t>(id)]; }
};

// `top_px`: height of the main menu bar; `time_h_px`: height of the time-control window.
Layout compute_layout(float width_px, float height_px, float top_px, float time_h_px, const WindowsOpen& open);

bool overlaps(const Rect& a, const Rect& b);

}  // namespace kafkasim::gui
