#pragma once
// `--set` overrides: change a scenario's configs from the command line before a run, with the same
// validation as the scenario file.
//   --set acks=1                          every producer (the only scope with that key)
//   --set producer/checkout:acks=1        one producer
//   --set topic/orders:min.insync.replicas=2
//   --set broker:unclean.leader.election.enable=true
//   --set consumer/billing:enable.auto.commit=false
// A key known to several scopes without a scope prefix applies to the most specific one that the scenario
// has: topic before broker (a topic config overrides the broker default anyway).
#include <optional>
#include <string>

#include "sim/scenario/scenario.h"

namespace kafkasim::engine {

// Applies one override. Returns an error message naming what was expected, or nullopt.
std::optional<std::string> apply_override(scenario::Scenario& scenario, const std::string& text);

}  // namespace kafkasim::engine
