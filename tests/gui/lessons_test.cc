#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "gui/lessons.h"

namespace kafkasim::gui {
namespace {

TEST_CASE("the name line of a scenario is read unquoted and without its comment") {
  CHECK(yaml_name_line("name: Leader failover\nseed: 1\n") == "Leader failover");
  CHECK(yaml_name_line("# lesson\nname: \"acks=1 loses data\"  # why\n") == "acks=1 loses data");
  CHECK(yaml_name_line("cluster:\n  name: inner\n") == std::nullopt);
  CHECK(yaml_name_line("") == std::nullopt);
}

TEST_CASE("the lesson library lists yaml files sorted by file name with their names") {
  const auto dir = std::filesystem::temp_directory_path() / "kafkasim_gui_lessons_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "02_b.yaml") << "name: Second lesson\n";
  std::ofstream(dir / "01_a.yaml") << "name: 'First lesson'\n";
  std::ofstream(dir / "03_c.yml") << "seed: 3\n";
  std::ofstream(dir / "notes.txt") << "name: not a lesson\n";
  const auto lessons = list_lessons(dir.string());
  REQUIRE(lessons.size() == 3);
  CHECK(lessons[0].name == "First lesson");
  CHECK(lessons[1].name == "Second lesson");
  CHECK(lessons[2].name == "03_c.yml");
  CHECK(find_scenario_dir(dir.string()) == dir.string());
  std::filesystem::remove_all(dir);
}

TEST_CASE("a missing lesson folder gives an empty library") { CHECK(list_lessons("/nonexistent/kafkasim").empty()); }

}  // namespace
}  // namespace kafkasim::gui
