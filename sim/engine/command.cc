#include "sim/engine/command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace kafkasim::engine {

std::string describe(const Command& c) {
  switch (c.kind) {
    case CommandKind::kCrashBroker: return fmt::format("crash broker {}", c.node);
    case CommandKind::kPowerLossBroker: return fmt::format("power loss of broker {}", c.node);
    case CommandKind::kRestartBroker: return fmt::format("restart broker {}", c.node);
    case CommandKind::kShutdownBroker: return fmt::format("controlled shutdown of broker {}", c.node);
    case CommandKind::kIsolateNode: return fmt::format("isolate node {}", c.node);
    case CommandKind::kPartition: {
      std::vector<std::string> parts;
      for (const auto& g : c.groups) parts.push_back(fmt::format("[{}]", fmt::join(g, ", ")));
      return fmt::format("network partition {}", fmt::join(parts, " | "));
    }
    case CommandKind::kHeal: return "heal the network";
    case CommandKind::kPauseNode: return fmt::format("pause node {}", c.node);
    case CommandKind::kResumeNode: return fmt::format("resume node {}", c.node);
    case CommandKind::kKillConsumer: return fmt::format("kill consumer {}/{}", c.group, c.member);
    case CommandKind::kAddConsumer: return fmt::format("add a consumer to group {}", c.group);
    case CommandKind::kStopProducer: return fmt::format("stop producer {}", c.client_id);
    case CommandKind::kStartProducer: return fmt::format("start producer {}", c.client_id);
  }
  return "?";
}

}  // namespace kafkasim::engine
