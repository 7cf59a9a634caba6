#include "gui/layout.h"

#include <algorithm>
#include <cmath>

namespace kafkasim::gui {
namespace {

constexpr float kGapPx = 3.0f;

void set(Layout& layout, WindowId id, float x, float y, float w, float h) {
  layout.rects[static_cast<std::size_t>(id)] = Rect{x, y, std::max(w, 1.0f), std::max(h, 1.0f), true};
}

// Stacks the (up to two) open windows of one column; `top_share` is the first one's share.
void column(Layout& layout, float x, float y, float w, float h, WindowId top, bool top_open, WindowId bottom,
            bool bottom_open, float top_share) {
  if (top_open && bottom_open) {
    const float top_h = std::floor((h - kGapPx) * top_share);
    set(layout, top, x, y, w, top_h);
    set(layout, bottom, x, y + top_h + kGapPx, w, h - top_h - kGapPx);
  } else if (top_open) {
    set(layout, top, x, y, w, h);
  } else if (bottom_open) {
    set(layout, bottom, x, y, w, h);
  }
}

}  // namespace

Layout compute_layout(float width_px, float height_px, float top_px, float time_h_px, const WindowsOpen& open) {
  Layout layout;
  float y = top_px;
  if (open.time) {
    set(layout, WindowId::kTime, 0, y, width_px, time_h_px);
    y += time_h_px + kGapPx;
  }
  const float h = std::max(height_px - y, 1.0f);
  const float left_w = std::floor(width_px * 0.31f);
  const float mid_w = std::floor(width_px * 0.40f);
  const float right_x = left_w + kGapPx + mid_w + kGapPx;
  const float right_w = width_px - right_x;
  column(layout, 0, y, left_w, h, WindowId::kCluster, open.cluster, WindowId::kGroups, open.groups, 0.52f);
  column(layout, left_w + kGapPx, y, mid_w, h, WindowId::kPartitions, open.partitions, WindowId::kEvents,
         open.events, 0.62f);
  column(layout, right_x, y, right_w, h, WindowId::kProducers, open.producers, WindowId::kDelivery,
         open.delivery, 0.5f);
  return layout;
}

bool overlaps(const Rect& a, const Rect& b) {
  if (!a.visible || !b.visible) return false;
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

}  // namespace kafkasim::gui
