#include "gui/widgets.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>

#include <fmt/format.h>

namespace kafkasim::gui {

using engine::CommandKind;

const char* broker_state_label(const engine::BrokerView& b) {
  if (b.status == engine::NodeStatus::kDown) return "down";
  if (b.status == engine::NodeStatus::kPaused) return "paused";
  if (b.isolated) return "isolated";
  if (b.fenced) return "fenced";
  return "up";
}

ImU32 broker_colour(const engine::BrokerView& b, const Palette& p) {
  if (b.status == engine::NodeStatus::kDown) return p.broker_down;
  if (b.status == engine::NodeStatus::kPaused) return p.broker_paused;
  if (b.isolated) return p.broker_isolated;
  if (b.fenced) return p.broker_fenced;
  return p.broker_up;
}

const char* replica_role_label(const engine::PartitionView& part, const engine::ReplicaView& r) {
  if (!r.online) return "offline";
  if (r.broker == part.leader) return "leader";
  return r.in_isr ? "follower in ISR" : "follower out of ISR";
}

ImU32 replica_colour(const engine::PartitionView& part, const engine::ReplicaView& r, const Palette& p) {
  if (!r.online) return p.offline;
  if (r.broker == part.leader) return p.leader;
  return r.in_isr ? p.follower_isr : p.follower_out_of_isr;
}

ImU32 series_colour(const Palette& p, std::size_t index) { return p.series[index % p.series.size()]; }

GroupColours::GroupColours(const engine::Snapshot& snap) {
  names_.reserve(snap.groups.size());
  for (const auto& g : snap.groups) names_.push_back(g.group_id);
}

ImU32 GroupColours::of(const std::string& group, const Palette& pal) const {
  const auto it = std::find(names_.begin(), names_.end(), group);
  return series_colour(pal, static_cast<std::size_t>(it - names_.begin()));
}

namespace {

// WCAG 2 relative luminance of an sRGB colour (0 black .. 1 white).
float relative_luminance(ImU32 colour) {
  auto channel = [colour](int shift) {
    const float c = static_cast<float>((colour >> shift) & 0xFF) / 255.0f;
    return c <= 0.03928f ? c / 12.92f : std::pow((c + 0.055f) / 1.055f, 2.4f);
  };
  return 0.2126f * channel(IM_COL32_R_SHIFT) + 0.7152f * channel(IM_COL32_G_SHIFT) +
         0.0722f * channel(IM_COL32_B_SHIFT);
}

}  // namespace

ImU32 contrast_text(ImU32 bg) {
  // The text colour with the larger WCAG contrast ratio: (L1 + 0.05) / (L2 + 0.05). Pure green (0,255,0)
  // takes black (15.3:1) rather than white (1.4:1).
  const float l = relative_luminance(bg);
  const float with_black = (l + 0.05f) / 0.05f;
  const float with_white = 1.05f / (l + 0.05f);
  return with_black >= with_white ? IM_COL32(0, 0, 0, 255) : IM_COL32(255, 255, 255, 255);
}

bool chip(const char* text, ImU32 colour, const char* tooltip) {
  // Square corners and no border: a rounded, bordered button is ~30 times the vertices of a plain
  // rectangle, and the groups view shows hundreds of chips (docs/benchmarks.md, "Visualizer").
  ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, 0.0f);
  ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, 0.0f);
  ImGui::PushStyleColor(ImGuiCol_Button, colour);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, with_alpha(colour, 0.8f));
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, colour);
  ImGui::PushStyleColor(ImGuiCol_Text, contrast_text(colour));
  const bool clicked = ImGui::SmallButton(text);
  ImGui::PopStyleColor(4);
  ImGui::PopStyleVar(2);
  if (tooltip != nullptr && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tooltip);
  return clicked;
}

ChipFlow::ChipFlow() : right_x_(ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x) {}

void ChipFlow::next(const char* text) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const float width = ImGui::CalcTextSize(text).x + style.FramePadding.x * 2;
  if (!first_ && ImGui::GetItemRectMax().x + style.ItemSpacing.x + width <= right_x_) ImGui::SameLine();
  first_ = false;
}

void legend_item(const char* label, ImU32 colour) {
  const float h = ImGui::GetTextLineHeight();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, p.y + h * 0.15f), ImVec2(p.x + h * 0.7f, p.y + h * 0.85f),
                                            colour, 2.0f);
  ImGui::Dummy(ImVec2(h * 0.75f, h));
  ImGui::SameLine(0, 4);
  ImGui::TextUnformatted(label);
}

