// kafkasim version: version, git commit and build type.
#include <cstdio>

#include "cli/command.h"
#include "kafkasim/build_info.h"

namespace kafkasim::cli {
namespace {
const CommandRegistrar kVersion("90-version", [](CLI::App& app) -> std::function<int()> {
  auto* sub = app.add_subcommand("version", "Print the version, git commit and build type");
  (void)sub;
  return [] {
    std::printf("kafkasim %s (commit %s, %s build)\n", build_info::kVersion, build_info::kGitCommit,
                build_info::kBuildType);
    return kExitOk;
  };
});
}  // namespace
}  // namespace kafkasim::cli
