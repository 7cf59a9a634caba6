#pragma once
// Private to the group coordinator's .cc files: Kafka's GroupMetadata / MemberMetadata, an offset with the
// log offset of the record that wrote it, and a pending append to __consumer_offsets.
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/assign/assignor.h"
#include "sim/cluster/group_coordinator.h"

namespace kafkasim::cluster {

// Kafka's CommitRecordMetadataAndOffset: a committed offset and the __consumer_offsets offset of the batch
// that wrote it (appendedBatchOffset; the first record's offset when loaded from the log).
struct StoredOffset {
  OffsetCommitValue value;
  std::int64_t log_offset = -1;
  // Kafka: CommitRecordMetadataAndOffset.olderThan: the later record in the log wins.
  bool older_than(const StoredOffset& o) const { return log_offset < o.log_offset; }
};
using StoredOffsets = std::map<protocol::TopicPartition, StoredOffset>;

// Kafka's MemberMetadata.
struct GroupCoordinator::Member {
  std::string member_id;
  std::optional<std::string> instance_id;  // Kafka: group.instance.id
  std::string client_id;
  std::string client_host;
  std::int32_t session_timeout_ms = 45000;
  std::int32_t rebalance_timeout_ms = 300000;
  std::vector<protocol::JoinGroupProtocol> protocols;
  std::vector<protocol::TopicPartition> assignment;
  // a JoinGroup / SyncGroup waiting for the rebalance (Kafka's awaitingJoinCallback / awaitingSyncCallback)
  bool awaiting_join = false;
  net::ConnectionId join_conn{};
  std::int32_t join_correlation = -1;
  bool awaiting_sync = false;
  net::ConnectionId sync_conn{};
  std::int32_t sync_correlation = -1;
  TimerId session_timer{};
  std::uint64_t session_seq = 0;

  const protocol::ConsumerSubscription* metadata_for(const std::string& protocol) const {
    for (const auto& p : protocols) {
      if (p.name == protocol) return &p.metadata;
    }
    return nullptr;
  }
};

// Kafka's GroupMetadata.
struct GroupCoordinator::Group {
  std::string id;
  std::int32_t partition = 0;  // of __consumer_offsets
  GroupState state = GroupState::kEmpty;
  std::int32_t generation = 0;
  std::string protocol;  // "" when none
  std::string leader;    // "" when none
  std::map<std::string, Member> members;
  std::vector<std::string> member_order;  // join order (the order the leader sees the members in)
  std::set<std::string> pending_members;  // KIP-394: ids handed out with MEMBER_ID_REQUIRED
  std::map<std::string, std::string> static_members;  // group.instance.id -> member id
  StoredOffsets offsets;  // committed (what OffsetFetch answers)
  // Kafka: pendingOffsetCommits: OffsetCommit batches appended but not yet covered by the HW, by the batch's
  // log offset.
  std::map<std::int64_t, std::vector<protocol::TopicPartition>> pending_commits;
  // Kafka: pendingTransactionalOffsetCommits: TxnOffsetCommit offsets per producer id, waiting for that
  // producer's COMMIT / ABORT marker on this group's __consumer_offsets partition.
  std::map<std::int64_t, StoredOffsets> pending_txn_offsets;
  // rebalance timer: InitialDelayedJoin (initial_delay) or DelayedJoin
  TimerId join_timer{};
  bool join_timer_set = false;
  bool initial_delay = false;
  bool new_member_added = false;
  std::int64_t initial_remaining_ms = 0;
  std::int32_t rebalances = 0;

  // Kafka: ClassicGroup.selectProtocol over the current members ("" when they share none).
  std::string select_protocol() const {
    std::vector<assign::MemberProtocols> votes;
    for (const auto& id : member_order) {
      assign::MemberProtocols mp{id, {}};
      for (const auto& p : members.at(id).protocols) mp.protocols.push_back(p.name);
      votes.push_back(std::move(mp));
    }
    return assign::select_protocol(votes).value_or("");
  }

  // Kafka: GroupMetadata.hasPendingOffsetCommitsForTopicPartition (KIP-447 require_stable).
  bool has_pending_commit(const protocol::TopicPartition& tp) const {
    for (const auto& [log_offset, tps] : pending_commits) {
      if (std::find(tps.begin(), tps.end(), tp) != tps.end()) return true;
    }
    for (const auto& [producer_id, offs] : pending_txn_offsets) {
      if (offs.count(tp) != 0) return true;
    }
    return false;
  }

  std::int32_t max_rebalance_timeout_ms() const {
    std::int32_t t = 0;
    for (const auto& [id, m] : members) t = std::max(t, m.rebalance_timeout_ms);
    return t;
  }
};

}  // namespace kafkasim::cluster
