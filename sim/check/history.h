#pragma once
// History: the client-side record of one run, as the history checker (checker.h) and the SQLite recorder
// (sim/record) read it. The engine appends one op per observable client/cluster action, in the order they
// happen; ops are never changed afterwards.
//
// Model (after Jepsen's Kafka workload, jepsen.tests.kafka): every produced record carries a run-unique
// record_id (uint64, also written into the record as header "kafkasim.id"), so a consumer can say exactly
// which send it read. Ops:
//   Send, Ack, SendFailed            producer side (KafkaProducer.send + its callback)
//   Poll, Processed, Commit, Seek    consumer side (poll() hands a record to the app; the app finishes it;
//                                    commitSync/commitAsync/auto-commit; seek / auto.offset.reset)
//   Truncation, LeaderChange         log side: offsets removed from a replica and why; elections
//   TxnEnd, MemberEvent, Fault       transactions, consumer-group membership, injected faults
// At the end of the run the engine fills a FinalState (what a read_uncommitted consumer could read from
// every partition's leader below the HW, and every group's committed offsets). Processor outputs also
// name the input record they were derived from (derive / source_of).
//
// Memory: a run can have millions of records, so each op kind is kept in its own vector of small
// structs (32-56 bytes), strings (topics, groups, members, producers, errors, causes, keys) are interned
// to 32-bit NameIds in one Names table, and the global order of ops is a vector of 8-byte OpRefs.
//
// Lifecycle / ownership: the engine owns one History per run. Observers (the recorder) are not owned
// and must outlive the History or be removed first. Not thread-safe (nothing in the sim is).
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/core/time.h"

namespace kafkasim::check {

// An interned string. kNoName stands for "absent" (no key, not transactional, no error).
using NameId = std::uint32_t;
inline constexpr NameId kNoName = UINT32_MAX;

// The string table. Ids are dense, in first-interned order (deterministic).
class Names {
 public:
  NameId intern(std::string_view s);
  // REQUIRES: id < size() or id == kNoName (returns "").
  const std::string& str(NameId id) const;
  // kNoName when s was never interned.
  NameId find(std::string_view s) const;
  std::size_t size() const { return strings_.size(); }

