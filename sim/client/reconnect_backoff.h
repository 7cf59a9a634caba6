#pragma once
// ReconnectBackoff: how long a client waits before opening a new connection to a broker after the last
// one failed or closed. Models Kafka's ClusterConnectionStates (NetworkClient) with its reconnect backoff
// (KIP-144): after each disconnect the node is "blacked out" for
//   reconnect.backoff.ms * 2^(failed attempts) with +/-20% jitter, capped at reconnect.backoff.max.ms
// (ClusterConnectionStates.updateReconnectBackoff, RECONNECT_BACKOFF_EXP_BASE = 2,
// RECONNECT_BACKOFF_JITTER = 0.2); an established connection (ClusterConnectionStates.ready) resets the
// failure count. A broker never connected to may be connected to at once (canConnect).
//
// Lifecycle and ownership: a plain value owned by a client node (Consumer, Producer) next to its
// connections; volatile (the owner clears it on crash). Jitter comes from the Rng passed in: the owner's
// own stream, so draws are deterministic. BrokerLink (below) is the part of a client's broker connection
// that waits out the backoff, shared by the Consumer's and the Producer's Connection.
#include <cstdint>
#include <map>
#include <vector>

#include "sim/core/ids.h"
#include "sim/core/node.h"
#include "sim/core/rng.h"
#include "sim/core/time.h"
#include "sim/net/network.h"

namespace kafkasim::client {

class ReconnectBackoff {
 public:
  // Kafka: reconnect.backoff.ms, reconnect.backoff.max.ms
  ReconnectBackoff(std::int64_t backoff_ms, std::int64_t backoff_max_ms);

  // Time until a new connection to `broker` may be opened; 0: now (Kafka: connectionDelay / canConnect).
  TimeUs connect_delay_us(std::int32_t broker, TimeUs now) const;
  bool blacked_out(std::int32_t broker, TimeUs now) const { return connect_delay_us(broker, now) > 0; }
  // A connection (attempt) to `broker` ended at `now`: the next backoff grows (Kafka: disconnected).
  void disconnected(std::int32_t broker, TimeUs now, Rng& rng);
  // A connection to `broker` is established (a response arrived): back to reconnect.backoff.ms (Kafka: ready).
  void ready(std::int32_t broker);
  // The current backoff of `broker` (0 if it never disconnected); for tests and the visualizer.
  TimeUs backoff_us(std::int32_t broker) const;
  std::int32_t failed_attempts(std::int32_t broker) const;
  void clear() { nodes_.clear(); }
  // The brokers that are not blacked out at `now`, or all of them when every one is (the fallback of
  // Kafka's leastLoadedNode is to wait for the first one that may connect again).
  std::vector<std::int32_t> connectable(const std::vector<NodeId>& brokers, TimeUs now) const;

 private:
  struct NodeState {
    std::int32_t failed_attempts = 0;
    TimeUs last_disconnect_us = 0;  // Kafka: lastConnectAttemptMs (set again on disconnect)
    TimeUs backoff_us = 0;          // Kafka: reconnectBackoffMs
  };
  TimeUs base_us_;
  TimeUs max_us_;
  std::map<std::int32_t, NodeState> nodes_;
};

// What a client's connection to one broker shares between the Consumer and the Producer: `conn` is
// invalid while the broker is blacked out, and requests wait in `unsent` until connect_timer opens it.
struct BrokerLink {
  std::int32_t broker = -1;
  net::ConnectionId conn{};
  TimerId connect_timer{};
  std::vector<net::MessagePtr> unsent;
  bool ready = false;  // a response arrived: the connection is established (ClusterConnectionStates.ready)

  // Connects to `to` now when wait_us is 0; otherwise arms connect_timer on `owner` to run connect_later
  // when the backoff ends (connect_later should call connect()).
  void open(net::Network& net, Node& owner, std::int32_t to, TimeUs wait_us, EventFn connect_later);
  // Sends now, or when connect() runs.
  void send(net::Network& net, NodeId self, net::MessagePtr msg);
  // Opens the connection (the backoff ended) and sends what waited.
  void connect(net::Network& net, NodeId self);
};

}  // namespace kafkasim::client
