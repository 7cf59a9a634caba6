#pragma once
// run_frame(): one frame of the visualizer between ImGui::NewFrame() and ImGui::Render(), with no
// backend of its own (the application shell and the headless tests both call it). In order:
//   1. keyboard: Space play/pause, Right step one event, Shift+Right step to the next notable event;
//   2. play mode: converts speed x wall time into a sim-time target and calls Driver::advance_to,
//      stopping at the scenario's pause points, at "run until" and at the end of the run;
//   3. draws the menu bar and every open window at its place in the fixed layout (gui/layout.h);
//   4. applies the Actions the panels pushed (commands, steps, seeks) to the Driver, after drawing, so
//      no Snapshot reference outlives a change. Open-scenario and quit go to GuiState::app_requests.
// The tiled windows have no background: clear the frame with ImGuiCol_WindowBg before rendering.
#include "gui/gui_state.h"
#include "sim/engine/driver.h"

namespace kafkasim::gui {

inline constexpr std::size_t kEventLogFetch = 5000;  // latest events fetched for the log each frame
// When fewer than kEventLogFew of those are of a shown kind (a reconnect storm: thousands of hidden
// net.* events a second), the log fetches up to this many (engine::Session keeps 20,000).
inline constexpr std::size_t kEventLogFew = 100;
inline constexpr std::size_t kEventLogFetchMax = 20000;
inline constexpr int kEventFetchEveryFrames = 4;  // while playing: the log refreshes 15 times a second
inline constexpr std::size_t kEventLogMax = 1000;    // rows the log shows (after filtering)

void run_frame(engine::Driver& driver, GuiState& state, double wall_dt_s);

// Step 2 alone (tested headless): advance the run for one frame of `wall_dt_s` seconds if playing.
void advance_play(engine::Driver& driver, GuiState& state, double wall_dt_s);
// Step 4 alone: apply and clear GuiState::actions.
void apply_actions(engine::Driver& driver, GuiState& state);

}  // namespace kafkasim::gui
