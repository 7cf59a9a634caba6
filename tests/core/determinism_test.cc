// The determinism check: a small random workload over the simulated network (jitter, loss, a partition
// injected and healed, a crash) run twice per seed gives the same trace hash; different seeds differ.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>

#include "sim/core/simulation.h"
#include "sim/net/network.h"

namespace kafkasim {
namespace {

class Ping : public net::Message {
 public:
  explicit Ping(std::uint32_t size_bytes) : size_bytes_(size_bytes) {}
  std::uint32_t size_bytes() const override { return size_bytes_; }
  std::string_view name() const override { return "Ping"; }

 private:
  std::uint32_t size_bytes_;
};

// Sends pings to random peers at random intervals, reconnecting when a connection goes away.
class Chatter : public Node, public net::Endpoint {
 public:
  Chatter(Simulation& sim, NodeId id, net::Network& net, int peers)
      : Node(sim, id, NodeKind::kOther, "chatter-" + std::to_string(id.value)),
        net_(net),
        peers_(peers),
        rng_(sim.rng("test.chatter." + std::to_string(id.value))) {
    net_.attach(id, this);
  }
  void on_message(net::ConnectionId, NodeId from, net::MessagePtr) override {
    sim().trace_event(id(), "test.recv", std::to_string(from.value));
  }
  void on_disconnect(net::ConnectionId conn, NodeId peer) override {
    auto it = conns_.find(peer);
    if (it != conns_.end() && it->second == conn) conns_.erase(it);
  }

 protected:
  void on_start() override {
    conns_.clear();
    tick();
  }

 private:
  void tick() {
    NodeId peer{static_cast<int>(rng_.between(1, peers_))};
    if (peer != id()) {
      auto it = conns_.find(peer);
      if (it == conns_.end()) it = conns_.emplace(peer, net_.connect(id(), peer)).first;
      if (!net_.send(it->second, id(),
                     std::make_shared<Ping>(static_cast<std::uint32_t>(rng_.between(64, 4096))))) {
        conns_.erase(it);
      }
    }
    after(rng_.between(500, 5'000), [this] { tick(); });
  }

  net::Network& net_;
  int peers_;
  Rng rng_;
  std::map<NodeId, net::ConnectionId> conns_;
};

std::uint64_t workload_hash(std::uint64_t seed) {
  constexpr int kNodes = 4;
  Simulation sim(seed);
  net::NetworkOptions options;
  options.break_detect_us = ms_to_us(300);
  options.default_link.latency_us = 200;
  options.default_link.jitter_us = 300;
  options.default_link.loss_ppm = 2'000;
  net::Network net(sim, options);
  for (int i = 1; i <= kNodes; ++i) sim.add_node<Chatter>(NodeId{i}, net, kNodes);
  for (int i = 1; i <= kNodes; ++i) sim.start_node(NodeId{i});
  sim.at(ms_to_us(100), [&] { net.partition({{NodeId{1}, NodeId{2}}, {NodeId{3}, NodeId{4}}}); });
  sim.at(ms_to_us(200), [&] { net.heal(); });
  sim.at(ms_to_us(250), [&] { sim.crash_node(NodeId{3}); });
  sim.at(ms_to_us(300), [&] { sim.restart_node(NodeId{3}); });
  sim.run_until(ms_to_us(500));
  const net::NetStats stats = net.stats();
  REQUIRE(stats.messages_delivered > 100);
  return sim.trace_hash();
}

TEST_CASE("100 seeds of a network workload give equal hashes run twice and distinct hashes across seeds") {
  std::set<std::uint64_t> distinct;
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    INFO("seed " << seed);
    const std::uint64_t first = workload_hash(seed);
    REQUIRE(workload_hash(seed) == first);
    distinct.insert(first);
  }
  CHECK(distinct.size() == 100);
}

}  // namespace
}  // namespace kafkasim
