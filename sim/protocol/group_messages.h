#pragma once
// Kafka's classic consumer-group protocol messages (data only): FindCoordinator, JoinGroup, SyncGroup,
// Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, with Kafka's field names, plus GroupDescription, the
// shape of a DescribeGroups answer that the lag table and the visualizer read.
//
// Simplification: Kafka carries a member's subscription (ConsumerProtocolSubscription) and assignment
// (ConsumerProtocolAssignment) as opaque bytes; kafkasim carries them as structs (ConsumerSubscription,
// assignment lists). The coordinator serialises them as bytes only in its __consumer_offsets records.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/protocol/messages.h"

namespace kafkasim::protocol {

// Kafka: ConsumerProtocolSubscription (v1: topics, userData, ownedPartitions; KIP-429) plus the generation
// the sticky assignors read from their userData.
struct ConsumerSubscription {
  std::vector<std::string> topics;
  std::vector<TopicPartition> owned_partitions;
  std::int32_t generation = -1;
  auto operator<=>(const ConsumerSubscription&) const = default;
};

// One entry of JoinGroupRequest.protocols: an assignor name and the member's subscription for it.
struct JoinGroupProtocol {
  std::string name;  // "range", "roundrobin", "sticky", "cooperative-sticky"
  ConsumerSubscription metadata;
  auto operator<=>(const JoinGroupProtocol&) const = default;
};

// ---------------------------------------------------------------- FindCoordinator
struct FindCoordinatorRequest : KafkaMessage {
  std::string key;       // the group.id
  std::int8_t key_type = 0;  // 0 = GROUP, 1 = TRANSACTION
  FindCoordinatorRequest() : KafkaMessage(Api::kFindCoordinator, false) {}
};
struct FindCoordinatorResponse : KafkaMessage {
  ErrorCode error = ErrorCode::kNone;
  std::int32_t node_id = -1;
  FindCoordinatorResponse() : KafkaMessage(Api::kFindCoordinator, true) {}
};

// ---------------------------------------------------------------- JoinGroup
struct JoinGroupRequest : KafkaMessage {
  std::string group_id;
  std::int32_t session_timeout_ms = 45000;     // Kafka: session.timeout.ms
  std::int32_t rebalance_timeout_ms = 300000;  // Kafka: max.poll.interval.ms
  std::string member_id;                       // "" on the first join (KIP-394)
  std::optional<std::string> group_instance_id;  // Kafka: group.instance.id (KIP-345)
  std::string client_id;
  std::string client_host;
  std::vector<JoinGroupProtocol> protocols;    // partition.assignment.strategy, in preference order
  std::string reason;                          // KIP-800
  JoinGroupRequest() : KafkaMessage(Api::kJoinGroup, false) {}
};
struct JoinGroupMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  ConsumerSubscription metadata;  // for the chosen protocol
};
struct JoinGroupResponse : KafkaMessage {
  ErrorCode error = ErrorCode::kNone;
  std::int32_t generation_id = -1;
  std::string protocol_name;
  std::string leader;
  bool skip_assignment = false;  // KIP-814: a static leader rejoining a stable group
  std::string member_id;
  std::vector<JoinGroupMember> members;  // only for the leader; in the coordinator's member order
  JoinGroupResponse() : KafkaMessage(Api::kJoinGroup, true) {}
};

// ---------------------------------------------------------------- SyncGroup
struct SyncGroupAssignment {
  std::string member_id;
  std::vector<TopicPartition> assignment;
};
struct SyncGroupRequest : KafkaMessage {
  std::string group_id;
  std::int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string protocol_name;
  std::vector<SyncGroupAssignment> assignments;  // only from the leader
  SyncGroupRequest() : KafkaMessage(Api::kSyncGroup, false) {}
};
struct SyncGroupResponse : KafkaMessage {
  ErrorCode error = ErrorCode::kNone;
  std::string protocol_name;
  std::vector<TopicPartition> assignment;
  SyncGroupResponse() : KafkaMessage(Api::kSyncGroup, true) {}
};

// ---------------------------------------------------------------- Heartbeat
struct HeartbeatRequest : KafkaMessage {
  std::string group_id;
  std::int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  HeartbeatRequest() : KafkaMessage(Api::kHeartbeat, false) {}
};
struct HeartbeatResponse : KafkaMessage {
  ErrorCode error = ErrorCode::kNone;
  HeartbeatResponse() : KafkaMessage(Api::kHeartbeat, true) {}
};

// ---------------------------------------------------------------- LeaveGroup (v3+: a list of members)
struct LeaveGroupRequest : KafkaMessage {
  std::string group_id;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string reason;
  LeaveGroupRequest() : KafkaMessage(Api::kLeaveGroup, false) {}
};
struct LeaveGroupResponse : KafkaMessage {
  ErrorCode error = ErrorCode::kNone;
  LeaveGroupResponse() : KafkaMessage(Api::kLeaveGroup, true) {}
};

// ---------------------------------------------------------------- OffsetCommit / OffsetFetch
struct OffsetCommitPartition {
  TopicPartition tp;
  std::int64_t committed_offset = -1;
  std::int32_t committed_leader_epoch = -1;
  std::string metadata;
};
struct OffsetCommitRequest : KafkaMessage {
  std::string group_id;
  std::int32_t generation_id = -1;  // -1 with member_id "": a standalone (manual assign) commit
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::vector<OffsetCommitPartition> partitions;
  OffsetCommitRequest() : KafkaMessage(Api::kOffsetCommit, false) {}
};
struct OffsetCommitResponse : KafkaMessage {
  std::vector<std::pair<TopicPartition, ErrorCode>> partitions;
  OffsetCommitResponse() : KafkaMessage(Api::kOffsetCommit, true) {}
};
struct OffsetFetchRequest : KafkaMessage {
  std::string group_id;
  std::vector<TopicPartition> partitions;
  // KIP-447: a read_committed consumer asks for stable offsets; a partition with a pending transactional
  // commit answers UNSTABLE_OFFSET_COMMIT (retriable) until its marker arrives.
  bool require_stable = false;
  OffsetFetchRequest() : KafkaMessage(Api::kOffsetFetch, false) {}
};
struct OffsetFetchPartition {
  TopicPartition tp;
  std::int64_t committed_offset = -1;  // -1: none
  std::int32_t committed_leader_epoch = -1;
  ErrorCode error = ErrorCode::kNone;
};
struct OffsetFetchResponse : KafkaMessage {
  ErrorCode error = ErrorCode::kNone;  // group-level: COORDINATOR_LOAD_IN_PROGRESS, NOT_COORDINATOR ...
  std::vector<OffsetFetchPartition> partitions;
  OffsetFetchResponse() : KafkaMessage(Api::kOffsetFetch, true) {}
};

// ---------------------------------------------------------------- DescribeGroups (as data)
struct GroupMemberDescription {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  std::vector<TopicPartition> assignment;
  std::vector<TopicPartition> subscribed_owned;  // what the member said it owns at its last join
  // Cooperative rebalances (KIP-429): partitions the member owned when it joined that its new assignment
  // takes away; they move to their new owner in the follow-up rebalance.
  std::vector<TopicPartition> revoking;
};
struct GroupDescription {
  std::string group_id;
  std::string state;  // Empty, PreparingRebalance, CompletingRebalance, Stable, Dead
  std::string protocol_type = "consumer";
  std::string protocol;  // the chosen assignor
  std::int32_t generation = 0;
  std::string leader;
  std::int32_t coordinator = -1;
  std::int32_t rebalances = 0;
  std::vector<GroupMemberDescription> members;
};

}  // namespace kafkasim::protocol
