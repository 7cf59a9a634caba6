// Group membership: FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup and the state machine
// (Kafka's GroupCoordinator.handleJoinGroup / handleSyncGroup / handleHeartbeat / handleLeaveGroup).
#include "sim/cluster/group_coordinator.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/assign/assignor.h"
#include "sim/assign/partitioner.h"
#include "sim/cluster/broker.h"
#include "sim/cluster/controller.h"
#include "sim/cluster/group_internal.h"
#include "sim/core/assert.h"
#include "sim/core/simulation.h"

namespace kafkasim::cluster {

using protocol::ErrorCode;
using protocol::TopicPartition;

// Kafka: group.min.session.timeout.ms / group.max.session.timeout.ms (broker defaults).
constexpr std::int32_t kGroupMinSessionTimeoutMs = 6000;
constexpr std::int32_t kGroupMaxSessionTimeoutMs = 1800000;

const char* to_string(GroupState s) {
  switch (s) {
    case GroupState::kEmpty: return "Empty";
    case GroupState::kPreparingRebalance: return "PreparingRebalance";
    case GroupState::kCompletingRebalance: return "CompletingRebalance";
    case GroupState::kStable: return "Stable";
    case GroupState::kDead: return "Dead";
  }
  return "?";
}

TopicConfig offsets_topic_config() {
  TopicConfig tc;
  tc.cleanup_policy = "compact";      // Kafka: __consumer_offsets is compacted
  tc.segment_bytes = 100 * 1024 * 1024;  // Kafka: offsets.topic.segment.bytes
  return tc;
}

ErrorCode create_internal_topics(Controller& controller, const BrokerConfig& config, int brokers) {
  const std::int32_t rf = std::min<std::int32_t>(config.offsets_topic_replication_factor, brokers);
  return controller.create_topic(std::string(kOffsetsTopic), config.offsets_topic_num_partitions, rf,
                                 offsets_topic_config());
}

const Broker* find_group_coordinator(const std::vector<Broker*>& brokers, std::string_view group) {
  for (const Broker* b : brokers) {
    if (!b->is_up()) continue;
    const GroupCoordinator& gc = b->group_coordinator();
    const std::int32_t p = gc.partition_for(group);
    const Replica* r = b->replica(TopicPartition{std::string(kOffsetsTopic), p});
    if (r != nullptr && r->role() == ReplicaRole::kLeader && !gc.loading(p)) return b;
  }
  return nullptr;
}

GroupCoordinator::GroupCoordinator(Broker& broker)
    : broker_(broker),
      rng_(broker.sim().rng(fmt::format("group_coordinator.{}", broker.broker_id()))),
      num_partitions_(broker.config().offsets_topic_num_partitions),
      initial_delay_ms_(broker.config().group_initial_rebalance_delay_ms),
      writer_(broker, kOffsetsTopic, 5000,  // Kafka: offsets.commit.timeout.ms
              {[this](const TopicPartition& tp) {
                 auto it = broker_.replicas_.find(tp);
                 return it == broker_.replicas_.end() ? nullptr : it->second.get();
               },
               [this](const TopicPartition& tp, Replica& r, std::int64_t records, std::size_t bytes) {
                 broker_.stats_.records_appended += static_cast<std::uint64_t>(records);
                 broker_.stats_.bytes_appended += bytes;
                 broker_.on_leader_append(tp);
                 if (r.maybe_advance_hw()) broker_.on_hw_advanced(tp);
               }}) {}

GroupCoordinator::~GroupCoordinator() = default;

bool GroupCoordinator::handles(protocol::Api api) {
  switch (api) {
    case protocol::Api::kFindCoordinator:
    case protocol::Api::kJoinGroup:
    case protocol::Api::kSyncGroup:
    case protocol::Api::kHeartbeat:
    case protocol::Api::kLeaveGroup:
    case protocol::Api::kOffsetCommit:
    case protocol::Api::kOffsetFetch:
    case protocol::Api::kTxnOffsetCommit:
      return true;
    default:
      return false;
  }
}

void GroupCoordinator::handle(net::ConnectionId conn, NodeId, const protocol::KafkaMessage& msg) {
  switch (msg.api) {
    case protocol::Api::kFindCoordinator:
      handle_find_coordinator(conn, static_cast<const protocol::FindCoordinatorRequest&>(msg));
      break;
    case protocol::Api::kJoinGroup: handle_join(conn, static_cast<const protocol::JoinGroupRequest&>(msg)); break;
    case protocol::Api::kSyncGroup: handle_sync(conn, static_cast<const protocol::SyncGroupRequest&>(msg)); break;
    case protocol::Api::kHeartbeat:
      handle_heartbeat(conn, static_cast<const protocol::HeartbeatRequest&>(msg));
      break;
    case protocol::Api::kLeaveGroup: handle_leave(conn, static_cast<const protocol::LeaveGroupRequest&>(msg)); break;
    case protocol::Api::kOffsetCommit:
      handle_offset_commit(conn, static_cast<const protocol::OffsetCommitRequest&>(msg));
      break;
    case protocol::Api::kOffsetFetch:
      handle_offset_fetch(conn, static_cast<const protocol::OffsetFetchRequest&>(msg));
      break;
    case protocol::Api::kTxnOffsetCommit:
      handle_txn_offset_commit(conn, static_cast<const protocol::TxnOffsetCommitRequest&>(msg));
      break;
    default:
      break;
  }
}

void GroupCoordinator::reset() {
  groups_.clear();
  led_.clear();
  loading_.clear();
  writer_.reset();
}

std::int32_t GroupCoordinator::partition_for(std::string_view group) const {
  return assign::partition_for_string(group, num_partitions_);
}

ErrorCode GroupCoordinator::owner_error(std::string_view group) const {
  const std::int32_t p = partition_for(group);
  if (led_.count(p) == 0) return ErrorCode::kNotCoordinator;
  if (loading_.count(p) != 0) return ErrorCode::kCoordinatorLoadInProgress;
  return ErrorCode::kNone;
}

GroupCoordinator::Group* GroupCoordinator::find_group(const std::string& id) {
  auto it = groups_.find(id);
  return it == groups_.end() ? nullptr : it->second.get();
}

GroupCoordinator::Group& GroupCoordinator::add_group(const std::string& id) {
  auto& g = groups_[id];
  if (!g) {
    g = std::make_unique<Group>();
    g->id = id;
    g->partition = partition_for(id);
  }
  return *g;
}

void GroupCoordinator::send(net::ConnectionId conn, std::shared_ptr<protocol::KafkaMessage> msg) {
  if (broker_.is_up()) broker_.network().send(conn, broker_.id(), std::move(msg));
}

std::string GroupCoordinator::new_member_id(const std::string& prefix) {
  // Kafka: clientId (or group.instance.id) + "-" + UUID.randomUUID(); here a UUID from the seeded stream.
  const std::uint64_t a = rng_.next_u64();
  const std::uint64_t b = rng_.next_u64();
  return fmt::format("{}-{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", prefix, a >> 32, (a >> 16) & 0xffff, a & 0xffff,
                     b >> 48, b & 0xffffffffffffULL);
}

void GroupCoordinator::set_state(Group& g, GroupState s, std::string_view why) {
  if (g.state == s) return;
  broker_.sim().trace_event(broker_.id(), "group.state",
                            fmt::format("group {}: {} -> {} (generation {}; {})", g.id, to_string(g.state),
                                        to_string(s), g.generation, why));
  g.state = s;
}

// ------------------------------------------------------------------------------------ FindCoordinator

void GroupCoordinator::handle_find_coordinator(net::ConnectionId conn, const protocol::FindCoordinatorRequest& req) {
  auto resp = std::make_shared<protocol::FindCoordinatorResponse>();
  resp->correlation_id = req.correlation_id;
  const TopicPartition tp{std::string(kOffsetsTopic), partition_for(req.key)};
  const auto& cache = broker_.metadata_cache();
  auto it = cache.find(tp);
  if (req.key_type != 0 || it == cache.end() || it->second.leader < 0) {
    resp->error = ErrorCode::kCoordinatorNotAvailable;
  } else {
    resp->node_id = it->second.leader;
  }
  send(conn, resp);
}

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

// ------------------------------------------------------------------------------------------ SyncGroup

void GroupCoordinator::handle_sync(net::ConnectionId conn, const protocol::SyncGroupRequest& req) {
  auto error = [&](ErrorCode e) {
    auto resp = std::make_shared<protocol::SyncGroupResponse>();
    resp->correlation_id = req.correlation_id;
    resp->error = e;
    send(conn, resp);
  };
  const ErrorCode owner = owner_error(req.group_id);
  if (owner != ErrorCode::kNone) return error(owner);
  Group* g = find_group(req.group_id);
  if (g == nullptr) return error(ErrorCode::kUnknownMemberId);
  const ErrorCode valid = validate_member(*g, req.member_id, req.group_instance_id);
  if (valid != ErrorCode::kNone) return error(valid);
  if (req.generation_id != g->generation) return error(ErrorCode::kIllegalGeneration);
  Member& m = g->members.at(req.member_id);
  switch (g->state) {
    case GroupState::kPreparingRebalance: return error(ErrorCode::kRebalanceInProgress);
    case GroupState::kEmpty:
    case GroupState::kDead: return error(ErrorCode::kUnknownMemberId);
    case GroupState::kStable: {
      auto resp = std::make_shared<protocol::SyncGroupResponse>();
      resp->correlation_id = req.correlation_id;
      resp->protocol_name = g->protocol;
      resp->assignment = m.assignment;
      send(conn, resp);
      return;
    }
    case GroupState::kCompletingRebalance:
      break;
  }
  m.awaiting_sync = true;
  m.sync_conn = conn;
  m.sync_correlation = req.correlation_id;
  if (req.member_id != g->leader) return;
  for (auto& [id, member] : g->members) member.assignment.clear();
  for (const auto& a : req.assignments) {
    auto it = g->members.find(a.member_id);
    if (it != g->members.end()) it->second.assignment = a.assignment;
  }
  const std::string id = g->id;
  const std::int32_t generation = g->generation;
  // Kafka: storeGroup, then the group becomes Stable and every waiting member gets its assignment.
  store_group(*g, [this, id, generation](ErrorCode e) {
    Group* grp = find_group(id);
    if (grp == nullptr || grp->generation != generation || grp->state != GroupState::kCompletingRebalance) return;
    if (e != ErrorCode::kNone) {
      reset_pending_syncs(*grp, e);
      prepare_rebalance(*grp, fmt::format("storing the group failed: {}", protocol::error_name(e)));
      return;
    }
    complete_sync(*grp);
  });
}

void GroupCoordinator::complete_sync(Group& g) {
  std::vector<std::string> parts;
  for (const auto& id : g.member_order) {
    const Member& m = g.members.at(id);
    std::vector<std::string> tps;
    for (const auto& tp : m.assignment) tps.push_back(tp.str());
    parts.push_back(fmt::format("{} <- [{}]", id, fmt::join(tps, ", ")));
  }
  broker_.sim().trace_event(broker_.id(), "group.assignment",
                            fmt::format("group {} generation {} ({}): {}", g.id, g.generation, g.protocol,
                                        fmt::join(parts, "; ")));
  set_state(g, GroupState::kStable, "the leader's assignment was stored");
  for (auto& [id, m] : g.members) {
    if (!m.awaiting_sync) continue;
    m.awaiting_sync = false;
    auto resp = std::make_shared<protocol::SyncGroupResponse>();
    resp->correlation_id = m.sync_correlation;
    resp->protocol_name = g.protocol;
    resp->assignment = m.assignment;
    send(m.sync_conn, resp);
  }
}

void GroupCoordinator::reset_pending_syncs(Group& g, ErrorCode error) {
  for (auto& [id, m] : g.members) {
    if (!m.awaiting_sync) continue;
    m.awaiting_sync = false;
    auto resp = std::make_shared<protocol::SyncGroupResponse>();
    resp->correlation_id = m.sync_correlation;
    resp->error = error;
    send(m.sync_conn, resp);
  }
}

// ------------------------------------------------------------------------------- Heartbeat / sessions

void GroupCoordinator::handle_heartbeat(net::ConnectionId conn, const protocol::HeartbeatRequest& req) {
  auto resp = std::make_shared<protocol::HeartbeatResponse>();
  resp->correlation_id = req.correlation_id;
  resp->error = owner_error(req.group_id);
  Group* g = resp->error == ErrorCode::kNone ? find_group(req.group_id) : nullptr;
  if (resp->error == ErrorCode::kNone) {
    if (g == nullptr) {
      resp->error = ErrorCode::kUnknownMemberId;
    } else {
      resp->error = validate_member(*g, req.member_id, req.group_instance_id);
      if (resp->error == ErrorCode::kNone && req.generation_id != g->generation) {
        resp->error = ErrorCode::kIllegalGeneration;
      }
    }
  }
  if (resp->error == ErrorCode::kNone) {
    schedule_session(*g, g->members.at(req.member_id));
    if (g->state == GroupState::kPreparingRebalance) resp->error = ErrorCode::kRebalanceInProgress;
  }
  send(conn, resp);
}

void GroupCoordinator::schedule_session(Group& g, Member& m) {
  broker_.sim().cancel(m.session_timer);
  m.session_seq = next_session_seq_++;
  const std::string group = g.id;
  const std::string member = m.member_id;
  const std::uint64_t seq = m.session_seq;
  m.session_timer = broker_.after(ms_to_us(m.session_timeout_ms),
                                  [this, group, member, seq] { on_session_expired(group, member, seq); });
}

void GroupCoordinator::on_session_expired(const std::string& group, const std::string& member, std::uint64_t seq) {
  Group* g = find_group(group);
  if (g == nullptr) return;
  auto it = g->members.find(member);
  if (it == g->members.end() || it->second.session_seq != seq) return;
  // Kafka: a member waiting in JoinGroup or SyncGroup has satisfied its heartbeat.
  if (it->second.awaiting_join || it->second.awaiting_sync) return schedule_session(*g, it->second);
  remove_member(*g, member, fmt::format("session timeout {}ms expired", it->second.session_timeout_ms));
  if (g->state == GroupState::kStable || g->state == GroupState::kCompletingRebalance) {
    prepare_rebalance(*g, fmt::format("member {} left (session timeout)", member));
  } else {
    maybe_complete_join(*g);
  }
}

void GroupCoordinator::remove_member(Group& g, const std::string& member_id, const std::string& why) {
  auto it = g.members.find(member_id);
  if (it == g.members.end()) return;
  broker_.sim().cancel(it->second.session_timer);
  if (it->second.instance_id) {
    auto s = g.static_members.find(*it->second.instance_id);
    if (s != g.static_members.end() && s->second == member_id) g.static_members.erase(s);
  }
  g.members.erase(it);
  g.member_order.erase(std::remove(g.member_order.begin(), g.member_order.end(), member_id), g.member_order.end());
  if (g.leader == member_id) g.leader = g.member_order.empty() ? "" : g.member_order.front();
  broker_.sim().trace_event(broker_.id(), "group.member_removed",
                            fmt::format("group {}: member {} removed ({})", g.id, member_id, why));
}

// ----------------------------------------------------------------------------------------- LeaveGroup

void GroupCoordinator::handle_leave(net::ConnectionId conn, const protocol::LeaveGroupRequest& req) {
  auto resp = std::make_shared<protocol::LeaveGroupResponse>();
  resp->correlation_id = req.correlation_id;
  resp->error = owner_error(req.group_id);
  Group* g = resp->error == ErrorCode::kNone ? find_group(req.group_id) : nullptr;
  if (resp->error == ErrorCode::kNone && g == nullptr) resp->error = ErrorCode::kUnknownMemberId;
  if (g != nullptr && g->pending_members.erase(req.member_id) != 0) {
    send(conn, resp);
    return;
  }
  if (g != nullptr) resp->error = validate_member(*g, req.member_id, req.group_instance_id);
  send(conn, resp);
  if (resp->error != ErrorCode::kNone) return;
  remove_member(*g, req.member_id, req.reason.empty() ? "LeaveGroup" : "LeaveGroup: " + req.reason);
  if (g->state == GroupState::kStable || g->state == GroupState::kCompletingRebalance) {
    prepare_rebalance(*g, fmt::format("member {} left the group", req.member_id));
  } else {
    maybe_complete_join(*g);
  }
}

}  // namespace kafkasim::cluster
