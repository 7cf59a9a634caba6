#include <catch2/catch.hpp>

#include <algorithm>

#include "gui/frame.h"
#include "gui/panels.h"
#include "gui/widgets.h"
#include "tests/gui/fake_driver.h"
#include "tests/gui/headless.h"

namespace kafkasim::gui::testing {
namespace {

TEST_CASE("clicking an anomaly seeks to the event that caused it") {
  HeadlessImGui imgui(1920, 1080);
  FakeDriver driver;
  driver.seek(21'000'000);
  GuiState state;
  auto body = [&] { run_frame(driver, state, 0.0); };
  imgui.frame(body);
  ImVec2 min, max;
  REQUIRE(window_rect("Delivery (history checker)", min, max));
  const int seeks = driver.seeks();
  const bool sought = imgui.click_sweep(ImVec2(min.x + 40, min.y), ImVec2(min.x + 41, max.y), 6, 0, body,
                                        [&] { return driver.seeks() > seeks; });
  REQUIRE(sought);
  CHECK(driver.now_us() == 8'001'000);  // the crash of broker 3 (event 8001)
}

TEST_CASE("clicking an event in the log seeks to it") {
  HeadlessImGui imgui(1920, 1080);
  FakeDriver driver;
  driver.seek(5'000'000);
  GuiState state;
  state.follow_events = true;
  auto body = [&] { run_frame(driver, state, 0.0); };
  imgui.frame(body);
  imgui.frame(body);
  ImVec2 min, max;
  REQUIRE(window_rect("Event log", min, max));
  const bool sought = imgui.click_sweep(ImVec2(min.x + 30, max.y - 60), ImVec2(min.x + 31, max.y - 10), 5, 0, body,
                                        [&] { return driver.seeks() > 1; });
  REQUIRE(sought);
  CHECK(driver.now_us() < 5'000'000);
  CHECK(driver.now_us() > 4'900'000);
  CHECK(state.selected_event == static_cast<std::uint64_t>(driver.now_us() / 1000));
}

TEST_CASE("right-clicking a broker offers faults and Crash pushes a crash command") {
  HeadlessImGui imgui(1920, 1080);
  FakeDriver driver;
  GuiState state;
  auto body = [&] { run_frame(driver, state, 0.0); };
  imgui.frame(body);
  ImVec2 min, max;
  REQUIRE(window_rect("Cluster", min, max));
  const bool opened = imgui.click_sweep(ImVec2(min.x, min.y + 60), max, 12, 1, body,
                                        [&] { return ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId); });
  REQUIRE(opened);
  const std::int32_t broker = state.selected_broker;
  CHECK(broker >= 1);
  ImVec2 pmin, pmax;
  REQUIRE(window_rect(nullptr, pmin, pmax));
  const bool crashed = imgui.click_sweep(ImVec2(pmin.x + 30, pmin.y), ImVec2(pmin.x + 31, pmax.y), 4, 0, body,
                                         [&] { return !driver.applied().empty(); });
  REQUIRE(crashed);
  CHECK(driver.applied()[0].kind == engine::CommandKind::kCrashBroker);
  CHECK(driver.applied()[0].node == broker);
}

TEST_CASE("clicking the timeline seeks and pauses") {
  HeadlessImGui imgui(1920, 1080);
  FakeDriver driver;
  GuiState state;
  state.playing = true;
  auto body = [&] { run_frame(driver, state, 0.0); };
  imgui.frame(body);
  ImVec2 min, max;
  REQUIRE(window_rect("Time", min, max));
  const float x = min.x + (max.x - min.x) * 0.75f;
  const bool sought = imgui.click_sweep(ImVec2(x, min.y), ImVec2(x + 1, max.y), 4, 0, body,
                                        [&] { return driver.seeks() > 0; });
  REQUIRE(sought);
  CHECK_FALSE(state.playing);
  CHECK(driver.now_us() > 40'000'000);
  CHECK(driver.now_us() < 50'000'000);
}

TEST_CASE("a partition that changes owner in a rebalance is shown as moved") {
  HeadlessImGui imgui(1920, 1080);
  FakeDriver driver;
  GuiState state;
  auto body = [&] { run_frame(driver, state, 0.0); };
  driver.seek(11'000'000);
  imgui.frame(body);
  driver.seek(13'000'000);  // billing-3 joined at 12 s (eager range)
  imgui.frame(body);
  const auto& seen = state.assignment_seen.at("billing/orders-5");
  CHECK(seen.member.rfind("billing-3", 0) == 0);
  CHECK(seen.previous_member.rfind("billing-2", 0) == 0);
  CHECK(seen.changed_us == 13'000'000);
}

TEST_CASE("each theme gives every broker and replica state its own colour") {
  for (ThemeKind kind : {ThemeKind::kDark, ThemeKind::kLight, ThemeKind::kHighContrast}) {
    const Palette p = make_palette(kind);
    std::vector<ImU32> states{p.broker_up, p.broker_down, p.broker_paused, p.broker_isolated};
    std::vector<ImU32> roles{p.leader, p.follower_isr, p.follower_out_of_isr, p.offline};
    for (auto* colours : {&states, &roles}) {
      std::sort(colours->begin(), colours->end());
      CHECK(std::adjacent_find(colours->begin(), colours->end()) == colours->end());
    }
  }
  ThemeKind parsed = ThemeKind::kDark;
  CHECK(parse_theme("high-contrast", parsed));
  CHECK(parsed == ThemeKind::kHighContrast);
  CHECK_FALSE(parse_theme("neon", parsed));
}

TEST_CASE("broker states are labelled down before paused before isolated before fenced") {
  engine::BrokerView b;
  CHECK(std::string(broker_state_label(b)) == "up");
  b.fenced = true;
  CHECK(std::string(broker_state_label(b)) == "fenced");
  b.isolated = true;
  CHECK(std::string(broker_state_label(b)) == "isolated");
  b.status = engine::NodeStatus::kPaused;
  CHECK(std::string(broker_state_label(b)) == "paused");
  b.status = engine::NodeStatus::kDown;
  CHECK(std::string(broker_state_label(b)) == "down");
}

TEST_CASE("every command has a readable description") {
  engine::Command c;
  c.kind = engine::CommandKind::kPartition;
  c.groups = {{1, 2}, {3}};
  CHECK(command_label(c) == "partition the network {1,2} | {3}");
  c.kind = engine::CommandKind::kKillConsumer;
  c.group = "billing";
  c.member = "billing-2";
  CHECK(command_label(c) == "kill consumer billing-2 of group billing");
  c.kind = engine::CommandKind::kPowerLossBroker;
  c.node = 3;
  CHECK(command_label(c) == "power loss on broker 3");
}

}  // namespace
}  // namespace kafkasim::gui::testing

