#pragma once
// A small cluster for tests: a controller, N brokers, the network, and producers, without the engine.
#include <map>
#include <memory>
#include <vector>

#include "sim/client/producer.h"
#include "sim/cluster/broker.h"
#include "sim/cluster/controller.h"
#include "sim/core/simulation.h"
#include "sim/net/network.h"

namespace kafkasim::testing {

struct ClusterFixture {
  explicit ClusterFixture(std::uint64_t seed, int brokers = 3, cluster::BrokerConfig config = {})
      : sim(seed), net(sim) {
    controller = &sim.add_node<cluster::Controller>(NodeId(1000), net, config);
    std::vector<std::int32_t> ids;
    for (int b = 1; b <= brokers; ++b) {
      this->brokers.push_back(&sim.add_node<cluster::Broker>(NodeId(b), net, NodeId(1000), config));
      ids.push_back(b);
    }
    controller->expect_brokers(ids);
    sim.start_node(NodeId(1000));
    for (auto* b : this->brokers) sim.start_node(b->id());
  }

  void create_topic(const std::string& name, int partitions, int rf, cluster::TopicConfig tc = {}) {
    for (auto* b : brokers) b->set_topic_config(name, tc);
    controller->create_topic(name, partitions, rf, tc);
  }

  client::Producer& add_producer(client::ProducerConfig pc) {
    std::vector<NodeId> bootstrap;
    for (auto* b : brokers) bootstrap.push_back(b->id());
    auto& p = sim.add_node<client::Producer>(NodeId(next_client_id++), net, bootstrap, pc);
    p.set_hooks(client::ProducerHooks{
        nullptr,
        [this](std::uint64_t id, const protocol::TopicPartition& tp, std::int64_t offset) {
          acked[id] = {tp, offset};
        },
        [this](std::uint64_t id, const protocol::TopicPartition&, protocol::ErrorCode code, const std::string&,
               bool final) {
          if (final) failed[id] = code;
          else ++retriable_errors[code];
        }});
    sim.start_node(p.id());
    return p;
  }

  cluster::Broker& broker(int id) { return *brokers.at(static_cast<std::size_t>(id - 1)); }
  const cluster::PartitionRecord& partition(const std::string& topic, int p) {
    return controller->partitions().at(protocol::TopicPartition{topic, p});
  }

  Simulation sim;
  net::Network net;
  cluster::Controller* controller = nullptr;
  std::vector<cluster::Broker*> brokers;
  int next_client_id = 2000;
  std::map<std::uint64_t, std::pair<protocol::TopicPartition, std::int64_t>> acked;
  std::map<std::uint64_t, protocol::ErrorCode> failed;
  std::map<protocol::ErrorCode, int> retriable_errors;
};

}  // namespace kafkasim::testing
