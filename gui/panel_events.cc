// Event log: the latest events of the run (number, sim time, node, kind, details), filterable with
// ImGui's text filter ("elect", "-Fetch"), following the newest event unless unticked. Click an event
// to seek the run to it (Driver::seek_event). ImGuiListClipper keeps long logs cheap.
#include <fmt/format.h>

#include "gui/panels.h"
#include "gui/widgets.h"

namespace kafkasim::gui {
namespace {

// Colours follow the timeline marks; the kinds are the engine's trace kinds (sim/engine/session.cc).
ImU32 event_colour(const std::string& kind, const Palette& pal) {
  auto starts = [&](const char* prefix) { return kind.rfind(prefix, 0) == 0; };
  auto has = [&](const char* word) { return kind.find(word) != std::string::npos; };
  if (starts("scenario.action") || starts("command") || starts("node.") || has("crash") || has("fault") ||
      has("failed") || has("offline")) {
    return pal.bad;
  }
  if (has("election") || has("leader")) return pal.leader;
  if (has("isr") || has("Isr") || has("truncat")) return pal.follower_out_of_isr;
  if (starts("group.") || has("ebalance")) return pal.marks[3];
  if (starts("scenario.")) return pal.controller;
  if (has("ack") || has("commit")) return pal.good;
  return pal.text;
}

}  // namespace

void draw_events_panel(const std::vector<engine::EventView>& events, GuiState& state) {
  const Palette& pal = state.palette;
  state.event_filter.Draw("filter (kind or text; -word excludes)", ImGui::GetFontSize() * 12);
  ImGui::SameLine();
  ImGui::Checkbox("follow", &state.follow_events);
  std::vector<std::size_t> shown;
  shown.reserve(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    const std::string line = e.kind + " " + e.details;
    if (state.event_filter.PassFilter(line.c_str())) shown.push_back(i);
  }
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY |
                                     ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable("events", 5, kFlags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("#");
  ImGui::TableSetupColumn("time");
  ImGui::TableSetupColumn("node");
  ImGui::TableSetupColumn("kind");
  ImGui::TableSetupColumn("details", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableHeadersRow();
  {
  MonoFont mono(state);
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(shown.size()));
  while (clipper.Step()) {
    for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
      const auto& e = events[shown[static_cast<std::size_t>(row)]];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      const std::string number = fmt::format("{}", e.number);
      ImGui::PushID(row);
      if (ImGui::Selectable(number.c_str(), state.selected_event == e.number, ImGuiSelectableFlags_SpanAllColumns)) {
        state.selected_event = e.number;
        state.playing = false;
        Action action;
        action.kind = ActionKind::kSeekEvent;
        action.event_number = e.number;
        state.push(std::move(action));
      }
      ImGui::PopID();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(format_time(e.time_us).c_str());
      ImGui::TableNextColumn();
      if (e.node >= 0) ImGui::Text("%d", e.node);
      ImGui::TableNextColumn();
      text_coloured(event_colour(e.kind, pal), "%s", e.kind.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(e.details.c_str());
    }
  }
  if (state.follow_events && ImGui::GetScrollY() < ImGui::GetScrollMaxY()) ImGui::SetScrollHereY(1.0f);
  }  // the mono font must be popped inside the table's child window
  ImGui::EndTable();
}

}  // namespace kafkasim::gui
