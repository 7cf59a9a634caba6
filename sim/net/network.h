#pragma once
// Network: the simulated network between nodes, connection-oriented like TCP. Brokers, the controller and
// clients open connections (connect), send immutable messages (send) and close them (close); the network
// delivers each message to the receiver's Endpoint later, or loses it, and tells both ends when a
// connection breaks. Faults (latency, jitter, bandwidth, loss, partitions, one-way blocks, isolation) are
// set through the same object, by scenarios, sweeps and the visualizer.
//
// Ownership and lifecycle: created by the run after the Simulation, with a reference to it; it registers
// itself as a LifecycleObserver. REQUIRES: the Network outlives every later lifecycle change and every
// event of the Simulation (its delivery events point at it). Endpoints are not owned: attach() each node
// once, before it uses the network; an endpoint must stay valid while its node can be called.
//
// Semantics:
//  - Delivery is an event owned by the receiving node's incarnation recorded when the connection opened
//    (Simulation::at_owned): a crashed receiver never gets it, a paused receiver gets it late, at resume.
//  - Per direction of a connection, messages arrive in send order. A directed link (from, to) carries one
//    message at a time: transmission takes size_bytes * 1e6 / bandwidth_bytes_per_sec us (integer math;
//    bandwidth 0 means unlimited) and messages queue behind each other on the link, across connections.
//    arrival = max(transmission end + latency_us + jitter, previous arrival on that direction), where
//    jitter is uniform in [0, jitter_us], drawn from the link's own PRNG stream "net.link.<from>-><to>".
//  - Loss: each message is lost with probability loss_ppm / 1e6 (same stream). A lost message breaks its
//    connection, as TCP cannot deliver later bytes past a hole: nothing further is delivered on it and
//    both ends get on_disconnect after NetworkOptions::break_detect_us.
//  - Cuts (partition / block / isolate, see cuts.h): a message sent over a cut direction is dropped
//    silently and breaks its connection the same way; messages in flight on a direction when it becomes
//    cut are dropped and break theirs. Idle connections across a cut break on their next send, as TCP
//    does. heal() removes every cut but does not repair broken connections: clients reconnect.
//  - A broken connection is a black hole until an end is told: send() still returns true there (the
//    message is counted as dropped) and is_open() stays true, as a real socket accepts bytes until its
//    timeout. send() returns false once the sender was told (on_disconnect) or closed it itself.
//  - close(conn, by) is orderly (FIN): messages already sent by `by` are still delivered, then the peer
//    gets on_disconnect one link latency later (never before the last of them). Messages towards `by` are
//    dropped. `by` is not told. A FIN over a cut link is lost: the peer learns after break_detect_us.
//  - Process crash of X (LifecycleEvent::kCrash): every connection of X breaks and messages in flight to or
//    from X are dropped; each peer learns after one link latency X -> peer (the kernel sends a reset), or
//    after break_detect_us when that link is cut. Power loss (kPowerLoss): peers learn after
//    break_detect_us (no kernel left to answer).
//  - connect(from, to) opens at once (the handshake is not modelled). To a node whose process is down
//    (kernel up), the connection is refused: `from` is told after one round trip. To a powered-off or
//    unreachable node: `from` is told after break_detect_us (Kafka clients usually give up sooner, with
//    socket.connection.setup.timeout.ms, KIP-601, by calling close()); so is a connection to an id that
//    is no attached node. To a paused node: it opens.
//  - Trace: every state change is a record ("net.connect", "net.close", "net.break", "net.disconnect",
//    "net.drop" for a lost or cut message that breaks a connection, "net.partition", "net.block",
//    "net.isolate", "net.heal", "net.link"); deliveries are only counted (stats()), they are too many.
//  - Deterministic: std::map and vectors only; ids come from counters.
// Models: TCP connections as Kafka's NetworkClient / Selector use them; Kafka clients notice a dead
// connection sooner through request.timeout.ms, which is theirs to implement.
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/rng.h"
#include "sim/core/simulation.h"
#include "sim/core/time.h"
#include "sim/net/cuts.h"
#include "sim/net/message.h"

namespace kafkasim::net {

struct LinkConfig {
  TimeUs latency_us = 250;
  TimeUs jitter_us = 50;                                // extra delay, uniform in [0, jitter_us]
  std::uint32_t loss_ppm = 0;                           // messages lost per million
  std::uint64_t bandwidth_bytes_per_sec = 125'000'000;  // 1 Gbit/s; 0 = unlimited
};

struct NetworkOptions {
  // How long an end takes to notice a connection that broke silently (loss, cut, peer power loss): like a
  // TCP retransmission timeout.
  TimeUs break_detect_us = sec_to_us(30);
  LinkConfig default_link;
};

struct NetStats {
  std::uint64_t messages_sent = 0;  // accepted by send() (returned true)
  std::uint64_t messages_delivered = 0;
  std::uint64_t messages_dropped = 0;  // lost, cut, black-holed or dropped with a broken connection
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_delivered = 0;
  std::uint64_t connections_opened = 0;
  std::uint64_t connections_closed = 0;  // orderly closes
  std::uint64_t connections_broken = 0;  // loss, cut, crash, refused
};

class Network : public LifecycleObserver {
 public:
  struct InFlight {
    std::uint64_t id = 0;  // message id: a counter, in send order
    ConnectionId conn;
    NodeId from;
    NodeId to;
    std::string_view name;  // Message::name()
    std::uint32_t size_bytes = 0;
    TimeUs sent_us = 0;
    TimeUs arrive_us = 0;  // due time; a paused receiver gets it later
  };

