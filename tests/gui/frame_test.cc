#include <catch2/catch.hpp>

#include "gui/frame.h"
#include "tests/gui/fake_driver.h"
#include "tests/gui/headless.h"

namespace kafkasim::gui::testing {
namespace {

TEST_CASE("play advances sim time by speed times wall time") {
  FakeDriver driver;
  GuiState state;
  state.playing = true;
  state.speed = 2.0f;
  advance_play(driver, state, 0.5);
  CHECK(driver.now_us() == 1'000'000);
  CHECK(state.playing);
}

TEST_CASE("play stops at the scenario's pause point") {
  FakeDriver driver;
  GuiState state;
  driver.seek(7'900'000);
  state.playing = true;
  state.speed = 10.0f;
  advance_play(driver, state, 0.1);
  CHECK(driver.now_us() == 8'000'000);
  CHECK_FALSE(state.playing);
  CHECK(state.paused_at_pause_point_us == 8'000'000);
  state.playing = true;  // playing on passes the pause point
  advance_play(driver, state, 0.1);
  CHECK(driver.now_us() == 9'000'000);
}

TEST_CASE("run until plays to the requested time and pauses there") {
  FakeDriver driver;
  GuiState state;
  driver.seek(1'000'000);
  Action action;
  action.kind = ActionKind::kRunUntil;
  action.time_us = 3'000'000;
  state.push(action);
  apply_actions(driver, state);
  CHECK(state.playing);
  for (int i = 0; i < 10 && state.playing; ++i) advance_play(driver, state, 1.0);
  CHECK(driver.now_us() == 3'000'000);
  CHECK_FALSE(state.playing);
}

TEST_CASE("max speed is bounded by the event budget per frame") {
  FakeDriver driver;
  GuiState state;
  state.playing = true;
  state.max_speed = true;
  state.max_events_per_frame = 500;  // the fake runs one event per ms
  advance_play(driver, state, 0.016);
  CHECK(driver.now_us() == 500'000);
}

TEST_CASE("a pushed command is applied to the driver and named in the status line") {
  FakeDriver driver;
  GuiState state;
  engine::Command crash;
  crash.kind = engine::CommandKind::kCrashBroker;
  crash.node = 2;
  state.push_command(crash);
  apply_actions(driver, state);
  REQUIRE(driver.applied().size() == 1);
  CHECK(driver.applied()[0].node == 2);
  CHECK(state.status_line.rfind("crash broker 2", 0) == 0);
  CHECK(driver.snapshot().brokers[1].status == engine::NodeStatus::kDown);
}

// Records what play mode announces and then asks for.
class PrefetchSpy : public FakeDriver {
 public:
  void advance_to(TimeUs until_us, std::uint64_t max_events) override {
    advanced.push_back(until_us);
    FakeDriver::advance_to(until_us, max_events);
  }
  void prefetch_advance(TimeUs until_us, std::uint64_t) override { announced.push_back(until_us); }
  std::vector<TimeUs> advanced;
  std::vector<TimeUs> announced;
};

TEST_CASE("while playing each frame announces where the next goes, and the next frame goes there") {
  HeadlessImGui imgui(1920, 1080);
  PrefetchSpy driver;
  GuiState state;
  driver.seek(7'900'000);  // the fake's pause point is at 8 s
  state.playing = true;
  state.speed = 3.0f;
  for (int i = 0; i < 4; ++i) imgui.frame([&] { run_frame(driver, state, 0.02); });
  // The first frame goes to 7.9 s + 3 x 20 ms = 7.96 s and announces the next, which would pass the pause
  // point at 8 s: 8 s; the second goes there and play stops without announcing more.
  CHECK(driver.announced == std::vector<TimeUs>{8'000'000});
  CHECK(driver.advanced == std::vector<TimeUs>{7'960'000, 8'000'000});
  CHECK_FALSE(state.playing);
  CHECK(state.prefetched_target_us == -1);
}

TEST_CASE("a driver that can no longer go on stops play and says why in the menu bar") {
  HeadlessImGui imgui(1920, 1080);
  struct Failing : FakeDriver {
    std::optional<std::string> failure() const override { return text; }
    std::optional<std::string> text;
  } driver;
  GuiState state;
  state.playing = true;
  imgui.frame([&] { run_frame(driver, state, 0.02); });
  CHECK(state.playing);
  driver.text = "sim server (pid 7) exited with signal 9 (SIGKILL) at sim time 1.000s (event 1000)";
  imgui.frame([&] { run_frame(driver, state, 0.02); });
  CHECK_FALSE(state.playing);
  CHECK(state.driver_failure == *driver.text);
}

void expect_same_events(const std::vector<engine::EventView>& got, const std::vector<engine::EventView>& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("event " << i);
    CHECK(got[i].number == want[i].number);
    CHECK(got[i].kind == want[i].kind);
    CHECK(got[i].details == want[i].details);
  }
}

TEST_CASE("while playing the event log appends only the new events, the same as a fresh fetch") {
  HeadlessImGui imgui(1920, 1080);
  FakeDriver driver;
  GuiState state;
  driver.seek(2'000'000);
  state.playing = true;
  for (int i = 0; i < 40; ++i) imgui.frame([&] { run_frame(driver, state, 1.0 / 60); });
  state.playing = false;
  imgui.frame([&] { run_frame(driver, state, 1.0 / 60); });  // not playing: refreshed at once
  REQUIRE(driver.now_us() > 2'500'000);
  REQUIRE(state.event_cache.size() > 2000);
  CHECK(state.event_cache.back().number == driver.snapshot().events_executed);
  expect_same_events(state.event_cache, driver.recent_events(state.event_cache.size(), ""));
}

TEST_CASE("after a seek back the event log is fetched afresh") {
  HeadlessImGui imgui(1920, 1080);
  FakeDriver driver;
  GuiState state;
  driver.seek(3'000'000);
  imgui.frame([&] { run_frame(driver, state, 1.0 / 60); });
  Action seek;
  seek.kind = ActionKind::kSeek;
  seek.time_us = 1'000'000;
  state.push(seek);
  imgui.frame([&] { run_frame(driver, state, 1.0 / 60); });  // applies the seek after drawing
  imgui.frame([&] { run_frame(driver, state, 1.0 / 60); });
  REQUIRE_FALSE(state.event_cache.empty());
  CHECK(state.event_cache.back().number <= driver.snapshot().events_executed);
  expect_same_events(state.event_cache, driver.recent_events(kEventLogFetch, ""));
}

TEST_CASE("space toggles play, right steps one event, shift+right steps to the next notable event") {
  HeadlessImGui imgui(1920, 1080);
  FakeDriver driver;
  GuiState state;
  auto body = [&] { run_frame(driver, state, 0.0); };
  imgui.press(kKeySpace, false, body);
  CHECK(state.playing);
  imgui.press(kKeySpace, false, body);
  CHECK_FALSE(state.playing);
  const TimeUs before = driver.now_us();
  imgui.press(kKeyRight, false, body);
  CHECK(driver.now_us() == before + 1000);
  imgui.press(kKeyRight, true, body);
  CHECK(driver.now_us() == 8'001'000);
}

TEST_CASE("every view draws at 1920x1080 and 1280x720 in every theme through the story") {
  for (const auto& size : {ImVec2(1920, 1080), ImVec2(1280, 720)}) {
    for (ThemeKind theme : {ThemeKind::kDark, ThemeKind::kLight, ThemeKind::kHighContrast}) {
      HeadlessImGui imgui(size.x, size.y);
      FakeDriver driver;
      GuiState state;
      state.set_theme(theme);
      for (TimeUs t = 0; t <= FakeDriver::kDurationUs; t += 2'500'000) {
        driver.seek(t);
        imgui.frame([&] { run_frame(driver, state, 1.0 / 60); });
      }
      CHECK(state.actions.empty());
    }
  }
}

TEST_CASE("the large benchmark cluster draws headless") {
  HeadlessImGui imgui(1920, 1080);
  FakeDriver driver(FakeConfig::large());
  GuiState state;
  state.playing = true;
  for (int i = 0; i < 30; ++i) imgui.frame([&] { run_frame(driver, state, 0.01); });
  CHECK(driver.now_us() == 300'000);
}

}  // namespace
}  // namespace kafkasim::gui::testing
