// Delivery panel: per consumer group, the history checker's counts of records produced, acknowledged,
// consumed, lost and duplicated, and the delivery semantics they show. Below, every anomaly (a lost or
// duplicated range) with the event that explains it; clicking one - or a non-zero lost/duplicated count -
// seeks the run to that event (Driver::seek_event), so the class can watch the cause happen.
#include <fmt/format.h>

#include "gui/panels.h"
#include "gui/widgets.h"

namespace kafkasim::gui {
namespace {

void seek_to_cause(const engine::Anomaly& a, GuiState& state) {
  Action action;
  action.kind = ActionKind::kSeekEvent;
  action.event_number = a.cause_event;
  state.playing = false;
  state.push(std::move(action));
}

// The first anomaly of `group` whose kind starts with `kind_prefix`, or nullptr.
const engine::Anomaly* first_anomaly(const engine::Snapshot& snap, const std::string& group, const std::string& kind_prefix) {
  for (const auto& a : snap.anomalies) {
    if (a.group == group && a.kind.rfind(kind_prefix, 0) == 0) return &a;
  }
  for (const auto& a : snap.anomalies) {  // producer-side anomalies have no group
    if (a.group.empty() && a.kind.rfind(kind_prefix, 0) == 0) return &a;
  }
  return nullptr;
}

void count_cell(std::int64_t count, ImU32 colour, const engine::Anomaly* cause, GuiState& state) {
  const std::string text = fmt::format("{}", count);
  if (count > 0 && cause != nullptr) {
    if (chip(text.c_str(), colour, "click: seek to the event that caused it")) seek_to_cause(*cause, state);
  } else {
    text_coloured(count > 0 ? colour : state.palette.text_dim, "%s", text.c_str());
  }
}

void delivery_table(const engine::Snapshot& snap, GuiState& state) {
  const Palette& pal = state.palette;
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                     ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollX;
  const float table_h = ImGui::GetTextLineHeightWithSpacing() * static_cast<float>(snap.delivery.size() + 1) +
                        ImGui::GetStyle().ScrollbarSize;
  if (!ImGui::BeginTable("delivery", 6, kFlags, ImVec2(0, table_h))) return;
  for (const char* name : {"group", "produced", "acked", "consumed", "lost", "duplicated"}) {
    ImGui::TableSetupColumn(name);
  }
  ImGui::TableSetupScrollFreeze(1, 1);
  ImGui::TableHeadersRow();
  for (std::size_t i = 0; i < snap.delivery.size(); ++i) {
    const auto& row = snap.delivery[i];
    ImGui::PushID(static_cast<int>(i));
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(row.group.c_str());
    MonoFont mono(state);
    ImGui::TableNextColumn();
    ImGui::Text("%lld", static_cast<long long>(row.produced));
    ImGui::TableNextColumn();
    ImGui::Text("%lld", static_cast<long long>(row.acked));
    ImGui::TableNextColumn();
    ImGui::Text("%lld", static_cast<long long>(row.consumed));
    ImGui::TableNextColumn();
    count_cell(row.lost, pal.bad, first_anomaly(snap, row.group, "lost"), state);
    ImGui::TableNextColumn();
    count_cell(row.duplicated, pal.warn, first_anomaly(snap, row.group, "dup"), state);
    ImGui::PopID();
  }
  ImGui::EndTable();
  // The verdicts below the table, so the counts keep their width on narrow screens.
  for (const auto& row : snap.delivery) {
    const bool clean = row.lost == 0 && row.duplicated == 0;
    ImGui::TextUnformatted(row.group.c_str());
    ImGui::SameLine();
    text_coloured(clean ? pal.good : pal.warn, "%s", row.semantics.c_str());
  }
}

}  // namespace

void draw_delivery_panel(const engine::Snapshot& snap, GuiState& state) {
  const Palette& pal = state.palette;
  if (snap.delivery.empty()) ImGui::TextDisabled("no records checked yet");
  else delivery_table(snap, state);
  ImGui::Spacing();
  ImGui::Text("Anomalies (%zu) - click one to see its cause", snap.anomalies.size());
  ImGui::Separator();
  if (snap.anomalies.empty()) text_coloured(pal.good, "none: nothing lost or duplicated so far");
  ImGui::PushTextWrapPos(0.0f);
  for (std::size_t i = 0; i < snap.anomalies.size(); ++i) {
    const auto& a = snap.anomalies[i];
    ImGui::PushID(static_cast<int>(i));
    const ImU32 colour = a.kind.rfind("dup", 0) == 0 ? pal.warn : pal.bad;
    const std::string title = fmt::format("{}  {}{}{}", a.kind, a.where, a.group.empty() ? "" : "  group ", a.group);
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    if (ImGui::Selectable(title.c_str(), false)) seek_to_cause(a, state);
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("seek to event #%llu at %s", static_cast<unsigned long long>(a.cause_event),
                        format_time(a.cause_time_us).c_str());
    }
    ImGui::TextDisabled("   because %s", a.because.c_str());
    ImGui::PopID();
  }
  ImGui::PopTextWrapPos();
}

}  // namespace kafkasim::gui
