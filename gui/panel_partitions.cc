// Partitions view: for each partition a header (leader, epoch, ISR, HW, LEO, cleanup policy) and one
// strip per replica over the partition's offset range: retention-deleted offsets below the log start
// offset, committed records (below HW) in the replica's role colour, uncommitted records between HW and
// LEO, the fsync (durable) mark, and records removed by the last truncation fading out in red. Below,
// one lane per consumer group puts its committed offset (filled triangle) and position (hollow) on the
// same scale, labelled with the group's name and lag in the group's colour.
// ImGuiListClipper keeps thousands of partitions cheap; a topic filter narrows the list.
#include <algorithm>
#include <optional>

#include <fmt/format.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include "gui/panels.h"
#include "gui/widgets.h"

namespace kafkasim::gui {
namespace {

constexpr TimeUs kTruncationFadeUs = 3'000'000;  // a truncation stays visible for 3 s of sim time

struct OffsetScale {
  std::int64_t lo = 0;
  std::int64_t hi = 1;
  float x0 = 0;
  float x1 = 1;
  float x(std::int64_t offset) const {
    const double f = static_cast<double>(std::clamp(offset, lo, hi) - lo) / static_cast<double>(std::max<std::int64_t>(hi - lo, 1));
    return x0 + static_cast<float>(f) * (x1 - x0);
  }
};

OffsetScale scale_for(const engine::PartitionView& p) {
  OffsetScale s;
  s.lo = p.log_start_offset;
  s.hi = std::max<std::int64_t>(p.log_end_offset, 1);
  for (const auto& r : p.replica_views) {
    s.lo = std::min(s.lo, r.log_start_offset);
    s.hi = std::max(s.hi, r.log_end_offset);
    if (r.truncated_to > r.truncated_from && r.truncated_from >= 0) s.hi = std::max(s.hi, r.truncated_to);
  }
  // Leave an eighth of the strip for offsets already deleted, so retention reads as a grey gap.
  if (s.lo > 0) s.lo = std::max<std::int64_t>(0, s.lo - std::max<std::int64_t>(1, (s.hi - s.lo) / 8));
  return s;
}

// One line: name, leader, epoch, ISR (orange when under-replicated), log start when retention moved it,
// and a cleanup tag; the full retention/compaction counts are in the tooltip. Clipped to the panel.
void header_line(const engine::PartitionView& p, const GuiState& state) {
  const Palette& pal = state.palette;
  const ImVec2 start = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  ImGui::PushClipRect(start, ImVec2(start.x + width, start.y + ImGui::GetTextLineHeightWithSpacing()), true);
  ImGui::BeginGroup();
  text_coloured(pal.text, "%s-%d", p.topic.c_str(), p.partition);
  ImGui::SameLine();
  if (p.leader < 0) {
    text_coloured(pal.bad, "OFFLINE (no leader)");
  } else {
    text_coloured(pal.leader, "leader B%d", p.leader);
  }
  ImGui::SameLine();
  {
    MonoFont mono(state);
    const bool under_replicated = p.isr.size() < p.replicas.size();
    std::string text = fmt::format("epoch {}  ISR {{{}}} of [{}]", p.leader_epoch, fmt::join(p.isr, ","),
                                   fmt::join(p.replicas, ","));
    if (p.log_start_offset > 0) text += fmt::format("  start {}", p.log_start_offset);
    text_coloured(under_replicated ? pal.warn : pal.text_dim, "%s", text.c_str());
  }
  if (p.cleanup_policy != "delete") {
    ImGui::SameLine();
    text_coloured(pal.series[4], "[%s]", p.cleanup_policy.c_str());
  }
  ImGui::EndGroup();
  ImGui::PopClipRect();
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("%s-%d  leader %d  epoch %d\nHW %lld  LSO %lld  LEO %lld  log start %lld\n"
                      "cleanup.policy=%s: %lld records deleted by retention, %lld removed by compaction",
                      p.topic.c_str(), p.partition, p.leader, p.leader_epoch,
                      static_cast<long long>(p.high_watermark), static_cast<long long>(p.last_stable_offset),
                      static_cast<long long>(p.log_end_offset), static_cast<long long>(p.log_start_offset),
                      p.cleanup_policy.c_str(), static_cast<long long>(p.records_deleted_by_retention),
                      static_cast<long long>(p.records_removed_by_compaction));
  }
}

void replica_row(const engine::PartitionView& p, const engine::ReplicaView& r, const OffsetScale& base,
                 float label_w, float numbers_w, TimeUs now_us, const GuiState& state) {
  const Palette& pal = state.palette;
  const float line_h = ImGui::GetTextLineHeightWithSpacing();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float avail = ImGui::GetContentRegionAvail().x;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 role = replica_colour(p, r, pal);
  const std::string label = fmt::format("B{}{}", r.broker, r.broker == p.leader ? " \u2605" : "");
  draw->AddText(origin, role, label.c_str());
  OffsetScale s = base;
  s.x0 = origin.x + label_w;
  s.x1 = origin.x + std::max(avail - numbers_w, label_w + 20);
  const float y0 = origin.y + line_h * 0.12f;
  const float y1 = origin.y + line_h * 0.82f;
  // Each pixel of the strip is filled once (software rasterizers pay per shaded fragment).
  if (s.x(r.log_end_offset) < s.x1) draw->AddRectFilled(ImVec2(s.x(r.log_end_offset), y0), ImVec2(s.x1, y1), pal.strip_bg);
  if (r.log_start_offset > s.lo) {
    draw->AddRectFilled(ImVec2(s.x(s.lo), y0), ImVec2(s.x(r.log_start_offset), y1), pal.retention_gap);
  }
  const std::int64_t hw = std::clamp(r.high_watermark, r.log_start_offset, r.log_end_offset);
  // On the leader, an open transaction holds the LSO below the HW: [LSO, HW) is readable by
  // read_uncommitted consumers only (dimmer, with an amber LSO line).
  const bool leader = r.broker == p.leader;
  const std::int64_t lso = leader ? std::clamp(p.last_stable_offset, r.log_start_offset, hw) : hw;
  draw->AddRectFilled(ImVec2(s.x(r.log_start_offset), y0), ImVec2(s.x(lso), y1), role);
  if (lso < hw) {
    draw->AddRectFilled(ImVec2(s.x(lso), y0), ImVec2(s.x(hw), y1), with_alpha(role, 0.55f));
    draw->AddLine(ImVec2(s.x(lso), y0 - 2), ImVec2(s.x(lso), y1 + 2), pal.warn, 2.0f);
  }
  draw->AddRectFilled(ImVec2(s.x(hw), y0), ImVec2(s.x(r.log_end_offset), y1), with_alpha(role, 0.4f));
  draw->AddRectFilled(ImVec2(s.x(hw), y0), ImVec2(s.x(r.log_end_offset), y1), pal.uncommitted);
  if (r.durable_end_offset < r.log_end_offset) {
    const float dx = s.x(r.durable_end_offset);
    draw->AddLine(ImVec2(dx, y0 - 1), ImVec2(dx, y1 + 1), pal.durable, 2.0f);
  }
  if (r.truncated_from >= 0 && r.truncated_to > r.truncated_from && r.truncated_at_us >= 0) {
    const TimeUs age_us = now_us - r.truncated_at_us;
    if (age_us >= 0 && age_us < kTruncationFadeUs) {
      const float alpha = 1.0f - static_cast<float>(age_us) / static_cast<float>(kTruncationFadeUs);
      const ImVec2 a(s.x(r.truncated_from), y0 - 2);
      const ImVec2 b(std::max(s.x(r.truncated_to), a.x + 3), y1 + 2);
      draw->AddRectFilled(a, b, with_alpha(pal.truncated, 0.3f + 0.7f * alpha));
      const std::string what = fmt::format("truncated {}-{}", r.truncated_from, r.truncated_to - 1);
      const float text_w = ImGui::CalcTextSize(what.c_str()).x;
      draw->PushClipRect(ImVec2(s.x0, y0 - 2), ImVec2(s.x1, y1 + 2), true);
      const ImVec2 text_pos(std::max(s.x0 + 2, b.x - text_w - 4), y0 - 2);
      draw->AddRectFilled(text_pos, ImVec2(text_pos.x + text_w, y1 + 2), with_alpha(pal.canvas_bg, 0.8f * alpha));
      draw->AddText(text_pos, with_alpha(pal.truncated, alpha), what.c_str());
      draw->PopClipRect();
    }
  }
  ImGui::Dummy(ImVec2(avail - numbers_w, line_h));
  if (ImGui::IsItemHovered()) {
    const std::string lso_text =
        lso < hw ? fmt::format("\nLSO {} (an open transaction: read_committed consumers stop here)", lso) : "";
    ImGui::SetTooltip("broker %d, %s\nlog start %lld  HW %lld  LEO %lld\ndurable (fsynced) below %lld%s",
                      r.broker, replica_role_label(p, r), static_cast<long long>(r.log_start_offset),
                      static_cast<long long>(r.high_watermark), static_cast<long long>(r.log_end_offset),
                      static_cast<long long>(r.durable_end_offset), lso_text.c_str());
  }
  ImGui::SameLine(avail - numbers_w + ImGui::GetStyle().ItemSpacing.x);
  MonoFont mono(state);
  const std::string numbers = fmt::format("HW {:>6} LEO {:>6}", r.high_watermark, r.log_end_offset);
  text_coloured(r.online ? pal.text : pal.offline, "%s", numbers.c_str());
}

float lane_height() { return ImGui::GetFontSize() * 0.9f; }

// One lane per group below the replica strips, on the same offset scale: the committed offset (filled
// triangle, pointing down), the fetch position (hollow, pointing up) and between them a bar for records
// the group has fetched but not committed; on the right the group's name and lag (HW - committed), in
// the group's colour. Lanes keep several groups' markers apart even when they sit on the same offset.
void group_lanes(const engine::PartitionView& p, const OffsetScale& base, float label_w, float numbers_w,
                 std::size_t lanes, const GroupColours& colours, const GuiState& state) {
  if (lanes == 0) return;
  const Palette& pal = state.palette;
  const float lane_h = lane_height();
  const float small_px = ImGui::GetFontSize() * 0.75f;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float avail = ImGui::GetContentRegionAvail().x;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  ImFont* font = ImGui::GetFont();
  OffsetScale s = base;
  s.x0 = origin.x + label_w;
  s.x1 = origin.x + std::max(avail - numbers_w, label_w + 20);
  // Labels drawn smaller than the atlas's glyphs and slanted triangle outlines: linear sampling.
  std::optional<SmoothSampling> smooth(std::in_place, state);
  if (!p.groups.empty()) draw->AddText(font, small_px, origin, pal.text_dim, "groups");
  const float h = lane_h * 0.7f;
  const float name_x = s.x1 + h * 0.5f + ImGui::GetStyle().ItemSpacing.x;
  draw->PushClipRect(origin, ImVec2(origin.x + avail, origin.y + lane_h * static_cast<float>(lanes)), true);
  for (std::size_t g = 0; g < p.groups.size() && g < lanes; ++g) {
    const auto& go = p.groups[g];
    const ImU32 colour = colours.of(go.group, pal);
    const float mid = origin.y + lane_h * (static_cast<float>(g) + 0.5f);
    draw->AddLine(ImVec2(s.x0, mid), ImVec2(s.x1, mid), with_alpha(colour, 0.3f), 1.0f);
    if (go.committed >= 0 && go.position > go.committed) {
      draw->AddRectFilled(ImVec2(s.x(go.committed), mid - h * 0.15f), ImVec2(s.x(go.position), mid + h * 0.15f),
                          with_alpha(colour, 0.6f));
    }
    if (go.position >= 0) {
      const float x = s.x(go.position);
      draw->AddTriangle(ImVec2(x - h * 0.5f, mid + h * 0.5f), ImVec2(x + h * 0.5f, mid + h * 0.5f),
                        ImVec2(x, mid - h * 0.5f), colour, 2.0f);
    }
    if (go.committed >= 0) {
      const float x = s.x(go.committed);
      draw->AddTriangleFilled(ImVec2(x - h * 0.5f, mid - h * 0.5f), ImVec2(x + h * 0.5f, mid - h * 0.5f),
                              ImVec2(x, mid + h * 0.5f), colour);
    }
    const std::string label = go.committed >= 0
                                  ? fmt::format("{} lag {}", go.group, std::max<std::int64_t>(p.high_watermark - go.committed, 0))
                                  : fmt::format("{} (no commit)", go.group);
    draw->AddText(font, small_px, ImVec2(name_x, mid - small_px * 0.5f), colour, label.c_str());
  }
  draw->PopClipRect();
  smooth.reset();
  ImGui::Dummy(ImVec2(avail, lane_h * static_cast<float>(lanes)));
  if (ImGui::IsItemHovered() && !p.groups.empty()) {
    std::string tip = "\u25BC committed offset   \u25B3 fetch position   bar: fetched, not committed\n";
    for (const auto& go : p.groups) {
      tip += fmt::format("{}: committed {}, position {}, lag {}\n", go.group, go.committed, go.position,
                         go.committed >= 0 ? p.high_watermark - go.committed : p.high_watermark);
    }
    ImGui::SetTooltip("%s", tip.c_str());
  }
}

}  // namespace

