#pragma once
// Consumer: Kafka's KafkaConsumer (classic group protocol) as a simulated client node, with a simple
// application model on top: a poll loop that hands out up to max.poll.records records, processes each for
// a simulated processing time, and commits according to a ProcessingMode.
//
// Client side of the group (Kafka's AbstractCoordinator + ConsumerCoordinator): FindCoordinator, JoinGroup
// (MEMBER_ID_REQUIRED retry, KIP-394), the leader runs the assignor chosen by the coordinator's vote
// (sim/assign) over its metadata and sends SyncGroup, heartbeats every heartbeat.interval.ms from a
// "background thread" that keeps running while the application processes, leaves the group when poll()
// was not called within max.poll.interval.ms, and rejoins at the next poll. Eager protocols revoke every
// partition before joining; cooperative-sticky revokes only the partitions that move and then rejoins for
// the follow-up rebalance (KIP-429). Static membership: group.instance.id, no LeaveGroup on close.
// Fetcher + SubscriptionState: one fetch in flight per partition leader (fetch.min.bytes, fetch.max.wait.ms,
// max.partition.fetch.bytes, fetch.max.bytes), records below the HW (read_uncommitted) or the LSO
// (read_committed, aborted transactions dropped), position (next offset to hand out) vs committed offset,
// auto.offset.reset earliest / latest / none, seek(); leader changes and dead brokers are followed by
// refreshing metadata. Records come back in offset order per partition.
// Connections (Kafka's NetworkClient): after a connection to a broker fails or closes, a new one is opened
// only after reconnect.backoff.ms, growing to reconnect.backoff.max.ms (ReconnectBackoff, KIP-144);
// requests for a blacked-out broker wait for it, and the least loaded node avoids blacked-out brokers.
// Commits: enable.auto.commit (every auto.commit.interval.ms during poll, before a rebalance and on close,
// committing positions, i.e. records handed out but maybe not processed yet), commitSync / commitAsync.
// Exactly-once (KIP-98, KIP-447): in ProcessingMode::kTransactional the consumer never commits; the
// application (a consume-transform-produce processor) commits positions() through a transactional
// producer's send_offsets_to_transaction with group_metadata(), and tells the consumer through
// hooks.on_batch_processed's resume(ok) when the next poll may run; resume(false) (the transaction
// aborted) rewinds every assigned partition to its committed offset. With isolation.level=read_committed
// OffsetFetch sets require_stable and is retried after retry.backoff.ms while a partition answers
// UNSTABLE_OFFSET_COMMIT (a transactional offset commit is still pending).
//
// Lifecycle: a Node. crash (kill) drops every volatile field, with no LeaveGroup; restart rejoins with the
// same subscription (what the application would do at boot). close() commits (auto-commit), sends
// LeaveGroup (dynamic members only) and stops the node. The dedup store of kIdempotent outlives crashes
// (it models an external database) and may be shared by every member of a group.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/client/group_metadata.h"
#include "sim/client/reconnect_backoff.h"
#include "sim/core/node.h"
#include "sim/core/rng.h"
#include "sim/net/network.h"
#include "sim/protocol/group_messages.h"

