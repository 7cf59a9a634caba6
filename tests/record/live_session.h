#pragma once
// Test helper: a live visualizer-like session of tests/record/data/session.yaml with commands applied
// between events (play stops at arbitrary times, as the GUI's does), played to the end. Used by
// session_recording_test.cc and by make_session_recording (the `kafkasim run` replay check).
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/assert.h"
#include "sim/engine/session.h"
#include "sim/record/replay.h"

namespace kafkasim::record::testing {

inline const std::string kScenarioPath = std::string(KAFKASIM_SOURCE_DIR) + "/tests/record/data/session.yaml";

inline engine::Command command(engine::CommandKind kind, std::int32_t node = -1) {
  engine::Command c;
  c.kind = kind;
  c.node = node;
  return c;
}

// A live session of data/session.yaml: play (stopping between events, as the GUI does), a crash, a
// restart, a consumer killed and one added, a network split healed, played to the end.
struct LiveSession {
  ReplaySource source;
  std::unique_ptr<engine::Session> session;
  std::vector<engine::TimedCommand> commands;

  LiveSession() {
    const Status opened = open_replay_source(kScenarioPath, std::nullopt, &source);
    KS_ASSERT(opened.ok());
    engine::RunOptions options;
    options.seed = source.seed;
    session = std::make_unique<engine::Session>(source.scenario, options);
    engine::Command kill;
    kill.kind = engine::CommandKind::kKillConsumer;
    kill.group = "g";
    kill.member = "1";
    engine::Command add;
    add.kind = engine::CommandKind::kAddConsumer;
    add.group = "g";
    engine::Command split = command(engine::CommandKind::kPartition);
    split.groups = {{1}, {2, 3}};
    const std::pair<TimeUs, engine::Command> plan[] = {
        {sec_to_us(2) + 337, command(engine::CommandKind::kCrashBroker, 2)},
        {sec_to_us(4) + 1, kill},
        {sec_to_us(5) + 999, command(engine::CommandKind::kRestartBroker, 2)},
        {sec_to_us(6) + 50, add},
        {sec_to_us(7) + 20, split},
        {sec_to_us(9) + 7, command(engine::CommandKind::kHeal)},
    };
    for (const auto& [at_us, c] : plan) {
      session->advance_to(at_us, UINT64_MAX);
      commands.push_back({session->snapshot().events_executed, session->now_us(), c});
      session->apply(c);
    }
    session->advance_to(session->duration_us(), UINT64_MAX);
    KS_ASSERT(session->finished());
  }
};

}  // namespace kafkasim::record::testing
