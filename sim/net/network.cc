#include "sim/net/network.h"

#include <algorithm>

#include <fmt/format.h>

#include "sim/core/assert.h"

namespace kafkasim::net {

Network::Network(Simulation& sim, NetworkOptions options) : sim_(sim), options_(options) {
  KS_ASSERT(options_.break_detect_us > 0);
  sim_.add_lifecycle_observer(this);
}

void Network::attach(NodeId node, Endpoint* endpoint) {
  KS_ASSERT(endpoint != nullptr);
  endpoints_[node] = endpoint;
}

Endpoint* Network::endpoint_of(NodeId node) const {
  const auto it = endpoints_.find(node);
  return it == endpoints_.end() ? nullptr : it->second;
}

Network::LinkState& Network::link(NodeId from, NodeId to) {
  auto it = links_.find({from, to});
  if (it != links_.end()) return it->second;
  LinkState l;
  l.rng = sim_.rng(fmt::format("net.link.{}->{}", from.value, to.value));
  return links_.emplace(NodePair{from, to}, l).first->second;
}

ConnectionId Network::connect(NodeId from, NodeId to) {
  KS_ASSERT_MSG(from != to, "connect: a node cannot connect to itself");
  const Node* fn = sim_.node(from);
  KS_ASSERT_MSG(fn != nullptr && fn->state() != NodeState::kDown, "connect: the connecting node is not up");
  Endpoint* fe = endpoint_of(from);
  KS_ASSERT_MSG(fe != nullptr, "connect: the connecting node is not attached to the network");
  const Node* tn = sim_.node(to);
  Endpoint* te = endpoint_of(to);
  const bool exists = tn != nullptr && te != nullptr;  // else: an address nobody answers

  const std::uint64_t id = next_conn_++;
  Connection c;
  c.end[0] = End{from, fn->incarnation(), fe, false};
  c.end[1] = End{to, exists ? tn->incarnation() : 0, te, false};
  c.dir[0].link = &link(from, to);
  c.dir[1].link = &link(to, from);
  const auto it = conns_.emplace(id, std::move(c)).first;
  ++stats_.connections_opened;
  sim_.trace_event(from, "net.connect", fmt::format("conn {} {}->{}", id, from.value, to.value));

  const bool reachable = cuts_.can_reach(from, to) && cuts_.can_reach(to, from);
  if (exists && tn->state() != NodeState::kDown && reachable) return ConnectionId{id};
  // Born broken: the target never learns of it.
  it->second.end[1].done = true;
  const bool refused = exists && reachable && powered_off_.count(to) == 0;
  const TimeUs round_trip_us =
      config_of(*it->second.dir[0].link).latency_us + config_of(*it->second.dir[1].link).latency_us;
  const TimeUs detect_at[2] = {sim_.now() + (refused ? round_trip_us : options_.break_detect_us), kTimeNever};
  break_connection(it, refused ? "connection refused" : "no answer", detect_at);
  return ConnectionId{id};
}

bool Network::send(ConnectionId conn, NodeId from, MessagePtr msg) {
  KS_ASSERT(msg != nullptr);
  const auto it = conns_.find(conn.value);
  if (it == conns_.end()) return false;  // finished: both ends closed it or were told
  Connection& c = it->second;
  const int d = c.end[0].node == from ? 0 : 1;
  KS_ASSERT_MSG(c.end[d].node == from, "send: not an end of the connection");
  if (c.end[d].done) return false;

  const std::uint32_t size = msg->size_bytes();
  ++stats_.messages_sent;
  stats_.bytes_sent += size;
  if (c.state != ConnState::kOpen) {  // broken or closed by the peer, and this end does not know yet
    ++stats_.messages_dropped;
    return true;
  }
  const End& rcv = c.end[1 - d];
  Direction& dir = c.dir[d];
  LinkState& l = *dir.link;
  const LinkConfig& cfg = config_of(l);
  const bool cut = !cuts_.empty() && !cuts_.can_reach(from, rcv.node);
  if (cut || (cfg.loss_ppm != 0 && l.rng.chance_ppm(cfg.loss_ppm))) {
    ++stats_.messages_dropped;
    sim_.trace_event(from, "net.drop",
                     fmt::format("conn {} {}->{} {} ({} bytes) {}", conn.value, from.value, rcv.node.value,
                                 msg->name(), size, cut ? "dropped at a cut link" : "lost"));
    break_silently(it, cut ? "message dropped at a cut link" : "message lost");
    return true;
  }

  const TimeUs now = sim_.now();
  const TimeUs transmit_us =
      cfg.bandwidth_bytes_per_sec == 0
          ? 0
          : static_cast<TimeUs>(std::uint64_t{size} * 1'000'000 / cfg.bandwidth_bytes_per_sec);
  const TimeUs start_us = std::max(now, l.busy_until_us);
  l.busy_until_us = start_us + transmit_us;
  const TimeUs jitter_us = cfg.jitter_us > 0 ? l.rng.between(0, cfg.jitter_us) : 0;
  const TimeUs arrive_us = std::max(l.busy_until_us + cfg.latency_us + jitter_us, dir.last_arrival_us);
  dir.last_arrival_us = arrive_us;

  const std::uint64_t msg_id = next_msg_++;
  dir.queue.push_back(Pending{msg_id, std::move(msg), now, arrive_us, size});
  sim_.at_owned(arrive_us, EventOwner{rcv.node, rcv.incarnation},
                [this, cid = conn.value, msg_id, d] { deliver(cid, msg_id, d); });
  return true;
}

void Network::deliver(std::uint64_t conn, std::uint64_t msg_id, int d) {
  const auto it = conns_.find(conn);
  if (it == conns_.end()) return;
  Connection& c = it->second;
  std::deque<Pending>& q = c.dir[d].queue;
  if (q.empty() || q.front().id != msg_id) return;  // dropped since it was sent
  MessagePtr msg = std::move(q.front().msg);
  stats_.bytes_delivered += q.front().size_bytes;
  ++stats_.messages_delivered;
  q.pop_front();
  const NodeId from = c.end[d].node;
  Endpoint* to = c.end[1 - d].endpoint;
  to->on_message(ConnectionId{conn}, from, std::move(msg));  // may change conns_: c is not used after
}

void Network::close(ConnectionId conn, NodeId by) {
  const auto it = conns_.find(conn.value);
  if (it == conns_.end()) return;
  Connection& c = it->second;
  const int d = c.end[0].node == by ? 0 : 1;
  KS_ASSERT_MSG(c.end[d].node == by, "close: not an end of the connection");
  if (c.end[d].done) return;
  c.end[d].done = true;
  c.known_gone = true;
  if (c.state == ConnState::kOpen) {
    c.state = ConnState::kClosing;
    ++stats_.connections_closed;
    drop_queue(c.dir[1 - d]);  // towards `by`, which no longer reads
    const Direction& out = c.dir[d];
    const NodeId peer = c.end[1 - d].node;
    const TimeUs fin_us = cuts_.can_reach(by, peer)
                              ? std::max(sim_.now() + config_of(*out.link).latency_us, out.last_arrival_us)
                              : sim_.now() + options_.break_detect_us;
    sim_.trace_event(by, "net.close",
                     fmt::format("conn {} closed by {} (peer {})", conn.value, by.value, peer.value));
    schedule_tell(conn.value, c, 1 - d, fin_us);
  }
  erase_if_finished(it);
}

bool Network::is_open(ConnectionId conn) const {
  const auto it = conns_.find(conn.value);
  return it != conns_.end() && !it->second.known_gone;
}

std::size_t Network::open_connections() const {
  return static_cast<std::size_t>(
      std::count_if(conns_.begin(), conns_.end(), [](const auto& kv) { return !kv.second.known_gone; }));
}

void Network::schedule_tell(std::uint64_t conn, const Connection& c, int e, TimeUs at) {
  sim_.at_owned(at, EventOwner{c.end[e].node, c.end[e].incarnation}, [this, conn, e] { tell(conn, e); });
}

void Network::tell(std::uint64_t conn, int e) {
  const auto it = conns_.find(conn);
  if (it == conns_.end()) return;
  End& end = it->second.end[e];
  if (end.done) return;
  end.done = true;
  it->second.known_gone = true;
  Endpoint* endpoint = end.endpoint;
  const NodeId node = end.node;
  const NodeId peer = it->second.end[1 - e].node;
  sim_.trace_event(node, "net.disconnect",
                   fmt::format("conn {}: {} learns that {} is gone", conn, node.value, peer.value));
  erase_if_finished(it);
  endpoint->on_disconnect(ConnectionId{conn}, peer);
}

void Network::drop_queue(Direction& d) {
  stats_.messages_dropped += d.queue.size();
  d.queue.clear();
}

void Network::break_connection(ConnMap::iterator it, std::string_view reason, const TimeUs detect_at[2]) {
  Connection& c = it->second;
  KS_ASSERT(c.state != ConnState::kBroken);
  c.state = ConnState::kBroken;
  const std::size_t dropped = c.dir[0].queue.size() + c.dir[1].queue.size();
  drop_queue(c.dir[0]);
  drop_queue(c.dir[1]);
  ++stats_.connections_broken;
  sim_.trace_event(c.end[0].node, "net.break",
                   fmt::format("conn {} {}<->{}: {}, {} in flight dropped", it->first, c.end[0].node.value,
                               c.end[1].node.value, reason, dropped));
  for (int e = 0; e < 2; ++e) {
    if (c.end[e].done) continue;
    KS_ASSERT(detect_at[e] != kTimeNever);
    schedule_tell(it->first, c, e, detect_at[e]);
  }
  erase_if_finished(it);
}

void Network::break_silently(ConnMap::iterator it, std::string_view reason) {
  const TimeUs at = sim_.now() + options_.break_detect_us;
  const TimeUs detect_at[2] = {at, at};
  break_connection(it, reason, detect_at);
}

void Network::erase_if_finished(ConnMap::iterator it) {
  Connection& c = it->second;
  if (!c.end[0].done || !c.end[1].done) return;
  drop_queue(c.dir[0]);
  drop_queue(c.dir[1]);
  conns_.erase(it);
}

void Network::on_lifecycle(NodeId node, LifecycleEvent event) {
  switch (event) {
    case LifecycleEvent::kCrash:
      on_crash(node, false);
      break;
    case LifecycleEvent::kPowerLoss:
      powered_off_.insert(node);
      on_crash(node, true);
      break;
    case LifecycleEvent::kStart:
    case LifecycleEvent::kRestart:
      powered_off_.erase(node);
      break;
    case LifecycleEvent::kPause:
    case LifecycleEvent::kResume:
      break;  // the Simulation defers the node's events
  }
}

void Network::on_crash(NodeId node, bool power_loss) {
  // Every connection with an end at `node`, including ones it closed whose last messages are in flight.
  std::vector<std::uint64_t> ids;
  for (const auto& [id, c] : conns_) {
    if (c.end[0].node == node || c.end[1].node == node) ids.push_back(id);
  }
  for (const std::uint64_t id : ids) {
    const auto it = conns_.find(id);
    Connection& c = it->second;
    const int e = c.end[0].node == node ? 0 : 1;
    c.end[e].done = true;
    if (c.state != ConnState::kOpen) {  // broken or closing: the peer's tell is scheduled; drop what flies
      drop_queue(c.dir[0]);
      drop_queue(c.dir[1]);
      erase_if_finished(it);
      continue;
    }
    const NodeId peer = c.end[1 - e].node;
    const bool reset = !power_loss && cuts_.can_reach(node, peer);
    TimeUs detect_at[2];
    detect_at[e] = kTimeNever;
    detect_at[1 - e] = sim_.now() + (reset ? config_of(*c.dir[e].link).latency_us : options_.break_detect_us);
    break_connection(it, power_loss ? "power loss" : "process crash", detect_at);
  }
}

void Network::break_cut_in_flight() {
  std::vector<std::uint64_t> ids;
  for (const auto& [id, c] : conns_) {
    if (c.state == ConnState::kBroken) continue;
    for (int d = 0; d < 2; ++d) {
      if (!c.dir[d].queue.empty() && !cuts_.can_reach(c.end[d].node, c.end[1 - d].node)) {
        ids.push_back(id);
        break;
      }
    }
  }
  for (const std::uint64_t id : ids) break_silently(conns_.find(id), "a link it uses was cut");
}

void Network::set_default_link(LinkConfig config) {
  options_.default_link = config;
  sim_.trace_event(
      kNoNode, "net.link",
      fmt::format("default link: latency {}us jitter {}us loss {}ppm bandwidth {}B/s", config.latency_us,
                  config.jitter_us, config.loss_ppm, config.bandwidth_bytes_per_sec));
}

void Network::set_link(NodeId from, NodeId to, LinkConfig config) {
  LinkState& l = link(from, to);
  l.has_config = true;
  l.config = config;
  sim_.trace_event(
      from, "net.link",
      fmt::format("link {}->{}: latency {}us jitter {}us loss {}ppm bandwidth {}B/s", from.value, to.value,
                  config.latency_us, config.jitter_us, config.loss_ppm, config.bandwidth_bytes_per_sec));
}

LinkConfig Network::link_config(NodeId from, NodeId to) const {
  const auto it = links_.find({from, to});
  return it == links_.end() ? options_.default_link : config_of(it->second);
}

void Network::partition(const std::vector<std::vector<NodeId>>& groups) {
  cuts_.partition(groups);
  sim_.trace_event(kNoNode, "net.partition", Cuts::describe(groups));
  break_cut_in_flight();
}

void Network::block(NodeId from, NodeId to) {
  cuts_.block(from, to);
  sim_.trace_event(from, "net.block", fmt::format("{}->{} blocked", from.value, to.value));
  break_cut_in_flight();
}

void Network::isolate(NodeId node) {
  cuts_.isolate(node);
  sim_.trace_event(node, "net.isolate", fmt::format("{} isolated", node.value));
  break_cut_in_flight();
}

void Network::heal() {
  cuts_.heal();
  sim_.trace_event(kNoNode, "net.heal", "every cut removed");
}

bool Network::is_isolated(NodeId node) const {
  bool others = false;
  for (const auto& [other, endpoint] : endpoints_) {
    if (other == node) continue;
    if (cuts_.can_reach(node, other) || cuts_.can_reach(other, node)) return false;
    others = true;
  }
  return others;
}

std::vector<NodePair> Network::cut_links() const {
  std::set<NodeId> nodes;
  for (const auto& [n, e] : endpoints_) nodes.insert(n);
  return cuts_.cut_links(nodes);
}

std::vector<Network::InFlight> Network::in_flight() const {
  std::vector<InFlight> out;
  for (const auto& [id, c] : conns_) {
    for (int d = 0; d < 2; ++d) {
      for (const Pending& p : c.dir[d].queue) {
        out.push_back(InFlight{p.id, ConnectionId{id}, c.end[d].node, c.end[1 - d].node, p.msg->name(),
                               p.size_bytes, p.sent_us, p.arrive_us});
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const InFlight& a, const InFlight& b) { return a.id < b.id; });
  return out;
}

}  // namespace kafkasim::net
