#pragma once
// The visualizer's panels: one file and one draw function each. Every panel reads a const
// engine::Snapshot (plus, for the time bar and the event log, the Driver's marks and events, handed in
// as data) and changes nothing but GuiState: requests go to GuiState::actions and are applied by
// run_frame() after all windows are drawn. Each draw function is the *contents* of a window:
// run_frame() owns Begin/End and the layout.
#include <vector>

#include "gui/gui_state.h"
#include "sim/engine/driver.h"
#include "sim/engine/snapshot.h"

namespace kafkasim::gui {

// What the time bar needs from the Driver, copied out before drawing.
struct TimelineInfo {
  TimeUs now_us = 0;
  TimeUs duration_us = 0;
  TimeUs next_pause_point_us = -1;
  bool finished = false;
  const std::vector<engine::TimelineMark>* marks = nullptr;
};

// The main menu bar: File (lessons, open), View (windows, font size, theme), Faults, Help.
void draw_main_menu(const engine::Snapshot& snapshot, GuiState& state);
// Play/pause, step, step-notable, speed, run-until, the timeline with its marks, and the narration.
void draw_time_panel(const engine::Snapshot& snapshot, const TimelineInfo& timeline, GuiState& state);
// Brokers, controller, cut links and requests in flight; right-click a broker for faults.
void draw_cluster_panel(const engine::Snapshot& snapshot, GuiState& state);
// Every replica's log as a strip of offsets (log start, HW, LEO, truncation) and the groups' offsets.
void draw_partitions_panel(const engine::Snapshot& snapshot, GuiState& state);
// Consumer groups: state, generation, members and assignment, lag table and lag plot.
void draw_groups_panel(const engine::Snapshot& snapshot, GuiState& state);
// Producers: rate, acks, in-flight batches, retries, errors with their reason.
void draw_producers_panel(const engine::Snapshot& snapshot, GuiState& state);
// Transactions as the coordinators see them: state, epoch, partitions, open time vs
// transaction.timeout.ms, pending markers (drawn by the producers panel, under the producers).
void draw_transactions_section(const engine::Snapshot& snapshot, GuiState& state);
// A transaction state's colour: Ongoing warns, PrepareCommit/CompleteCommit good, the aborts bad.
ImU32 transaction_state_colour(const std::string& state, const Palette& palette);
// Delivery counts per group from the checker, and the anomalies (click: seek to the cause).
void draw_delivery_panel(const engine::Snapshot& snapshot, GuiState& state);
// The event log, filterable; click an event to seek to it.
void draw_events_panel(const std::vector<engine::EventView>& events, GuiState& state);
// How many of `events` are of a kind the log shows (not in GuiState::hidden_event_kinds).
std::size_t count_shown_kinds(const std::vector<engine::EventView>& events, const GuiState& state);

}  // namespace kafkasim::gui
