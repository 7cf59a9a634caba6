#pragma once
// Subcommand registry of the `kafkasim` program. Each cli/cmd_*.cc file registers its subcommands with a
// static CommandRegistrar, so adding a command never touches main.cc. Every command returns the process
// exit code: 0 success, 1 expectations failed, 2 bad input or usage (with a one-line error on stderr).
#include <functional>
#include <string>

#include <CLI/CLI.hpp>

namespace kafkasim::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitExpectationsFailed = 1;
inline constexpr int kExitBadInput = 2;

// setup adds the subcommand to `app` and returns the function to run when it was chosen.
using CommandSetup = std::function<std::function<int()>(CLI::App& app)>;

struct CommandRegistrar {
  CommandRegistrar(std::string sort_key, CommandSetup setup);
};

// Prints "kafkasim: error: <message>" on stderr and returns kExitBadInput.
int bad_input(const std::string& message);

}  // namespace kafkasim::cli
