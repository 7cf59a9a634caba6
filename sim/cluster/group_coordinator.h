#pragma once
// GroupCoordinator: Kafka's classic group coordinator (kafka.coordinator.group.GroupCoordinator,
// GroupMetadata, GroupMetadataManager) running inside one Broker. It answers FindCoordinator for any
// group, and JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit and OffsetFetch for the groups
// whose __consumer_offsets partition (abs(Java String.hashCode(group.id)) % offsets.topic.num.partitions)
// this broker leads.
//
// Group state machine (one set_state): Empty -> PreparingRebalance -> CompletingRebalance -> Stable, and
// Dead when the partition is unloaded. A rebalance of an Empty group waits group.initial.rebalance.delay.ms
// (extended while members keep arriving, up to the rebalance timeout: Kafka's InitialDelayedJoin); other
// rebalances complete when every known member rejoined or after the rebalance timeout (the largest
// max.poll.interval.ms of the members), removing the members that did not rejoin. New dynamic members get
// their member id with MEMBER_ID_REQUIRED first (KIP-394). Static members (group.instance.id, KIP-345) that
// rejoin with an unknown member id while the group is Stable get a new member id and their old assignment
// without a rebalance; the old member id is fenced (FENCED_INSTANCE_ID). Sessions expire after the
// member's session.timeout.ms without a heartbeat.
//
// Durability: offset commits and group metadata (at the end of each rebalance) are records in
// __consumer_offsets (group_records.h), appended through the leader's append path with acks=all and
// answered when the HW covers them (offsets.commit.timeout.ms), so a commit survives a failover exactly
// when Kafka's would. Becoming leader of a partition loads it (reads the log from its start to the LEO, as
// GroupMetadataManager.doLoadGroupsAndOffsets does; COORDINATOR_LOAD_IN_PROGRESS meanwhile); losing
// leadership unloads its groups (Dead; clients get NOT_COORDINATOR and look for the new coordinator).
//
// Transactions (KIP-98, KIP-447): TxnOffsetCommit appends the offsets as ONE transactional batch of the
// producer (acks=all, answered at the HW); they stay pending for that producer id (Kafka's
// pendingTransactionalOffsetCommits) and are invisible to OffsetFetch until on_txn_marker reports the
// producer's COMMIT (materialized unless a commit later in the log is already there) or ABORT (dropped).
// Loading replays transactional batches and markers the same way; offsets of a still-open transaction stay
// pending. OffsetFetch with require_stable answers UNSTABLE_OFFSET_COMMIT for a partition with any pending
// commit (Kafka: GroupMetadata.hasPendingOffsetCommitsForTopicPartition).
//
// Simplifications: no offset expiry (offsets.retention.minutes), no group.max.size, no KIP-848 protocol,
// one LeaveGroup member per request. Lifecycle: owned by its Broker; reset() on a broker crash drops every
// in-memory structure (the log survives).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/cluster/cluster_config.h"
#include "sim/cluster/coordinator_util.h"
#include "sim/cluster/group_records.h"
#include "sim/core/event_queue.h"
#include "sim/core/rng.h"
#include "sim/net/network.h"
#include "sim/protocol/group_messages.h"
#include "sim/protocol/txn_messages.h"

namespace kafkasim::cluster {

class Broker;
class Controller;

inline constexpr std::string_view kOffsetsTopic = "__consumer_offsets";

// Creates __consumer_offsets with offsets.topic.num.partitions partitions and RF = min(
// offsets.topic.replication.factor, brokers), compacted (cleanup.policy=compact, segment.bytes=100 MiB as
// Kafka's offsets.topic.segment.bytes). Kafka creates it on the first FindCoordinator; kafkasim creates it
// at startup so the first group does not wait. Returns the controller's error code.
protocol::ErrorCode create_internal_topics(Controller& controller, const BrokerConfig& config, int brokers);
// The topic config of __consumer_offsets (brokers should get it through Broker::set_topic_config).
TopicConfig offsets_topic_config();
// The up broker that leads and has loaded `group`'s __consumer_offsets partition, or nullptr (for views).
const Broker* find_group_coordinator(const std::vector<Broker*>& brokers, std::string_view group);

enum class GroupState : std::uint8_t { kEmpty, kPreparingRebalance, kCompletingRebalance, kStable, kDead };
const char* to_string(GroupState s);

class GroupCoordinator {
 public:
  explicit GroupCoordinator(Broker& broker);
  ~GroupCoordinator();
  GroupCoordinator(const GroupCoordinator&) = delete;
  GroupCoordinator& operator=(const GroupCoordinator&) = delete;

  // True for the APIs this class answers.
  static bool handles(protocol::Api api);
  void handle(net::ConnectionId conn, NodeId from, const protocol::KafkaMessage& msg);

  // From the broker: the role of this broker for __consumer_offsets partition `partition` changed (or was
  // re-announced). Loads the partition when it becomes leader, unloads it otherwise.
  void on_partition_role(std::int32_t partition, bool leader, std::int32_t leader_epoch);
  // From the broker: the HW of a __consumer_offsets partition advanced (completes waiting appends).
  void on_hw_advanced(std::int32_t partition);
  // From the broker: the COMMIT (committed) or ABORT marker of `producer_id` on __consumer_offsets partition
  // `partition` is replicated (the HW passed it). Completes the producer's pending transactional offsets of
  // every group of that partition (Kafka: GroupMetadataManager.scheduleHandleTxnCompletion ->
  // GroupMetadata.completePendingTxnOffsetCommit). A no-op for producers with nothing pending here.
  void on_txn_marker(std::int32_t partition, std::int64_t producer_id, bool committed);
  // The broker crashed: drop everything.
  void reset();