namespace kafkasim::client {

enum class OffsetReset : std::uint8_t { kEarliest, kLatest, kNone };
const char* to_string(OffsetReset r);

// When the application commits, relative to processing (what decides the delivery semantics).
enum class ProcessingMode : std::uint8_t {
  kAutoCommit,              // rely on enable.auto.commit
  kCommitBeforeProcessing,  // commitSync right after poll, then process: at-most-once
  kCommitAfterProcessing,   // process the batch, then commitSync: at-least-once
  kIdempotent,              // commit after processing, and a dedup store drops re-read records
  kTransactional,           // never commit: the application commits offsets in its producer's transaction
};

struct ConsumerConfig {
  std::string client_id = "consumer";            // Kafka: client.id
  std::string group_id;                          // Kafka: group.id ("" = no group: assign() only)
  std::optional<std::string> group_instance_id;  // Kafka: group.instance.id (KIP-345)
  std::vector<std::string> assignment_strategies = {"range", "cooperative-sticky"};  // Kafka: partition.assignment.strategy
  std::int32_t max_poll_records = 500;           // Kafka: max.poll.records
  std::int32_t max_poll_interval_ms = 300000;    // Kafka: max.poll.interval.ms
  std::int32_t session_timeout_ms = 45000;       // Kafka: session.timeout.ms
  std::int64_t heartbeat_interval_ms = 3000;     // Kafka: heartbeat.interval.ms
  bool enable_auto_commit = true;                // Kafka: enable.auto.commit
  std::int64_t auto_commit_interval_ms = 5000;   // Kafka: auto.commit.interval.ms
  OffsetReset auto_offset_reset = OffsetReset::kLatest;  // Kafka: auto.offset.reset
  std::int32_t fetch_min_bytes = 1;              // Kafka: fetch.min.bytes
  std::int32_t fetch_max_wait_ms = 500;          // Kafka: fetch.max.wait.ms
  std::int32_t fetch_max_bytes = 52428800;       // Kafka: fetch.max.bytes
  std::int32_t max_partition_fetch_bytes = 1048576;  // Kafka: max.partition.fetch.bytes
  std::int64_t request_timeout_ms = 30000;       // Kafka: request.timeout.ms
  std::int64_t retry_backoff_ms = 100;           // Kafka: retry.backoff.ms
  std::int64_t reconnect_backoff_ms = 50;        // Kafka: reconnect.backoff.ms
  std::int64_t reconnect_backoff_max_ms = 1000;  // Kafka: reconnect.backoff.max.ms (KIP-144)
  std::int64_t metadata_max_age_ms = 300000;     // Kafka: metadata.max.age.ms
  protocol::IsolationLevel isolation = protocol::IsolationLevel::kReadUncommitted;  // Kafka: isolation.level
  // --- the application (kafkasim) ---
  TimeUs processing_time_us = 0;                 // per record
  ProcessingMode mode = ProcessingMode::kAutoCommit;
  std::int64_t poll_timeout_ms = 100;            // the Duration passed to poll()
  std::string host;                              // shown as HOST in the lag table ("" = "/10.0.<id / 256>.<id % 256>")
};

struct ConsumedRecord {
  std::uint64_t id = 0;  // header kafkasim.id (0 when absent)
  protocol::TopicPartition tp;
  std::int64_t offset = 0;
  std::int64_t timestamp_ms = 0;
  std::optional<std::string> key;
};

enum class MemberChange : std::uint8_t { kJoined, kLeft, kCrashed, kFenced, kAssigned, kRevoked };
const char* to_string(MemberChange c);

struct ConsumerHooks {
  std::function<void(const ConsumedRecord&)> on_poll;       // poll() handed the record to the application
  std::function<void(const ConsumedRecord&)> on_processed;  // the application finished it
  // One partition of an OffsetCommit answered (offset = next offset to read).
  std::function<void(const protocol::TopicPartition&, std::int64_t offset, protocol::ErrorCode)> on_commit;
  std::function<void(const protocol::TopicPartition&, std::int64_t offset, const std::string& reason)> on_seek;
  std::function<void(MemberChange, const std::vector<protocol::TopicPartition>&, std::int32_t generation)>
      on_member_event;
  // kTransactional: a polled batch was processed; the consumer polls again only after resume(ok) runs
  // (at once or in a later event). ok=false: the transaction aborted, so every assigned partition goes
  // back to its committed offset (OffsetFetch) before the next poll. Without this hook the consumer polls
  // on at once. A resume() from before a crash of the consumer is ignored.
  // (`= {}`: older aggregate initialisations of ConsumerHooks stay free of -Wmissing-field-initializers.)
  std::function<void(std::function<void(bool ok)> resume)> on_batch_processed = {};
};

struct ConsumerStats {
  std::int64_t polled = 0;
  std::int64_t processed = 0;
  std::int64_t duplicates_skipped = 0;  // kIdempotent: re-read records the dedup store dropped
  std::int64_t commits_ok = 0;
  std::int64_t commits_failed = 0;
  std::int64_t rebalances = 0;  // successful SyncGroups
  std::int64_t fetches = 0;
};

// One assigned partition, as the visualizer and the lag table show it.
struct ConsumerPartitionView {
  protocol::TopicPartition tp;
  std::int64_t position = -1;   // next offset poll() hands out (-1: not initialised yet)
  std::int64_t committed = -1;  // last offset this consumer committed successfully
  std::int64_t high_watermark = -1;
  std::int64_t log_end_offset = -1;
  std::size_t buffered = 0;
};

class Consumer : public Node, public net::Endpoint {
 public:
  Consumer(Simulation& sim, NodeId id, net::Network& net, std::vector<NodeId> bootstrap, ConsumerConfig config);
  ~Consumer() override;

