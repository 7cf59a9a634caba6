// Consumer groups view: per group its state, generation, assignor (eager or cooperative, labelled), the
// coordinator and its members with their assigned partitions as chips (runs of consecutive partitions
// share one chip when a member has many, and its label counts them). A partition that just moved to
// another member glows for a few seconds of sim time ("moved from ..."); partitions a cooperative member
// is giving up are shown struck through in the revoking colour, so an eager rebalance (everything
// revoked at once) and a cooperative one (only the moving partitions) look different. Below: the lag
// per partition (kafka-consumer-groups.sh --describe) and the total lag over time as a live plot.
// Right-click a member to kill it; "Add consumer" starts one more.
#include <algorithm>
#include <cstdlib>
#include <vector>

#include <fmt/format.h>

#include "gui/panels.h"
#include "gui/widgets.h"

namespace kafkasim::gui {
namespace {

constexpr TimeUs kMovedGlowUs = 5'000'000;
constexpr std::size_t kChipsBeforeRuns = 8;  // more assigned partitions than this: runs share a chip

// "orders-12" -> "orders" and 12 (-1 when the name has no partition number).
std::string topic_of(const std::string& tp) { return tp.substr(0, tp.rfind('-')); }
int partition_of(const std::string& tp) {
  const auto dash = tp.rfind('-');
  if (dash == std::string::npos) return -1;
  return std::atoi(tp.c_str() + dash + 1);
}
constexpr const char* kMemberPopup = "member_faults";

ImU32 group_state_colour(const std::string& s, const Palette& pal) {
  if (s == "Stable") return pal.good;
  if (s == "PreparingRebalance" || s == "CompletingRebalance") return pal.warn;
  if (s == "Dead") return pal.bad;
  return pal.offline;
}

// Remembers which member owns each partition, to light up partitions that moved.
void track_assignment(const engine::GroupView& g, TimeUs now_us, GuiState& state) {
  for (const auto& m : g.members) {
    for (const auto& tp : m.assigned) {
      AssignmentSeen& seen = state.assignment_seen[g.group_id + "/" + tp];
      if (seen.member != m.member_id) {
        if (!seen.member.empty()) {
          seen.previous_member = seen.member;
          seen.changed_us = now_us;
        }
        seen.member = m.member_id;
      }
      if (seen.changed_us > now_us) seen.changed_us = -1;  // seeked backwards
    }
  }
}

void member_row(const engine::GroupView& g, const engine::MemberView& m, TimeUs now_us, GuiState& state) {
  const Palette& pal = state.palette;
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  const std::string who = m.client_id.empty() ? m.member_id : m.client_id;
  const std::string count = m.assigned.size() > kChipsBeforeRuns ? fmt::format("  \u00B7 {}", m.assigned.size()) : "";
  const std::string label = fmt::format("{}{}{}{}", who, m.member_id == g.leader_member ? " (leader)" : "",
                                        m.group_instance_id.empty() ? "" : " [static]", count);
  ImGui::PushStyleColor(ImGuiCol_Text, m.alive ? pal.text : pal.offline);
  ImGui::Selectable(label.c_str(), false, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap);
  ImGui::PopStyleColor();
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("member %s\nhost %s\nright-click for faults", m.member_id.c_str(), m.host.c_str());
  }
  if (ImGui::BeginPopupContextItem(kMemberPopup)) {
    member_fault_items(g.group_id, m, state);
    ImGui::EndPopup();
  }
  ImGui::TableNextColumn();
  ChipFlow flow;
  // A long assignment shows runs of consecutive partitions as one chip ("orders-0..11"); a partition
  // that just moved keeps its own glowing chip.
  const bool compact = m.assigned.size() > kChipsBeforeRuns;
  std::vector<const std::string*> run;  // consecutive partitions of one topic, not moved
  auto flush_run = [&] {
    if (run.empty()) return;
    const std::string text = run.size() == 1 ? *run.front() : fmt::format("{}..{}", *run.front(), partition_of(*run.back()));
    std::string tip = fmt::format("assigned: {} partition{}", run.size(), run.size() == 1 ? "" : "s");
    flow.next(text.c_str());
    chip(text.c_str(), pal.follower_isr, tip.c_str());
    run.clear();
  };
  for (const auto& tp : m.assigned) {
    const auto it = state.assignment_seen.find(g.group_id + "/" + tp);
    const bool moved = it != state.assignment_seen.end() && it->second.changed_us >= 0 &&
                       now_us - it->second.changed_us < kMovedGlowUs;
    if (compact && !moved) {
      const bool continues = !run.empty() && topic_of(*run.back()) == topic_of(tp) &&
                             partition_of(*run.back()) + 1 == partition_of(tp);
      if (!continues) flush_run();
      run.push_back(&tp);
      continue;
    }
    flush_run();
    std::string tip = moved ? "moved here from " + it->second.previous_member : "assigned";
    flow.next(tp.c_str());
    chip(tp.c_str(), moved ? pal.controller : pal.follower_isr, tip.c_str());
  }
  flush_run();
  for (const auto& tp : m.revoking) {
    const std::string text = "\u2715 " + tp;
    flow.next(text.c_str());
    chip(text.c_str(), pal.follower_out_of_isr, "being revoked (cooperative rebalance: only this partition stops)");
  }
  if (m.assigned.empty() && m.revoking.empty()) ImGui::TextDisabled(m.alive ? "(nothing assigned)" : "(dead)");
}

// Appends the current lag to the partition's trace (every kLagTraceStepUs of sim time); forgets the
// samples after `now` when the run was seeked backwards.
const LagTrace& sample_lag(const std::string& key, std::int64_t lag, TimeUs now_us, GuiState& state) {
  LagTrace& trace = state.partition_lag[key];
  while (!trace.time_us.empty() && trace.time_us.back() > now_us) {
    trace.time_us.pop_back();
    trace.lag.pop_back();
  }
  if (trace.time_us.empty() || now_us - trace.time_us.back() >= kLagTraceStepUs) {
    trace.time_us.push_back(now_us);
    trace.lag.push_back(static_cast<float>(lag));
    if (trace.time_us.size() > kLagTraceSamplesMax) {
      trace.time_us.erase(trace.time_us.begin());
      trace.lag.erase(trace.lag.begin());
    }
  }
  return trace;
}

void lag_section(const engine::GroupView& g, TimeUs now_us, GuiState& state) {
  const Palette& pal = state.palette;
  std::int64_t total = 0;
  for (const auto& row : g.lag) total += std::max<std::int64_t>(row.lag, 0);  // -1: unknown (no commit yet)
  std::vector<float> values;
  values.reserve(g.lag_history.size());
  for (const auto& sample : g.lag_history) values.push_back(static_cast<float>(sample.total_lag));
  const std::string overlay = fmt::format("total lag {}", total);
  ImGui::PushStyleColor(ImGuiCol_PlotLines, total > 0 ? pal.warn : pal.good);
  {
    SmoothSampling smooth(state);
    ImGui::PlotLines("##lag_plot", values.data(), static_cast<int>(values.size()), 0, overlay.c_str(), 0.0f, FLT_MAX,
                     ImVec2(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 3.2f));
  }
  ImGui::PopStyleColor();
  // Always sample, even with the table folded, so the per-partition plots have a history when opened.
  for (const auto& row : g.lag) {
    sample_lag(fmt::format("{}/{}-{}", g.group_id, row.topic, row.partition), std::max<std::int64_t>(row.lag, 0),
               now_us, state);
  }
  if (!ImGui::TreeNode("lag", "Lag per partition (%zu)", g.lag.size())) return;
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit;
  if (ImGui::BeginTable("lag_table", 6, kFlags)) {
    ImGui::TableSetupColumn("partition");
    ImGui::TableSetupColumn("current");
    ImGui::TableSetupColumn("log end");
    ImGui::TableSetupColumn("lag");
    ImGui::TableSetupColumn("consumer");
    ImGui::TableSetupColumn("lag over time");
    ImGui::TableHeadersRow();
    MonoFont mono(state);
    for (const auto& row : g.lag) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("%s-%d", row.topic.c_str(), row.partition);
      ImGui::TableNextColumn();
      if (row.current_offset < 0) ImGui::TextUnformatted("-");
      else ImGui::Text("%lld", static_cast<long long>(row.current_offset));
      ImGui::TableNextColumn();
      ImGui::Text("%lld", static_cast<long long>(row.log_end_offset));
      ImGui::TableNextColumn();
      if (row.lag < 0) ImGui::TextUnformatted("-");  // unknown, as kafka-consumer-groups.sh prints it
      else text_coloured(row.lag > 0 ? pal.warn : pal.good, "%lld", static_cast<long long>(row.lag));
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(row.client_id.empty() ? row.consumer_id.c_str() : row.client_id.c_str());
      ImGui::TableNextColumn();
      const std::string key = fmt::format("{}/{}-{}", g.group_id, row.topic, row.partition);
      const LagTrace& trace = state.partition_lag[key];
      ImGui::PushID(key.c_str());
      SmoothSampling smooth(state);
      ImGui::PlotLines("##lag", trace.lag.data(), static_cast<int>(trace.lag.size()), 0, nullptr, 0.0f, FLT_MAX,
                       ImVec2(ImGui::GetFontSize() * 8, ImGui::GetTextLineHeight()));
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  ImGui::TreePop();
}

void group_section(const engine::GroupView& g, TimeUs now_us, GuiState& state) {
  const Palette& pal = state.palette;
  track_assignment(g, now_us, state);
  ImGui::PushID(g.group_id.c_str());
  const std::string header = fmt::format("{}###group", g.group_id);
  if (!ImGui::CollapsingHeader(header.c_str(), ImGuiTreeNodeFlags_DefaultOpen)) {
    ImGui::PopID();
    return;
  }
  chip(g.state.c_str(), group_state_colour(g.state, pal), "group state (GroupCoordinator)");
  ImGui::SameLine();
  chip(g.cooperative ? "COOPERATIVE" : "EAGER", g.cooperative ? pal.series[0] : pal.series[1],
       g.cooperative ? "cooperative rebalancing (KIP-429): members keep partitions that do not move"
                     : "eager rebalancing: every member revokes everything, then rejoins");
  ImGui::SameLine();
  ImGui::TextWrapped("gen %d  %s  coordinator B%d  rebalances %d", g.generation, g.protocol.c_str(), g.coordinator,
                     g.rebalances);
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp;
  if (ImGui::BeginTable("members", 2, kFlags)) {
    ImGui::TableSetupColumn("member", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("assigned partitions", ImGuiTableColumnFlags_WidthStretch, 2.2f);
    ImGui::TableHeadersRow();
    for (std::size_t i = 0; i < g.members.size(); ++i) {
      ImGui::PushID(static_cast<int>(i));
      member_row(g, g.members[i], now_us, state);
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  if (ImGui::SmallButton("+ Add consumer")) {
    engine::Command c;
    c.kind = engine::CommandKind::kAddConsumer;
    c.group = g.group_id;
    state.push_command(c);
  }
  lag_section(g, now_us, state);
  ImGui::PopID();
}

}  // namespace

void draw_groups_panel(const engine::Snapshot& snap, GuiState& state) {
  if (snap.groups.empty()) ImGui::TextDisabled("no consumer groups in this scenario");
  for (const auto& g : snap.groups) group_section(g, snap.now_us, state);
}

}  // namespace kafkasim::gui
