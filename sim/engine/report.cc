#include "sim/engine/report.h"

#include <fmt/format.h>

namespace kafkasim::engine {

namespace {
std::string semantic_line(const check::Report& report) {
  if (report.groups.empty()) return "";
  std::string out;
  for (const auto& g : report.groups) out += fmt::format("  group {}: {}\n", g.group, check::to_string(g.semantics));
  return out;
}
}  // namespace

std::string render_report(const Run& run, const check::Report& report, std::int64_t wall_time_ms) {
  const Simulation& sim = run.sim();
  std::string out;
  out += fmt::format("kafkasim run: {}\n", run.scenario().name);
  out += fmt::format("  seed {}, {} simulated in {} ms of wall time, {} events\n", run.seed(), format_time(sim.now()),
                     wall_time_ms, sim.events_executed());
  out += "\nFaults and actions\n";
  if (run.faults().empty()) out += "  (none)\n";
  for (const AppliedFault& f : run.faults()) {
    out += fmt::format("  t={:<10} {}{}\n", format_time(f.time_us), f.what, f.from_command ? "  [command]" : "");
  }
  out += "\nProducers\n";
  for (const client::Producer* p : run.producers()) {
    const auto& st = p->stats();
    out += fmt::format("  {:<14} acks={:<3} idempotent={:<5} sent {:>7}  acked {:>7}  failed {:>5}  retries {:>5}\n",
                       p->config().client_id, p->config().acks == -1 ? std::string("all") : std::to_string(p->config().acks),
                       p->config().enable_idempotence ? "true" : "false", st.sent, st.acked, st.failed, st.retries);
    if (!st.last_error.empty()) {
      out += fmt::format("  {:<14} last error at t={}: {}\n", "", format_time(st.last_error_us), st.last_error);
    }
  }
  out += "\nDelivery (history checker)\n";
  out += check::render_text(report);
  const std::string groups = render_group_tables(run);
  if (!groups.empty()) out += "\nConsumer groups\n" + groups;
  const std::string sem = semantic_line(report);
  if (!sem.empty()) out += "\nDelivery semantics achieved\n" + sem;
  out += "\nExpectations\n";
  if (run.expectations().empty()) out += "  (none)\n";
  for (const ExpectationResult& x : run.expectations()) {
    out += fmt::format("  {}  {}{}\n", !x.evaluated ? "----" : x.passed ? "PASS" : "FAIL", x.text,
                       x.passed || x.explanation.empty() ? "" : fmt::format("   ({}; {})", x.explanation, x.location));
  }
  out += fmt::format("\ntrace hash {}\n", format_hash(sim.trace_hash()));
  return out;
}

nlohmann::json report_json(const Run& run, const check::Report& report, std::int64_t wall_time_ms) {
  const Simulation& sim = run.sim();
  nlohmann::json j;
  j["scenario"] = run.scenario().name;
  j["seed"] = run.seed();
  j["trace_hash"] = format_hash(sim.trace_hash());
  j["events"] = sim.events_executed();
  j["sim_time_ms"] = us_to_ms(sim.now());
  j["wall_time_ms"] = wall_time_ms;
  const nlohmann::json checker = check::to_json(report);
  for (auto it = checker.begin(); it != checker.end(); ++it) j[it.key()] = it.value();
  nlohmann::json faults = nlohmann::json::array();
  for (const AppliedFault& f : run.faults()) {
    faults.push_back({{"time_ms", us_to_ms(f.time_us)}, {"event", f.event_number}, {"what", f.what},
                      {"command", f.from_command}});
  }
  j["faults"] = faults;
  nlohmann::json producers = nlohmann::json::array();
  for (const client::Producer* p : run.producers()) {
    const auto& st = p->stats();
    producers.push_back({{"client_id", p->config().client_id}, {"sent", st.sent}, {"acked", st.acked},
                         {"failed", st.failed}, {"retries", st.retries}, {"last_error", st.last_error}});
  }
  j["producers"] = producers;
  nlohmann::json xs = nlohmann::json::array();
  for (const ExpectationResult& x : run.expectations()) {
    xs.push_back({{"expectation", x.text}, {"passed", x.evaluated && x.passed}, {"evaluated", x.evaluated},
                  {"explanation", x.explanation}, {"location", x.location}});
  }
  j["expectations"] = xs;
  j["expectations_passed"] = run.expectations_passed();
  return j;
}

}  // namespace kafkasim::engine
