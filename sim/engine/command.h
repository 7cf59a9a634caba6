#pragma once
// Commands: the only way the visualizer (or a script) changes a running simulation. The engine applies a
// command at an event boundary, traces it and records it, so a GUI session replays exactly.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/time.h"

namespace kafkasim::engine {

enum class CommandKind : std::uint8_t {
  kCrashBroker,       // broker
  kPowerLossBroker,   // broker
  kRestartBroker,     // broker
  kShutdownBroker,    // broker (controlled shutdown)
  kIsolateNode,       // node: cut from every other node
  kPartition,         // groups: nodes in different groups cannot talk
  kHeal,              // removes every network partition
  kPauseNode,         // node
  kResumeNode,        // node
  kKillConsumer,      // group + member (consumer crashes; no LeaveGroup)
  kAddConsumer,       // group
  kStopProducer,      // client_id
  kStartProducer,     // client_id
};

struct Command {
  CommandKind kind = CommandKind::kHeal;
  std::int32_t node = -1;                       // broker id or node id
  std::vector<std::vector<std::int32_t>> groups; // for kPartition
  std::string group;                            // consumer group id
  std::string member;                           // consumer client id / member id
  std::string client_id;                        // producer
};

// A human-readable one-line description, e.g. "crash broker 2".
std::string describe(const Command& command);

}  // namespace kafkasim::engine
