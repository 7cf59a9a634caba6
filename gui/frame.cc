#include "gui/frame.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "gui/layout.h"
#include "gui/panels.h"

namespace kafkasim::gui {
namespace {

// The tiled windows draw no background of their own: the application clears the frame with the
// theme's window colour, which under a software rasterizer (Mesa llvmpipe) saves a full screen of
// shaded fragments per frame.
constexpr ImGuiWindowFlags kFixedWindow = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                          ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                          ImGuiWindowFlags_NoBackground;

void push_simple(GuiState& state, ActionKind kind) {
  Action action;
  action.kind = kind;
  state.push(std::move(action));
}

void handle_keys(GuiState& state) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput || io.KeyCtrl) return;
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false)) state.playing = !state.playing;
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow), true)) {
    push_simple(state, io.KeyShift ? ActionKind::kStepNotable : ActionKind::kStepEvent);
  }
}

// Places the next window at its layout rectangle; false when the window is closed.
bool begin_window(const char* title, const Layout& layout, WindowId id, bool* open, ImGuiWindowFlags extra = 0) {
  const Rect& r = layout.at(id);
  if (!r.visible) return false;
  ImGui::SetNextWindowPos(ImVec2(r.x, r.y), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(r.w, r.h), ImGuiCond_Always);
  if (!ImGui::Begin(title, open, kFixedWindow | extra)) {
    ImGui::End();
    return false;
  }
  return true;
}

float time_panel_height() {
  const ImGuiStyle& style = ImGui::GetStyle();
  return ImGui::GetFrameHeightWithSpacing() + ImGui::GetFontSize() * 1.7f + style.ItemSpacing.y +
         ImGui::GetTextLineHeightWithSpacing() * 2.7f + style.WindowPadding.y * 2;
}

// Appends the events since the last fetch when the run only moved forward a little; false when that
// cannot be known to be complete (then the caller fetches afresh).
bool append_new_events(engine::Driver& driver, std::uint64_t events_executed, GuiState& state) {
  std::vector<engine::EventView>& cache = state.event_cache;
  if (state.event_cache_at == UINT64_MAX || events_executed < state.event_cache_at || cache.empty()) return false;
  // One executed event traces a few events at most; ask for more than that and check the overlap.
  const std::uint64_t want = 2 * (events_executed - state.event_cache_at) + 64;
  if (want >= kEventLogFetchMax) return false;
  const std::vector<engine::EventView> fresh = driver.recent_events(want, "");
  const std::uint64_t last = cache.back().number;
  if (fresh.empty() || fresh.front().number > last) return false;  // maybe a gap: more than `want` new events
  for (const auto& e : fresh) {
    if (e.number > last) cache.push_back(e);
  }
  if (cache.size() > kEventLogFetchMax) cache.erase(cache.begin(), cache.end() - static_cast<std::ptrdiff_t>(kEventLogFetchMax));
  return true;
}

// Refreshes the events for the log when the run moved (throttled while playing).
void refresh_events(engine::Driver& driver, std::uint64_t events_executed, GuiState& state) {
  ++state.frames_since_event_fetch;
  if (events_executed == state.event_cache_at) return;
  if (state.playing && state.frames_since_event_fetch < kEventFetchEveryFrames) return;
  state.frames_since_event_fetch = 0;
  ++state.event_cache_version;
  if (append_new_events(driver, events_executed, state)) {
    state.event_cache_at = events_executed;
    return;
  }
  state.event_cache_at = events_executed;
  state.event_cache = driver.recent_events(kEventLogFetch, "");
  if (state.event_cache.size() >= kEventLogFetch && count_shown_kinds(state.event_cache, state) < kEventLogFew) {
    state.event_cache = driver.recent_events(kEventLogFetchMax, "");
  }
}

}  // namespace

namespace {

// Where one frame of play of `wall_dt_s` seconds goes: speed x wall time (the end of the run at max
// speed), stopping at the next pause point and at "run until".
TimeUs play_target(const engine::Driver& driver, const GuiState& state, double wall_dt_s) {
  TimeUs target = driver.duration_us();
  if (!state.max_speed) {
    const double step_us = std::clamp(static_cast<double>(state.speed), 0.0, 1e6) * std::max(wall_dt_s, 0.0) * 1e6;
    target = std::min(target, driver.now_us() + std::max<TimeUs>(1, std::llround(step_us)));
  }
  const TimeUs pause = driver.next_pause_point_us();
  if (pause >= 0 && pause <= target) target = pause;
  if (state.run_until_us >= 0 && state.run_until_us <= target) target = state.run_until_us;
  return target;
}

// While playing: tells the driver where the next frame will go (this frame's duration as the estimate
// of the next one), so a run in another process advances while this frame is drawn.
void prefetch_next_frame(engine::Driver& driver, GuiState& state, double wall_dt_s) {
  driver.hold_background_work(state.playing);
  state.prefetched_target_us = -1;
  if (!state.playing || driver.finished()) return;
  state.prefetched_target_us = play_target(driver, state, wall_dt_s);
  driver.prefetch_advance(state.prefetched_target_us, state.max_events_per_frame);
}

}  // namespace

