// Session recordings (the visualizer's --record / "Save session as..."): the run info and the commands,
// read back and replayed by the same code `kafkasim run` uses (engine::CommandReplay).
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "sim/record/reader.h"
#include "sim/record/replay.h"
#include "sim/record/schema.h"
#include "tests/record/live_session.h"
#include "tests/record/temp_dir.h"

namespace kafkasim::record {
namespace {

using testing::kScenarioPath;
using testing::LiveSession;
using testing::TempDir;

void exec(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

TEST_CASE("A session recording holds the run info and the commands with their event numbers") {
  TempDir dir;
  const std::string path = dir.file("session.sqlite");
  LiveSession live;
  REQUIRE(write_session_recording(path, run_info_for(live.source, "kafkasim-gui session.yaml"),
                                  command_rows(live.commands))
              .ok());
  Recording r;
  REQUIRE(read_recording_info(path, &r).ok());
  CHECK(r.info.kind == RecordingKind::kSession);
  CHECK(r.info.seed == 11);
  CHECK(r.info.scenario_text == live.source.scenario.source_text);
  CHECK_FALSE(r.finished);
  REQUIRE(r.commands.size() == 6);
  CHECK(r.commands[0].command == "crash 2");
  CHECK(r.commands[0].time_us == sec_to_us(2) + 337);
  CHECK(r.commands[1].command == "kill_consumer g 1");
  CHECK(r.commands[4].command == "partition 1 2,3");
  CHECK(r.commands == command_rows(live.commands));
}

TEST_CASE("A replayed session recording gives the live session's trace hash") {
  TempDir dir;
  const std::string path = dir.file("session.sqlite");
  LiveSession live;
  const std::uint64_t live_hash = live.session->run().sim().trace_hash();
  REQUIRE(write_session_recording(path, run_info_for(live.source, "test"), command_rows(live.commands)).ok());

  ReplaySource replay;
  REQUIRE(open_replay_source(path, std::nullopt, &replay).ok());
  CHECK(replay.from_recording);
  CHECK(replay.commands == live.commands);
  engine::RunOptions options;
  options.seed = replay.seed;
  engine::Run run(replay.scenario, options);
  engine::CommandReplay commands(replay.commands);
  run.start();
  for (TimeUs t = 0; t < run.duration_us();) {  // in steps, as `kafkasim run --record` samples offsets
    t = std::min(run.duration_us(), t + sec_to_us(1));
    commands.run_until(run, t);
  }
  run.finish();
  CHECK(commands.applied() == live.commands.size());
  CHECK(format_hash(run.sim().trace_hash()) == format_hash(live_hash));

  // Without the commands the run differs: the commands did change it.
  engine::Run plain(replay.scenario, options);
  plain.start();
  plain.sim().run_until(plain.duration_us());
  CHECK(plain.sim().trace_hash() != live_hash);
}

TEST_CASE("A session opened from a recording replays its commands as the live session did") {
  TempDir dir;
  const std::string path = dir.file("session.sqlite");
  LiveSession live;
  REQUIRE(write_session_recording(path, run_info_for(live.source, "test"), command_rows(live.commands)).ok());
  ReplaySource replay;
  REQUIRE(open_replay_source(path, std::nullopt, &replay).ok());
  engine::Session::CommandLog log;
  for (const auto& c : replay.commands) log.emplace_back(c.event_number, c.command);
  engine::RunOptions options;
  options.seed = replay.seed;
  engine::Session session(replay.scenario, options, log);
  session.advance_to(session.duration_us(), UINT64_MAX);
  CHECK(session.run().sim().trace_hash() == live.session->run().sim().trace_hash());
}

// Writes a session recording of data/session.yaml (or of `info` when given) with these command rows at
// `path`, then opens it for replay; returns the error, "" when it opened.
std::string replay_error(const std::string& path, const std::vector<CommandRow>& rows, const RunInfo* info = nullptr) {
  ReplaySource source;
  REQUIRE(open_replay_source(kScenarioPath, std::nullopt, &source).ok());
  REQUIRE(write_session_recording(path, info != nullptr ? *info : run_info_for(source, "test"), rows).ok());
  ReplaySource replay;
  return open_replay_source(path, std::nullopt, &replay).message();
}

TEST_CASE("A recording with a command that does not parse is refused with its position and text") {
  TempDir dir;
  const std::string path = dir.file("bad.sqlite");
  CHECK(replay_error(path, {{10, 100, "crash 2"}, {20, 200, "explode 2"}})
            .starts_with(path + ": command 2 (after event 20): cannot parse 'explode 2'"));
}

TEST_CASE("A recording whose commands go back in event order is refused") {
  TempDir dir;
  const std::string path = dir.file("bad.sqlite");
  CHECK(replay_error(path, {{20, 100, "crash 2"}, {10, 200, "heal"}}).starts_with(path + ": command 2 ('heal'): event 10"));
}

TEST_CASE("A recording whose scenario text is broken is refused with a location in the recorded text") {
  TempDir dir;
  const std::string path = dir.file("bad.sqlite");
  RunInfo info;
  info.scenario_text = "name: x\nduration: forever\n";
  CHECK(replay_error(path, {}, &info).starts_with(path + " (recorded scenario):"));
}

TEST_CASE("A schema version 1 recording opens with no commands") {
  TempDir dir;
  const std::string path = dir.file("old.sqlite");
  ReplaySource source;
  REQUIRE(open_replay_source(kScenarioPath, std::nullopt, &source).ok());
  REQUIRE(write_session_recording(path, run_info_for(source, "test"), {{1, 1, "heal"}}).ok());
  exec(path, "DROP TABLE commands; PRAGMA user_version = 1");
  Recording r;
  REQUIRE(read_recording_info(path, &r).ok());
  CHECK(r.schema_version == 1);
  CHECK(r.commands.empty());
}

TEST_CASE("A file that is not a recording is refused for replay") {
  TempDir dir;
  const std::string path = dir.file("notes.txt");
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    REQUIRE(f != nullptr);
    std::fputs("hello, this is not SQLite\n", f);
    std::fclose(f);
  }
  ReplaySource replay;
  const Status s = open_replay_source(path, std::nullopt, &replay);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().starts_with(path + ": not a kafkasim recording"));
}

}  // namespace
}  // namespace kafkasim::record
