#pragma once
// Small drawing helpers shared by the panels: the state -> colour/label mapping (one place, so a colour
// means the same in every view), coloured chips and legend swatches, the monospace-font scope, and the
// fault menu items used by both the right-click menus and the Faults menu. Stateless; ImGui only.
#include <initializer_list>
#include <string>
#include <vector>

#include <imgui.h>

#include "gui/gui_state.h"
#include "sim/engine/snapshot.h"

namespace kafkasim::gui {

const char* broker_state_label(const engine::BrokerView& broker);  // up, down, paused, isolated, fenced
ImU32 broker_colour(const engine::BrokerView& broker, const Palette& palette);
// Leader, follower in ISR, follower out of ISR, or offline.
const char* replica_role_label(const engine::PartitionView& partition, const engine::ReplicaView& replica);
ImU32 replica_colour(const engine::PartitionView& partition, const engine::ReplicaView& replica,
                     const Palette& palette);
ImU32 series_colour(const Palette& palette, std::size_t index);

// A consumer group's colour in every view (partition strips, cluster view, groups panel): the series
// colour of its position in the snapshot's group list, whatever subset of groups a partition shows.
class GroupColours {
 public:
  explicit GroupColours(const engine::Snapshot& snapshot);
  ImU32 of(const std::string& group, const Palette& palette) const;

 private:
  std::vector<std::string> names_;  // the snapshot's order
};
// Black or white, whichever reads better on `background`.
ImU32 contrast_text(ImU32 background);

// A filled rounded label, laid out like a SmallButton; returns true when clicked.
bool chip(const char* text, ImU32 colour, const char* tooltip = nullptr);
// Lays out a run of chips left to right, wrapping at the right edge of the current cell or window:
// call next(text) before each chip.
class ChipFlow {
 public:
  ChipFlow();
  void next(const char* text);

 private:
  float right_x_ = 0;
  bool first_ = true;
};

// A colour swatch followed by `label`, on the current line.
void legend_item(const char* label, ImU32 colour);
// Legend items left to right, wrapping at the right edge of the window.
struct LegendEntry {
  const char* label;
  ImU32 colour;
};
void legend_row(std::initializer_list<LegendEntry> entries);
// While alive, the current window draws with the linearly sampled font atlas (GuiState::smooth_atlas):
// for lines at any angle and circle outlines, whose anti-aliasing ImGui bakes into the atlas (text
// inside the scope uses it too and looks as usual). Keep the scope to one window's own drawing: no
// tooltips or popups inside.
class SmoothSampling {
 public:
  explicit SmoothSampling(const GuiState& state);
  ~SmoothSampling();
  SmoothSampling(const SmoothSampling&) = delete;
  SmoothSampling& operator=(const SmoothSampling&) = delete;

 private:
  ImTextureID sharp_ = nullptr;  // the atlas texture to restore; nullptr: nothing was changed
};

// Text in a colour given as ImU32.
void text_coloured(ImU32 colour, const char* fmt, ...) IM_FMTARGS(2);

// Pushes the monospace font for numbers and logs while in scope (no-op when there is none).
class MonoFont {
 public:
  explicit MonoFont(const GuiState& state);
  ~MonoFont();
  MonoFont(const MonoFont&) = delete;
  MonoFont& operator=(const MonoFont&) = delete;

 private:
  bool pushed_ = false;
};

// Menu items that fault or heal one broker (crash, power loss, restart, shutdown, pause, resume,
// isolate); each pushes an engine::Command.
void broker_fault_items(const engine::BrokerView& broker, GuiState& state);
// "Partition the network": split brokers into two halves, isolate the controller, heal.
void network_fault_items(const engine::Snapshot& snapshot, GuiState& state);
// Kill one member of a group.
void member_fault_items(const std::string& group, const engine::MemberView& member, GuiState& state);

}  // namespace kafkasim::gui
