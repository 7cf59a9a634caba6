// Tests of sim/net/network.h: delivery order and timing, loss, cuts, lifecycle, observation.
#include <catch2/catch.hpp>

#include "tests/net/net_fixture.h"

namespace kafkasim::net::testing {
namespace {

std::vector<std::uint64_t> seqs(const RecordingNode& n) {
  std::vector<std::uint64_t> out;
  for (const Received& r : n.received) out.push_back(r.seq);
  return out;
}

TEST_CASE("messages on one connection arrive in send order despite jitter") {
  const std::uint64_t seed = GENERATE(1, 2, 3, 4, 5);
  INFO("seed " << seed);
  NetworkOptions o;
  o.default_link = fixed_link(100);
  o.default_link.jitter_us = 5'000;  // far larger than the gap between sends
  NetFixture f(2, o, seed);
  const ConnectionId c = f.net.connect(NodeId{1}, NodeId{2});
  for (std::uint64_t i = 0; i < 200; ++i) {
    f.sim.at(static_cast<TimeUs>(i * 10), [&f, c, i] { REQUIRE(f.net.send(c, NodeId{1}, msg(i))); });
  }
  f.sim.run_until(sec_to_us(1));
  const auto& got = f.node(2).received;
  REQUIRE(got.size() == 200);
  bool jittered = false;
  for (std::size_t i = 0; i < got.size(); ++i) {
    CHECK(got[i].seq == i);
    CHECK(got[i].time_us >= static_cast<TimeUs>(i * 10 + 100));
    if (i > 0) CHECK(got[i].time_us >= got[i - 1].time_us);
    if (got[i].time_us != static_cast<TimeUs>(i * 10 + 100)) jittered = true;
  }
  CHECK(jittered);
}

TEST_CASE("a message arrives after exactly the link latency on an idle link") {
  NetFixture f(2, fixed_options(250));
  const ConnectionId c = f.net.connect(NodeId{1}, NodeId{2});
  f.sim.at(1'000, [&] { f.net.send(c, NodeId{1}, msg(7)); });
  f.sim.run_until(sec_to_us(1));
  REQUIRE(f.node(2).received.size() == 1);
  CHECK(f.node(2).received[0].time_us == 1'250);
  CHECK(f.node(2).received[0].from == NodeId{1});
  CHECK(f.node(2).received[0].conn == c);
}

TEST_CASE("messages queue behind each other on a directed link at its bandwidth") {
  NetFixture f(3, fixed_options(100));
  LinkConfig slow = fixed_link(100);
  slow.bandwidth_bytes_per_sec = 1'000'000;  // 1000 bytes take 1000 us
  f.net.set_link(NodeId{1}, NodeId{2}, slow);
  const ConnectionId a = f.net.connect(NodeId{1}, NodeId{2});
  const ConnectionId b = f.net.connect(NodeId{1}, NodeId{2});  // a second connection shares the link
  const ConnectionId back = f.net.connect(NodeId{2}, NodeId{1});
  f.net.send(a, NodeId{1}, msg(1, 1'000));
  f.net.send(b, NodeId{1}, msg(2, 1'000));
  f.net.send(a, NodeId{1}, msg(3, 500));
  f.net.send(back, NodeId{2}, msg(4, 1'000));  // other direction: default link, unlimited bandwidth
  f.sim.run_until(sec_to_us(1));
  const auto& got = f.node(2).received;
  REQUIRE(got.size() == 3);
  CHECK(got[0].time_us == 1'100);
  CHECK(got[1].time_us == 2'100);
  CHECK(got[2].time_us == 2'600);
  REQUIRE(f.node(1).received.size() == 1);
  CHECK(f.node(1).received[0].time_us == 100);
  CHECK(f.net.stats().bytes_delivered == 3'500);
}

TEST_CASE("a lost message breaks its connection and both ends learn after the break timeout") {
  NetFixture f(2, fixed_options(100, sec_to_us(5)));
  LinkConfig lossy = fixed_link(100);
  lossy.loss_ppm = 1'000'000;
  f.net.set_link(NodeId{1}, NodeId{2}, lossy);
  const ConnectionId c = f.net.connect(NodeId{1}, NodeId{2});
  f.sim.at(1'000, [&] {
    CHECK(f.net.send(c, NodeId{1}, msg(1)));
    CHECK(f.net.stats().connections_broken == 1);
    CHECK(f.net.is_open(c));                  // nobody knows yet
    CHECK(f.net.send(c, NodeId{2}, msg(2)));  // a black hole
  });
  f.sim.run_until(sec_to_us(10));
  CHECK(f.node(1).received.empty());
  CHECK(f.node(2).received.empty());
  REQUIRE(f.node(1).disconnected.size() == 1);
  REQUIRE(f.node(2).disconnected.size() == 1);
  CHECK(f.node(1).disconnected[0].time_us == 1'000 + sec_to_us(5));
  CHECK(f.node(2).disconnected[0].time_us == 1'000 + sec_to_us(5));
  CHECK(f.node(1).disconnected[0].peer == NodeId{2});
  CHECK_FALSE(f.net.send(c, NodeId{1}, msg(3)));  // told: send refuses
  CHECK_FALSE(f.net.is_open(c));
  CHECK(f.net.stats().messages_dropped == 2);
  CHECK(f.net.stats().connections_broken == 1);
}

TEST_CASE("a lossy link loses about loss_ppm of messages, each breaking its connection") {
  NetFixture f(2, fixed_options(100));
  LinkConfig lossy = fixed_link(100);
  lossy.loss_ppm = 100'000;  // 10%
  f.net.set_link(NodeId{1}, NodeId{2}, lossy);
  for (int i = 0; i < 2'000; ++i) f.net.send(f.net.connect(NodeId{1}, NodeId{2}), NodeId{1}, msg(1));
  const auto lost = f.net.stats().connections_broken;
  CHECK(lost > 140);
  CHECK(lost < 260);
}

TEST_CASE("a symmetric partition drops messages both ways and breaks the connection") {
  NetFixture f(3, fixed_options(100, sec_to_us(2)));
  const ConnectionId c12 = f.net.connect(NodeId{1}, NodeId{2});
  const ConnectionId c13 = f.net.connect(NodeId{1}, NodeId{3});
  f.net.partition({{NodeId{1}, NodeId{3}}, {NodeId{2}}});
  CHECK_FALSE(f.net.can_reach(NodeId{1}, NodeId{2}));
  CHECK_FALSE(f.net.can_reach(NodeId{2}, NodeId{1}));
  CHECK(f.net.can_reach(NodeId{1}, NodeId{3}));
  const std::vector<NodePair> cut{
      {NodeId{1}, NodeId{2}}, {NodeId{2}, NodeId{1}}, {NodeId{2}, NodeId{3}}, {NodeId{3}, NodeId{2}}};
  CHECK(f.net.cut_links() == cut);
  CHECK(f.net.is_open(c12));  // idle connections break on their next send, as TCP does
  f.net.send(c12, NodeId{2}, msg(1));
  f.net.send(c13, NodeId{1}, msg(2));
  f.sim.run_until(sec_to_us(5));
  CHECK(f.node(1).received.empty());
  CHECK(seqs(f.node(3)) == std::vector<std::uint64_t>{2});
  REQUIRE(f.node(1).disconnected.size() == 1);
  CHECK(f.node(1).disconnected[0].time_us == sec_to_us(2));
  CHECK(f.node(2).disconnected.size() == 1);
  CHECK(f.net.is_open(c13));
}

TEST_CASE("a one-way block cuts only its direction") {
  NetFixture f(2, fixed_options(100));
  f.net.block(NodeId{1}, NodeId{2});
  CHECK_FALSE(f.net.can_reach(NodeId{1}, NodeId{2}));
  CHECK(f.net.can_reach(NodeId{2}, NodeId{1}));
  CHECK(f.net.cut_links() == std::vector<NodePair>{{NodeId{1}, NodeId{2}}});
  const ConnectionId c = f.net.connect(NodeId{2}, NodeId{1});  // the handshake needs 1 -> 2 as well
  f.sim.run_until(sec_to_us(60));
  CHECK(f.node(2).disconnected.size() == 1);  // no answer
  CHECK_FALSE(f.net.is_open(c));
  f.net.heal();
  const ConnectionId d = f.net.connect(NodeId{2}, NodeId{1});
  f.net.block(NodeId{1}, NodeId{2});
  f.net.send(d, NodeId{2}, msg(5));
  f.sim.run_until(sec_to_us(61));
  CHECK(seqs(f.node(1)) == std::vector<std::uint64_t>{5});
  f.net.send(d, NodeId{1}, msg(6));
  CHECK(f.net.stats().connections_broken == 2);
}

TEST_CASE("messages in flight when a link is cut are dropped and their connection breaks") {
  NetFixture f(2, fixed_options(1'000, sec_to_us(3)));
  const ConnectionId c = f.net.connect(NodeId{1}, NodeId{2});
  f.net.send(c, NodeId{1}, msg(1));
  f.sim.at(500, [&] { f.net.partition({{NodeId{1}}, {NodeId{2}}}); });
  f.sim.run_until(sec_to_us(10));
  CHECK(f.node(2).received.empty());
  REQUIRE(f.node(2).disconnected.size() == 1);
  CHECK(f.node(2).disconnected[0].time_us == 500 + sec_to_us(3));
}

TEST_CASE("heal removes every cut but broken connections stay broken") {
  NetFixture f(2, fixed_options(100));
  const ConnectionId c = f.net.connect(NodeId{1}, NodeId{2});
  f.net.isolate(NodeId{2});
  f.net.send(c, NodeId{1}, msg(1));
  f.net.heal();
  CHECK(f.net.can_reach(NodeId{1}, NodeId{2}));
  CHECK(f.net.cut_links().empty());
  f.net.send(c, NodeId{1}, msg(2));  // still broken: a black hole
  const ConnectionId fresh = f.net.connect(NodeId{1}, NodeId{2});
  CHECK(fresh != c);
  f.net.send(fresh, NodeId{1}, msg(3));
  f.sim.run_until(sec_to_us(60));
  CHECK(seqs(f.node(2)) == std::vector<std::uint64_t>{3});
}

TEST_CASE("an isolated node reaches nobody while the others still talk") {
  NetFixture f(3, fixed_options(100));
  f.net.isolate(NodeId{2});
  for (int a = 1; a <= 3; ++a) {
    for (int b = 1; b <= 3; ++b) {
      if (a == b) continue;
      INFO(a << "->" << b);
      CHECK(f.net.can_reach(NodeId{a}, NodeId{b}) == (a != 2 && b != 2));
    }
  }
  CHECK(f.net.is_isolated(NodeId{2}));
  CHECK_FALSE(f.net.is_isolated(NodeId{1}));
  const ConnectionId c = f.net.connect(NodeId{1}, NodeId{3});
  f.net.send(c, NodeId{1}, msg(9));
  f.sim.run_until(sec_to_us(1));
  CHECK(seqs(f.node(3)) == std::vector<std::uint64_t>{9});
}

TEST_CASE("after a process crash the peer learns after one latency and in-flight messages are dropped") {
  NetFixture f(2, fixed_options(300, sec_to_us(30)));
  const ConnectionId c = f.net.connect(NodeId{1}, NodeId{2});
  f.sim.at(1'000, [&] {
    f.net.send(c, NodeId{1}, msg(1));
    f.net.send(c, NodeId{2}, msg(2));
  });
  f.sim.at(1'100, [&] { f.sim.crash_node(NodeId{2}); });
  f.sim.at(2'000, [&] { f.sim.restart_node(NodeId{2}); });
  f.sim.run_until(sec_to_us(60));
  CHECK(f.node(1).received.empty());
  CHECK(f.node(2).received.empty());
  REQUIRE(f.node(1).disconnected.size() == 1);
  CHECK(f.node(1).disconnected[0].time_us == 1'400);
  CHECK(f.node(2).disconnected.empty());  // the crashed incarnation is never told
  CHECK_FALSE(f.net.send(c, NodeId{1}, msg(3)));
}

TEST_CASE("after a power loss the peer learns only after the break timeout") {
  NetFixture f(2, fixed_options(300, sec_to_us(30)));
  f.net.connect(NodeId{1}, NodeId{2});
  f.sim.at(1'000, [&] { f.sim.crash_node(NodeId{2}, CrashKind::kPowerLoss); });
  f.sim.run_until(sec_to_us(60));
  REQUIRE(f.node(1).disconnected.size() == 1);
  CHECK(f.node(1).disconnected[0].time_us == 1'000 + sec_to_us(30));
}

TEST_CASE(
    "connecting to a crashed process is refused after a round trip, to a powered-off node after the "
    "timeout") {
  NetFixture f(3, fixed_options(300, sec_to_us(30)));
  f.sim.crash_node(NodeId{2});
  f.sim.crash_node(NodeId{3}, CrashKind::kPowerLoss);
  const ConnectionId to2 = f.net.connect(NodeId{1}, NodeId{2});
  const ConnectionId to3 = f.net.connect(NodeId{1}, NodeId{3});
  f.sim.run_until(599);
  CHECK(f.net.is_open(to2));  // not refused yet
  f.sim.run_until(sec_to_us(60));
  CHECK_FALSE(f.net.is_open(to2));
  REQUIRE(f.node(1).disconnected.size() == 2);
  CHECK(f.node(1).disconnected[0].conn == to2);
  CHECK(f.node(1).disconnected[0].time_us == 600);
  CHECK(f.node(1).disconnected[1].conn == to3);
  CHECK(f.node(1).disconnected[1].time_us == sec_to_us(30));
}

TEST_CASE("connecting to an id that is no node goes unanswered until the break timeout") {
  NetFixture f(1, fixed_options(300, sec_to_us(10)));
  const ConnectionId c = f.net.connect(NodeId{1}, NodeId{42});
  CHECK(f.net.send(c, NodeId{1}, msg(1)));
  f.sim.run_until(sec_to_us(20));
  REQUIRE(f.node(1).disconnected.size() == 1);
  CHECK(f.node(1).disconnected[0].time_us == sec_to_us(10));
  CHECK(f.node(1).disconnected[0].peer == NodeId{42});
}

TEST_CASE("a paused receiver gets its messages late, in order, when it resumes") {
  NetFixture f(2, fixed_options(100));
  const ConnectionId c = f.net.connect(NodeId{1}, NodeId{2});
  f.sim.at(0, [&] { f.sim.pause_node(NodeId{2}); });
  for (std::uint64_t i = 0; i < 5; ++i) {
    f.sim.at(static_cast<TimeUs>(10 * i), [&f, c, i] { f.net.send(c, NodeId{1}, msg(i)); });
  }
  f.sim.at(ms_to_us(50), [&] {
    CHECK(f.node(2).received.empty());
    f.sim.resume_node(NodeId{2});
  });
  f.sim.run_until(sec_to_us(1));
  CHECK(seqs(f.node(2)) == std::vector<std::uint64_t>{0, 1, 2, 3, 4});
  for (const Received& r : f.node(2).received) CHECK(r.time_us == ms_to_us(50));
  CHECK(f.net.is_open(c));
}

TEST_CASE("in_flight lists messages between send and arrival") {
  NetFixture f(2, fixed_options(1'000));
  const ConnectionId c = f.net.connect(NodeId{1}, NodeId{2});
  f.sim.at(100, [&] { f.net.send(c, NodeId{1}, msg(1, 64)); });
  f.sim.at(200, [&] { f.net.send(c, NodeId{2}, msg(2, 32)); });
  f.sim.run_until(500);
  const auto flying = f.net.in_flight();
  REQUIRE(flying.size() == 2);
  CHECK(flying[0].from == NodeId{1});
  CHECK(flying[0].to == NodeId{2});
  CHECK(flying[0].name == "Test");
  CHECK(flying[0].size_bytes == 64);
  CHECK(flying[0].sent_us == 100);
  CHECK(flying[0].arrive_us == 1'100);
  CHECK(flying[1].from == NodeId{2});
  CHECK(flying[1].id > flying[0].id);
  f.sim.run_until(1'150);
  CHECK(f.net.in_flight().size() == 1);
  f.sim.run_until(2'000);
  CHECK(f.net.in_flight().empty());
}

TEST_CASE("an orderly close delivers what was sent, then tells the peer one latency later") {
  NetFixture f(2, fixed_options(400));
  const ConnectionId c = f.net.connect(NodeId{1}, NodeId{2});
  f.sim.at(100, [&] {
    f.net.send(c, NodeId{1}, msg(1));
    f.net.send(c, NodeId{2}, msg(2));  // towards the closer: dropped
    f.net.close(c, NodeId{1});
    CHECK_FALSE(f.net.send(c, NodeId{1}, msg(3)));
    CHECK_FALSE(f.net.is_open(c));
  });
  f.sim.run_until(sec_to_us(1));
  CHECK(seqs(f.node(2)) == std::vector<std::uint64_t>{1});
  CHECK(f.node(1).received.empty());
  CHECK(f.node(1).disconnected.empty());
  REQUIRE(f.node(2).disconnected.size() == 1);
  CHECK(f.node(2).disconnected[0].time_us == 500);
  CHECK(f.net.open_connections() == 0);
  CHECK(f.net.stats().connections_closed == 1);
}

struct KindCollector : TraceObserver {
  std::vector<std::string> kinds;
  void on_trace(const TraceRecord& r) override { kinds.emplace_back(r.kind); }
};

TEST_CASE("state changes are traced by kind but deliveries are only counted") {
  NetFixture f(3, fixed_options(100, sec_to_us(1)));
  KindCollector k;
  f.sim.trace().add_observer(&k);
  const ConnectionId c = f.net.connect(NodeId{1}, NodeId{2});
  for (std::uint64_t i = 0; i < 100; ++i) f.net.send(c, NodeId{1}, msg(i));
  f.sim.run_until(ms_to_us(10));
  CHECK(k.kinds == std::vector<std::string>{"net.connect"});
  CHECK(f.net.stats().messages_delivered == 100);
  f.net.block(NodeId{1}, NodeId{2});
  f.net.send(c, NodeId{1}, msg(100));
  f.sim.run_until(sec_to_us(2));
  f.net.isolate(NodeId{3});
  f.net.partition({{NodeId{1}}, {NodeId{2}}});
  f.net.heal();
  f.net.set_link(NodeId{1}, NodeId{2}, fixed_link(5));
  f.sim.trace().remove_observer(&k);
  const std::vector<std::string> want{"net.connect",    "net.block",      "net.drop",    "net.break",
                                      "net.disconnect", "net.disconnect", "net.isolate", "net.partition",
                                      "net.heal",       "net.link"};
  CHECK(k.kinds == want);
}

TEST_CASE("network faults are traced and equal runs give equal trace hashes") {
  auto run = [](std::uint64_t seed) {
    NetFixture f(3, NetworkOptions{}, seed);
    const ConnectionId c = f.net.connect(NodeId{1}, NodeId{2});
    for (int i = 0; i < 50; ++i) f.net.send(c, NodeId{1}, msg(static_cast<std::uint64_t>(i)));
    f.net.partition({{NodeId{1}}, {NodeId{2}, NodeId{3}}});
    f.sim.run_until(sec_to_us(40));
    f.net.heal();
    return f.sim.trace_hash();
  };
  CHECK(run(7) == run(7));
  CHECK(run(7) != run(8));
}

}  // namespace
}  // namespace kafkasim::net::testing
