#pragma once
// Replica: one broker's copy of one partition: its log on the broker's disk, and the replication state
// Kafka keeps for it (kafka.cluster.Partition + Replica).
//
// As LEADER (for leader_epoch): appends producer batches stamped with the epoch; tracks each follower's
// log end offset and lastCaughtUpTime from its fetches (Kafka's Replica.updateFetchState); advances the
// high watermark to the minimum LEO over the ISR, and not at all while the ISR is smaller than
// min.insync.replicas (Kafka 3.7+); proposes ISR shrinks (a follower not caught up for
// replica.lag.time.max.ms) and expansions (a follower whose LEO reached the HW and the start of the
// leader's epoch) to the controller with AlterPartition (KIP-497), one at a time, using the "maximal ISR"
// while a change is pending. Keeps the idempotent producers' state: the last 5 batches per producer id
// (ProducerStateManager), answering a duplicate with the original offsets.
// As FOLLOWER: appends what it fetched, takes HW = min(leader HW, own LEO), and truncates when the leader
// reports a diverging epoch (KIP-101 / KIP-279 / KIP-320).
//
// Owned by its Broker; dropped on a crash (only the log on disk survives) and rebuilt by recovery.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/cluster/cluster_config.h"
#include "sim/core/time.h"
#include "sim/log/partition_log.h"
#include "sim/protocol/messages.h"

namespace kafkasim::cluster {

struct FollowerState {
  std::int64_t log_end_offset = -1;  // from its last fetch offset
  TimeUs last_fetch_us = -1;
  TimeUs last_caught_up_us = -1;
  std::int64_t last_fetch_leader_leo = -1;
};

// Kafka's ProducerStateManager entry: the last (up to 5) batches of one producer id on this partition.
struct ProducerBatchMeta {
  std::int32_t first_seq = -1;
  std::int32_t last_seq = -1;
  std::int64_t first_offset = -1;
  std::int64_t last_offset = -1;
  std::int64_t timestamp_ms = -1;
};
struct ProducerEntry {
  std::int16_t epoch = -1;
  std::vector<ProducerBatchMeta> batches;  // oldest first, at most kMaxBatchesPerProducer
  std::int64_t current_txn_first_offset = -1;  // an open transaction's first offset, -1 if none
  std::int32_t coordinator_epoch = -1;  // of the last transaction marker (TRANSACTION_COORDINATOR_FENCED)
};
inline constexpr std::size_t kMaxBatchesPerProducer = 5;

enum class ReplicaRole : std::uint8_t { kNone, kLeader, kFollower };

class Replica {
 public:
  Replica(protocol::TopicPartition tp, std::unique_ptr<PartitionLog> log, TopicConfig config);

  const protocol::TopicPartition& tp() const { return tp_; }
  PartitionLog& log() { return *log_; }
  const PartitionLog& log() const { return *log_; }
  const TopicConfig& config() const { return config_; }
  void set_config(const TopicConfig& config) { config_ = config; }

  // --- metadata from the controller ---
  ReplicaRole role() const { return role_; }
  std::int32_t leader() const { return leader_; }
  std::int32_t leader_epoch() const { return leader_epoch_; }
  std::int32_t partition_epoch() const { return partition_epoch_; }
  const std::vector<std::int32_t>& replicas() const { return replicas_; }
  const std::vector<std::int32_t>& isr() const { return isr_; }
  std::int64_t high_watermark() const { return high_watermark_; }
  std::int64_t log_end_offset() const;
  std::int64_t log_start_offset() const;

  // Applies a partition state for broker `self`. Returns the role change (kNone when unchanged).
  struct Transition {
    bool became_leader = false;
    bool became_follower = false;
    bool leader_changed = false;
  };
  Transition apply_state(const protocol::PartitionState& state, std::int32_t self, TimeUs now);

