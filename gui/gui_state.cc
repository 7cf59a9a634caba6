#include "gui/gui_state.h"

#include <algorithm>

#include <fmt/format.h>

namespace kafkasim::gui {

void GuiState::push_command(const engine::Command& command) {
  Action action;
  action.kind = ActionKind::kApplyCommand;
  action.command = command;
  push(std::move(action));
}

void GuiState::set_theme(ThemeKind kind) {
  theme = kind;
  palette = make_palette(kind);
}

void GuiState::set_font_size(float px) { font_size_px = std::clamp(px, kFontSizeMinPx, kFontSizeMaxPx); }

namespace {

std::string node_groups_label(const std::vector<std::vector<std::int32_t>>& groups) {
  std::string out;
  for (const auto& group : groups) {
    if (!out.empty()) out += " | ";
    out += "{" + fmt::format("{}", fmt::join(group, ",")) + "}";
  }
  return out;
}

}  // namespace

std::string command_label(const engine::Command& c) {
  using engine::CommandKind;
  switch (c.kind) {
    case CommandKind::kCrashBroker: return fmt::format("crash broker {}", c.node);
    case CommandKind::kPowerLossBroker: return fmt::format("power loss on broker {}", c.node);
    case CommandKind::kRestartBroker: return fmt::format("restart broker {}", c.node);
    case CommandKind::kShutdownBroker: return fmt::format("controlled shutdown of broker {}", c.node);
    case CommandKind::kIsolateNode: return fmt::format("isolate node {}", c.node);
    case CommandKind::kPartition: return "partition the network " + node_groups_label(c.groups);
    case CommandKind::kHeal: return "heal the network";
    case CommandKind::kPauseNode: return fmt::format("pause node {}", c.node);
    case CommandKind::kResumeNode: return fmt::format("resume node {}", c.node);
    case CommandKind::kKillConsumer: return fmt::format("kill consumer {} of group {}", c.member, c.group);
    case CommandKind::kAddConsumer: return fmt::format("add a consumer to group {}", c.group);
    case CommandKind::kStopProducer: return fmt::format("stop producer {}", c.client_id);
    case CommandKind::kStartProducer: return fmt::format("start producer {}", c.client_id);
  }
  return "unknown command";
}

}  // namespace kafkasim::gui
