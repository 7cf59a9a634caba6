// Group membership: routing, FindCoordinator, SyncGroup, Heartbeat, LeaveGroup and the state machine
// (Kafka's GroupCoordinator.handleSyncGroup / handleHeartbeat / handleLeaveGroup). JoinGroup and the
// rebalance are in group_join.cc, offsets and durability in group_offsets.cc.
#include "sim/cluster/group_coordinator.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/assign/partitioner.h"
#include "sim/cluster/broker.h"
#include "sim/cluster/controller.h"
#include "sim/cluster/group_internal.h"
#include "sim/core/assert.h"
#include "sim/core/simulation.h"

namespace kafkasim::cluster {

using protocol::ErrorCode;
using protocol::TopicPartition;

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
      writer_(broker, kOffsetsTopic, 5000) {}  // Kafka: offsets.commit.timeout.ms

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