  // --- leader ---
  struct LeaderAppend {
    protocol::ErrorCode error = protocol::ErrorCode::kNone;
    std::int64_t base_offset = -1;
    std::int64_t last_offset = -1;
    std::int64_t log_append_time_ms = -1;
    bool duplicate = false;  // an idempotent retry: answered with the original offsets
    std::string error_message;
  };
  LeaderAppend append_as_leader(Bytes batch, std::int16_t acks, std::int64_t wall_clock_ms);
  // Appends a COMMIT or ABORT marker (a control batch, origin COORDINATOR) for `producer_id`, as Kafka's
  // WriteTxnMarkers does with requiredAcks=-1: NOT_ENOUGH_REPLICAS below min.insync.replicas,
  // INVALID_PRODUCER_EPOCH for an epoch older than the producer's, TRANSACTION_COORDINATOR_FENCED for a
  // coordinator epoch older than the last marker's. Returns the marker's offset in base/last_offset.
  LeaderAppend append_marker(std::int64_t producer_id, std::int16_t producer_epoch, bool commit,
                             std::int32_t coordinator_epoch, std::int64_t wall_clock_ms);
  // Records a follower's fetch at fetch_offset; returns true when the HW advanced.
  bool on_follower_fetch(std::int32_t follower, std::int64_t fetch_offset, TimeUs now);
  // Recomputes the HW from the ISR; returns true when it advanced.
  bool maybe_advance_hw();
  // The ISR change the leader should propose now, if any (reason filled). Only brokers in `eligible` (the
  // live ones: registered, unfenced, not shutting down) may be added, as Kafka's
  // Partition.isReplicaIsrEligible (KIP-841); nullptr: any.
  std::optional<std::vector<std::int32_t>> isr_change_wanted(TimeUs now, TimeUs lag_max_us, std::string& reason,
                                                             const std::vector<std::int32_t>* eligible = nullptr);
  bool alter_pending() const { return alter_pending_; }
  void set_alter_pending(bool pending, std::vector<std::int32_t> proposed = {});
  void on_alter_result(const protocol::AlterPartitionResponse& resp);
  const std::map<std::int32_t, FollowerState>& followers() const { return followers_; }

  // --- follower ---
  // Appends fetched batches (offsets assigned by the leader) and takes the leader's HW.
  protocol::ErrorCode append_as_follower(const protocol::SharedBytes& batches, std::int64_t leader_hw);
  // Truncates to `offset` (divergence or unclean election). Returns the number of offsets removed.
  std::int64_t truncate_to(std::int64_t offset);

  // --- crash recovery ---
  // Rebuilds the producer state by scanning the log (after recovery or a truncation).
  void rebuild_producer_state();
  const std::map<std::int64_t, ProducerEntry>& producers() const { return producers_; }

  // Last stable offset for read_committed: min(first unstable offset, HW).
  std::int64_t last_stable_offset() const;
  // Aborted transactions overlapping [from, to) for read_committed fetches.
  std::vector<protocol::AbortedTransaction> aborted_transactions(std::int64_t from, std::int64_t to) const;
  // Records an aborted transaction (from the abort marker), for aborted_transactions().
  void note_aborted(std::int64_t producer_id, std::int64_t first_offset, std::int64_t last_offset);

 private:
  // Applies the batches in `bytes` to the producer state (idempotence and open transactions).
  void update_producer_state(Bytes bytes);
  // Applies one batch (its header, with the offsets as stored; the bytes for control records).
  void apply_producer_batch(const BatchHeader& h, Bytes batch);

  protocol::TopicPartition tp_;
  std::unique_ptr<PartitionLog> log_;
  TopicConfig config_;
  ReplicaRole role_ = ReplicaRole::kNone;
  std::int32_t self_ = -1;
  std::int32_t leader_ = -1;
  std::int32_t leader_epoch_ = -1;
  std::int32_t partition_epoch_ = -1;
  std::vector<std::int32_t> replicas_;
  std::vector<std::int32_t> isr_;
  std::vector<std::int32_t> proposed_isr_;  // while an AlterPartition is pending
  bool alter_pending_ = false;
  std::int64_t high_watermark_ = 0;
  std::int64_t leader_epoch_start_offset_ = 0;
  std::map<std::int32_t, FollowerState> followers_;
  std::map<std::int64_t, ProducerEntry> producers_;
  struct AbortedTxn {
    std::int64_t producer_id;
    std::int64_t first_offset;
    std::int64_t last_offset;
  };
  std::vector<AbortedTxn> aborted_;
};

}  // namespace kafkasim::cluster
