// Randomized test of sim/net/network.h: under random traffic and random faults (loss, partitions, blocks,
// isolation, crashes, power losses, pauses, closes), TCP's guarantees hold on every connection.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <tuple>

#include "tests/net/net_fixture.h"

namespace kafkasim::net::testing {
namespace {

// Numbered per connection direction, so that a receiver can check it got a prefix in order.
class SeqMessage : public Message {
 public:
  explicit SeqMessage(std::uint64_t seq) : seq_(seq) {}
  std::uint32_t size_bytes() const override { return 200; }
  std::string_view name() const override { return "Seq"; }
  std::uint64_t seq() const { return seq_; }

 private:
  std::uint64_t seq_;
};

struct Checker;

class CheckedNode : public Node, public Endpoint {
 public:
  CheckedNode(Simulation& sim, NodeId id, Network& net, Checker& checker)
      : Node(sim, id, NodeKind::kOther, "c" + std::to_string(id.value)), checker_(checker) {
    net.attach(id, this);
  }
  void on_message(ConnectionId conn, NodeId from, MessagePtr msg) override;
  void on_disconnect(ConnectionId conn, NodeId peer) override;

 private:
  Checker& checker_;
};

struct ConnInfo {
  NodeId end[2];
  std::uint64_t incarnation[2];
  std::uint64_t sent[2] = {0, 0};      // accepted sends per direction (from end[d])
  std::uint64_t received[2] = {0, 0};  // deliveries per direction
  bool known[2] = {true, false};       // the acceptor learns of a connection from its first message
  bool told[2] = {false, false};
  bool closed_by[2] = {false, false};
};

struct Checker {
  std::map<std::uint64_t, ConnInfo> conns;
  std::vector<std::string> errors;

  void fail(const std::string& what) {
    if (errors.size() < 20) errors.push_back(what);
  }
  int end_of(const ConnInfo& c, NodeId node) const { return c.end[0] == node ? 0 : 1; }