  // --- observation (plain data) ---
  std::vector<std::string> group_ids() const;  // groups this broker currently coordinates, sorted
  std::optional<protocol::GroupDescription> describe(const std::string& group) const;
  // Committed offsets of a group (what OffsetFetch would answer), empty when unknown here.
  std::map<protocol::TopicPartition, std::int64_t> committed_offsets(const std::string& group) const;
  // Transactional offsets of a group waiting for their producer's marker (any producer; for a partition
  // pending for several producers, the one written last), empty when none or the group is unknown here.
  std::map<protocol::TopicPartition, std::int64_t> pending_txn_offsets(const std::string& group) const;
  bool loading(std::int32_t partition) const { return loading_.count(partition) != 0; }
  std::int32_t partition_for(std::string_view group) const;

 private:
  struct Member;
  struct Group;
  struct LoadReplay;
  // Runs when an append to __consumer_offsets completed (kNone: the HW covers it) or failed, with the base
  // offset of the appended batch (-1 when nothing was appended).
  using AppendDone = InternalTopicWriter::Done;
  using StoreDone = std::function<void(protocol::ErrorCode)>;
  // The producer of a transactional batch (TxnOffsetCommit).
  struct TxnProducer {
    std::int64_t producer_id = -1;
    std::int16_t producer_epoch = -1;
  };

  // routing
  protocol::ErrorCode owner_error(std::string_view group) const;
  Group* find_group(const std::string& id);
  Group& add_group(const std::string& id);  // an Empty group, or the existing one
  void send(net::ConnectionId conn, std::shared_ptr<protocol::KafkaMessage> msg);

  // membership (group_coordinator.cc; JoinGroup and the rebalance in group_join.cc)
  void handle_find_coordinator(net::ConnectionId conn, const protocol::FindCoordinatorRequest& req);
  void handle_join(net::ConnectionId conn, const protocol::JoinGroupRequest& req);
  void handle_sync(net::ConnectionId conn, const protocol::SyncGroupRequest& req);
  void handle_heartbeat(net::ConnectionId conn, const protocol::HeartbeatRequest& req);
  void handle_leave(net::ConnectionId conn, const protocol::LeaveGroupRequest& req);
  void join_error(net::ConnectionId conn, std::int32_t corr, protocol::ErrorCode error, std::string member_id = "");
  protocol::ErrorCode validate_member(const Group& g, const std::string& member_id,
                                      const std::optional<std::string>& instance_id) const;
  void add_member_and_rebalance(Group& g, net::ConnectionId conn, const protocol::JoinGroupRequest& req,
                                const std::string& member_id);
  void replace_static_member(Group& g, net::ConnectionId conn, const protocol::JoinGroupRequest& req);
  void set_state(Group& g, GroupState s, std::string_view why);
  void prepare_rebalance(Group& g, const std::string& reason);
  void maybe_complete_join(Group& g);
  void on_join_timer(const std::string& group);
  void complete_join(Group& g);
  void send_join_response(Group& g, Member& m);
  void complete_sync(Group& g);
  void reset_pending_syncs(Group& g, protocol::ErrorCode error);
  void schedule_session(Group& g, Member& m);
  void on_session_expired(const std::string& group, const std::string& member, std::uint64_t session_seq);
  void remove_member(Group& g, const std::string& member_id, const std::string& why);
  std::string new_member_id(const std::string& prefix);

  // offsets and durability (group_offsets.cc)
  void handle_offset_commit(net::ConnectionId conn, const protocol::OffsetCommitRequest& req);
  void handle_offset_fetch(net::ConnectionId conn, const protocol::OffsetFetchRequest& req);
  void handle_txn_offset_commit(net::ConnectionId conn, const protocol::TxnOffsetCommitRequest& req);
  protocol::ErrorCode producer_epoch_error(std::int32_t partition, const TxnProducer& producer) const;
  void store_group(Group& g, StoreDone done);
  // Appends `records` as one batch (transactional for `txn`) through writer_; `done` runs in a later
  // event. Returns the batch's base offset, or -1 when the append failed at once.
  std::int64_t append(std::int32_t partition, InternalRecords records, AppendDone done,
                      std::optional<TxnProducer> txn = std::nullopt);
  void load_partition(std::int32_t partition, std::int32_t leader_epoch);
  void install_loaded(std::int32_t partition, LoadReplay& replay);
  void unload_partition(std::int32_t partition);

  Broker& broker_;
  Rng rng_;
  std::int32_t num_partitions_;
  std::int64_t initial_delay_ms_;
  InternalTopicWriter writer_;  // appends to __consumer_offsets (offsets.commit.timeout.ms)

  // volatile
  std::map<std::string, std::unique_ptr<Group>> groups_;
  std::map<std::int32_t, std::int32_t> led_;       // partition -> leader epoch (loaded or loading)
  std::set<std::int32_t> loading_;
  std::uint64_t next_session_seq_ = 1;
};

}  // namespace kafkasim::cluster
