// Saving a visualizer session (gui/session_file.h) on the real engine: a LoggedDriver over an
// engine::Session, commands applied between events as the GUI does, saved and replayed by the code
// `kafkasim run` uses, gives the session's trace hash.
#include <unistd.h>

#include <filesystem>

#include <catch2/catch.hpp>

#include "gui/session_file.h"
#include "sim/engine/session.h"
#include "sim/record/reader.h"
#include "tests/gui/fake_driver.h"
#include "tests/record/live_session.h"

namespace kafkasim::gui::testing {
namespace {

TEST_CASE("a session saved from the visualizer replays to the session's trace hash") {
  engine::Session* session = nullptr;
  std::string error;
  auto driver = open_logged_run(record::testing::kScenarioPath, std::nullopt, error,
                                [&](const record::ReplaySource& source) -> std::unique_ptr<engine::Driver> {
                                  engine::RunOptions options;
                                  options.seed = source.seed;
                                  auto s = std::make_unique<engine::Session>(source.scenario, options);
                                  session = s.get();
                                  return s;
                                });
  REQUIRE(driver != nullptr);
  engine::Command crash;
  crash.kind = engine::CommandKind::kCrashBroker;
  crash.node = 2;
  engine::Command restart = crash;
  restart.kind = engine::CommandKind::kRestartBroker;
  driver->advance_to(sec_to_us(2) + 337, UINT64_MAX);  // play stops between events, as in the GUI
  driver->apply(crash);
  driver->advance_to(sec_to_us(6) + 11, UINT64_MAX);
  driver->apply(restart);
  driver->advance_to(driver->duration_us(), UINT64_MAX);

  const std::string path =
      (std::filesystem::temp_directory_path() / ("kafkasim-gui-session-" + std::to_string(getpid()) + ".sqlite")).string();
  REQUIRE(save_session(*driver, path).empty());
  record::ReplaySource replay;
  REQUIRE(record::open_replay_source(path, std::nullopt, &replay).ok());
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  REQUIRE(replay.commands.size() == 2);
  CHECK(replay.commands[0].command == crash);
  CHECK(replay.commands[0].time_us == sec_to_us(2) + 337);
  engine::RunOptions options;
  options.seed = replay.seed;
  engine::Run run(replay.scenario, options);
  engine::CommandReplay commands(replay.commands);
  run.start();
  commands.run_until(run, run.duration_us());
  CHECK(format_hash(run.sim().trace_hash()) == format_hash(session->run().sim().trace_hash()));
}

TEST_CASE("a run not opened from a file cannot be saved, with a reason") {
  FakeDriver fake;
  CHECK(save_session(fake, "/nonexistent/never-written.sqlite").starts_with("this run cannot be saved"));
}

TEST_CASE("opening a file that does not exist gives its error and no driver") {
  std::string error;
  auto driver = open_logged_run("/nonexistent/kafkasim.sqlite", std::nullopt, error,
                                [](const record::ReplaySource&) -> std::unique_ptr<engine::Driver> { return nullptr; });
  CHECK(driver == nullptr);
  CHECK(error == "/nonexistent/kafkasim.sqlite: cannot open: no such file");
}

}  // namespace
}  // namespace kafkasim::gui::testing
