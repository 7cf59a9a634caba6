// test_tidy: sim/ must stay deterministic and GUI-free (docs/architecture.md, "Rules every folder keeps").
// Scans every .h/.cc under sim/ for wall clocks, unseeded randomness, threads, GUI includes and unordered
// containers, and checks that the scanner itself catches what it should and ignores comments.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "tests/tidy/tidy_scan.h"

namespace kafkasim::tidy {
namespace {

std::vector<std::string> rules_of(std::string_view source) {
  std::vector<std::string> out;
  for (const Violation& v : scan_source("test.cc", source)) out.push_back(v.rule);
  return out;
}

TEST_CASE(
    "no file under sim uses a wall clock, unseeded randomness, threads, GUI headers or unordered "
    "containers") {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(KAFKASIM_SOURCE_DIR) / "sim";
  REQUIRE(fs::is_directory(root));
  std::vector<fs::path> files;
  for (const auto& entry :
       fs::recursive_directory_iterator(root, fs::directory_options::follow_directory_symlink)) {
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".h" || ext == ".cc")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() > 10);
  std::string report;
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const std::string rel = fs::relative(file, KAFKASIM_SOURCE_DIR).string();
    for (const Violation& v : scan_source(rel, text.str())) {
      report +=
          v.file + ":" + std::to_string(v.line) + ": " + v.rule + " is banned in sim/: " + v.text + "\n";
    }
  }
  INFO(report);
  CHECK(report.empty());
}

TEST_CASE("the scanner catches each banned construct and names file and line") {
  const std::vector<Violation> v =
      scan_source("sim/x/bad.cc", "int a;\nauto t = std::chrono::system_clock::now();\n");
  REQUIRE(v.size() == 1);
  CHECK(v[0].file == "sim/x/bad.cc");
  CHECK(v[0].line == 2);
  CHECK(v[0].rule == "system_clock");

  const std::pair<std::string_view, std::string_view> cases[] = {
      {"auto t = std::chrono::steady_clock::now();", "steady_clock"},
      {"using C = std::chrono::high_resolution_clock;", "high_resolution_clock"},
      {"long t = time(nullptr);", "time("},
      {"long t = std::time(nullptr);", "time("},
      {"gettimeofday(&tv, nullptr);", "gettimeofday"},
      {"clock_gettime(CLOCK_MONOTONIC, &ts);", "clock_gettime"},
      {"int r = rand() % 6;", "rand("},
      {"srand(42);", "srand("},
      {"std::random_device rd;", "random_device"},
      {"std::uniform_int_distribution<int> d(1, 6);", "std::*_distribution"},
      {"std::thread t([] {});", "std::thread"},
      {"auto f = std::async([] { return 1; });", "std::async"},
      {"#include <pthread.h>", "pthread"},
      {"#include <imgui.h>", "#include <imgui"},
      {"#  include <GLFW/glfw3.h>", "#include <GLFW"},
      {"std::unordered_map<int, int> m;", "unordered_map"},
      {"#include <unordered_set>", "unordered_set"},
  };
  for (const auto& [source, rule] : cases) {
    INFO(source);
    CHECK(rules_of(source) == std::vector<std::string>{std::string(rule)});
  }
}

TEST_CASE("the scanner ignores banned words in comments and string literals") {
  CHECK(rules_of("int a;  // never use rand() or std::thread here").empty());
  CHECK(rules_of("/* std::random_device\n   unordered_map */ int b;").empty());
  CHECK(rules_of("// #include <imgui.h>").empty());
  CHECK(rules_of("trace(\"time(0) and rand() are banned\");").empty());
  CHECK(rules_of("char q = '\"'; int n = 1'000; auto s = \"\\\" std::thread\";").empty());
  // Code after a block comment on the same line is still scanned.
  CHECK(rules_of("/* ok */ std::thread t;") == std::vector<std::string>{"std::thread"});
}

TEST_CASE("the scanner does not flag names that merely contain a banned word") {
  CHECK(rules_of("format_time(t); next_time(); q.time(); p->rand(); my_rand(3); operand(1);").empty());
  CHECK(rules_of("std::string system_clock_name; int steady_clock2 = 0;").empty());
  CHECK(rules_of("sim.rng(\"x\").uniform(6); std::map<int, int> ordered_map;").empty());
}

}  // namespace
}  // namespace kafkasim::tidy