namespace kafkasim::gui::testing {
namespace {

TEST_CASE("per-partition lag is sampled as sim time passes and forgotten after a backwards seek") {
  HeadlessImGui imgui(1920, 1080);
  FakeDriver driver;
  GuiState state;
  auto body = [&] { run_frame(driver, state, 0.0); };
  for (TimeUs t = 1'000'000; t <= 2'000'000; t += 50'000) {
    driver.seek(t);
    imgui.frame(body);
  }
  const LagTrace& trace = state.partition_lag.at("billing/orders-0");
  CHECK(trace.time_us.size() == 11);  // one sample per 100 ms of sim time
  driver.seek(1'500'000);
  imgui.frame(body);
  CHECK(state.partition_lag.at("billing/orders-0").time_us.back() == 1'500'000);
  CHECK(state.partition_lag.at("billing/orders-0").time_us.size() == 6);
}

}  // namespace
}  // namespace kafkasim::gui::testing

namespace kafkasim::gui::testing {
namespace {

TEST_CASE("the producers panel lists transactions with a colour per outcome and survives every state") {
  GuiState state;
  const Palette& pal = state.palette;
  CHECK(transaction_state_colour("Ongoing", pal) == pal.warn);
  CHECK(transaction_state_colour("CompleteCommit", pal) == pal.good);
  CHECK(transaction_state_colour("PrepareCommit", pal) == pal.good);
  CHECK(transaction_state_colour("PrepareAbort", pal) == pal.bad);
  CHECK(transaction_state_colour("CompleteAbort", pal) == pal.bad);
  CHECK(transaction_state_colour("Empty", pal) == pal.text_dim);
  HeadlessImGui imgui(1280, 720);
  engine::Snapshot snap;
  for (const char* s : {"Empty", "Ongoing", "PrepareCommit", "PrepareAbort", "CompleteCommit", "CompleteAbort"}) {
    engine::TransactionView t;
    t.transactional_id = std::string("app-") + s;
    t.state = s;
    t.producer_id = 3000000001;
    t.producer_epoch = 2;
    t.coordinator = 1;
    t.timeout_ms = 10000;
    if (t.state == "Ongoing") {
      t.open_ms = 12000;  // past the timeout: the bar is full, not beyond
      t.partitions = {"invoices-0", "invoices-1", "__consumer_offsets-12"};
    }
    if (t.state.starts_with("Prepare")) t.markers_pending = 2;
    snap.transactions.push_back(t);
  }
  auto vertices_for = [&](const engine::Snapshot& s) {
    int vertices = 0;
    imgui.frame([&] {
      ImGui::SetNextWindowPos(ImVec2(0, 0));
      ImGui::SetNextWindowSize(ImVec2(1280, 720));
      ImGui::Begin("Producers");
      draw_producers_panel(s, state);
      vertices = ImGui::GetWindowDrawList()->VtxBuffer.Size;
      ImGui::End();
    });
    return vertices;
  };
  const int without = vertices_for(engine::Snapshot{});
  const int with = vertices_for(snap);
  CHECK(with > without + 1000);  // six cards of text, chips and a progress bar
}

}  // namespace
}  // namespace kafkasim::gui::testing
