// reconnect.backoff.ms / reconnect.backoff.max.ms (KIP-144, Kafka's ClusterConnectionStates): the
// backoff itself, and consumers and producers whose only broker is down reconnecting at that pace.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "sim/client/consumer.h"
#include "sim/client/producer.h"
#include "sim/client/reconnect_backoff.h"
#include "tests/client/fake_broker.h"

using namespace kafkasim;
using testing::FakeBroker;

namespace {

// Times of the net.connect records made by one node.
class ConnectLog : public TraceObserver {
 public:
  explicit ConnectLog(NodeId node) : node_(node) {}
  void on_trace(const TraceRecord& r) override {
    if (r.node == node_ && r.kind == "net.connect") times.push_back(r.time);
  }
  std::vector<TimeUs> times;
  std::vector<TimeUs> gaps() const {
    std::vector<TimeUs> out;
    for (std::size_t i = 1; i < times.size(); ++i) out.push_back(times[i] - times[i - 1]);
    return out;
  }

 private:
  NodeId node_;
};

// One FakeBroker (node 1), down from the start, and a client node that only knows it.
struct DownBrokerRig {
  explicit DownBrokerRig(std::uint64_t seed) : sim(seed), net(sim) {
    broker = &sim.add_node<FakeBroker>(NodeId(1), net);
    broker->topics["orders"] = 1;
    sim.start_node(broker->id());
    sim.crash_node(broker->id());
  }
  void run_for(TimeUs d) { sim.run_until(sim.now() + d); }
  // A consumer assigned orders-0, not started yet.
  client::Consumer& add_consumer() {
    client::ConsumerConfig cc;
    cc.client_id = "reader";
    auto& c = sim.add_node<client::Consumer>(NodeId(3000), net, std::vector<NodeId>{NodeId(1)}, cc);
    c.assign({protocol::TopicPartition{"orders", 0}});
    return c;
  }

  Simulation sim;
  net::Network net;
  FakeBroker* broker = nullptr;
};

constexpr TimeUs kBaseUs = ms_to_us(50);
constexpr TimeUs kMaxUs = ms_to_us(1000);
// A refused connection is noticed after one round trip, and the next request may wait a little (e.g.
// retry.backoff.ms) after the backoff ended: the gap between attempts is the backoff plus that.
constexpr TimeUs kSlackUs = ms_to_us(150);

void check_paced(const ConnectLog& log, TimeUs run_us) {
  INFO("connection attempts: " << log.times.size());
  // Far fewer than one attempt per reconnect.backoff.ms; with exponential growth, ~20 in 10 s.
  CHECK(log.times.size() >= 5);
  CHECK(static_cast<TimeUs>(log.times.size()) <= run_us / kBaseUs);
  CHECK(log.times.size() <= 25);
  const auto gaps = log.gaps();
  REQUIRE(gaps.size() >= 4);
  for (TimeUs g : gaps) {
    INFO("gap " << g << " us");
    CHECK(g >= kBaseUs * 8 / 10);
    CHECK(g <= kMaxUs + kSlackUs);
  }
  // The delay grows to reconnect.backoff.max.ms (at least 0.8 of it, the jitter's lower bound).
  CHECK(gaps.back() >= kMaxUs * 8 / 10);
  CHECK(*std::max_element(gaps.begin(), gaps.end()) > 4 * gaps.front());
}

}  // namespace

TEST_CASE("the reconnect backoff doubles per failure from reconnect.backoff.ms up to reconnect.backoff.max.ms") {
  client::ReconnectBackoff b(50, 1000);
  Rng rng(7);
  CHECK(b.connect_delay_us(3, 0) == 0);  // never connected: at once
  TimeUs term = kBaseUs;
  for (int i = 0; i < 8; ++i) {
    b.disconnected(3, sec_to_us(i), rng);
    const TimeUs backoff = b.backoff_us(3);
    INFO("failure " << i << " backoff " << backoff);
    CHECK(backoff >= term * 8 / 10);
    CHECK(backoff <= std::min(term * 12 / 10, kMaxUs));
    CHECK(b.connect_delay_us(3, sec_to_us(i)) == backoff);
    CHECK(b.connect_delay_us(3, sec_to_us(i) + backoff) == 0);
    term = std::min(term * 2, kMaxUs);
  }
  CHECK(b.backoff_us(3) >= kMaxUs * 8 / 10);
  CHECK(b.connect_delay_us(4, 0) == 0);  // per broker
}

TEST_CASE("an established connection resets the reconnect backoff to reconnect.backoff.ms") {
  client::ReconnectBackoff b(50, 1000);
  Rng rng(8);
  for (int i = 0; i < 6; ++i) b.disconnected(1, 0, rng);
  b.ready(1);
  CHECK(b.failed_attempts(1) == 0);
  b.disconnected(1, 0, rng);
  CHECK(b.backoff_us(1) <= kBaseUs * 12 / 10);
}

TEST_CASE("a consumer whose only broker is down reconnects at the pace of the growing reconnect backoff") {
  DownBrokerRig rig(41);
  auto& consumer = rig.add_consumer();
  ConnectLog log(consumer.id());
  rig.sim.trace().add_observer(&log);
  rig.sim.start_node(consumer.id());
  rig.run_for(sec_to_us(10));
  rig.sim.trace().remove_observer(&log);
  check_paced(log, sec_to_us(10));
}

TEST_CASE("a consumer reconnects within reconnect.backoff.max.ms once its broker is back") {
  DownBrokerRig rig(42);
  auto& consumer = rig.add_consumer();
  rig.sim.start_node(consumer.id());
  rig.run_for(sec_to_us(10));
  rig.sim.restart_node(rig.broker->id());
  rig.run_for(kMaxUs + kSlackUs);
  CHECK(rig.broker->count(protocol::Api::kMetadata) > 0);
}

TEST_CASE("a producer whose only broker is down reconnects at the pace of the growing reconnect backoff") {
  DownBrokerRig rig(43);
  client::ProducerConfig pc;
  pc.client_id = "writer";
  auto& producer = rig.sim.add_node<client::Producer>(NodeId(2000), rig.net, std::vector<NodeId>{NodeId(1)}, pc);
  ConnectLog log(producer.id());
  rig.sim.trace().add_observer(&log);
  rig.sim.start_node(producer.id());
  client::ProducerRecord r;
  r.id = 1;
  r.topic = "orders";
  producer.send(r);
  rig.run_for(sec_to_us(10));
  rig.sim.trace().remove_observer(&log);
  check_paced(log, sec_to_us(10));
}
