#pragma once
// What the group coordinator and the transaction coordinator share: both keep their state in an internal
// topic (__consumer_offsets, __transaction_state), load it when this broker becomes a partition's leader,
// unload it when leadership moves, map the errors of their log appends to coordinator errors, and write
// to that topic through one InternalTopicWriter each.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/event_queue.h"
#include "sim/log/partition_log.h"
#include "sim/log/record_batch.h"
#include "sim/protocol/error_code.h"
#include "sim/protocol/topic_partition.h"

namespace kafkasim::cluster {

class Broker;

// Kafka (GroupMetadataManager / TransactionStateManager): a failed append to the internal topic becomes
// COORDINATOR_NOT_AVAILABLE (not enough replicas, timeout: retry), NOT_COORDINATOR (leadership moved: find
// the coordinator again) or UNKNOWN_SERVER_ERROR; coordinator errors pass through.
protocol::ErrorCode coordinator_append_error(protocol::ErrorCode e);

inline std::string_view as_view(const std::vector<std::uint8_t>& b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Decodes every batch of `log` in [from, end) in offset order and calls visit(batch) (records below `from`
// of a first batch that straddles it are included: callers skip rv.offset < from). Stops at the first
// corrupt batch. How the coordinators load their internal topics (Kafka reads up to the log end offset).
void scan_log(PartitionLog& log, std::int64_t from, std::int64_t end,
              const std::function<void(const DecodedBatch&)>& visit);

// A coordinator's reaction to this broker's role for one of its internal topic's partitions: `led` maps
// the partitions it leads to their leader epoch. Becoming leader (or a new epoch) loads, losing leadership
// unloads; a re-announcement of the same epoch changes nothing.
template <typename Load, typename Unload>
void apply_partition_role(const std::map<std::int32_t, std::int32_t>& led, std::int32_t partition, bool leader,
                          std::int32_t leader_epoch, Load load, Unload unload) {
  auto it = led.find(partition);
  if (leader) {
    if (it != led.end() && it->second == leader_epoch) return;
    if (it != led.end()) unload();
    load();
  } else if (it != led.end()) {
    unload();
  }
}

// Records for one batch of an internal topic: key and value (nullopt: a tombstone).
using InternalRecords = std::vector<std::pair<std::vector<std::uint8_t>, std::optional<std::vector<std::uint8_t>>>>;

// InternalTopicWriter: a coordinator's appends to its internal topic (__consumer_offsets,
// __transaction_state) with acks=all. Each write is one batch appended through this broker's leader
// replica; it completes when the partition's HW passes its last offset, fails when it is not replicated
// within `timeout_ms` (REQUEST_TIMED_OUT) or when the partition is unloaded (fail_partition). Kafka: the
// coordinators' appendForGroup / appendTransactionToLog go through ReplicaManager.appendRecords with
// requiredAcks=-1 and the produce purgatory; the timeout is offsets.commit.timeout.ms for the group
// coordinator and request.timeout.ms for the transaction coordinator.
//
// Completion: `settled(error)` runs at once when a pending write completes or fails (the coordinator
// applies its state there), then `done(error, base_offset)` runs in a later event (the answer). Errors are
// already mapped by coordinator_append_error. A write that fails before anything is appended (not the
// leader, wrong leader epoch, append error) gets only `done(error, -1)`, in a later event.
// The append takes the Broker's own leader path (the writer is its friend): the leader replica hosted
// here, then the bookkeeping of a produce append (stats, waking the followers' delayed fetches, advancing
// the HW, which completes the write at once when the leader is the only in-sync replica).
// Pending writes are kept by a monotonically increasing id (std::map: completion order is write order).
// Lifecycle: owned by its coordinator; reset() on a broker crash drops every pending write unanswered (the
// node's timers are gone with the crash).
class InternalTopicWriter {
 public:
  using Done = std::function<void(protocol::ErrorCode, std::int64_t base_offset)>;
  using Settled = std::function<void(protocol::ErrorCode)>;
  struct Write {
    std::int32_t partition = 0;
    InternalRecords records;
    BatchSpec spec;  // a transactional producer's batch (TxnOffsetCommit); plain otherwise
    std::optional<std::int32_t> leader_epoch;  // REQUIRES this leader epoch (the coordinator epoch) when set
    Settled settled;  // may be empty
    Done done;
  };

  // REQUIRES: timeout_ms > 0. `broker` outlives the writer (its coordinators own their writers).
  InternalTopicWriter(Broker& broker, std::string_view topic, std::int64_t timeout_ms);
  ~InternalTopicWriter();
  InternalTopicWriter(const InternalTopicWriter&) = delete;
  InternalTopicWriter& operator=(const InternalTopicWriter&) = delete;

  // Appends `w.records` as one batch to the leader's log of `w.partition`. Returns the batch's base offset,
  // or -1 when the append failed at once (w.done runs with the error in a later event).
  std::int64_t append(Write w);
  // Answers `done(error, -1)` in a later event without writing anything (a coordinator's own refusal).
  void reject(Done done, protocol::ErrorCode error);
  // The HW of `partition` advanced: completes (kNone) the writes it now covers, in write order.
  void on_hw_advanced(std::int32_t partition);
  // The partition was unloaded or its leadership moved: fails every pending write of it with `error`.
  void fail_partition(std::int32_t partition, protocol::ErrorCode error);
  // The broker crashed: drops every pending write without answering.
  void reset();
  std::size_t pending() const { return pending_.size(); }

 private:
  struct Pending {
    std::int32_t partition = 0;
    std::int64_t base_offset = -1;
    std::int64_t required_hw = 0;
    Settled settled;
    Done done;
    TimerId timeout{};
  };
  void finish(std::uint64_t id, protocol::ErrorCode error);

  Broker& broker_;
  std::string topic_;
  std::int64_t timeout_ms_;
  std::map<std::uint64_t, Pending> pending_;
  std::uint64_t next_id_ = 1;
};

}  // namespace kafkasim::cluster
