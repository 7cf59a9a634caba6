#pragma once
// A cluster with __consumer_offsets, producers and consumers, recording what every consumer polled,
// processed and committed (a small stand-in for the engine's history).
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sim/client/consumer.h"
#include "sim/cluster/group_coordinator.h"
#include "tests/cluster/cluster_fixture.h"

namespace kafkasim::testing {

struct ConsumerLog {
  std::vector<client::ConsumedRecord> polled;
  std::vector<client::ConsumedRecord> processed;
  std::vector<std::pair<protocol::TopicPartition, std::int64_t>> commits_ok;
  std::vector<std::pair<client::MemberChange, std::vector<protocol::TopicPartition>>> events;
};

struct GroupFixture : ClusterFixture {
  explicit GroupFixture(std::uint64_t seed, int broker_count = 3, cluster::BrokerConfig config = {})
      : ClusterFixture(seed, broker_count, config) {
    for (auto* b : brokers) b->set_topic_config(std::string(cluster::kOffsetsTopic), cluster::offsets_topic_config());
    cluster::create_internal_topics(*controller, config, broker_count);
  }

  client::Consumer& add_consumer(client::ConsumerConfig cc, std::vector<std::string> topics) {
    std::vector<NodeId> bootstrap;
    for (auto* b : brokers) bootstrap.push_back(b->id());
    auto& c = sim.add_node<client::Consumer>(NodeId(next_client_id++), net, bootstrap, cc);
    ConsumerLog* log = &logs[cc.client_id];
    c.set_hooks(client::ConsumerHooks{
        [log](const client::ConsumedRecord& r) { log->polled.push_back(r); },
        [log](const client::ConsumedRecord& r) { log->processed.push_back(r); },
        [log](const protocol::TopicPartition& tp, std::int64_t off, protocol::ErrorCode e) {
          if (e == protocol::ErrorCode::kNone) log->commits_ok.push_back({tp, off});
        },
        nullptr,
        [log](client::MemberChange what, const std::vector<protocol::TopicPartition>& tps, std::int32_t) {
          log->events.push_back({what, tps});
        }});
    c.set_dedup_store(dedup);
    if (!topics.empty()) c.subscribe(std::move(topics));
    sim.start_node(c.id());
    consumers[cc.client_id] = &c;
    return c;
  }

  // Sends n records with ids next_record_id.. to topic, keyed so they spread over partitions.
  void produce(client::Producer& p, const std::string& topic, int n) {
    for (int i = 0; i < n; ++i) {
      client::ProducerRecord r;
      r.id = next_record_id++;
      r.topic = topic;
      r.key = "k" + std::to_string(r.id);
      r.value = std::string(50, 'v');
      p.send(std::move(r));
    }
  }

  // The broker coordinating `group` now, or nullptr.
  cluster::Broker* coordinator_of(const std::string& group) {
    return const_cast<cluster::Broker*>(cluster::find_group_coordinator(brokers, group));
  }

  std::optional<protocol::GroupDescription> describe(const std::string& group) {
    cluster::Broker* b = coordinator_of(group);
    if (b == nullptr) return std::nullopt;
    return b->group_coordinator().describe(group);
  }

  // Record ids processed by the consumers whose names start with `prefix`, with multiplicity.
  std::map<std::uint64_t, int> processed_counts(const std::string& prefix) const {
    std::map<std::uint64_t, int> out;
    for (const auto& [name, log] : logs) {
      if (name.rfind(prefix, 0) != 0) continue;
      for (const auto& r : log.processed) ++out[r.id];
    }
    return out;
  }

  std::map<std::string, ConsumerLog> logs;
  std::map<std::string, client::Consumer*> consumers;
  std::shared_ptr<std::set<std::uint64_t>> dedup = std::make_shared<std::set<std::uint64_t>>();
  std::uint64_t next_record_id = 1;
};

inline client::ConsumerConfig consumer_config(const std::string& client_id, const std::string& group) {
  client::ConsumerConfig cc;
  cc.client_id = client_id;
  cc.group_id = group;
  cc.auto_offset_reset = client::OffsetReset::kEarliest;
  return cc;
}

}  // namespace kafkasim::testing
