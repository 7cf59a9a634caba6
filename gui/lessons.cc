#include "gui/lessons.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace kafkasim::gui {
namespace fs = std::filesystem;

std::string find_scenario_dir(const std::string& explicit_dir) {
  std::vector<std::string> candidates;
  if (!explicit_dir.empty()) candidates.push_back(explicit_dir);
  if (const char* env = std::getenv("KAFKASIM_SCENARIOS")) candidates.emplace_back(env);
#ifdef KAFKASIM_SOURCE_DIR
  candidates.emplace_back(std::string(KAFKASIM_SOURCE_DIR) + "/scenarios");
#endif
  candidates.emplace_back("scenarios");
  for (const auto& dir : candidates) {
    std::error_code ec;
    if (fs::is_directory(dir, ec)) return dir;
  }
  return "";
}

std::optional<std::string> yaml_name_line(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("name:", 0) != 0) continue;  // top level only: no indentation
    std::string value = line.substr(5);
    const auto comment = value.find(" #");
    if (comment != std::string::npos) value.resize(comment);
    const auto first = value.find_first_not_of(" \t");
    if (first == std::string::npos) return std::nullopt;
    const auto last = value.find_last_not_of(" \t\r");
    value = value.substr(first, last - first + 1);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    return value;
  }
  return std::nullopt;
}

std::vector<Lesson> list_lessons(const std::string& dir) {
  std::vector<Lesson> lessons;
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(dir, ec)) return lessons;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const auto ext = entry.path().extension().string();
    if (!entry.is_regular_file(ec) || (ext != ".yaml" && ext != ".yml")) continue;
    std::ifstream file(entry.path());
    std::stringstream text;
    text << file.rdbuf();
    Lesson lesson;
    lesson.path = entry.path().string();
    lesson.file_name = entry.path().filename().string();
    lesson.name = yaml_name_line(text.str()).value_or(lesson.file_name);
    lessons.push_back(std::move(lesson));
  }
  std::sort(lessons.begin(), lessons.end(),
            [](const Lesson& a, const Lesson& b) { return a.file_name < b.file_name; });
  return lessons;
}

}  // namespace kafkasim::gui
