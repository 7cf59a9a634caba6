#pragma once
// Commands: the only way the visualizer (or a script) changes a running simulation. The engine applies a
// command at an event boundary, traces it and records it, so a GUI session replays exactly.
//
// Stable text form (encode / parse_command), stored in session recordings (docs/recording.md, table
// `commands`) and therefore part of the recording format: change it only by adding verbs.
//
//   command := verb (' ' argument)*
//   crash <node>            kCrashBroker        power_loss <node>      kPowerLossBroker
//   restart <node>          kRestartBroker      shutdown <node>        kShutdownBroker
//   isolate <node>          kIsolateNode        pause <node>           kPauseNode
//   resume <node>           kResumeNode         heal                   kHeal
//   partition <ids> <ids>...  kPartition: one argument per group of node ids, "1,2,3"
//   kill_consumer <group> <member>   add_consumer <group>   stop_producer <client>   start_producer <client>
//
// <node> is a decimal int32. A string argument is written bare when it is non-empty and made only of
// letters, digits and . _ - / : @ +; otherwise in double quotes with \" and \\ escapes. Single spaces
// separate arguments. The verbs are the scenario timeline's action names (docs/scenarios.md).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/time.h"

namespace kafkasim::engine {

class Run;

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

  friend bool operator==(const Command&, const Command&) = default;
};

// A command as a session applied it: after `event_number` events had run. The event number alone pins
// it (engine::Session keeps the simulation clock at the last executed event's time, so a command runs at
// that time live and when replayed); `time_us` is the time the visualizer showed, for people reading a
// recording.
struct TimedCommand {
  std::uint64_t event_number = 0;
  TimeUs time_us = 0;
  Command command;

  friend bool operator==(const TimedCommand&, const TimedCommand&) = default;
};

// A human-readable one-line description, e.g. "crash broker 2".
std::string describe(const Command& command);

// The stable text form above, e.g. "crash 2", "partition 1,2 3", "kill_consumer billing 2". Only the
// fields the kind uses are written.
std::string encode(const Command& command);
// The inverse of encode(); nullopt for anything that is not exactly one command in that form (unknown
// verb, wrong argument count, bad number, bad quoting). parse_command(encode(c)) == c for every command
// whose unused fields hold their defaults.
std::optional<Command> parse_command(std::string_view text);

// Plays a Run forward while applying recorded commands exactly where a session applied them: right after
// the command's event_number-th event, as engine::Session replays its commands after a backward seek. This
// is how `kafkasim run session.sqlite` replays a visualizer session; the trace hash equals the session's.
// Commands must be in the order the session applied them (ascending event numbers).
class CommandReplay {
 public:
  explicit CommandReplay(std::vector<TimedCommand> commands) : commands_(std::move(commands)) {}

  // Runs events up to sim time `until_us` (as Simulation::run_until), applying the commands due on the
  // way (those due at event 0 first). REQUIRES: run.start() was called.
  void run_until(Run& run, TimeUs until_us);
  std::size_t applied() const { return next_; }

 private:
  std::vector<TimedCommand> commands_;
  std::size_t next_ = 0;
};

}  // namespace kafkasim::engine
