#pragma once
// Test helpers for the exactly-once end-to-end tests: a scenario with a processor (orders -> invoices),
// a read_committed group and a read_uncommitted group on invoices, built from a YAML string.
#include <cstdlib>
#include <iostream>
#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "sim/engine/processor.h"
#include "sim/engine/run.h"
#include "sim/scenario/parser.h"

namespace kafkasim::test {

// The scenario text: `processor_extra` is appended to the processor's mapping, `txn_timeout_ms` is its
// transaction.timeout.ms, `timeline` (YAML lines) follows the first timeline entry. The processor's
// consumers time out after 6 s (a crashed member leaves the group quickly) and its producer lingers 5 ms,
// so a transaction's records reach the log before it commits. billing auto-commits its position every
// second: a position past a trailing COMMIT marker is committed too (commit-after-processing would leave
// the committed offset one below each partition's end: the marker takes an offset).
inline std::string eos_scenario(std::uint64_t seed, const std::string& duration, const std::string& producer,
                                const std::string& processor_extra, const std::string& timeline,
                                std::int64_t txn_timeout_ms = 10000) {
  return fmt::format(R"(
name: "eos test"
seed: {}
duration: {}
cluster:
  brokers: 3
  configs: {{min.insync.replicas: 2, transaction.abort.timed.out.transaction.cleanup.interval.ms: 1000}}
topics:
  - {{name: orders, partitions: 2, replication.factor: 3}}
  - {{name: invoices, partitions: 2, replication.factor: 3}}
producers:
  - {}
processors:
  - {{id: enricher, input: orders, output: invoices, processing_time: 1ms{},
     producer_configs: {{linger.ms: 5, transaction.timeout.ms: {}}},
     consumer_configs: {{session.timeout.ms: 6000, heartbeat.interval.ms: 1000}}}}
consumer_groups:
  - {{group: billing, topics: [invoices], commit: auto,
     configs: {{auto.offset.reset: earliest, isolation.level: read_committed, auto.commit.interval.ms: 1000}}}}
  - {{group: audit, topics: [invoices], commit: after-processing,
     configs: {{auto.offset.reset: earliest, isolation.level: read_uncommitted}}}}
timeline:
  - {{at: 1s, narrate: start}}
{}
)",
                     seed, duration, producer, processor_extra, txn_timeout_ms, timeline);
}

// Prints trace records whose kind or details contain $EOS_TRACE (debugging aid; off by default).
struct TracePrinter : TraceObserver {
  std::string filter;
  void on_trace(const TraceRecord& r) override {
    const std::string node = "n" + std::to_string(r.node.value);
    if (std::string(r.kind).find(filter) == std::string::npos && r.details.find(filter) == std::string::npos &&
        node != filter) {
      return;
    }
    std::cerr << format_time(r.time) << " #" << r.event_number << " n" << r.node.value << " " << r.kind << " "
              << r.details << "\n";
  }
};
inline void maybe_print_trace(engine::Run& run) {
  static TracePrinter printer;
  if (const char* f = std::getenv("EOS_TRACE")) {
    printer.filter = f;
    run.sim().trace().add_observer(&printer);
  }
}

inline scenario::Scenario parse_eos(const std::string& text) {
  auto r = scenario::parse_scenario_text(text, "eos_test.yaml");
  if (!r.ok()) FAIL(text);
  return *r.scenario;
}

inline const check::ProcessorCounts& processor_counts(const check::Report& rep) {
  REQUIRE(rep.processors.size() == 1);
  return rep.processors[0];
}

inline const check::TopicCounts& topic_counts(const check::Report& rep, const std::string& topic) {
  for (const check::TopicCounts& t : rep.topics) {
    if (t.topic == topic) return t;
  }
  FAIL("no topic " << topic);
  return rep.topics.front();
}

inline const check::GroupCounts* group_counts(const check::Report& rep, const std::string& group) {
  for (const check::GroupCounts& g : rep.groups) {
    if (g.group == group) return &g;
  }
  FAIL("no group " << group);
  return nullptr;
}

}  // namespace kafkasim::test