  // KafkaConsumer.subscribe (group management). Survives crashes (the application subscribes at boot).
  void subscribe(std::vector<std::string> topics);
  // KafkaConsumer.assign (manual assignment, no group membership).
  void assign(std::vector<protocol::TopicPartition> partitions);
  // KafkaConsumer.seek. REQUIRES: tp assigned.
  void seek(const protocol::TopicPartition& tp, std::int64_t offset);
  void commit_sync();
  void commit_async();
  // KafkaConsumer.close: auto-commit, LeaveGroup (dynamic members), then the node stops.
  void close();
  // A slow consumer: processing time per record from now on.
  void set_processing_time(TimeUs per_record) { config_.processing_time_us = per_record; }
  void set_hooks(ConsumerHooks hooks) { hooks_ = std::move(hooks); }
  void set_dedup_store(std::shared_ptr<std::set<std::uint64_t>> store) { dedup_ = std::move(store); }

  const ConsumerConfig& config() const { return config_; }
  const ConsumerStats& stats() const { return stats_; }
  const std::string& member_id() const { return member_id_; }
  std::int32_t generation() const { return generation_; }
  bool stable() const { return group_state_ == GroupState::kStable; }
  std::vector<protocol::TopicPartition> assignment() const;
  // KafkaConsumer.groupMetadata(): what send_offsets_to_transaction needs to fence a zombie (KIP-447).
  GroupMetadata group_metadata() const;
  // The next offset poll() hands out per assigned partition with a known position (KafkaConsumer.position),
  // i.e. the offsets to commit after processing everything polled.
  std::map<protocol::TopicPartition, std::int64_t> positions() const;
  std::vector<ConsumerPartitionView> partitions() const;
  std::string host() const;

  void on_message(net::ConnectionId conn, NodeId from, net::MessagePtr msg) override;
  void on_disconnect(net::ConnectionId conn, NodeId peer) override;

 protected:
  void on_start() override;
  void on_crash() override;

 private:
  using Callback = std::function<void(const protocol::KafkaMessage*)>;  // nullptr: no answer
  struct Connection;
  struct PartitionState;
  enum class GroupState : std::uint8_t { kUnjoined, kJoining, kSyncing, kStable };

  // plumbing (consumer.cc)
  void request(std::int32_t broker, std::shared_ptr<protocol::KafkaMessage> req, Callback cb);
  void fail_connection(std::int32_t broker);
  // A new Connection to `broker`, connected now or, while the broker is blacked out, when its backoff ends.
  Connection& open_connection(std::int32_t broker);
  void connect_after_backoff(std::int32_t broker);
  std::int32_t any_broker();
  void request_metadata();
  std::int32_t leader_of(const protocol::TopicPartition& tp) const;
  std::int32_t partition_count(const std::string& topic) const;
  void member_event(MemberChange what, const std::vector<protocol::TopicPartition>& tps);
  void trace(std::string_view kind, std::string details);

