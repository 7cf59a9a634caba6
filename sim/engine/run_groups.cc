// Run: consumer groups (members, processors) — wired in when the consumer client lands.
#include <fmt/format.h>

#include "sim/engine/run.h"

namespace kafkasim::engine {

void Run::apply_consumer_action(const scenario::TimelineEvent& ev) {
  note_fault(fmt::format("{}: consumer groups are not simulated yet in this build", scenario::action_name(ev.kind)), false);
}

void Run::apply_consumer_command(const Command& command) {
  sim_->trace_event(kNoNode, "scenario.error", fmt::format("{}: consumer groups are not simulated yet", describe(command)));
}

void Run::apply_consumer_config_change(const scenario::ConfigChange& change) {
  sim_->trace_event(kNoNode, "scenario.error",
                    fmt::format("consumer config {} not applied: consumer groups are not simulated yet", change.key));
}

scenario::LookupResult Run::lookup_group(const scenario::Call& call) {
  return {std::nullopt, fmt::format("{}: consumer groups are not simulated yet", call.str())};
}

void Run::add_group_final_state(check::FinalState&) {}
void Run::add_group_views(Snapshot&) const {}

}  // namespace kafkasim::engine

namespace kafkasim::engine {
std::string render_group_tables(const Run&) { return ""; }
}  // namespace kafkasim::engine
