#pragma once
// Report: the history checker's verdicts for one run (plain data, strings resolved), and its two
// renderings: a text delivery table (`kafkasim run`) and JSON (`kafkasim run --json`, the recorder).
// Every count is defined in checker.h and docs/recording.md.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/core/time.h"

namespace kafkasim::check {

// Anomaly kinds use Jepsen's names (jepsen.tests.kafka) where they fit:
//   lost-write         an acknowledged record is not readable at the end (group empty), or records
//                      readable below a group's committed offset that the group never processed
//   duplicate          one record at two offsets of the log (group empty), or processed twice by a group
//   poll-skip          a member's polls on a partition jumped over offsets that hold records
//   nonmonotonic-poll  a member's polls on a partition went backwards with no rebalance/seek in between
//   nonmonotonic-send  one producer's later send sits at a lower offset than its earlier send
//   aborted-read       a group processed records of an aborted transaction (Adya's G1a)
enum class AnomalyKind : std::uint8_t {
  kLostWrite,
  kDuplicate,
  kPollSkip,
  kNonmonotonicPoll,
  kNonmonotonicSend,
  kAbortedRead
};
const char* to_string(AnomalyKind kind);

// One range of consecutive offsets of one partition with the same anomaly and the same cause.
struct Anomaly {
  AnomalyKind kind = AnomalyKind::kLostWrite;
  std::string group;  // empty: a producer/log-side anomaly
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t first_offset = 0;
  std::int64_t last_offset = 0;  // inclusive
  std::vector<std::uint64_t> record_ids;
  // "orders-0 offsets 41-45 lost: unclean leader election of broker 2 at t=12.400s", that is
  // where + " " + what + ": " + because.
  std::string explanation;
  std::uint64_t cause_event = 0;  // 0 with cause_time_us == -1: no cause found
  TimeUs cause_time_us = -1;
  std::string where;    // "orders-0 offsets 41-45"
  std::string what;     // "lost", "processed twice by group g"
  std::string because;  // "unclean leader election of broker 2 at t=12.400s"
};

struct PartitionCount {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t count = 0;
};

struct TopicCounts {
  std::string topic;
  std::int64_t produced = 0;
  std::int64_t acked = 0;
  std::int64_t failed = 0;
  std::int64_t lost_acked = 0;
  std::int64_t duplicates_in_log = 0;
  std::int64_t unacked_written = 0;
  std::int64_t removed = 0;                      // acked, removed by retention/compaction
  std::vector<PartitionCount> order_violations;  // nonmonotonic-send, per partition (non-zero only)
};

enum class Semantics : std::uint8_t { kNoneYet, kExactlyOnce, kAtLeastOnce, kAtMostOnce, kNeither };
const char* to_string(Semantics s);

struct GroupCounts {
  std::string group;
  std::int64_t consumed = 0;
  std::int64_t duplicates = 0;
  std::int64_t lost = 0;
  std::int64_t poll_skips = 0;
  std::int64_t nonmonotonic_polls = 0;
  std::int64_t aborted_seen = 0;
  std::vector<PartitionCount> order_violations;  // nonmonotonic-poll, per partition (non-zero only)
  Semantics semantics = Semantics::kNoneYet;
};

struct Report {
  // Totals over all topics.
  std::int64_t produced = 0;
  std::int64_t acked = 0;
  std::int64_t lost_acked = 0;
  std::int64_t duplicates = 0;      // duplicates_in_log over all topics
  std::vector<TopicCounts> topics;  // by topic name
  std::vector<GroupCounts> groups;  // by group name
  std::vector<Anomaly> anomalies;   // topic, partition, first_offset, kind, group order
};

// A delivery table, one row per topic and per group, then one line per anomaly range.
std::string render_text(const Report& report);
// {"produced","acked","lost_acked","duplicates","topics":[...],"groups":{name:{...}},"anomalies":[...]}
nlohmann::json to_json(const Report& report);

}  // namespace kafkasim::check
