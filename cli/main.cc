// kafkasim: the command-line program. Subcommands live in cli/cmd_*.cc (see command.h).
#include <cstdio>
#include <map>
#include <memory>

#include "cli/command.h"

namespace kafkasim::cli {
namespace {
std::map<std::string, CommandSetup>& registry() {
  static std::map<std::string, CommandSetup> r;
  return r;
}
}  // namespace

CommandRegistrar::CommandRegistrar(std::string sort_key, CommandSetup setup) {
  registry().emplace(std::move(sort_key), std::move(setup));
}

int bad_input(const std::string& message) {
  std::fprintf(stderr, "kafkasim: error: %s\n", message.c_str());
  return kExitBadInput;
}

}  // namespace kafkasim::cli

int main(int argc, char** argv) {
  using namespace kafkasim::cli;
  CLI::App app{"kafkasim: a deterministic simulator of an Apache Kafka cluster, for teaching and testing"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every subcommand");
  std::vector<std::pair<CLI::App*, std::function<int()>>> runners;
  for (auto& [key, setup] : registry()) {
    const std::size_t before = app.get_subcommands({}).size();
    auto run = setup(app);
    auto subs = app.get_subcommands({});
    if (subs.size() > before) runners.emplace_back(subs.back(), std::move(run));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "kafkasim: error: %s\n  (run 'kafkasim --help' for usage)\n", e.what());
    return kExitBadInput;
  }
  for (auto& [sub, run] : runners) {
    if (sub->parsed()) return run();
  }
  return kExitBadInput;
}
