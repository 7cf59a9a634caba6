#include "cli/run_common.h"

#include <cstdio>

#include "sim/engine/overrides.h"
#include "sim/engine/session.h"
#include "sim/scenario/parser.h"

namespace kafkasim::cli {

std::optional<scenario::Scenario> load_scenario(std::string path, const std::vector<std::string>& overrides) {
  if (path.empty()) {
    path = engine::default_scenario_path();
    if (path.empty()) {
      std::fprintf(stderr, "kafkasim: error: no SCENARIO given and no lesson library found in %s\n",
                   engine::scenario_dir().c_str());
      return std::nullopt;
    }
  }
  scenario::ParseResult parsed = scenario::parse_scenario_file(path);
  if (!parsed.ok()) {
    std::fprintf(stderr, "%s\n", parsed.error_text().c_str());
    return std::nullopt;
  }
  for (const std::string& o : overrides) {
    if (auto err = engine::apply_override(*parsed.scenario, o)) {
      std::fprintf(stderr, "kafkasim: error: %s\n", err->c_str());
      return std::nullopt;
    }
  }
  return std::move(parsed.scenario);
}

void run_to_end(engine::Run& run, std::optional<TimeUs> until_us) {
  run.start();
  const TimeUs end = until_us ? std::min(*until_us, run.duration_us()) : run.duration_us();
  run.sim().run_until(end);
  run.finish();
}

}  // namespace kafkasim::cli
