#pragma once
// A whole engine::Run (cluster, producer workload, history checker) built from scenario text, for the
// fidelity tests that count lost and duplicated acknowledged records (Run::check_now()).
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "sim/engine/command.h"
#include "sim/engine/run.h"
#include "sim/scenario/parser.h"

namespace kafkasim::testing {

struct ScenarioKnobs {
  std::string acks = "all";          // Kafka: acks
  int min_insync_replicas = 2;       // Kafka: min.insync.replicas
  bool unclean = false;              // Kafka: unclean.leader.election.enable
  bool idempotence = true;           // Kafka: enable.idempotence
  int partitions = 3;
  int rate_per_sec = 500;
  std::string duration = "40s";
};

inline std::string scenario_text(const ScenarioKnobs& k) {
  std::string t;
  t += "name: fidelity\nseed: 1\nduration: " + k.duration + "\n";
  t += "cluster:\n  brokers: 3\n  configs: {min.insync.replicas: " + std::to_string(k.min_insync_replicas) +
       ", unclean.leader.election.enable: " + (k.unclean ? "true" : "false") + "}\n";
  t += "topics:\n  - {name: orders, partitions: " + std::to_string(k.partitions) + ", replication.factor: 3}\n";
  t += "producers:\n  - {id: checkout, topic: orders, rate: " + std::to_string(k.rate_per_sec) +
       "/s, keys: \"customer-{0..99}\", configs: {acks: \"" + k.acks + "\"";
  // Kafka rejects enable.idempotence=true with acks other than all; left unset it is disabled silently.
  if (k.acks == "all") t += std::string(", enable.idempotence: ") + (k.idempotence ? "true" : "false");
  t += "}}\n";
  return t;
}

inline std::unique_ptr<engine::Run> make_run(const ScenarioKnobs& k, std::uint64_t seed) {
  auto parsed = scenario::parse_scenario_text(scenario_text(k), "fidelity.yaml");
  INFO(parsed.error_text());
  REQUIRE(parsed.ok());
  engine::RunOptions options;
  options.seed = seed;
  auto run = std::make_unique<engine::Run>(*parsed.scenario, options);
  run->start();
  return run;
}

inline engine::Command broker_command(engine::CommandKind kind, std::int32_t broker) {
  engine::Command c;
  c.kind = kind;
  c.node = broker;
  return c;
}

}  // namespace kafkasim::testing