 private:
  std::deque<std::string> strings_;  // stable addresses: index_ views into them
  std::map<std::string_view, NameId> index_;
};

struct TopicPartition {
  NameId topic = kNoName;
  std::int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

// --- ops. Every op starts with time_us and event_number (the sim event during which it happened). ---

// KafkaProducer.send() handed the record to the producer. partition: the one the partitioner chose.
struct Send {
  TimeUs time_us = 0;
  std::uint64_t event_number = 0;
  std::uint64_t record_id = 0;
  NameId producer = kNoName;  // client.id
  TopicPartition tp;
  NameId key = kNoName;               // kNoName: null key
  NameId transactional_id = kNoName;  // kNoName: not in a transaction. Kafka: transactional.id
};

// The producer's callback reported success: the record is at `offset` of tp.
struct Ack {
  TimeUs time_us = 0;
  std::uint64_t event_number = 0;
  std::uint64_t record_id = 0;
  TopicPartition tp;
  std::int64_t offset = 0;
};

// An attempt failed with `error` (a Kafka error name, e.g. NOT_ENOUGH_REPLICAS, or
// "delivery.timeout.ms expired"). gave_up: the producer will not retry (the callback saw the error);
// otherwise the batch is retried (a retry without idempotence may write the record twice).
enum class GaveUp : std::uint8_t { kNo, kYes };
struct SendFailed {
  TimeUs time_us = 0;
  std::uint64_t event_number = 0;
  std::uint64_t record_id = 0;
  NameId error = kNoName;
  GaveUp gave_up = GaveUp::kYes;
};

// poll() handed the record to the application (Poll), and the application finished it (Processed).
// A member that dies mid-batch has Polls without Processed.
struct Consume {
  TimeUs time_us = 0;
  std::uint64_t event_number = 0;
  NameId group = kNoName;   // Kafka: group.id
  NameId member = kNoName;  // the consumer's client.id (or member id)
  std::uint64_t record_id = 0;
  TopicPartition tp;
  std::int64_t offset = 0;
};
struct Poll : Consume {};
struct Processed : Consume {};

// An offset commit (OffsetCommit) by a member: offset is the next offset to read. ok=false: it failed
// with `error` (e.g. REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION); the committed offset did not change.
struct Commit {
  TimeUs time_us = 0;
  std::uint64_t event_number = 0;
  NameId group = kNoName;
  NameId member = kNoName;
  TopicPartition tp;
  std::int64_t offset = 0;
  bool ok = true;
  NameId error = kNoName;
};

// A member's fetch position on tp was moved other than by consuming: seek(), or auto.offset.reset after
// OFFSET_OUT_OF_RANGE. reason: e.g. "auto.offset.reset=earliest after OFFSET_OUT_OF_RANGE".
struct Seek {
  TimeUs time_us = 0;
  std::uint64_t event_number = 0;
  NameId group = kNoName;
  NameId member = kNoName;
  TopicPartition tp;
  std::int64_t offset = 0;
  NameId reason = kNoName;
};

// Offsets [from_offset, to_offset) were removed from `broker`'s replica of tp. cause: e.g.
// "leader-epoch truncation after leader change", "unclean leader election of broker 2",
// "power loss of broker 3", "retention"; cause_event / cause_time_us: the event that caused it.
struct Truncation {
  TimeUs time_us = 0;
  std::uint64_t event_number = 0;
  TopicPartition tp;
  std::int32_t broker = -1;
  std::int64_t from_offset = 0;
  std::int64_t to_offset = 0;  // exclusive
  NameId cause = kNoName;
  std::uint64_t cause_event = 0;
  TimeUs cause_time_us = 0;
};

// The controller elected `leader` (-1: offline) for tp in `epoch`. unclean: an out-of-sync replica was
// elected (Kafka: unclean.leader.election.enable).
struct LeaderChange {
  TimeUs time_us = 0;
  std::uint64_t event_number = 0;
  TopicPartition tp;
  std::int32_t leader = -1;
  std::int32_t epoch = 0;
  bool unclean = false;
  std::vector<std::int32_t> isr;
};

// A transaction ended: the coordinator's decision (PrepareCommit / PrepareAbort replicated in
// __transaction_state), so COMMIT or ABORT markers follow on every partition of the transaction.
// Records of a transaction carry its transactional_id in their Send and were sent between the previous
// TxnEnd of that transactional_id and this one. reason: why it ended ("EndTxn from the producer",
// "transaction.timeout.ms=60000 expired", "fenced by InitProducerId epoch 3").
struct TxnEnd {
  TimeUs time_us = 0;
  std::uint64_t event_number = 0;
  NameId transactional_id = kNoName;
  std::int64_t producer_id = -1;
  std::int32_t epoch = 0;
  bool committed = false;
  std::vector<TopicPartition> partitions;
  NameId reason = kNoName;
};

enum class MemberWhat : std::uint8_t { kJoined, kLeft, kCrashed, kFenced, kAssigned, kRevoked };
const char* to_string(MemberWhat what);

// A consumer-group membership change of one member, with the partitions concerned (assigned/revoked).
struct MemberEvent {
  TimeUs time_us = 0;
  std::uint64_t event_number = 0;
  NameId group = kNoName;
  NameId member = kNoName;
  MemberWhat what = MemberWhat::kJoined;
  std::vector<TopicPartition> partitions;
  std::int32_t generation = 0;
};

// An injected fault, described as the user would: "crash broker 2", "partition [[1],[2,3]]".
struct Fault {
  TimeUs time_us = 0;
  std::uint64_t event_number = 0;
  NameId what = kNoName;
};

enum class OpKind : std::uint8_t {
  kSend,
  kAck,
  kSendFailed,
  kPoll,
  kProcessed,
  kCommit,
  kSeek,
  kTruncation,
  kLeaderChange,
  kTxnEnd,
  kMemberEvent,
  kFault
};
const char* to_string(OpKind kind);

// One op in run order: its kind and its index in that kind's vector.
struct OpRef {
  OpKind kind = OpKind::kSend;
  std::uint32_t index = 0;
};

// A read-only view of one op (pointers into the History; valid until the next append).
using OpView = std::variant<const Send*, const Ack*, const SendFailed*, const Poll*, const Processed*,
                            const Commit*, const Seek*, const Truncation*, const LeaderChange*, const TxnEnd*,
                            const MemberEvent*, const Fault*>;

class History;
class HistoryObserver {
 public:
  virtual ~HistoryObserver() = default;
  // Called after each append, with the op just appended.
  virtual void on_op(const History& history, const OpView& op) = 0;
};

class History {
 public:
  Names& names() { return names_; }
  const Names& names() const { return names_; }
  NameId intern(std::string_view s) { return names_.intern(s); }
  const std::string& str(NameId id) const { return names_.str(id); }
  TopicPartition tp(std::string_view topic, std::int32_t partition) {
    return TopicPartition{intern(topic), partition};
  }
  // "orders-0", as Kafka prints a TopicPartition.
  std::string tp_name(const TopicPartition& tp) const;

  // Appends. REQUIRES: ops arrive in run order (time_us never decreases).
  void append(const Send& op);
  void append(const Ack& op);
  void append(const SendFailed& op);
  void append(const Poll& op);
  void append(const Processed& op);
  void append(const Commit& op);
  void append(const Seek& op);
  void append(Truncation op);
  void append(LeaderChange op);
  void append(TxnEnd op);
  void append(MemberEvent op);
  void append(const Fault& op);

