#pragma once
// Test helpers for sim/net: a node that records what the network tells it, and a sized test message.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/core/simulation.h"
#include "sim/net/network.h"

namespace kafkasim::net::testing {

class TestMessage : public Message {
 public:
  TestMessage(std::uint64_t seq, std::uint32_t size_bytes) : seq_(seq), size_bytes_(size_bytes) {}
  std::uint32_t size_bytes() const override { return size_bytes_; }
  std::string_view name() const override { return "Test"; }
  std::uint64_t seq() const { return seq_; }

 private:
  std::uint64_t seq_;
  std::uint32_t size_bytes_;
};

inline MessagePtr msg(std::uint64_t seq, std::uint32_t size_bytes = 100) {
  return std::make_shared<TestMessage>(seq, size_bytes);
}

struct Received {
  TimeUs time_us;
  ConnectionId conn;
  NodeId from;
  std::uint64_t seq;
};
struct Disconnected {
  TimeUs time_us;
  ConnectionId conn;
  NodeId peer;
};

// A node attached to the network that records every message and disconnect, in order.
class RecordingNode : public Node, public Endpoint {
 public:
  RecordingNode(Simulation& sim, NodeId id, Network& net)
      : Node(sim, id, NodeKind::kOther, "n" + std::to_string(id.value)) {
    net.attach(id, this);
  }
  void on_message(ConnectionId conn, NodeId from, MessagePtr m) override {
    received.push_back({sim().now(), conn, from, static_cast<const TestMessage&>(*m).seq()});
  }
  void on_disconnect(ConnectionId conn, NodeId peer) override {
    disconnected.push_back({sim().now(), conn, peer});
  }
  std::vector<Received> received;
  std::vector<Disconnected> disconnected;
};

// A simulation with a network and `n` started recording nodes with ids 1..n.
struct NetFixture {
  explicit NetFixture(int n, NetworkOptions options = {}, std::uint64_t seed = 1)
      : sim(seed), net(sim, options) {
    for (int i = 1; i <= n; ++i) {
      nodes.push_back(&sim.add_node<RecordingNode>(NodeId{i}, net));
      sim.start_node(NodeId{i});
    }
  }
  RecordingNode& node(int i) { return *nodes.at(static_cast<std::size_t>(i - 1)); }

  Simulation sim;
  Network net;
  std::vector<RecordingNode*> nodes;
};

// A link with no jitter, no loss and unlimited bandwidth: arrival = send time + latency.
inline LinkConfig fixed_link(TimeUs latency_us) {
  LinkConfig l;
  l.latency_us = latency_us;
  l.jitter_us = 0;
  l.bandwidth_bytes_per_sec = 0;
  return l;
}

inline NetworkOptions fixed_options(TimeUs latency_us, TimeUs break_detect_us = sec_to_us(30)) {
  NetworkOptions o;
  o.default_link = fixed_link(latency_us);
  o.break_detect_us = break_detect_us;
  return o;
}

}  // namespace kafkasim::net::testing
