// kafkasim bench <name>: the benchmarks registered with BenchRegistrar.
#include <fstream>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "cli/bench.h"
#include "cli/command.h"

namespace kafkasim::cli {
namespace {
struct BenchEntry {
  std::string description;
  BenchSetup setup;
};
std::map<std::string, BenchEntry>& benches() {
  static std::map<std::string, BenchEntry> b;
  return b;
}

const CommandRegistrar kBench("80-bench", [](CLI::App& app) -> std::function<int()> {
  auto* sub = app.add_subcommand("bench", "Run a benchmark (figures go in docs/benchmarks.md)");
  sub->require_subcommand(1);
  auto runners = std::make_shared<std::vector<std::pair<CLI::App*, std::function<int()>>>>();
  for (auto& [name, entry] : benches()) {
    auto* b = sub->add_subcommand(name, entry.description);
    runners->emplace_back(b, entry.setup(*b));
  }
  return [runners] {
    for (auto& [b, run] : *runners) {
      if (b->parsed()) return run();
    }
    return kExitBadInput;
  };
});
}  // namespace

BenchRegistrar::BenchRegistrar(std::string name, std::string description, BenchSetup setup) {
  benches().emplace(std::move(name), BenchEntry{std::move(description), std::move(setup)});
}

std::string machine_description() {
  std::string cpu = "unknown CPU";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      cpu = line.substr(line.find(':') + 2);
      break;
    }
  }
  long mem_kb = 0;
  std::ifstream meminfo("/proc/meminfo");
  for (std::string line; std::getline(meminfo, line);) {
    if (line.rfind("MemTotal:", 0) == 0) {
      mem_kb = std::stol(line.substr(9));
      break;
    }
  }
  return fmt::format("{}, {} cores, {:.1f} GiB RAM", cpu, std::thread::hardware_concurrency(),
                     static_cast<double>(mem_kb) / (1024.0 * 1024.0));
}

}  // namespace kafkasim::cli