void legend_row(std::initializer_list<LegendEntry> entries) {
  const float h = ImGui::GetTextLineHeight();
  const float gap = ImGui::GetFontSize() * 0.6f;
  const float right_x = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
  bool first = true;
  for (const auto& entry : entries) {
    const float width = h * 0.75f + 4 + ImGui::CalcTextSize(entry.label).x;
    if (!first && ImGui::GetItemRectMax().x + gap + width <= right_x) ImGui::SameLine(0, gap);
    first = false;
    ImGui::BeginGroup();
    legend_item(entry.label, entry.colour);
    ImGui::EndGroup();
  }
}

void text_coloured(ImU32 colour, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  ImGui::PushStyleColor(ImGuiCol_Text, colour);
  ImGui::TextV(fmt, args);
  ImGui::PopStyleColor();
  va_end(args);
}

MonoFont::MonoFont(const GuiState& state) {
  if (state.mono_font != nullptr) {
    ImGui::PushFont(state.mono_font);
    pushed_ = true;
  }
}

MonoFont::~MonoFont() {
  if (pushed_) ImGui::PopFont();
}

namespace {

engine::Command node_command(CommandKind kind, std::int32_t node) {
  engine::Command c;
  c.kind = kind;
  c.node = node;
  return c;
}

void command_item(const char* label, const engine::Command& command, bool enabled, GuiState& state) {
  if (ImGui::MenuItem(label, nullptr, false, enabled)) {
    state.push_command(command);
  }
}

}  // namespace

void broker_fault_items(const engine::BrokerView& b, GuiState& state) {
  const bool up = b.status == engine::NodeStatus::kUp;
  const bool down = b.status == engine::NodeStatus::kDown;
  const bool paused = b.status == engine::NodeStatus::kPaused;
  ImGui::TextDisabled("broker %d: %s%s", b.id, broker_state_label(b), b.is_controller ? ", controller" : "");
  ImGui::Separator();
  command_item("Crash (kill -9)", node_command(CommandKind::kCrashBroker, b.id), !down, state);
  command_item("Power loss (lose unsynced writes)", node_command(CommandKind::kPowerLossBroker, b.id), !down, state);
  command_item("Controlled shutdown", node_command(CommandKind::kShutdownBroker, b.id), up, state);
  command_item("Restart", node_command(CommandKind::kRestartBroker, b.id), down, state);
  ImGui::Separator();
  command_item("Pause (GC / VM stall)", node_command(CommandKind::kPauseNode, b.id), up, state);
  command_item("Resume", node_command(CommandKind::kResumeNode, b.id), paused, state);
  command_item("Isolate from the network", node_command(CommandKind::kIsolateNode, b.id), !b.isolated, state);
}

void network_fault_items(const engine::Snapshot& snap, GuiState& state) {
  std::vector<std::int32_t> ids;
  for (const auto& b : snap.brokers) ids.push_back(b.id);
  if (ids.size() >= 2) {
    const auto half = static_cast<std::ptrdiff_t>(ids.size() / 2);
    engine::Command c;
    c.kind = CommandKind::kPartition;
    c.groups = {std::vector<std::int32_t>(ids.begin(), ids.begin() + half),
                std::vector<std::int32_t>(ids.begin() + half, ids.end())};
    const std::string label = "Split brokers: " + command_label(c).substr(std::string("partition the network ").size());
    command_item(label.c_str(), c, true, state);
  }
  if (snap.controller >= 0) {
    const std::string label = fmt::format("Isolate the controller (broker {})", snap.controller);
    command_item(label.c_str(), node_command(CommandKind::kIsolateNode, snap.controller), true, state);
  }
  engine::Command heal;
  heal.kind = CommandKind::kHeal;
  command_item("Heal every partition", heal, !snap.cut_links.empty(), state);
}

void member_fault_items(const std::string& group, const engine::MemberView& m, GuiState& state) {
  engine::Command c;
  c.kind = CommandKind::kKillConsumer;
  c.group = group;
  c.member = m.client_id.empty() ? m.member_id : m.client_id;
  const std::string label = fmt::format("Kill consumer {} (no LeaveGroup)", c.member);
  command_item(label.c_str(), c, m.alive, state);
}

SmoothSampling::SmoothSampling(const GuiState& state) {
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  if (state.smooth_atlas == nullptr || atlas->TexID == state.smooth_atlas) return;
  sharp_ = atlas->TexID;
  atlas->TexID = state.smooth_atlas;  // ImDrawList::AddText checks the font's texture is the current one
  ImGui::GetWindowDrawList()->PushTextureID(state.smooth_atlas);
}

SmoothSampling::~SmoothSampling() {
  if (sharp_ == nullptr) return;
  ImGui::GetWindowDrawList()->PopTextureID();
  ImGui::GetIO().Fonts->TexID = sharp_;
}

}  // namespace kafkasim::gui
