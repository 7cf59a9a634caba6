// The consumer's group membership (Kafka's AbstractCoordinator / ConsumerCoordinator): coordinator
// discovery, JoinGroup, the leader's assignment, SyncGroup, heartbeats, LeaveGroup, revocation.
#include <algorithm>

#include <fmt/format.h>

#include "sim/assign/assignor.h"
#include "sim/client/consumer.h"
#include "sim/client/partition_list.h"
#include "sim/client/consumer_internal.h"
#include "sim/core/assert.h"
#include "sim/core/simulation.h"

namespace kafkasim::client {

using protocol::ErrorCode;
using protocol::TopicPartition;

bool Consumer::cooperative() const {
  // Kafka: the rebalance protocol is COOPERATIVE when every configured assignor supports it.
  for (const auto& s : config_.assignment_strategies) {
    if (s != "cooperative-sticky") return false;
  }
  return !config_.assignment_strategies.empty();
}

void Consumer::ensure_coordinator() {
  if (coordinator_ >= 0 || coordinator_pending_ || !is_up()) return;
  if (sim().now() < coordinator_retry_at_us_) {
    // retry.backoff.ms between lookups (the brokers may still name a dead coordinator).
    coordinator_pending_ = true;
    after(coordinator_retry_at_us_ - sim().now(), [this] {
      coordinator_pending_ = false;
      ensure_coordinator();
    });
    return;
  }
  coordinator_pending_ = true;
  auto req = std::make_shared<protocol::FindCoordinatorRequest>();
  req->key = config_.group_id;
  request(any_broker(), req, [this](const protocol::KafkaMessage* m) {
    coordinator_pending_ = false;
    const auto* resp = static_cast<const protocol::FindCoordinatorResponse*>(m);
    if (resp == nullptr || resp->error != ErrorCode::kNone) {
      after(ms_to_us(config_.retry_backoff_ms), [this] { ensure_coordinator(); });
      return;
    }
    coordinator_ = resp->node_id;
    trace("consumer.coordinator", fmt::format("group {} coordinator is broker {}", config_.group_id, coordinator_));
    schedule_poll(0);
  });
}

void Consumer::coordinator_lost(const char* why) {
  if (coordinator_ < 0) return;
  trace("consumer.coordinator_lost", fmt::format("coordinator broker {} unusable ({})", coordinator_, why));
  coordinator_ = -1;
  coordinator_retry_at_us_ = sim().now() + ms_to_us(config_.retry_backoff_ms);
  if (group_state_ == GroupState::kJoining || group_state_ == GroupState::kSyncing) {
    group_state_ = GroupState::kUnjoined;
    rejoin_needed_ = true;
  }
  ensure_coordinator();
}

// Returns true when the error was handled as "the membership is gone, rejoin".
bool Consumer::handle_group_error(ErrorCode e, const char* where) {
  switch (e) {
    case ErrorCode::kNone:
      return false;
    case ErrorCode::kNotCoordinator:
    case ErrorCode::kCoordinatorNotAvailable:
    case ErrorCode::kCoordinatorLoadInProgress:
    case ErrorCode::kRequestTimedOut:
      if (e != ErrorCode::kCoordinatorLoadInProgress) coordinator_lost(where);
      return false;
    case ErrorCode::kUnknownMemberId:
      member_id_.clear();
      generation_ = -1;
      [[fallthrough]];
    case ErrorCode::kIllegalGeneration:
      generation_ = -1;
      [[fallthrough]];
    case ErrorCode::kRebalanceInProgress:
      if (!rejoin_needed_) trace("consumer.rejoin", fmt::format("{} answered {}", where, protocol::error_name(e)));
      rejoin_needed_ = true;
      if (group_state_ != GroupState::kJoining && group_state_ != GroupState::kSyncing) {
        group_state_ = GroupState::kUnjoined;
      }
      return true;
    case ErrorCode::kFencedInstanceId:
      trace("consumer.fenced", fmt::format("{}: FENCED_INSTANCE_ID: another instance took {}", where,
                                           config_.group_instance_id.value_or("")));
      member_event(MemberChange::kFenced, assignment());
      closed_ = true;  // fatal in Kafka: the application gets a FencedInstanceIdException
      assigned_.clear();
      member_id_.clear();
      return true;
    default:
      return false;
  }
}

void Consumer::join_group() {
  if (group_state_ == GroupState::kJoining || group_state_ == GroupState::kSyncing || closed_) return;
  if (coordinator_ < 0) return ensure_coordinator();
  group_state_ = GroupState::kJoining;
  ++heartbeat_seq_;  // heartbeats stop while (re)joining
  // onJoinPrepare: auto-commit what was consumed, then (eager) revoke everything.
  auto proceed = [this](bool) {
    if (group_state_ != GroupState::kJoining || !is_up()) return;
    if (!cooperative() || generation_ < 0) {
      if (!assigned_.empty()) revoke(assignment());
    }
    send_join();
  };
  if (auto_commit() && generation_ >= 0 && !assigned_.empty()) {
    commit(true, proceed);
  } else {
    proceed(true);
  }
}

void Consumer::send_join() {
  auto req = std::make_shared<protocol::JoinGroupRequest>();
  req->group_id = config_.group_id;
  req->session_timeout_ms = config_.session_timeout_ms;
  req->rebalance_timeout_ms = config_.max_poll_interval_ms;
  req->member_id = member_id_;
  req->group_instance_id = config_.group_instance_id;
  req->client_id = config_.client_id;
  req->client_host = host();
  for (const auto& s : config_.assignment_strategies) {
    protocol::JoinGroupProtocol p;
    p.name = s;
    p.metadata.topics = subscription_;
    if (s == "sticky" || s == "cooperative-sticky") {
      p.metadata.owned_partitions = assignment();
      p.metadata.generation = generation_;
    }
    req->protocols.push_back(std::move(p));
  }
  req->wire_bytes = 128 + 32 * static_cast<std::uint32_t>(req->protocols.size());
  request(coordinator_, req, [this](const protocol::KafkaMessage* m) {
    if (group_state_ != GroupState::kJoining) return;
    if (m == nullptr) {
      group_state_ = GroupState::kUnjoined;
      coordinator_lost("JoinGroup got no answer");
      return;
    }
    handle_join(static_cast<const protocol::JoinGroupResponse&>(*m));
  });
}

void Consumer::handle_join(const protocol::JoinGroupResponse& resp) {
  if (resp.error == ErrorCode::kMemberIdRequired) {
    member_id_ = resp.member_id;  // KIP-394: join again with the id the coordinator chose
    return send_join();
  }
  if (resp.error != ErrorCode::kNone) {
    group_state_ = GroupState::kUnjoined;
    handle_group_error(resp.error, "JoinGroup");
    schedule_poll(ms_to_us(config_.retry_backoff_ms));
    return;
  }
  member_id_ = resp.member_id;
  generation_ = resp.generation_id;
  protocol_ = resp.protocol_name;
  group_state_ = GroupState::kSyncing;
  trace("consumer.joined", fmt::format("member {} joined group {} generation {} (protocol {}, leader {})", member_id_,
                                       config_.group_id, generation_, protocol_, resp.leader));
  auto req = std::make_shared<protocol::SyncGroupRequest>();
  req->group_id = config_.group_id;
  req->generation_id = generation_;
  req->member_id = member_id_;
  req->group_instance_id = config_.group_instance_id;
  req->protocol_name = protocol_;
  assigned_topic_counts_.clear();
  if (resp.leader == member_id_ && !resp.members.empty()) {
    // The leader runs the assignor over the members' subscriptions and its own metadata.
    std::vector<assign::MemberSubscription> subs;
    assign::PartitionsPerTopic topics;
    std::map<std::string, std::int32_t> snapshot;  // every subscribed topic, 0 when unknown
    for (const auto& jm : resp.members) {
      assign::MemberSubscription s;
      s.member_id = jm.member_id;
      s.group_instance_id = jm.group_instance_id;
      s.topics = jm.metadata.topics;
      for (const auto& tp : jm.metadata.owned_partitions) s.owned_partitions.push_back({tp.topic, tp.partition});
      if (jm.metadata.generation >= 0) s.generation = jm.metadata.generation;
      for (const auto& t : s.topics) {
        if (partition_count(t) > 0) topics[t] = partition_count(t);
        snapshot[t] = partition_count(t);
      }
      subs.push_back(std::move(s));
    }
    const auto strategy = assign::parse_strategy(protocol_);
    KS_ASSERT_MSG(strategy.has_value(), protocol_);
    const assign::AssignResult result = assign::assign(*strategy, topics, subs);
    assigned_topic_counts_ = snapshot;
    for (const auto& [member, tps] : result.now) {
      protocol::SyncGroupAssignment a;
      a.member_id = member;
      for (const auto& tp : tps) a.assignment.push_back(TopicPartition{tp.topic, tp.partition});
      req->assignments.push_back(std::move(a));
    }
    trace("consumer.assign", fmt::format("leader {} computed a {} assignment for {} members", member_id_, protocol_,
                                         subs.size()));
  }
  const std::int32_t generation = generation_;
  request(coordinator_, req, [this, generation](const protocol::KafkaMessage* m) {
    if (group_state_ != GroupState::kSyncing || generation != generation_) return;
    if (m == nullptr) {
      group_state_ = GroupState::kUnjoined;
      coordinator_lost("SyncGroup got no answer");
      return;
    }
    handle_sync(static_cast<const protocol::SyncGroupResponse&>(*m));
  });
}

void Consumer::handle_sync(const protocol::SyncGroupResponse& resp) {
  if (resp.error != ErrorCode::kNone) {
    group_state_ = GroupState::kUnjoined;
    rejoin_needed_ = true;
    handle_group_error(resp.error, "SyncGroup");
    schedule_poll(ms_to_us(config_.retry_backoff_ms));
    return;
  }
  group_state_ = GroupState::kStable;
  rejoin_needed_ = false;
  ++stats_.rebalances;
  if (!joined_once_) {
    joined_once_ = true;
    member_event(MemberChange::kJoined, {});
  }
  on_assignment(resp.assignment);
  const std::uint64_t seq = ++heartbeat_seq_;
  after(ms_to_us(config_.heartbeat_interval_ms), [this, seq] {
    if (seq == heartbeat_seq_) heartbeat_tick();
  });
  schedule_poll(0);
}

void Consumer::on_assignment(std::vector<TopicPartition> assigned) {
  std::sort(assigned.begin(), assigned.end());
  std::vector<TopicPartition> revoked;
  std::vector<TopicPartition> added;
  for (const auto& [tp, st] : assigned_) {
    if (!std::binary_search(assigned.begin(), assigned.end(), tp)) revoked.push_back(tp);
  }
  for (const auto& tp : assigned) {
    if (assigned_.count(tp) == 0) added.push_back(tp);
  }
  if (!revoked.empty()) {
    revoke(revoked);
    // KIP-429: partitions given up in a cooperative rebalance go to their new owner in a follow-up one.
    if (cooperative()) rejoin_needed_ = true;
  }
  for (const auto& tp : added) assigned_[tp] = std::make_unique<PartitionState>();
  trace("consumer.assignment", fmt::format("member {} generation {} owns {} (added {}, revoked {})", member_id_,
                                           generation_, partition_list(assignment()), partition_list(added), partition_list(revoked)));
  member_event(MemberChange::kAssigned, added);
}

void Consumer::revoke(const std::vector<TopicPartition>& tps) {
  for (const auto& tp : tps) assigned_.erase(tp);
  // Records of revoked partitions that poll() already handed out stay with the application's batch.
  member_event(MemberChange::kRevoked, tps);
}

void Consumer::heartbeat_tick() {
  if (!is_up() || closed_ || group_state_ != GroupState::kStable) return;
  // Kafka's heartbeat thread: poll() not called within max.poll.interval.ms -> leave the group.
  if (sim().now() - last_poll_us_ > ms_to_us(config_.max_poll_interval_ms)) {
    trace("consumer.poll_timeout",
          fmt::format("poll() not called for {}ms > max.poll.interval.ms={}: leaving the group",
                      us_to_ms(sim().now() - last_poll_us_), config_.max_poll_interval_ms));
    leave_group("consumer poll timeout has expired");
    return;
  }
  const std::uint64_t seq = ++heartbeat_seq_;
  if (coordinator_ >= 0) {
    auto req = std::make_shared<protocol::HeartbeatRequest>();
    req->group_id = config_.group_id;
    req->generation_id = generation_;
    req->member_id = member_id_;
    req->group_instance_id = config_.group_instance_id;
    request(coordinator_, req, [this](const protocol::KafkaMessage* m) {
      if (m == nullptr) return coordinator_lost("Heartbeat got no answer");
      const auto& resp = static_cast<const protocol::HeartbeatResponse&>(*m);
      if (resp.error != ErrorCode::kNone && group_state_ == GroupState::kStable) {
        handle_group_error(resp.error, "Heartbeat");
      }
    });
  } else {
    ensure_coordinator();
  }
  after(ms_to_us(config_.heartbeat_interval_ms), [this, seq] {
    if (seq == heartbeat_seq_) heartbeat_tick();
  });
}

void Consumer::leave_group(const std::string& reason) {
  ++heartbeat_seq_;
  // KIP-345: static members do not send LeaveGroup; the session timeout removes them.
  if (!config_.group_instance_id && coordinator_ >= 0 && !member_id_.empty()) {
    auto req = std::make_shared<protocol::LeaveGroupRequest>();
    req->group_id = config_.group_id;
    req->member_id = member_id_;
    req->reason = reason;
    request(coordinator_, req, [](const protocol::KafkaMessage*) {});
    member_event(MemberChange::kLeft, assignment());
    member_id_.clear();
  }
  generation_ = -1;
  group_state_ = GroupState::kUnjoined;
  rejoin_needed_ = true;
  joined_once_ = false;
}

}  // namespace kafkasim::client