void draw_partitions_panel(const engine::Snapshot& snap, GuiState& state) {
  const Palette& pal = state.palette;
  const float em = ImGui::GetFontSize();
  ImGui::SetNextItemWidth(em * 10);
  ImGui::InputTextWithHint("##topic_filter", "topic filter", &state.topic_filter);
  ImGui::SameLine();
  legend_row({{"leader", pal.leader}, {"in ISR", pal.follower_isr}, {"out of ISR", pal.follower_out_of_isr},
              {"offline", pal.offline}, {"HW..LEO", pal.uncommitted}, {"LSO (open txn)", pal.warn},
              {"truncated", pal.truncated}});

  std::vector<std::size_t> shown;
  std::size_t max_replicas = 1;
  std::size_t lanes = 0;
  for (std::size_t i = 0; i < snap.partitions.size(); ++i) {
    const auto& p = snap.partitions[i];
    if (!state.topic_filter.empty() && p.topic.find(state.topic_filter) == std::string::npos) continue;
    shown.push_back(i);
    max_replicas = std::max(max_replicas, p.replica_views.size());
    lanes = std::max(lanes, p.groups.size());
  }
  const float line_h = ImGui::GetTextLineHeightWithSpacing();
  // The header and each replica row take a line plus item spacing; the lanes follow.
  const float spacing_y = ImGui::GetStyle().ItemSpacing.y;
  const float item_h = (line_h + spacing_y) * static_cast<float>(max_replicas + 1) +
                       lane_height() * static_cast<float>(lanes) + spacing_y * 2;
  const GroupColours colours(snap);
  if (!ImGui::BeginChild("##partitions", ImVec2(0, 0), false)) {
    ImGui::EndChild();
    return;
  }
  const float label_w = ImGui::CalcTextSize("B00 \u2605 ").x;
  float numbers_w = 0;
  {
    MonoFont mono(state);
    numbers_w = ImGui::CalcTextSize("HW 000000 LEO 000000").x + em * 0.5f;
  }
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(shown.size()), item_h);
  while (clipper.Step()) {
    for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
      const auto& p = snap.partitions[shown[static_cast<std::size_t>(row)]];
      const float start_y = ImGui::GetCursorPosY();
      ImGui::PushID(row);
      header_line(p, state);
      const OffsetScale scale = scale_for(p);
      for (const auto& r : p.replica_views) replica_row(p, r, scale, label_w, numbers_w, snap.now_us, state);
      group_lanes(p, scale, label_w, numbers_w, lanes, colours, state);
      ImGui::PopID();
      ImGui::SetCursorPosY(start_y + item_h - ImGui::GetStyle().ItemSpacing.y);
      ImGui::Separator();
    }
  }
  clipper.End();
  if (shown.empty()) ImGui::TextDisabled("no partition matches the filter");
  ImGui::EndChild();
}

}  // namespace kafkasim::gui
