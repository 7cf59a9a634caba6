#pragma once
// `--set` overrides: change a scenario's configs from the command line before a run, with the same
// validation as the scenario file.
//   --set acks=1                          every producer (the only scope with that key)
//   --set producer/checkout:acks=1        one producer
//   --set topic/orders:min.insync.replicas=2
//   --set broker:unclean.leader.election.enable=true
//   --set consumer/billing:enable.auto.commit=false
//   --set processor/enricher:transaction.timeout.ms=5000     one processor's producer
//   --set processor:max.poll.records=10                      every processor's consumer
//   --set processor/enricher:consumer.client.rack=a          only its consumer (Kafka Streams' prefixes)
//   --set processor/enricher:commit.interval.ms=50           Kafka Streams commit.interval.ms
// A key known to several scopes without a scope prefix applies to the most specific one that the scenario
// has: topic before broker (a topic config overrides the broker default anyway). An unscoped key never
// reaches a processor: processors are addressed with the `processor` scope only.
//
// Processors follow Kafka Streams' StreamsConfig: a key without prefix applies to every client of the
// processor that knows it (its transactional producer and its read_committed consumer); `producer.<key>` and
// `consumer.<key>` (StreamsConfig.producerPrefix / consumerPrefix) to one client only. The configs the
// processor fixes (transactional.id, client.id, enable.idempotence, group.id, isolation.level,
// enable.auto.commit) are refused.
#include <optional>
#include <string>

#include "sim/scenario/scenario.h"

namespace kafkasim::engine {

// Applies one override. Returns an error message naming the column of the override text it is about and
// what was expected ("--set 'TEXT': column N: WHAT; expected WHAT"), or nullopt.
std::optional<std::string> apply_override(scenario::Scenario& scenario, const std::string& text);

}  // namespace kafkasim::engine
