// Time control: play/pause, step one event, step to the next notable event, speed from slow motion to
// as fast as possible, run until a time, the timeline (click or drag to seek, marks for faults,
// elections, ISR changes, rebalances, pause points and commands) and the scenario's narration.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "gui/panels.h"
#include "gui/widgets.h"

namespace kafkasim::gui {
namespace {

const char* mark_kind_label(engine::MarkKind kind) {
  switch (kind) {
    case engine::MarkKind::kFault: return "fault";
    case engine::MarkKind::kElection: return "election";
    case engine::MarkKind::kIsrChange: return "ISR change";
    case engine::MarkKind::kRebalance: return "rebalance";
    case engine::MarkKind::kPausePoint: return "pause point";
    case engine::MarkKind::kCommand: return "command";
    case engine::MarkKind::kNarration: return "narration";
  }
  return "mark";
}

void push_simple(GuiState& state, ActionKind kind) {
  Action action;
  action.kind = kind;
  state.push(std::move(action));
}

void controls_row(const engine::Snapshot& snap, const TimelineInfo& tl, GuiState& state) {
  const float em = ImGui::GetFontSize();
  const char* play_label = state.playing ? "\u2016 Pause" : "\u25B6 Play";
  if (ImGui::Button(play_label, ImVec2(em * 5.5f, 0))) state.playing = !state.playing && !tl.finished;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Space");
  ImGui::SameLine();
  if (ImGui::Button("Step \u203A")) push_simple(state, ActionKind::kStepEvent);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Right arrow: run exactly one event");
  ImGui::SameLine();
  if (ImGui::Button("Next notable \u00BB")) push_simple(state, ActionKind::kStepNotable);
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("Shift+Right: run to just after the next ack, election, ISR change, rebalance or fault");
  }
  ImGui::SameLine(0, em);
  ImGui::TextUnformatted("Speed");
  ImGui::SameLine();
  ImGui::BeginDisabled(state.max_speed);
  ImGui::SetNextItemWidth(em * 8);
  ImGui::SliderFloat("##speed", &state.speed, kSpeedMin, kSpeedMax, "%.2gx", ImGuiSliderFlags_Logarithmic);
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("sim seconds per wall second (0.01x slow motion .. 1000x)");
  ImGui::SameLine();
  ImGui::Checkbox("Max", &state.max_speed);
  ImGui::SameLine(0, em);
  ImGui::TextUnformatted("Run until");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(em * 4.5f);
  ImGui::InputFloat("##until", &state.run_until_s_input, 0, 0, "%.1f s");
  ImGui::SameLine();
  if (ImGui::Button("Go")) {
    Action action;
    action.kind = ActionKind::kRunUntil;
    action.time_us = static_cast<TimeUs>(std::llround(static_cast<double>(state.run_until_s_input) * 1e6));
    state.push(std::move(action));
  }
  ImGui::SameLine(0, em * 1.5f);
  MonoFont mono(state);
  const std::string clock = fmt::format("t = {} / {}   event #{}", format_time(tl.now_us),
                                        format_time(tl.duration_us), snap.events_executed);
  ImGui::TextUnformatted(clock.c_str());
  if (tl.finished) {
    ImGui::SameLine();
    text_coloured(state.palette.good, "finished");
  } else if (!state.playing && state.paused_at_pause_point_us >= 0 && state.paused_at_pause_point_us == tl.now_us) {
    ImGui::SameLine();
    text_coloured(state.palette.warn, "pause point");
  }
}

// The seek bar: the whole run left to right, marks as ticks, the current time as a thick cursor.
void timeline_bar(const TimelineInfo& tl, GuiState& state) {
  const Palette& pal = state.palette;
  const float em = ImGui::GetFontSize();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = std::max(ImGui::GetContentRegionAvail().x, 10.0f);
  const float height = em * 1.7f;
  ImGui::InvisibleButton("##timeline", ImVec2(width, height));
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 end(origin.x + width, origin.y + height);
  draw->AddRectFilled(origin, end, pal.strip_bg);
  const double duration = static_cast<double>(std::max<TimeUs>(tl.duration_us, 1));
  auto x_of = [&](TimeUs t) {
    return origin.x + static_cast<float>(std::clamp(static_cast<double>(t) / duration, 0.0, 1.0)) * width;
  };
  draw->AddRectFilled(origin, ImVec2(x_of(tl.now_us), end.y), with_alpha(pal.leader, 0.35f));
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const bool hovered = ImGui::IsItemHovered();
  const engine::TimelineMark* nearest = nullptr;
  float nearest_dx = em * 0.5f;
  if (tl.marks != nullptr) {
    // Marks are vertical bars on whole pixels (two triangles, no anti-aliasing needed); a mark on the same
    // pixel column as the previous one of the same kind is not drawn again (a burst of ISR changes is
    // dozens of marks within one pixel).
    const float half_w = std::round(std::max(2.0f, pal.line_px)) * 0.5f;
    float last_x = -1;
    ImU32 last_colour = 0;
    for (const auto& mark : *tl.marks) {
      const float x = x_of(mark.time_us);
      const ImU32 colour = pal.marks[static_cast<std::size_t>(mark.kind) % pal.marks.size()];
      const float top = mark.kind == engine::MarkKind::kPausePoint ? origin.y : origin.y + height * 0.3f;
      const float column = std::round(x);
      if (column != last_x || colour != last_colour) {
        draw->AddRectFilled(ImVec2(std::round(column - half_w), top), ImVec2(std::round(column + half_w), end.y), colour);
        last_x = column;
        last_colour = colour;
      }
      if (hovered && std::fabs(mouse.x - x) < nearest_dx) {
        nearest_dx = std::fabs(mouse.x - x);
        nearest = &mark;
      }
    }
  }
  if (tl.next_pause_point_us >= 0) {
    const float x = x_of(tl.next_pause_point_us);
    draw->AddTriangleFilled(ImVec2(x - em * 0.4f, origin.y), ImVec2(x + em * 0.4f, origin.y),
                            ImVec2(x, origin.y + em * 0.5f), pal.marks[4]);
  }
  const float now_x = x_of(tl.now_us);
  draw->AddLine(ImVec2(now_x, origin.y - 2), ImVec2(now_x, end.y + 2), pal.text, 3.0f);
  if (ImGui::IsItemActive()) {  // dragging: show where the seek will land; seek on release
    const float gx = std::clamp(mouse.x, origin.x, end.x);
    draw->AddLine(ImVec2(gx, origin.y), ImVec2(gx, end.y), pal.warn, 2.0f);
  }
  if (ImGui::IsItemDeactivated() && ImGui::IsMouseReleased(ImGuiMouseButton_Left)) {
    Action action;
    if (nearest != nullptr) {
      action.kind = ActionKind::kSeekEvent;
      action.event_number = nearest->event_number;
    } else {
      action.kind = ActionKind::kSeek;
      action.time_us = static_cast<TimeUs>(std::clamp((mouse.x - origin.x) / width, 0.0f, 1.0f) * duration);
    }
    state.playing = false;
    state.push(std::move(action));
  }
  if (hovered) {
    const auto t = static_cast<TimeUs>(std::clamp((mouse.x - origin.x) / width, 0.0f, 1.0f) * duration);
    if (nearest != nullptr) {
      ImGui::SetTooltip("%s at %s (event #%llu)\n%s\nclick to seek there", mark_kind_label(nearest->kind),
                        format_time(nearest->time_us).c_str(),
                        static_cast<unsigned long long>(nearest->event_number), nearest->label.c_str());
    } else {
      ImGui::SetTooltip("seek to %s", format_time(t).c_str());
    }
  }
}

void marks_legend(const Palette& pal) {
  auto entry = [&](engine::MarkKind kind) {
    return LegendEntry{mark_kind_label(kind), pal.marks[static_cast<std::size_t>(kind)]};
  };
  legend_row({entry(engine::MarkKind::kFault), entry(engine::MarkKind::kElection), entry(engine::MarkKind::kIsrChange),
              entry(engine::MarkKind::kRebalance), entry(engine::MarkKind::kPausePoint),
              entry(engine::MarkKind::kCommand)});
}

void narration_row(const engine::Snapshot& snap, GuiState& state) {
  if (snap.narration.empty()) {
    ImGui::TextDisabled("(no narration yet)");
    return;
  }
  if (snap.narration_us != state.narration_seen_us) {
    state.narration_seen_us = snap.narration_us;
    state.narration_flash_s = state.wall_time_s;
  }
  const float flash = static_cast<float>(std::clamp(1.0 - (state.wall_time_s - state.narration_flash_s) / 2.0, 0.0, 1.0));
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float w = ImGui::GetContentRegionAvail().x;
  const float h = ImGui::GetTextLineHeightWithSpacing() * 1.6f;
  ImGui::GetWindowDrawList()->AddRectFilled(p, ImVec2(p.x + w, p.y + h),
                                            with_alpha(state.palette.controller, 0.12f + 0.4f * flash));
  ImGui::PushTextWrapPos(p.x + w - ImGui::GetStyle().WindowPadding.x);
  ImGui::SetCursorScreenPos(ImVec2(p.x + 6, p.y + 2));
  text_coloured(state.palette.controller, "%s", format_time(snap.narration_us).c_str());
  ImGui::SameLine();
  ImGui::TextUnformatted(snap.narration.c_str());
  ImGui::PopTextWrapPos();
}

}  // namespace

void draw_time_panel(const engine::Snapshot& snap, const TimelineInfo& tl, GuiState& state) {
  controls_row(snap, tl, state);
  timeline_bar(tl, state);
  marks_legend(state.palette);
  narration_row(snap, state);
}

}  // namespace kafkasim::gui
