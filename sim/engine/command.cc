#include "sim/engine/command.h"

#include <charconv>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/engine/run.h"

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

namespace {

// What each verb takes after it.
enum class Args : std::uint8_t { kNone, kNode, kNodeGroups, kGroup, kGroupMember, kClient };

struct Verb {
  CommandKind kind;
  const char* name;
  Args args;
};

// The verbs of the text form, one per CommandKind (the scenario timeline's action names).
constexpr Verb kVerbs[] = {
    {CommandKind::kCrashBroker, "crash", Args::kNode},
    {CommandKind::kPowerLossBroker, "power_loss", Args::kNode},
    {CommandKind::kRestartBroker, "restart", Args::kNode},
    {CommandKind::kShutdownBroker, "shutdown", Args::kNode},
    {CommandKind::kIsolateNode, "isolate", Args::kNode},
    {CommandKind::kPartition, "partition", Args::kNodeGroups},
    {CommandKind::kHeal, "heal", Args::kNone},
    {CommandKind::kPauseNode, "pause", Args::kNode},
    {CommandKind::kResumeNode, "resume", Args::kNode},
    {CommandKind::kKillConsumer, "kill_consumer", Args::kGroupMember},
    {CommandKind::kAddConsumer, "add_consumer", Args::kGroup},
    {CommandKind::kStopProducer, "stop_producer", Args::kClient},
    {CommandKind::kStartProducer, "start_producer", Args::kClient},
};

const Verb& verb_of(CommandKind kind) {
  for (const Verb& v : kVerbs) {
    if (v.kind == kind) return v;
  }
  return kVerbs[6];  // unreachable: every kind has a verb (round-trip tested)
}

bool bare_char(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
         ch == '_' || ch == '-' || ch == '/' || ch == ':' || ch == '@' || ch == '+';
}

std::string quote(const std::string& s) {
  bool bare = !s.empty();
  for (char ch : s) bare = bare && bare_char(ch);
  if (bare) return s;
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

// Splits on single spaces, honouring quotes; nullopt on bad quoting or stray spaces.
std::optional<std::vector<std::string>> tokens(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::string token;
    if (text[i] == '"') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        const char ch = text[i++];
        if (ch == '"') {
          closed = true;
          break;
        }
        if (ch == '\\') {
          if (i >= text.size() || (text[i] != '"' && text[i] != '\\')) return std::nullopt;
          token += text[i++];
        } else {
          token += ch;
        }
      }
      if (!closed) return std::nullopt;
    } else {
      while (i < text.size() && text[i] != ' ') {
        if (!bare_char(text[i]) && text[i] != ',') return std::nullopt;
        token += text[i++];
      }
      if (token.empty()) return std::nullopt;
    }
    out.push_back(std::move(token));
    if (i < text.size()) {
      if (text[i] != ' ' || i + 1 == text.size()) return std::nullopt;
      ++i;
    }
  }
  return out;
}

std::optional<std::int32_t> parse_int(std::string_view s) {
  std::int32_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return value;
}

std::optional<std::vector<std::int32_t>> parse_ids(std::string_view s) {
  std::vector<std::int32_t> ids;
  while (true) {
    const std::size_t comma = s.find(',');
    const auto id = parse_int(s.substr(0, comma));
    if (!id) return std::nullopt;
    ids.push_back(*id);
    if (comma == std::string_view::npos) return ids;
    s.remove_prefix(comma + 1);
  }
}

std::size_t arg_count(Args args) {
  switch (args) {
    case Args::kNone: return 0;
    case Args::kGroupMember: return 2;
    case Args::kNodeGroups: return 0;  // one or more, checked separately
    default: return 1;
  }
}

}  // namespace

std::string encode(const Command& c) {
  const Verb& verb = verb_of(c.kind);
  std::string out = verb.name;
  switch (verb.args) {
    case Args::kNone: break;
    case Args::kNode: out += fmt::format(" {}", c.node); break;
    case Args::kNodeGroups:
      for (const auto& g : c.groups) out += fmt::format(" {}", fmt::join(g, ","));
      break;
    case Args::kGroup: out += " " + quote(c.group); break;
    case Args::kGroupMember: out += " " + quote(c.group) + " " + quote(c.member); break;
    case Args::kClient: out += " " + quote(c.client_id); break;
  }
  return out;
}

std::optional<Command> parse_command(std::string_view text) {
  const auto words = tokens(text);
  if (!words || words->empty()) return std::nullopt;
  const Verb* verb = nullptr;
  for (const Verb& v : kVerbs) {
    if ((*words)[0] == v.name) verb = &v;
  }
  if (verb == nullptr) return std::nullopt;
  const std::vector<std::string> args(words->begin() + 1, words->end());
  Command c;
  c.kind = verb->kind;
  if (verb->args == Args::kNodeGroups) {
    if (args.empty()) return std::nullopt;
    for (const std::string& a : args) {
      auto ids = parse_ids(a);
      if (!ids) return std::nullopt;
      c.groups.push_back(std::move(*ids));
    }
    return c;
  }
  if (args.size() != arg_count(verb->args)) return std::nullopt;
  switch (verb->args) {
    case Args::kNone:
    case Args::kNodeGroups: break;
    case Args::kNode: {
      const auto node = parse_int(args[0]);
      if (!node) return std::nullopt;
      c.node = *node;
      break;
    }
    case Args::kGroup: c.group = args[0]; break;
    case Args::kGroupMember:
      c.group = args[0];
      c.member = args[1];
      break;
    case Args::kClient: c.client_id = args[0]; break;
  }
  return c;
}

void CommandReplay::run_until(Run& run, TimeUs until_us) {
  Simulation& sim = run.sim();
  while (next_ < commands_.size()) {
    const TimedCommand& c = commands_[next_];
    while (sim.events_executed() < c.event_number && sim.next_event_time() <= until_us) {
      if (!sim.step()) break;
    }
    if (sim.events_executed() < c.event_number) break;  // due after until_us
    run.apply(c.command);
    ++next_;
  }
  if (until_us >= sim.now()) sim.run_until(until_us);
}

}  // namespace kafkasim::engine
