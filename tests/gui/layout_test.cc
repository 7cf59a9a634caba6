#include <catch2/catch.hpp>

#include "gui/layout.h"

namespace kafkasim::gui {
namespace {

void check_tiles(float w, float h, const WindowsOpen& open) {
  const Layout layout = compute_layout(w, h, 24, 160, open);
  float area = 0;
  for (std::size_t i = 0; i < kWindowCount; ++i) {
    const Rect& a = layout.rects[i];
    if (!a.visible) continue;
    INFO("window " << i << " at " << a.x << "," << a.y << " " << a.w << "x" << a.h);
    CHECK(a.x >= 0);
    CHECK(a.y >= 24);
    CHECK(a.x + a.w <= w + 0.5f);
    CHECK(a.y + a.h <= h + 0.5f);
    area += a.w * a.h;
    for (std::size_t j = i + 1; j < kWindowCount; ++j) CHECK_FALSE(overlaps(a, layout.rects[j]));
  }
  CHECK(area > 0.97f * w * (h - 24));  // gaps of a few pixels only
}

TEST_CASE("the layout tiles a 1920x1080 display without overlaps") { check_tiles(1920, 1080, WindowsOpen{}); }

TEST_CASE("the layout tiles a 1280x720 display without overlaps") { check_tiles(1280, 720, WindowsOpen{}); }

TEST_CASE("a closed window gives its height to the other window of its column") {
  WindowsOpen open;
  open.groups = false;
  const Layout layout = compute_layout(1280, 720, 24, 160, open);
  CHECK_FALSE(layout.at(WindowId::kGroups).visible);
  const Rect& cluster = layout.at(WindowId::kCluster);
  CHECK(cluster.y + cluster.h == Approx(720));
  check_tiles(1280, 720, open);
}

TEST_CASE("the layout is recomputed from the display size") {
  const Layout small = compute_layout(1280, 720, 24, 160, WindowsOpen{});
  const Layout big = compute_layout(1920, 1080, 24, 160, WindowsOpen{});
  CHECK(big.at(WindowId::kPartitions).w > small.at(WindowId::kPartitions).w);
  CHECK(big.at(WindowId::kEvents).h > small.at(WindowId::kEvents).h);
}

}  // namespace
}  // namespace kafkasim::gui
