#pragma once
// Internal to sim/check: the lookup tables the checker builds once over a History + FinalState, and the
// cause search used to explain anomalies (checker.h lists the search order). Not part of the public API.
// Lifetime: borrows the History and FinalState; must not outlive them.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/check/history.h"

namespace kafkasim::check::internal {

enum class TxnState : std::uint8_t { kNone, kOpen, kCommitted, kAborted };
inline constexpr std::uint32_t kNone = UINT32_MAX;

inline constexpr std::size_t kNoSlot = SIZE_MAX;

// Record ids -> dense slots 0..n-1, so the checker's per-record tables are vectors rather than maps (it
// runs once a simulated second in the visualizer, over the whole history). A run's ids are 1..N
// (Run::take_record_id): then a slot is an offset; other ids work through binary search.
class RecordSlots {
 public:
  // Every id a table will be asked about; any order, repeats allowed.
  explicit RecordSlots(std::vector<std::uint64_t> ids);
  std::size_t size() const { return ids_.size(); }
  // The slot of `id`, or kNoSlot when it was not among the ids.
  std::size_t slot(std::uint64_t id) const;

 private:
  std::vector<std::uint64_t> ids_;  // sorted, unique
  bool contiguous_ = false;         // ids_ is first..first+n-1
};

// Everything known about one record_id. Indexes into the History's vectors; kNone when absent.
struct RecordInfo {
  bool known = false;             // the record was sent, acked or failed in the history
  std::uint32_t send = kNone;
  std::uint32_t ack = kNone;
  std::uint32_t retry = kNone;    // first SendFailed that was retried (gave_up = kNo)
  std::uint32_t gave_up = kNone;  // first SendFailed that gave up
  std::uint32_t txn_end = kNone;  // the TxnEnd that ended its transaction
  TxnState txn = TxnState::kNone;
};

struct Location {
  TopicPartition tp;
  std::int64_t offset = 0;
};

// Why something happened: text ("unclean leader election of broker 2"), the event and its time.
struct Cause {
  std::string text;
  std::uint64_t event = 0;
  TimeUs time_us = -1;
  bool time_in_text = false;  // the text already says when (composite explanations)
  bool found() const { return time_us >= 0; }
  // "<text> at t=12.400s", or "cause unknown (no truncation, crash or rebalance recorded)".
  std::string phrase() const;
};

// A point in run order: ops of one sim event are simultaneous.
struct When {
  TimeUs time_us = 0;
  std::uint64_t event_number = 0;
  auto operator<=>(const When&) const = default;
};
template <typename Op>
When when(const Op& op) {
  return When{op.time_us, op.event_number};
}

using GroupTp = std::pair<NameId, TopicPartition>;
using GroupMember = std::pair<NameId, NameId>;

class Index {
 public:
  Index(const History& history, const FinalState& final_state);

  const History& history() const { return h_; }
  // Slots of every record id in the history and the final logs (RecordSlots).
  const RecordSlots& slots() const { return slots_; }
  const RecordInfo* record(std::uint64_t record_id) const;
  // Readable locations of a record (empty when not readable).
  const std::vector<Location>& readable(std::uint64_t record_id) const;
  const PartitionFinal* partition(const TopicPartition& tp) const;
  // The readable record at `offset` of tp, or nullptr.
  const ReadableRecord* at(const TopicPartition& tp, std::int64_t offset) const;
  // Transaction state of a record: the final log's markers when the record is readable there (the
  // truth a read_committed consumer sees), else the history's TxnEnds; kNone for records not sent in a
  // transaction (or unknown ids).
  TxnState txn(std::uint64_t record_id) const;
  // The TxnEnd (index into History::txn_ends) that ended the record's transaction, or kNone.
  std::uint32_t txn_end(std::uint64_t record_id) const;
  // True when an acked offset that is not readable was removed by retention or compaction.
  bool removed_on_purpose(const TopicPartition& tp, std::int64_t offset) const;

  const std::vector<const Commit*>& commits(NameId group, const TopicPartition& tp) const;
  const std::vector<const Seek*>& seeks(NameId group, const TopicPartition& tp) const;
  const std::vector<const MemberEvent*>& member_events(NameId group, NameId member) const;

  // --- cause search (checker.h) ---
  // First Truncation of tp at or after `after` that covers offset.
  Cause truncation(const TopicPartition& tp, std::int64_t offset, When after) const;
  // First Truncation of tp covering offset, or LeaderChange of tp, in [after, before].
  Cause log_change(const TopicPartition& tp, std::int64_t offset, When after, When before) const;
  // First LeaderChange of tp in [after, before].
  Cause leader_change(const TopicPartition& tp, When after, When before) const;
  // Last MemberEvent of (group, member) in [after, before] whose kind is in `whats`.
  const MemberEvent* member_event(NameId group, NameId member, When after, When before,
                                  std::initializer_list<MemberWhat> whats) const;
  // First ok Commit of (group, tp) at or after `after` with committed offset > offset.
  const Commit* commit_past(NameId group, const TopicPartition& tp, std::int64_t offset, When after) const;
  // Last ok Commit of (group, tp) before `before`, or nullptr.
  const Commit* last_commit(NameId group, const TopicPartition& tp, When before) const;
  // The group's start on tp: its first Seek before any of its Polls of tp, else 0.
  std::int64_t group_start(NameId group, const TopicPartition& tp) const;
  Cause retried(std::uint64_t record_id) const;
  Cause member_cause(const MemberEvent& e) const;

 private:
  void index_records();
  void index_transactions();

  RecordInfo& info(std::uint64_t record_id);  // REQUIRES: the id has a slot

  const History& h_;
  const FinalState& f_;
  RecordSlots slots_;
  std::vector<RecordInfo> records_;              // by slot
  std::vector<std::vector<Location>> readable_;  // by slot
  std::vector<std::optional<LogTxn>> log_txn_;   // by slot: the first readable location's marker state
  std::map<TopicPartition, const PartitionFinal*> partitions_;
  std::map<TopicPartition, std::vector<const Truncation*>> truncations_;
  std::map<TopicPartition, std::vector<const LeaderChange*>> leader_changes_;
  std::map<GroupTp, std::vector<const Commit*>> commits_;
  std::map<GroupTp, std::vector<const Seek*>> seeks_;
  std::map<GroupTp, When> first_polls_;
  std::map<GroupMember, std::vector<const MemberEvent*>> member_events_;
};

}  // namespace kafkasim::check::internal
