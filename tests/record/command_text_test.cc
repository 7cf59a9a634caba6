// The stable text form of engine::Command (sim/engine/command.h), stored in session recordings.
#include <catch2/catch.hpp>

#include "sim/engine/command.h"

namespace kafkasim::engine {
namespace {

Command node_command(CommandKind kind, std::int32_t node) {
  Command c;
  c.kind = kind;
  c.node = node;
  return c;
}

// One command of every kind, with only the fields that kind uses.
std::vector<Command> every_kind() {
  std::vector<Command> out;
  for (CommandKind k : {CommandKind::kCrashBroker, CommandKind::kPowerLossBroker, CommandKind::kRestartBroker,
                        CommandKind::kShutdownBroker, CommandKind::kIsolateNode, CommandKind::kPauseNode,
                        CommandKind::kResumeNode}) {
    out.push_back(node_command(k, 1000 + static_cast<int>(k)));
  }
  Command partition;
  partition.kind = CommandKind::kPartition;
  partition.groups = {{1, 2}, {3}, {1000, 2000, 3001}};
  out.push_back(partition);
  Command heal;
  heal.kind = CommandKind::kHeal;
  out.push_back(heal);
  Command kill;
  kill.kind = CommandKind::kKillConsumer;
  kill.group = "billing";
  kill.member = "billing-2";
  out.push_back(kill);
  Command add;
  add.kind = CommandKind::kAddConsumer;
  add.group = "analytics";
  out.push_back(add);
  Command stop;
  stop.kind = CommandKind::kStopProducer;
  stop.client_id = "checkout";
  out.push_back(stop);
  Command start = stop;
  start.kind = CommandKind::kStartProducer;
  out.push_back(start);
  return out;
}

TEST_CASE("Every command kind round-trips through its text form") {
  const std::vector<Command> commands = every_kind();
  REQUIRE(commands.size() == 13);  // one per CommandKind: a new kind must be added here
  for (const Command& c : commands) {
    const std::string text = encode(c);
    INFO(text);
    const std::optional<Command> back = parse_command(text);
    REQUIRE(back.has_value());
    CHECK(*back == c);
    CHECK(encode(*back) == text);
  }
}

TEST_CASE("The text form is the scenario timeline's verbs with plain arguments") {
  CHECK(encode(node_command(CommandKind::kCrashBroker, 2)) == "crash 2");
  CHECK(encode(node_command(CommandKind::kPowerLossBroker, 3)) == "power_loss 3");
  Command partition;
  partition.kind = CommandKind::kPartition;
  partition.groups = {{1, 2}, {3}};
  CHECK(encode(partition) == "partition 1,2 3");
  Command kill;
  kill.kind = CommandKind::kKillConsumer;
  kill.group = "g";
  kill.member = "g-1";
  CHECK(encode(kill) == "kill_consumer g g-1");
  Command heal;
  heal.kind = CommandKind::kHeal;
  CHECK(encode(heal) == "heal");
}

TEST_CASE("Names with spaces, quotes or backslashes are quoted and round-trip") {
  for (const std::string& name : {std::string("my group"), std::string("say \"hi\""), std::string("a\\b"),
                                 std::string(""), std::string("x,y"), std::string("\u00e9t\u00e9")}) {
    Command c;
    c.kind = CommandKind::kKillConsumer;
    c.group = name;
    c.member = name + " 2";
    const std::string text = encode(c);
    INFO(text);
    const auto back = parse_command(text);
    REQUIRE(back.has_value());
    CHECK(*back == c);
  }
  Command add;
  add.kind = CommandKind::kAddConsumer;
  add.group = "my group";
  CHECK(encode(add) == "add_consumer \"my group\"");
}

TEST_CASE("Text that is not exactly one command does not parse") {
  for (const char* bad : {"", "crash", "crash two", "crash 2 3", "crash 2 ", " crash 2", "crash  2", "explode 2",
                          "partition", "partition 1,,2", "partition 1, 2", "heal now", "kill_consumer g",
                          "add_consumer \"g", "add_consumer \"g\"x", "add_consumer \"a\\q\"", "add_consumer a\tb",
                          "crash 99999999999", "stop_producer a b"}) {
    INFO(bad);
    CHECK_FALSE(parse_command(bad).has_value());
  }
}

}  // namespace
}  // namespace kafkasim::engine