  // group membership (consumer_group.cc)
  void ensure_coordinator();
  void coordinator_lost(const char* why);
  void join_group();
  void send_join();
  void handle_join(const protocol::JoinGroupResponse& resp);
  void handle_sync(const protocol::SyncGroupResponse& resp);
  void on_assignment(std::vector<protocol::TopicPartition> assigned);
  void revoke(const std::vector<protocol::TopicPartition>& tps);
  void heartbeat_tick();
  bool handle_group_error(protocol::ErrorCode e, const char* where);
  void leave_group(const std::string& reason);
  bool cooperative() const;

  // fetching, polling, processing, commits (consumer_fetch.cc)
  void poll();
  void schedule_poll(TimeUs delay);
  void init_positions();
  void reset_position(const protocol::TopicPartition& tp, const std::string& why);
  void send_fetches();
  void handle_fetch(std::int32_t broker, const protocol::FetchResponse& resp,
                    const std::map<protocol::TopicPartition, std::int64_t>& sent_offsets);
  void process_next();
  void finish_batch();
  // Commits the current positions. done(ok) runs after the answer (sync) or at once (async).
  void commit(bool sync, std::function<void(bool ok)> done);
  // enable.auto.commit, except in kTransactional mode (the processor commits through its producer).
  bool auto_commit() const { return config_.enable_auto_commit && config_.mode != ProcessingMode::kTransactional; }
  // kTransactional, resume(false): every assigned partition forgets its position (OffsetFetch again).
  void rewind_to_committed();

  net::Network& net_;
  std::vector<NodeId> bootstrap_;
  ConsumerConfig config_;
  ConsumerHooks hooks_;
  ConsumerStats stats_;
  Rng rng_;
  Rng reconnect_rng_;  // jitter of reconnect.backoff.ms
  std::shared_ptr<std::set<std::uint64_t>> dedup_;
  // what the application asked for (survives crashes)
  std::vector<std::string> subscription_;
  std::vector<protocol::TopicPartition> manual_assignment_;
  bool closed_ = false;

  // volatile
  std::map<std::int32_t, std::unique_ptr<Connection>> connections_;
  ReconnectBackoff reconnect_;
  std::int32_t next_correlation_ = 1;
  std::map<std::string, std::vector<std::pair<std::int32_t, std::int32_t>>> metadata_;  // leader, epoch
  bool metadata_pending_ = false;
  std::uint64_t metadata_refresh_seq_ = 0;
  // The leader's partition counts when it last assigned (Kafka: assignmentSnapshot); a change in the
  // metadata makes the leader rejoin so new partitions get assigned.
  std::map<std::string, std::int32_t> assigned_topic_counts_;
  std::int32_t coordinator_ = -1;
  bool coordinator_pending_ = false;
  TimeUs coordinator_retry_at_us_ = 0;
  GroupState group_state_ = GroupState::kUnjoined;
  std::string member_id_;
  std::int32_t generation_ = -1;
  std::string protocol_;
  bool rejoin_needed_ = true;
  bool joined_once_ = false;
  std::uint64_t heartbeat_seq_ = 0;
  std::map<protocol::TopicPartition, std::unique_ptr<PartitionState>> assigned_;
  std::set<std::int32_t> fetching_from_;  // brokers with a fetch in flight
  bool offset_fetch_pending_ = false;
  std::uint64_t batch_seq_ = 0;  // identifies the batch a resume() belongs to (bumped per batch and crash)
  // the application thread
  TimeUs last_poll_us_ = 0;
  TimeUs next_auto_commit_us_ = 0;
  bool poll_scheduled_ = false;
  TimerId poll_timer_{};
  bool app_busy_ = false;        // processing a batch or blocked in commitSync
  bool waiting_in_poll_ = false;
  std::deque<ConsumedRecord> batch_;
};

}  // namespace kafkasim::client