void advance_play(engine::Driver& driver, GuiState& state, double wall_dt_s) {
  const TimeUs prefetched = std::exchange(state.prefetched_target_us, -1);
  if (!state.playing) return;
  if (driver.finished()) {
    state.playing = false;
    return;
  }
  // The target announced at the end of the last frame, if any: the driver may have reached it already.
  const TimeUs target = prefetched >= 0 ? prefetched : play_target(driver, state, wall_dt_s);
  const TimeUs pause = driver.next_pause_point_us();
  const bool stop_at_pause = pause >= 0 && pause <= target;
  const bool stop_at_until = state.run_until_us >= 0 && state.run_until_us <= target;
  driver.advance_to(target, state.max_events_per_frame);
  const TimeUs reached = driver.now_us();
  if (stop_at_pause && reached >= pause) {
    state.playing = false;
    state.paused_at_pause_point_us = reached;
  }
  if (stop_at_until && reached >= state.run_until_us) {
    state.playing = false;
    state.run_until_us = -1;
  }
  if (driver.finished()) state.playing = false;
}

void apply_actions(engine::Driver& driver, GuiState& state) {
  std::vector<Action> actions;
  actions.swap(state.actions);
  for (auto& action : actions) {
    switch (action.kind) {
      case ActionKind::kApplyCommand:
        driver.apply(action.command);
        state.status_line = command_label(action.command) + " at " + format_time(driver.now_us());
        break;
      case ActionKind::kStepEvent:
        state.playing = false;
        driver.step_event();
        break;
      case ActionKind::kStepNotable:
        state.playing = false;
        driver.step_notable();
        break;
      case ActionKind::kSeek:
        driver.seek(std::clamp<TimeUs>(action.time_us, 0, driver.duration_us()));
        state.event_cache_at = UINT64_MAX;  // the log fetches the events around the new time afresh
        break;
      case ActionKind::kSeekEvent:
        driver.seek_event(action.event_number);
        state.event_cache_at = UINT64_MAX;
        break;
      case ActionKind::kRunUntil:
        if (action.time_us <= driver.now_us()) {
          driver.seek(std::max<TimeUs>(action.time_us, 0));
          state.event_cache_at = UINT64_MAX;
          state.playing = false;
        } else {
          state.run_until_us = std::min(action.time_us, driver.duration_us());
          state.playing = true;
        }
        break;
      case ActionKind::kOpenScenario:
      case ActionKind::kSaveSession:
      case ActionKind::kQuit:
        state.app_requests.push_back(std::move(action));
        break;
    }
  }
}

void run_frame(engine::Driver& driver, GuiState& state, double wall_dt_s) {
  state.wall_time_s += wall_dt_s;
  if (state.driver_failure.empty()) {
    if (const auto failure = driver.failure()) {
      state.driver_failure = *failure;
      state.playing = false;
    }
  }
  handle_keys(state);
  advance_play(driver, state, wall_dt_s);

  const engine::Snapshot& snap = driver.snapshot();
  TimelineInfo timeline;
  timeline.now_us = driver.now_us();
  timeline.duration_us = driver.duration_us();
  timeline.next_pause_point_us = driver.next_pause_point_us();
  timeline.finished = driver.finished();
  timeline.marks = &driver.marks();
  if (state.open.events) refresh_events(driver, snap.events_executed, state);
  const std::vector<engine::EventView>& events = state.event_cache;

  draw_main_menu(snap, state);
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const Layout layout = compute_layout(display.x, display.y, ImGui::GetFrameHeight(), time_panel_height(), state.open);
  if (begin_window("Time", layout, WindowId::kTime, nullptr, ImGuiWindowFlags_NoTitleBar)) {
    draw_time_panel(snap, timeline, state);
    ImGui::End();
  }
  if (begin_window("Event log", layout, WindowId::kEvents, &state.open.events)) {
    draw_events_panel(events, state);
    ImGui::End();
  }
  using SnapshotPanel = void (*)(const engine::Snapshot&, GuiState&);
  struct Window {
    const char* title;
    WindowId id;
    bool* open;
    SnapshotPanel draw;
  };
  const Window windows[] = {
      {"Cluster", WindowId::kCluster, &state.open.cluster, draw_cluster_panel},
      {"Consumer groups", WindowId::kGroups, &state.open.groups, draw_groups_panel},
      {"Partitions", WindowId::kPartitions, &state.open.partitions, draw_partitions_panel},
      {"Producers", WindowId::kProducers, &state.open.producers, draw_producers_panel},
      {"Delivery (history checker)", WindowId::kDelivery, &state.open.delivery, draw_delivery_panel},
  };
  for (const Window& w : windows) {
    if (begin_window(w.title, layout, w.id, w.open)) {
      w.draw(snap, state);
      ImGui::End();
    }
  }
  apply_actions(driver, state);
  prefetch_next_frame(driver, state, wall_dt_s);
}

}  // namespace kafkasim::gui
