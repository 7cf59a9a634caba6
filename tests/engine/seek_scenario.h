#pragma once
// The scenario the engine tests share (session_test.cc, seek_server_test.cc): a leader crash under load,
// with a consumer group, 30 s.
namespace kafkasim_test {
inline constexpr const char* kScenario = R"(
name: "engine test"
description: a leader crash under load, with a consumer group
seed: 11
duration: 30s
cluster:
  brokers: 3
  configs: {min.insync.replicas: 2}
topics:
  - {name: orders, partitions: 3, replication.factor: 3}
producers:
  - {id: checkout, topic: orders, rate: 100/s, keys: "customer-{0..49}"}
consumer_groups:
  - {group: billing, topics: [orders], members: 2, processing_time: 1ms, commit: after-processing, configs: {auto.offset.reset: earliest}}
timeline:
  - {at: 8s, crash: broker 1, narrate: "the leader dies", pause_point: true}
  - {at: 18s, restart: broker 1}
expectations:
  - lost_acked == 0
  - lost(group=billing) == 0
)";
}  // namespace kafkasim_test
