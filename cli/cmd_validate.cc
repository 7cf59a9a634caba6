// kafkasim validate SCENARIO...: parses each scenario file and prints "FILE: ok (name)" or its errors
// (file:line:column: error: ...; expected ...). Exit code 0 when every file is valid, 2 otherwise.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/command.h"
#include "sim/scenario/parser.h"

namespace kafkasim::cli {
namespace {

struct ValidateOptions {
  std::vector<std::string> files;
  bool notes = false;
};

int run_validate(const ValidateOptions& opt) {
  int bad = 0;
  for (const auto& file : opt.files) {
    const scenario::ParseResult r = scenario::parse_scenario_file(file);
    if (!r.ok()) {
      std::fputs(r.error_text().c_str(), stderr);
      ++bad;
      continue;
    }
    const scenario::Scenario& s = *r.scenario;
    std::printf("%s: ok (%s)\n", file.c_str(), s.name.c_str());
    if (!opt.notes) continue;
    for (const auto& p : s.producers) {
      for (const auto& note : p.config_notes) {
        std::printf("%s: note: producer %s: %s\n", p.loc.str().c_str(), p.id.c_str(), note.message.c_str());
      }
    }
  }
  if (bad > 0) {
    return bad_input(std::to_string(bad) + " of " + std::to_string(opt.files.size()) + " scenario file" +
                     (opt.files.size() == 1 ? "" : "s") + " invalid");
  }
  return kExitOk;
}

const CommandRegistrar kValidate("20-validate", [](CLI::App& app) -> std::function<int()> {
  auto opt = std::make_shared<ValidateOptions>();
  auto* sub = app.add_subcommand("validate", "Parse scenario files and report every error (exit 2 if any)");
  sub->add_option("SCENARIO", opt->files, "Scenario YAML files")->required();
  sub->add_flag("--notes", opt->notes, "Also print Kafka config notes (e.g. idempotence disabled by acks=1)");
  return [opt] { return run_validate(*opt); };
});

}  // namespace
}  // namespace kafkasim::cli