  const std::vector<Send>& sends() const { return sends_; }
  const std::vector<Ack>& acks() const { return acks_; }
  const std::vector<SendFailed>& send_failures() const { return send_failures_; }
  const std::vector<Poll>& polls() const { return polls_; }
  const std::vector<Processed>& processed() const { return processed_; }
  const std::vector<Commit>& commits() const { return commits_; }
  const std::vector<Seek>& seeks() const { return seeks_; }
  const std::vector<Truncation>& truncations() const { return truncations_; }
  const std::vector<LeaderChange>& leader_changes() const { return leader_changes_; }
  const std::vector<TxnEnd>& txn_ends() const { return txn_ends_; }
  const std::vector<MemberEvent>& member_events() const { return member_events_; }
  const std::vector<Fault>& faults() const { return faults_; }

  // Every op in run order.
  const std::vector<OpRef>& order() const { return order_; }
  std::size_t size() const { return order_.size(); }
  OpView view(OpRef ref) const;

  // Lineage: output_record_id was derived from source_record_id (a processor's output and the input it
  // transformed). Kept beside the ops (only processor outputs have one, so Send stays small); set once,
  // before the output's Send. source_of: 0 for records produced from nothing (workloads).
  void derive(std::uint64_t output_record_id, std::uint64_t source_record_id);
  std::uint64_t source_of(std::uint64_t record_id) const;
  std::size_t derived_count() const { return sources_.size(); }

  // REQUIRES: observer outlives the History or is removed first. Not owned.
  void add_observer(HistoryObserver* observer) { observers_.push_back(observer); }
  void remove_observer(HistoryObserver* observer);

 private:
  template <typename T>
  void push(std::vector<T>& v, OpKind kind, T op);

  Names names_;
  std::vector<Send> sends_;
  std::vector<Ack> acks_;
  std::vector<SendFailed> send_failures_;
  std::vector<Poll> polls_;
  std::vector<Processed> processed_;
  std::vector<Commit> commits_;
  std::vector<Seek> seeks_;
  std::vector<Truncation> truncations_;
  std::vector<LeaderChange> leader_changes_;
  std::vector<TxnEnd> txn_ends_;
  std::vector<MemberEvent> member_events_;
  std::vector<Fault> faults_;
  std::vector<OpRef> order_;
  std::map<std::uint64_t, std::uint64_t> sources_;  // output record id -> source record id
  TimeUs last_time_us_ = 0;
  std::vector<HistoryObserver*> observers_;
};

// --- the end of the run ---

// Offsets removed on purpose from a partition (not lost): everything below `below_offset` that is not
// readable was removed by `how`. Retention moves the log start offset (Kafka: retention.ms /
// retention.bytes, DeleteRecords); compaction removes older records of a key below the cleaner's
// position (Kafka: cleanup.policy=compact).
enum class RemovedBy : std::uint8_t { kRetention, kCompaction };
const char* to_string(RemovedBy how);
struct Removed {
  RemovedBy how = RemovedBy::kRetention;
  std::int64_t below_offset = 0;
};

// A record's transaction as the final log itself says (control batches): what read_committed uses.
//   kNone       not in a transactional batch
//   kCommitted  a COMMIT marker of its producer id follows it
//   kAborted    an ABORT marker follows it
//   kOpen       no marker yet (the transaction is still open: above the LSO)
enum class LogTxn : std::uint8_t { kNone, kCommitted, kAborted, kOpen };
const char* to_string(LogTxn t);

struct ReadableRecord {
  std::int64_t offset = 0;
  std::uint64_t record_id = 0;
  LogTxn txn = LogTxn::kNone;
};

// What a read_uncommitted consumer reads from the current leader of tp, below the high watermark.
// A read_committed consumer reads the records with txn kNone or kCommitted.
struct PartitionFinal {
  TopicPartition tp;
  std::int64_t high_watermark = 0;
  std::vector<ReadableRecord> records;  // ascending offsets; control records (txn markers) left out
  std::vector<Removed> removed;         // at most one per RemovedBy
};

struct GroupOffset {
  TopicPartition tp;
  std::int64_t committed = -1;  // next offset to read; -1: none
};

struct GroupFinal {
  NameId group = kNoName;
  std::vector<GroupOffset> offsets;
};

// An exactly-once consume-transform-produce processor (scenario `processors:`): the checker links each
// output record (Send.source_record_id, Send.producer == id) to the input it was derived from.
// Its group's committed offsets are in FinalState::groups.
struct ProcessorFinal {
  NameId id = kNoName;  // the processor id, also its producers' client.id
  NameId group = kNoName;
  NameId input = kNoName;   // topic
  NameId output = kNoName;  // topic
};

struct FinalState {
  std::vector<PartitionFinal> partitions;
  std::vector<GroupFinal> groups;
  std::vector<ProcessorFinal> processors;
};

}  // namespace kafkasim::check
