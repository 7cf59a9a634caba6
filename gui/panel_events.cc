// Event log: the latest events of the run (number, sim time, node, kind, details), filterable with
// ImGui's text filter ("elect", "-Fetch") and by kind (the Kinds menu: a checkbox per kind with its
// count; the routine chatter of kDefaultHiddenKinds starts hidden; a run of hidden events shows as one
// dim row counting them by kind, so a flood stays visible). Consecutive events of one kind collapse into
// one row "kind x N" (the latest of them) unless unticked. Follows the newest event unless
// unticked. Click an event to seek the run to it (Driver::seek_event). ImGuiListClipper keeps long logs
// cheap.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "gui/frame.h"
#include "gui/panels.h"
#include "gui/widgets.h"

namespace kafkasim::gui {
namespace {

constexpr const char* kKindsPopup = "event_kinds";

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

// Rows shown: hidden kinds folded into one dim row per run, the rest passing the text filter, collapsed
// when asked; the last kEventLogMax.
std::vector<EventRow> shown_rows(const std::vector<engine::EventView>& events, GuiState& state) {
  std::vector<EventRow> rows;
  rows.reserve(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    const bool hidden = state.hidden_event_kinds.count(e.kind) > 0;
    if (!hidden && state.event_filter.IsActive()) {
      const std::string line = e.kind + " " + e.details;
      if (!state.event_filter.PassFilter(line.c_str())) continue;
    }
    const bool same_run = !rows.empty() && rows.back().hidden == hidden &&
                          (hidden || (state.collapse_repeats && events[rows.back().index].kind == e.kind));
    if (same_run) {
      rows.back().index = i;
      ++rows.back().count;
      continue;
    }
    rows.push_back(EventRow{i, i, 1, hidden, {}});
  }
  if (rows.size() > kEventLogMax) rows.erase(rows.begin(), rows.end() - static_cast<std::ptrdiff_t>(kEventLogMax));
  return rows;
}

// The rows and kind counts of the log, recomputed when the events or the filters changed.
EventLogRows& log_rows(const std::vector<engine::EventView>& events, GuiState& state) {
  EventLogRows& c = state.event_rows;
  const std::string filter = state.event_filter.InputBuf;
  if (c.cache_version == state.event_cache_version && c.filter == filter && c.hidden == state.hidden_event_kinds &&
      c.collapse == state.collapse_repeats) {
    return c;
  }
  c.cache_version = state.event_cache_version;
  c.filter = filter;
  c.hidden = state.hidden_event_kinds;
  c.collapse = state.collapse_repeats;
  c.rows = shown_rows(events, state);
  c.kind_counts.clear();
  for (const auto& e : events) ++c.kind_counts[e.kind];
  for (const auto& kind : state.hidden_event_kinds) c.kind_counts.emplace(kind, 0);
  return c;
}

// "net.connect x3,120, net.break x3,110, ..." for a run of hidden events, most frequent first.
std::string hidden_summary(const std::vector<engine::EventView>& events, const EventRow& row) {
  std::map<std::string, std::size_t> counts;
  for (std::size_t i = row.first; i <= row.index; ++i) ++counts[events[i].kind];
  std::vector<std::pair<std::size_t, std::string>> sorted;
  for (const auto& [kind, n] : counts) sorted.emplace_back(n, kind);
  std::sort(sorted.rbegin(), sorted.rend());
  std::string out;
  for (const auto& [n, kind] : sorted) out += fmt::format("{}{} \u00D7{}", out.empty() ? "" : ", ", kind, n);
  return out;
}

// The Kinds menu: every kind among the fetched events (and every hidden one) with its count.
void kinds_menu(const std::map<std::string, std::size_t>& counts, GuiState& state) {
  std::size_t hidden_events = 0;
  for (const auto& [kind, n] : counts) hidden_events += state.hidden_event_kinds.count(kind) > 0 ? n : 0;
  const std::string label = state.hidden_event_kinds.empty()
                                ? std::string("Kinds")
                                : fmt::format("Kinds ({} hidden, {} events)###kinds", state.hidden_event_kinds.size(), hidden_events);
  if (ImGui::SmallButton(label.c_str())) ImGui::OpenPopup(kKindsPopup);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("show or hide events by kind");
  if (!ImGui::BeginPopup(kKindsPopup)) return;
  if (ImGui::SmallButton("show all")) state.hidden_event_kinds.clear();
  ImGui::SameLine();
  if (ImGui::SmallButton("hide routine")) {
    for (const char* kind : kDefaultHiddenKinds) state.hidden_event_kinds.insert(kind);
  }
  ImGui::Separator();
  for (const auto& [kind, n] : counts) {
    bool shown = state.hidden_event_kinds.count(kind) == 0;
    const std::string item = fmt::format("{}  ({})", kind, n);
    if (ImGui::Checkbox(item.c_str(), &shown)) {
      if (shown) state.hidden_event_kinds.erase(kind);
      else state.hidden_event_kinds.insert(kind);
    }
  }
  ImGui::EndPopup();
}

}  // namespace

std::size_t count_shown_kinds(const std::vector<engine::EventView>& events, const GuiState& state) {
  std::size_t n = 0;
  for (const auto& e : events) n += state.hidden_event_kinds.count(e.kind) == 0 ? 1 : 0;
  return n;
}

void draw_events_panel(const std::vector<engine::EventView>& events, GuiState& state) {
  const Palette& pal = state.palette;
  state.event_filter.Draw("##event_filter", ImGui::GetFontSize() * 10);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("filter by kind or text; -word excludes, a,b matches either");
  ImGui::SameLine();
  EventLogRows& derived = log_rows(events, state);
  kinds_menu(derived.kind_counts, state);
  ImGui::SameLine();
  ImGui::Checkbox("collapse", &state.collapse_repeats);
  ImGui::SameLine();
  ImGui::Checkbox("follow", &state.follow_events);
  std::vector<EventRow>& rows = derived.rows;
  if (rows.empty() && !events.empty()) ImGui::TextDisabled("the latest %zu events are filtered out", events.size());
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
  clipper.Begin(static_cast<int>(rows.size()));
  while (clipper.Step()) {
    for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
      EventRow& row = rows[static_cast<std::size_t>(r)];
      const auto& e = events[row.index];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      const std::string number = fmt::format("{}", e.number);
      ImGui::PushID(r);
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
      if (!row.hidden && e.node >= 0) ImGui::Text("%d", e.node);
      ImGui::TableNextColumn();
      if (row.hidden) {
        ImGui::TextDisabled("%zu hidden", row.count);
        ImGui::TableNextColumn();
        if (row.summary.empty()) row.summary = hidden_summary(events, row);
        ImGui::TextDisabled("%s", row.summary.c_str());
      } else {
        if (row.count > 1) {
          text_coloured(event_colour(e.kind, pal), "%s \u00D7%zu", e.kind.c_str(), row.count);
        } else {
          text_coloured(event_colour(e.kind, pal), "%s", e.kind.c_str());
        }
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(e.details.c_str());
      }
    }
  }
  if (state.follow_events && ImGui::GetScrollY() < ImGui::GetScrollMaxY()) ImGui::SetScrollHereY(1.0f);
  }  // the mono font must be popped inside the table's child window
  ImGui::EndTable();
}

}  // namespace kafkasim::gui
