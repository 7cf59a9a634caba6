#pragma once
// `kafkasim bench <name>`: each benchmark registers itself with a static BenchRegistrar from its own
// cli/bench_*.cc file. Benchmarks print their figures (and the machine) to stdout; docs/benchmarks.md
// records them with the command. Wall-clock time is read here, in cli/, never in sim/.
#include <functional>
#include <string>

#include <CLI/CLI.hpp>

namespace kafkasim::cli {

// setup adds options to the bench's own subcommand and returns the function that runs it.
using BenchSetup = std::function<std::function<int()>(CLI::App& bench_subcommand)>;

struct BenchRegistrar {
  BenchRegistrar(std::string name, std::string description, BenchSetup setup);
};

// One line describing this machine (CPU model, cores, memory), for benchmark output.
std::string machine_description();

}  // namespace kafkasim::cli
