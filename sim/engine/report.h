#pragma once
// The report of a finished run, as `kafkasim run` prints it: faults, producers, the delivery table and
// anomalies from the history checker, the consumer groups, expectations and the trace hash; and the same
// as one JSON object (--json). Wall time is measured by the caller (cli/), never in sim/.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/check/report.h"
#include "sim/engine/run.h"

namespace kafkasim::engine {

std::string render_report(const Run& run, const check::Report& report, std::int64_t wall_time_ms);
nlohmann::json report_json(const Run& run, const check::Report& report, std::int64_t wall_time_ms);

}  // namespace kafkasim::engine
