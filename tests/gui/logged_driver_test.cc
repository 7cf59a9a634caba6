// LoggedDriver: the command log a session recording is saved from, kept as engine::Session keeps it.
#include <catch2/catch.hpp>

#include "gui/logged_driver.h"
#include "tests/gui/fake_driver.h"

namespace kafkasim::gui::testing {
namespace {

engine::Command crash(std::int32_t broker) {
  engine::Command c;
  c.kind = engine::CommandKind::kCrashBroker;
  c.node = broker;
  return c;
}

LoggedDriver logged_fake() {
  RunOrigin origin;
  origin.path = "lesson.yaml";
  origin.seed = 42;
  return LoggedDriver(std::make_unique<FakeDriver>(), origin);
}

TEST_CASE("commands applied through a LoggedDriver are logged with their event number and time") {
  LoggedDriver driver = logged_fake();
  driver.seek(2'000'000);
  driver.apply(crash(1));
  driver.seek(5'000'000);
  driver.apply(crash(2));
  REQUIRE(driver.commands().size() == 2);
  CHECK(driver.commands()[0].event_number == 2000);  // the fake runs one event per ms
  CHECK(driver.commands()[0].time_us == 2'000'000);
  CHECK(driver.commands()[1].command == crash(2));
  CHECK(driver.version() == 2);
  CHECK(driver.origin().seed == 42);
}

TEST_CASE("a command after a backward seek replaces the commands that came later") {
  LoggedDriver driver = logged_fake();
  driver.seek(2'000'000);
  driver.apply(crash(1));
  driver.seek(9'000'000);
  driver.apply(crash(2));
  driver.seek(4'000'000);
  driver.apply(crash(3));
  REQUIRE(driver.commands().size() == 2);
  CHECK(driver.commands()[0].command == crash(1));
  CHECK(driver.commands()[1].command == crash(3));
}

TEST_CASE("a LoggedDriver starts with the commands of the recording it replays") {
  RunOrigin origin;
  LoggedDriver driver(std::make_unique<FakeDriver>(), origin, {{1000, 1'000'000, crash(4)}});
  driver.seek(3'000'000);
  driver.apply(crash(5));
  REQUIRE(driver.commands().size() == 2);
  CHECK(driver.commands()[0].command == crash(4));
}

TEST_CASE("no command is logged once the run has ended") {
  LoggedDriver driver = logged_fake();
  driver.seek(driver.duration_us());
  REQUIRE(driver.finished());
  driver.apply(crash(1));
  CHECK(driver.commands().empty());
}

}  // namespace
}  // namespace kafkasim::gui::testing
