// JoinGroup and the rebalance: new, rejoining and static members (KIP-394, KIP-345), the initial delay,
// the join completion and the JoinGroup answers (Kafka's GroupCoordinator.handleJoinGroup /
// prepareRebalance / onCompleteJoin, InitialDelayedJoin). The rest of membership is in
// group_coordinator.cc.
#include <algorithm>

#include <fmt/format.h>

#include "sim/assign/assignor.h"
#include "sim/cluster/broker.h"
#include "sim/cluster/group_coordinator.h"
#include "sim/cluster/group_internal.h"
#include "sim/core/assert.h"
#include "sim/core/simulation.h"

namespace kafkasim::cluster {

using protocol::ErrorCode;

// Kafka: group.min.session.timeout.ms / group.max.session.timeout.ms (broker defaults).
constexpr std::int32_t kGroupMinSessionTimeoutMs = 6000;
constexpr std::int32_t kGroupMaxSessionTimeoutMs = 1800000;

// ------------------------------------------------------------------------------------------ JoinGroup

void GroupCoordinator::join_error(net::ConnectionId conn, std::int32_t corr, ErrorCode error, std::string member_id) {
  auto resp = std::make_shared<protocol::JoinGroupResponse>();
  resp->correlation_id = corr;
  resp->error = error;
  resp->member_id = std::move(member_id);
  send(conn, resp);
}

ErrorCode GroupCoordinator::validate_member(const Group& g, const std::string& member_id,
                                            const std::optional<std::string>& instance_id) const {
  if (instance_id) {
    auto it = g.static_members.find(*instance_id);
    if (it != g.static_members.end() && it->second != member_id) return ErrorCode::kFencedInstanceId;
  }
  if (g.members.count(member_id) == 0) return ErrorCode::kUnknownMemberId;
  return ErrorCode::kNone;
}

void GroupCoordinator::handle_join(net::ConnectionId conn, const protocol::JoinGroupRequest& req) {
  const ErrorCode owner = owner_error(req.group_id);
  if (owner != ErrorCode::kNone) return join_error(conn, req.correlation_id, owner, req.member_id);
  if (req.session_timeout_ms < kGroupMinSessionTimeoutMs || req.session_timeout_ms > kGroupMaxSessionTimeoutMs) {
    return join_error(conn, req.correlation_id, ErrorCode::kInvalidSessionTimeout, req.member_id);
  }
  Group* g = find_group(req.group_id);
  if (g == nullptr) {
    if (!req.member_id.empty()) return join_error(conn, req.correlation_id, ErrorCode::kUnknownMemberId, req.member_id);
    g = &add_group(req.group_id);
  }
  if (g->state == GroupState::kDead) {
    return join_error(conn, req.correlation_id, ErrorCode::kCoordinatorNotAvailable, req.member_id);
  }
  // Kafka: supportsProtocols: a non-empty group only takes members sharing one of its protocols.
  if (!g->members.empty()) {
    std::vector<assign::MemberProtocols> votes;
    for (const auto& [id, m] : g->members) {
      if (id == req.member_id) continue;
      assign::MemberProtocols mp{id, {}};
      for (const auto& p : m.protocols) mp.protocols.push_back(p.name);
      votes.push_back(std::move(mp));
    }
    assign::MemberProtocols self{"", {}};
    for (const auto& p : req.protocols) self.protocols.push_back(p.name);
    votes.push_back(self);
    if (req.protocols.empty() || !assign::select_protocol(votes)) {
      return join_error(conn, req.correlation_id, ErrorCode::kInconsistentGroupProtocol, req.member_id);
    }
  }
  if (req.member_id.empty()) {
    if (req.group_instance_id && g->static_members.count(*req.group_instance_id) != 0) {
      return replace_static_member(*g, conn, req);
    }
    const std::string id = new_member_id(req.group_instance_id.value_or(req.client_id));
    if (!req.group_instance_id) {
      // KIP-394: a new dynamic member first learns its id, then joins with it.
      g->pending_members.insert(id);
      return join_error(conn, req.correlation_id, ErrorCode::kMemberIdRequired, id);
    }
    return add_member_and_rebalance(*g, conn, req, id);
  }
  if (g->pending_members.count(req.member_id) != 0) {
    g->pending_members.erase(req.member_id);
    return add_member_and_rebalance(*g, conn, req, req.member_id);
  }
  const ErrorCode valid = validate_member(*g, req.member_id, req.group_instance_id);
  if (valid != ErrorCode::kNone) return join_error(conn, req.correlation_id, valid, req.member_id);
  Member& m = g->members.at(req.member_id);
  const bool same_protocols = m.protocols == req.protocols;
  m.protocols = req.protocols;
  m.join_conn = conn;
  m.join_correlation = req.correlation_id;
  switch (g->state) {
    case GroupState::kPreparingRebalance:
      m.awaiting_join = true;
      maybe_complete_join(*g);
      break;
    case GroupState::kCompletingRebalance:
    case GroupState::kStable:
      if (same_protocols && (g->state == GroupState::kCompletingRebalance || m.member_id != g->leader)) {
        // Kafka: a member that rejoins with the same metadata gets the current generation back.
        send_join_response(*g, m);
      } else {
        m.awaiting_join = true;
        prepare_rebalance(*g, fmt::format("member {} rejoined with {}", m.member_id,
                                          same_protocols ? "the same metadata (leader)" : "new metadata"));
      }
      break;
    case GroupState::kEmpty:
    case GroupState::kDead:
      join_error(conn, req.correlation_id, ErrorCode::kUnknownMemberId, req.member_id);
      break;
  }
}

void GroupCoordinator::add_member_and_rebalance(Group& g, net::ConnectionId conn, const protocol::JoinGroupRequest& req,
                                                const std::string& member_id) {
  Member m;
  m.member_id = member_id;
  m.instance_id = req.group_instance_id;
  m.client_id = req.client_id;
  m.client_host = req.client_host;
  m.session_timeout_ms = req.session_timeout_ms;
  m.rebalance_timeout_ms = req.rebalance_timeout_ms;
  m.protocols = req.protocols;
  m.awaiting_join = true;
  m.join_conn = conn;
  m.join_correlation = req.correlation_id;
  if (m.instance_id) g.static_members[*m.instance_id] = member_id;
  g.members[member_id] = std::move(m);
  g.member_order.push_back(member_id);
  g.new_member_added = true;
  broker_.sim().trace_event(broker_.id(), "group.join",
                            fmt::format("group {}: member {} joins{}", g.id, member_id,
                                        req.group_instance_id ? " (static " + *req.group_instance_id + ")" : ""));
  if (g.state == GroupState::kPreparingRebalance) {
    maybe_complete_join(g);
  } else {
    prepare_rebalance(g, fmt::format("member {} joined", member_id));
  }
}

void GroupCoordinator::replace_static_member(Group& g, net::ConnectionId conn, const protocol::JoinGroupRequest& req) {
  const std::string old_id = g.static_members.at(*req.group_instance_id);
  const std::string new_id = new_member_id(*req.group_instance_id);
  Member m = std::move(g.members.at(old_id));
  g.members.erase(old_id);
  if (m.awaiting_join) join_error(m.join_conn, m.join_correlation, ErrorCode::kFencedInstanceId, old_id);
  if (m.awaiting_sync) {
    auto resp = std::make_shared<protocol::SyncGroupResponse>();
    resp->correlation_id = m.sync_correlation;
    resp->error = ErrorCode::kFencedInstanceId;
    send(m.sync_conn, resp);
  }
  broker_.sim().cancel(m.session_timer);
  m.member_id = new_id;
  m.awaiting_join = false;
  m.awaiting_sync = false;
  m.join_conn = conn;
  m.join_correlation = req.correlation_id;
  m.client_host = req.client_host;
  m.session_timeout_ms = req.session_timeout_ms;
  m.rebalance_timeout_ms = req.rebalance_timeout_ms;
  m.protocols = req.protocols;
  std::replace(g.member_order.begin(), g.member_order.end(), old_id, new_id);
  if (g.leader == old_id) g.leader = new_id;
  g.static_members[*req.group_instance_id] = new_id;
  g.members[new_id] = std::move(m);
  Member& nm = g.members.at(new_id);
  broker_.sim().trace_event(broker_.id(), "group.static_rejoin",
                            fmt::format("group {}: static member {} rejoined as {} (old id {} fenced)", g.id,
                                        *req.group_instance_id, new_id, old_id));
  // Kafka (updateStaticMemberThenRebalanceOrCompleteJoin): a Stable group keeps its generation when the
  // protocol it would select next is the one it has.
  if (g.state == GroupState::kStable && g.select_protocol() == g.protocol) {
    // KIP-345: no rebalance; the member gets the current generation and syncs to its old assignment.
    schedule_session(g, nm);
    store_group(g, [](ErrorCode) {});
    send_join_response(g, nm);
    return;
  }
  nm.awaiting_join = true;
  if (g.state == GroupState::kPreparingRebalance) {
    maybe_complete_join(g);
  } else {
    prepare_rebalance(g, fmt::format("static member {} rejoined", *req.group_instance_id));
  }
}

void GroupCoordinator::prepare_rebalance(Group& g, const std::string& reason) {
  if (g.state == GroupState::kCompletingRebalance) reset_pending_syncs(g, ErrorCode::kRebalanceInProgress);
  if (g.join_timer_set) broker_.sim().cancel(g.join_timer);
  const bool from_empty = g.state == GroupState::kEmpty;
  ++g.rebalances;
  set_state(g, GroupState::kPreparingRebalance, reason);
  std::int64_t delay_ms = g.max_rebalance_timeout_ms();
  g.initial_delay = false;
  if (from_empty && initial_delay_ms_ > 0) {
    // Kafka: InitialDelayedJoin(group.initial.rebalance.delay.ms, remaining = rebalance timeout - delay).
    g.initial_delay = true;
    g.new_member_added = false;
    delay_ms = std::min<std::int64_t>(initial_delay_ms_, delay_ms);
    g.initial_remaining_ms = std::max<std::int64_t>(0, g.max_rebalance_timeout_ms() - delay_ms);
  }
  g.join_timer_set = true;
  const std::string id = g.id;
  g.join_timer = broker_.after(ms_to_us(delay_ms), [this, id] { on_join_timer(id); });
  if (!g.initial_delay) maybe_complete_join(g);
}

void GroupCoordinator::maybe_complete_join(Group& g) {
  if (g.state != GroupState::kPreparingRebalance || g.initial_delay) return;
  if (!g.pending_members.empty()) return;
  for (const auto& [id, m] : g.members) {
    if (!m.awaiting_join) return;
  }
  complete_join(g);
}

void GroupCoordinator::on_join_timer(const std::string& group) {
  Group* g = find_group(group);
  if (g == nullptr || g->state != GroupState::kPreparingRebalance) return;
  g->join_timer_set = false;
  if (g->initial_delay && g->new_member_added && g->initial_remaining_ms > 0) {
    const std::int64_t delay_ms = std::min(initial_delay_ms_, g->initial_remaining_ms);
    g->initial_remaining_ms -= delay_ms;
    g->new_member_added = false;
    g->join_timer_set = true;
    g->join_timer = broker_.after(ms_to_us(delay_ms), [this, group] { on_join_timer(group); });
    return;
  }
  g->initial_delay = false;
  complete_join(*g);
}

void GroupCoordinator::complete_join(Group& g) {
  if (g.join_timer_set) broker_.sim().cancel(g.join_timer);
  g.join_timer_set = false;
  g.pending_members.clear();
  std::vector<std::string> gone;
  for (const auto& [id, m] : g.members) {
    if (!m.awaiting_join) gone.push_back(id);
  }
  for (const auto& id : gone) remove_member(g, id, "did not rejoin within the rebalance timeout");
  ++g.generation;
  if (g.members.empty()) {
    g.protocol.clear();
    g.leader.clear();
    set_state(g, GroupState::kEmpty, "no members left");
    store_group(g, [](ErrorCode) {});
    return;
  }
  g.protocol = g.select_protocol();
  if (g.members.count(g.leader) == 0) g.leader = g.member_order.front();
  set_state(g, GroupState::kCompletingRebalance,
            fmt::format("{} members joined, protocol {}, leader {}", g.members.size(), g.protocol, g.leader));
  for (const auto& id : g.member_order) {
    Member& m = g.members.at(id);
    m.assignment.clear();
    send_join_response(g, m);
    schedule_session(g, m);
  }
}

void GroupCoordinator::send_join_response(Group& g, Member& m) {
  auto resp = std::make_shared<protocol::JoinGroupResponse>();
  resp->correlation_id = m.join_correlation;
  resp->generation_id = g.generation;
  resp->protocol_name = g.protocol;
  resp->leader = g.leader;
  resp->member_id = m.member_id;
  if (m.member_id == g.leader) {
    for (const auto& id : g.member_order) {
      const Member& o = g.members.at(id);
      protocol::JoinGroupMember jm;
      jm.member_id = id;
      jm.group_instance_id = o.instance_id;
      if (const auto* md = o.metadata_for(g.protocol)) jm.metadata = *md;
      resp->members.push_back(std::move(jm));
    }
  }
  resp->wire_bytes = 96 + 64 * static_cast<std::uint32_t>(resp->members.size());
  m.awaiting_join = false;
  send(m.join_conn, resp);
}

}  // namespace kafkasim::cluster