  explicit Network(Simulation& sim, NetworkOptions options = {});
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  // Replaces a previous endpoint of the node. May be called from the node's constructor (before
  // Simulation::add_node registers it); the node must be registered before it connects or is connected to.
  void attach(NodeId node, Endpoint* endpoint);

  // Opens a connection from `from` to `to`. REQUIRES: from != to; `from` is attached and not down. A `to`
  // that is no attached node is an address nobody answers: `from` is told after break_detect_us.
  ConnectionId connect(NodeId from, NodeId to);
  // Sends msg from `from`, an end of conn. Returns false when `from` was told the connection is gone or
  // closed it; true otherwise (the message may still be lost). REQUIRES: msg != nullptr.
  bool send(ConnectionId conn, NodeId from, MessagePtr msg);
  // Orderly close by `by`, an end of conn (a no-op when `by` already closed it or was told it is gone).
  void close(ConnectionId conn, NodeId by);
  // True until an end closed it or a live end was told it is gone (on_disconnect): what the ends can know.
  // A connection that broke silently stays "open" here until the break is detected, as a socket does.
  bool is_open(ConnectionId conn) const;

  // Faults. Link configs are per direction; set_default_link applies to every link without its own.
  void set_default_link(LinkConfig config);
  void set_link(NodeId from, NodeId to, LinkConfig config);
  LinkConfig link_config(NodeId from, NodeId to) const;
  void partition(const std::vector<std::vector<NodeId>>& groups);
  void block(NodeId from, NodeId to);
  void isolate(NodeId node);
  void heal();
  bool can_reach(NodeId from, NodeId to) const { return cuts_.can_reach(from, to); }
  // True when the cuts separate `node` from every other attached node, both ways (for the visualizer).
  bool is_isolated(NodeId node) const;
  // Directed pairs of attached (or cut) nodes that cannot talk, sorted.
  std::vector<NodePair> cut_links() const;

  // Observation.
  std::vector<InFlight> in_flight() const;  // sorted by id
  NetStats stats() const { return stats_; }
  std::size_t open_connections() const;  // connections for which is_open() is true
  const NetworkOptions& options() const { return options_; }

  void on_lifecycle(NodeId node, LifecycleEvent event) override;

 private:
  enum class ConnState : std::uint8_t { kOpen, kClosing, kBroken };
  struct LinkState {
    bool has_config = false;  // false: uses options_.default_link
    LinkConfig config;
    TimeUs busy_until_us = 0;  // the link transmits until then
    Rng rng;
  };
  struct Pending {
    std::uint64_t id;
    MessagePtr msg;
    TimeUs sent_us;
    TimeUs arrive_us;
    std::uint32_t size_bytes;
  };
  struct End {
    NodeId node;
    std::uint64_t incarnation = 0;
    Endpoint* endpoint = nullptr;
    bool done = false;  // closed it, was told it is gone, or died: nothing more for this end
  };
  // dir[d] carries messages from end[d] to end[1 - d].
  struct Direction {
    LinkState* link = nullptr;
    std::deque<Pending> queue;
    TimeUs last_arrival_us = 0;
  };
  struct Connection {
    End end[2];
    Direction dir[2];
    ConnState state = ConnState::kOpen;
    bool known_gone = false;  // an end closed it, or a live end was told it is gone
  };
  using ConnMap = std::map<std::uint64_t, Connection>;

  LinkState& link(NodeId from, NodeId to);
  const LinkConfig& config_of(const LinkState& l) const {
    return l.has_config ? l.config : options_.default_link;
  }
  Endpoint* endpoint_of(NodeId node) const;
  void deliver(std::uint64_t conn, std::uint64_t msg_id, int d);
  // Tells end e of conn that the connection is gone at time `at` (no-op if it is done by then).
  void schedule_tell(std::uint64_t conn, const Connection& c, int e, TimeUs at);
  void tell(std::uint64_t conn, int e);
  // Breaks c: drops what is in flight and tells every end not done at detect_at[e] (kTimeNever: never).
  void break_connection(ConnMap::iterator it, std::string_view reason, const TimeUs detect_at[2]);
  void break_silently(ConnMap::iterator it, std::string_view reason);
  void drop_queue(Direction& d);
  void erase_if_finished(ConnMap::iterator it);
  void break_cut_in_flight();
  void on_crash(NodeId node, bool power_loss);

  Simulation& sim_;
  NetworkOptions options_;
  std::map<NodeId, Endpoint*> endpoints_;
  std::map<NodePair, LinkState> links_;  // created on first use; never erased (Directions point here)
  ConnMap conns_;
  Cuts cuts_;
  std::set<NodeId> powered_off_;  // down by power loss, until restart
  std::uint64_t next_conn_ = 1;
  std::uint64_t next_msg_ = 1;
  NetStats stats_;
};

}  // namespace kafkasim::net