  void delivered(const Node& to, ConnectionId conn, NodeId from, const SeqMessage& m) {
    ConnInfo& c = conns.at(conn.value);
    const int e = end_of(c, to.id());
    const int d = 1 - e;  // the direction from the sender
    if (c.end[d] != from) fail("wrong sender on conn " + std::to_string(conn.value));
    if (to.incarnation() != c.incarnation[e]) fail("delivered to a later incarnation");
    if (c.told[e] || c.closed_by[e]) fail("delivered after the end closed it or was told it is gone");
    if (m.seq() != c.received[d]) {
      fail("conn " + std::to_string(conn.value) + ": got seq " + std::to_string(m.seq()) + ", expected " +
           std::to_string(c.received[d]));
    }
    c.received[d] = m.seq() + 1;
    c.known[e] = true;
  }
  void told(const Node& node, ConnectionId conn, NodeId peer) {
    ConnInfo& c = conns.at(conn.value);
    const int e = end_of(c, node.id());
    if (c.end[1 - e] != peer) fail("wrong peer in on_disconnect");
    if (c.told[e]) fail("told twice");
    if (c.closed_by[e]) fail("told after closing it itself");
    if (node.incarnation() != c.incarnation[e]) fail("told a later incarnation");
    c.told[e] = true;
  }
};

void CheckedNode::on_message(ConnectionId conn, NodeId from, MessagePtr msg) {
  checker_.delivered(*this, conn, from, static_cast<const SeqMessage&>(*msg));
}
void CheckedNode::on_disconnect(ConnectionId conn, NodeId peer) {
  checker_.told(*this, conn, peer);
}

// One random action of the driver.
void act(Simulation& sim, Network& net, Checker& chk, Rng& rng, int nodes) {
  const NodeId a{static_cast<int>(rng.between(1, nodes))};
  const NodeId b{static_cast<int>(rng.between(1, nodes))};
  const Node& na = *sim.node(a);
  const std::uint64_t roll = rng.uniform(1'000);
  if (roll < 880) {  // send on a random connection of an up node, or open one
    if (!na.is_up()) return;
    std::vector<std::uint64_t> mine;
    for (const auto& [id, c] : chk.conns) {
      const int e = chk.end_of(c, a);
      if (c.end[e] == a && c.known[e] && c.incarnation[e] == na.incarnation() && !c.told[e] &&
          !c.closed_by[e])
        mine.push_back(id);
    }
    if (mine.empty() || rng.chance_ppm(100'000)) {
      if (a == b) return;
      const ConnectionId id = net.connect(a, b);
      chk.conns[id.value] = ConnInfo{{a, b}, {na.incarnation(), sim.node(b)->incarnation()}};
      return;
    }
    const std::uint64_t id = mine[rng.uniform(mine.size())];
    ConnInfo& c = chk.conns.at(id);
    const int d = chk.end_of(c, a);
    if (net.send(ConnectionId{id}, a, std::make_shared<SeqMessage>(c.sent[d]))) {
      ++c.sent[d];
    } else {
      chk.fail("send refused on a connection its end still holds");
    }
  } else if (roll < 900) {  // close
    for (auto& [id, c] : chk.conns) {
      const int e = chk.end_of(c, a);
      if (c.end[e] == a && na.is_up() && c.incarnation[e] == na.incarnation() && !c.told[e] &&
          !c.closed_by[e]) {
        net.close(ConnectionId{id}, a);
        c.closed_by[e] = true;
        break;
      }
    }
  } else if (roll < 915) {
    if (na.state() == NodeState::kDown) {
      sim.restart_node(a);
    } else {
      sim.crash_node(a, rng.chance_ppm(500'000) ? CrashKind::kPowerLoss : CrashKind::kProcess);
    }
  } else if (roll < 930) {
    if (na.state() == NodeState::kPaused) {
      sim.resume_node(a);
    } else {
      sim.pause_node(a);
    }
  } else if (roll < 940) {
    net.partition({{a}, {b == a ? NodeId{a.value % nodes + 1} : b}});
  } else if (roll < 945) {
    if (a != b) net.block(a, b);
  } else if (roll < 950) {
    net.isolate(a);
  } else if (roll < 975) {
    net.heal();
  } else {
    LinkConfig l;
    l.latency_us = rng.between(50, 2'000);
    l.jitter_us = rng.between(0, 2'000);
    l.loss_ppm = static_cast<std::uint32_t>(rng.chance_ppm(300'000) ? rng.between(0, 20'000) : 0);
    l.bandwidth_bytes_per_sec = static_cast<std::uint64_t>(rng.between(1'000'000, 10'000'000));
    if (a != b) net.set_link(a, b, l);
  }
}

TEST_CASE(
    "under random faults every connection delivers a prefix of what was sent, in order, and tells each end "
    "at most once") {
#ifdef __SANITIZE_ADDRESS__
  constexpr std::uint64_t kSeeds = 20;
#else
  constexpr std::uint64_t kSeeds = 100;
#endif
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    INFO("seed " << seed);
    constexpr int kNodes = 5;
    Simulation sim(seed);
    NetworkOptions options;
    options.break_detect_us = ms_to_us(20);
    Network net(sim, options);
    Checker chk;
    for (int i = 1; i <= kNodes; ++i) sim.add_node<CheckedNode>(NodeId{i}, net, chk);
    for (int i = 1; i <= kNodes; ++i) sim.start_node(NodeId{i});
    Rng rng = sim.rng("test.driver");
    for (int step = 0; step < 3'000; ++step) {
      sim.at(static_cast<TimeUs>(step) * 100, [&] { act(sim, net, chk, rng, kNodes); });
    }
    sim.at(ms_to_us(300), [&] {  // quiesce: heal, wake and restart everyone, let the timeouts pass
      net.heal();
      for (int i = 1; i <= kNodes; ++i) {
        sim.resume_node(NodeId{i});
        sim.restart_node(NodeId{i});
      }
    });
    sim.run_until(ms_to_us(400));
    INFO((chk.errors.empty() ? std::string() : chk.errors.front()));
    CHECK(chk.errors.empty());
    const NetStats st = net.stats();
    CHECK(st.messages_sent == st.messages_delivered + st.messages_dropped + net.in_flight().size());
    CHECK(net.in_flight().empty());
    CHECK(st.messages_delivered > 10);
    CHECK(st.connections_broken > 0);
    // A connection whose two ends are alive and still hold it was neither broken nor closed.
    for (const auto& [id, c] : chk.conns) {
      if (net.is_open(ConnectionId{id})) {
        CHECK_FALSE((c.told[0] || c.told[1] || c.closed_by[0] || c.closed_by[1]));
      }
    }
  }
}

}  // namespace
}  // namespace kafkasim::net::testing
