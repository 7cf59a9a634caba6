#pragma once
// Snapshot: a plain-data picture of the whole simulated cluster at one instant, made by the engine for
// the visualizer and for reports. Data only (no pointers into the sim), cheap enough to build every frame.
// Panels in gui/ read a const Snapshot and never reach into the simulation.
//
// Units: times in microseconds of sim time (TimeUs), offsets are Kafka logical offsets.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/time.h"

namespace kafkasim::engine {

enum class NodeStatus : std::uint8_t { kUp, kDown, kPaused };

struct BrokerView {
  std::int32_t id = 0;
  NodeStatus status = NodeStatus::kUp;
  bool fenced = false;        // registered but fenced by the controller (no heartbeat in time)
  bool isolated = false;      // cut off from every other node by a network partition
  bool is_controller = false; // the active controller (KRaft)
  std::string rack;           // broker.rack, empty when unset
  std::uint64_t disk_bytes = 0;
  std::string disk_fault;     // "", "slow", "full"
};

// A link between two nodes that the network currently blocks (a one-way block has one entry).
struct CutLink {
  std::int32_t from = 0;
  std::int32_t to = 0;
};

struct InFlightMessage {
  std::uint64_t id = 0;
  std::int32_t from = 0;
  std::int32_t to = 0;
  std::string name;  // "Produce", "FetchResponse", ...
  std::uint32_t size_bytes = 0;
  TimeUs sent_us = 0;
  TimeUs arrive_us = 0;
};

struct ReplicaView {
  std::int32_t broker = 0;
  bool online = true;          // its broker is up
  bool in_isr = false;
  std::int64_t log_start_offset = 0;
  std::int64_t log_end_offset = 0;   // LEO
  std::int64_t high_watermark = 0;   // as this replica knows it
  std::int64_t durable_end_offset = 0;  // offsets below this survive a power loss (fsynced)
  // Offsets removed by the last truncation (leader-epoch truncation or unclean election), shown fading.
  std::int64_t truncated_from = -1;
  std::int64_t truncated_to = -1;
  TimeUs truncated_at_us = -1;
};

struct GroupOffsetOnPartition {
  std::string group;
  std::int64_t committed = -1;  // -1: no committed offset
  std::int64_t position = -1;   // the owning consumer's fetch position, -1 when unassigned
};

struct PartitionView {
  std::string topic;
  std::int32_t partition = 0;
  std::int32_t leader = -1;          // -1: offline (no leader)
  std::int32_t leader_epoch = 0;
  std::vector<std::int32_t> replicas;  // assignment order; the first is the preferred leader
  std::vector<std::int32_t> isr;
  std::int64_t high_watermark = 0;
  std::int64_t last_stable_offset = 0;
  std::int64_t log_start_offset = 0;
  std::int64_t log_end_offset = 0;
  std::vector<ReplicaView> replica_views;
  std::vector<GroupOffsetOnPartition> groups;
  std::string cleanup_policy = "delete";
  std::int64_t records_deleted_by_retention = 0;
  std::int64_t records_removed_by_compaction = 0;
};

struct MemberView {
  std::string member_id;
  std::string group_instance_id;  // empty: dynamic member
  std::string client_id;
  std::string host;
  bool alive = true;
  std::vector<std::string> assigned;  // "topic-partition"
  std::vector<std::string> revoking;  // cooperative: partitions being given up in this rebalance
};

struct LagRow {  // one row of kafka-consumer-groups.sh --describe
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t current_offset = -1;
  std::int64_t log_end_offset = 0;
  std::int64_t lag = 0;
  std::string consumer_id;  // member id, "-" when unassigned
  std::string host;
  std::string client_id;
};

struct LagSample {
  TimeUs time_us = 0;
  std::int64_t total_lag = 0;
};

struct GroupView {
  std::string group_id;
  std::string state;     // Empty, PreparingRebalance, CompletingRebalance, Stable, Dead
  std::int32_t generation = 0;
  std::string protocol;  // the chosen assignor: range, roundrobin, sticky, cooperative-sticky
  bool cooperative = false;
  std::int32_t coordinator = -1;
  std::string leader_member;
  std::vector<MemberView> members;
  std::vector<LagRow> lag;
  std::vector<LagSample> lag_history;  // total lag over time, for the live plot
  std::int32_t rebalances = 0;
};

struct ProducerView {
  std::string client_id;
  std::string topic;
  std::string acks;             // "all", "1", "0"
  bool idempotent = false;
  bool transactional = false;
  bool running = true;
  double rate_per_sec = 0;      // configured send rate (display only)
  std::int64_t sent = 0;
  std::int64_t acked = 0;
  std::int64_t failed = 0;
  std::int64_t retries = 0;
  std::int32_t in_flight_batches = 0;
  std::int32_t queued_records = 0;
  std::string last_error;       // e.g. "NOT_ENOUGH_REPLICAS: ISR=1 < min.insync.replicas=2"
  TimeUs last_error_us = -1;
};

// One transactional.id as its coordinator sees it (Kafka's TransactionMetadata; kafka-transactions.sh
// describe): what lesson 10 shows next to the partitions' LSO.
struct TransactionView {
  std::string transactional_id;
  std::int32_t coordinator = -1;   // broker id
  std::int64_t producer_id = -1;
  std::int32_t producer_epoch = -1;
  std::string state;               // Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort
  std::vector<std::string> partitions;  // "orders-0", in the transaction (Ongoing / Prepare*)
  std::int32_t timeout_ms = 0;     // transaction.timeout.ms
  std::int64_t open_ms = -1;       // how long the Ongoing transaction has been open (coordinator clock)
  std::int32_t markers_pending = 0;
};

struct DeliveryRow {  // per consumer group, from the history checker
  std::string group;
  std::int64_t produced = 0;
  std::int64_t acked = 0;
  std::int64_t consumed = 0;
  std::int64_t lost = 0;
  std::int64_t duplicated = 0;
  std::string semantics;  // at-most-once, at-least-once, exactly-once, "none yet"
};

// One lost or duplicated record range, with the event that explains it (clicking seeks there).
struct Anomaly {
  std::string kind;    // lost-write, duplicate, poll-skip, nonmonotonic-poll
  std::string group;   // empty for producer-side anomalies
  std::string where;   // "orders-0 offsets 41-45"
  std::string because; // "broker 2 became leader uncleanly at t=12.4s"
  std::uint64_t cause_event = 0;
  TimeUs cause_time_us = -1;
};

struct EventView {
  std::uint64_t number = 0;
  TimeUs time_us = 0;
  std::int32_t node = -1;
  std::string kind;
  std::string details;
};

struct Snapshot {
  std::string scenario_name;
  std::uint64_t seed = 0;
  TimeUs now_us = 0;
  TimeUs duration_us = 0;
  std::uint64_t events_executed = 0;
  std::uint64_t trace_hash = 0;
  std::int32_t controller = -1;
  std::vector<BrokerView> brokers;
  std::vector<CutLink> cut_links;
  std::vector<InFlightMessage> in_flight;
  std::vector<PartitionView> partitions;  // topic then partition order
  std::vector<GroupView> groups;
  std::vector<ProducerView> producers;
  std::vector<TransactionView> transactions;  // by transactional.id
  std::vector<DeliveryRow> delivery;
  std::vector<Anomaly> anomalies;
  std::string narration;           // the latest narration text of the scenario
  TimeUs narration_us = -1;
};

}  // namespace kafkasim::engine
