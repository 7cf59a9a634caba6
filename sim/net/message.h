#pragma once
// The payload and endpoint types of the simulated network (network.h).
//
// Message: what travels on a connection. Concrete Kafka requests and responses live in sim/protocol and
// derive from it; the network only reads size_bytes() (to charge bandwidth) and name() (for in_flight() and
// the visualizer). Messages are immutable once sent and shared (MessagePtr), so a broadcast costs no copy.
// Endpoint: implemented by every node that talks on the network (broker, controller, client) and attached
// with Network::attach(). The network calls it from events owned by that node, so a crashed node is never
// called and a paused node is called late, when it resumes.
#include <compare>
#include <cstdint>
#include <memory>
#include <string_view>

#include "sim/core/ids.h"

namespace kafkasim::net {

class Message {
 public:
  virtual ~Message() = default;
  // Bytes on the wire (header + body), used for bandwidth. Kafka: the request's Size field.
  virtual std::uint32_t size_bytes() const = 0;
  // "Produce", "FetchResponse", ...: a string with static storage (a literal); stored as a string_view.
  virtual std::string_view name() const = 0;
};
using MessagePtr = std::shared_ptr<const Message>;

// One TCP-like connection, named by a counter that starts at 1 and is never reused within a run.
struct ConnectionId {
  std::uint64_t value = 0;
  bool valid() const { return value != 0; }
  auto operator<=>(const ConnectionId&) const = default;
};

class Endpoint {
 public:
  virtual ~Endpoint() = default;
  // A message arrived on `conn` from `from`. Messages of one direction arrive in send order.
  virtual void on_message(ConnectionId conn, NodeId from, MessagePtr msg) = 0;
  // `conn` is gone: the peer closed it, its process died, or the connection broke (loss, cut link).
  // Called at most once per connection and end; never for a connection this end closed itself.
  virtual void on_disconnect(ConnectionId conn, NodeId peer) = 0;
};

}  // namespace kafkasim::net
