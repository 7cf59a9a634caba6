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
// For processors, lost-write marks an input with no committed output, duplicate an input with two or more
// committed outputs, nonmonotonic-send a committed output of a key that comes after a later input's.
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
  std::string group;  // empty: a producer/log-side anomaly; "processor <id>": a processor's
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

// One exactly-once processor (scenario `processors:`): its inputs against its committed outputs, in the
// read_committed view of the final logs (checker.h defines each count).
struct ProcessorCounts {
  std::string processor;
  std::string group;
  std::string input;
  std::string output;
  std::int64_t inputs = 0;           // input records below the group's committed offsets
  std::int64_t outputs = 0;          // committed outputs in `output` (read_committed)
  std::int64_t outputs_aborted = 0;  // outputs of aborted transactions (only read_uncommitted sees them)
  std::int64_t outputs_open = 0;     // outputs of still-open transactions (above the LSO)
  std::int64_t missing = 0;          // inputs with no committed output
  std::int64_t duplicates = 0;       // inputs with two or more committed outputs
  std::vector<PartitionCount> order_violations;  // per output partition (non-zero only)
  Semantics semantics = Semantics::kNoneYet;
  std::int64_t order_violation_count() const;
};

struct Report {
  // Totals over all topics.
  std::int64_t produced = 0;
  std::int64_t acked = 0;
  std::int64_t lost_acked = 0;
  std::int64_t duplicates = 0;      // duplicates_in_log over all topics
  std::vector<TopicCounts> topics;  // by topic name
  std::vector<GroupCounts> groups;  // by group name
  std::vector<ProcessorCounts> processors;  // in scenario order
  std::vector<Anomaly> anomalies;   // topic, partition, first_offset, kind, group order
};

// A delivery table, one row per topic, per group and per processor, then one line per anomaly range.
std::string render_text(const Report& report);
// {"produced","acked","lost_acked","duplicates","topics":[...],"groups":{name:{...}},
//  "processors":{id:{...}},"anomalies":[...]}
nlohmann::json to_json(const Report& report);

}  // namespace kafkasim::check
