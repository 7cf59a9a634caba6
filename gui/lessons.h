#pragma once
// The lesson library: the scenario files (*.yaml) of <repo>/scenarios, each listed with its `name:` line,
// for the File menu and for opening the default lesson when kafkasim-gui starts without a scenario.
// The folder is found from, in order: an explicit directory, $KAFKASIM_SCENARIOS, the source tree this
// binary was built from, then ./scenarios. Host file reading only; nothing here touches the simulation.
#include <optional>
#include <string>
#include <vector>

namespace kafkasim::gui {

struct Lesson {
  std::string path;       // the .yaml file
  std::string file_name;  // "01_leader_failover.yaml"
  std::string name;       // its top-level `name:` value, or the file name when there is none
};

// The first existing candidate directory (see above), or "" when there is none.
std::string find_scenario_dir(const std::string& explicit_dir);
// Every *.yaml / *.yml file of `dir`, sorted by file name.
std::vector<Lesson> list_lessons(const std::string& dir);
// The value of the first top-level `name:` line of a YAML text, unquoted; nullopt when absent.
std::optional<std::string> yaml_name_line(const std::string& text);

}  // namespace kafkasim::gui
