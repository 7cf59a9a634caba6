#pragma once
// RawClient: a test node that speaks Kafka's protocol by hand. It sends one request at a time to a broker
// (one connection per broker, reopened after a disconnect) and runs the simulation until the answer with
// that correlation id arrives, so a test can play a producer, a consumer or a transaction coordinator and
// check the brokers' answers directly. Owned by the Simulation (add_node); REQUIRES: started.
#include <map>
#include <memory>

#include "sim/core/simulation.h"
#include "sim/net/network.h"
#include "sim/protocol/messages.h"

namespace kafkasim::testing {

class RawClient : public Node, public net::Endpoint {
 public:
  RawClient(Simulation& sim, NodeId id, net::Network& net) : Node(sim, id, NodeKind::kClient, "raw"), net_(net) {
    net_.attach(id, this);
  }

  // Sends `req` to broker `broker` and runs the simulation until its answer arrives; nullptr when none came
  // within `wait_max_us`.
  template <typename Resp>
  std::shared_ptr<const Resp> call(std::int32_t broker, std::shared_ptr<protocol::KafkaMessage> req,
                                   TimeUs wait_max_us = sec_to_us(10)) {
    auto it = conns_.find(broker);
    if (it == conns_.end() || !net_.is_open(it->second)) {
      it = conns_.insert_or_assign(broker, net_.connect(id(), NodeId(broker))).first;
    }
    const std::int32_t corr = next_correlation_++;
    req->correlation_id = corr;
    net_.send(it->second, id(), req);
    const TimeUs limit = sim().now() + wait_max_us;
    while (sim().now() < limit) {
      sim().run_until(sim().now() + ms_to_us(1));
      auto a = answers_.find(corr);
      if (a != answers_.end()) return std::static_pointer_cast<const Resp>(a->second);
    }
    return nullptr;
  }

  void on_message(net::ConnectionId, NodeId, net::MessagePtr msg) override {
    answers_[static_cast<const protocol::KafkaMessage&>(*msg).correlation_id] = msg;
  }
  void on_disconnect(net::ConnectionId, NodeId) override {}

 private:
  net::Network& net_;
  std::map<std::int32_t, net::ConnectionId> conns_;
  std::map<std::int32_t, net::MessagePtr> answers_;
  std::int32_t next_correlation_ = 1;
};

}  // namespace kafkasim::testing
