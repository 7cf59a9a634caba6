#include "sim/check/history.h"

#include <algorithm>

#include <fmt/format.h>

#include "sim/core/assert.h"

namespace kafkasim::check {

NameId Names::intern(std::string_view s) {
  if (auto it = index_.find(s); it != index_.end()) return it->second;
  KS_ASSERT(strings_.size() < kNoName);
  const auto id = static_cast<NameId>(strings_.size());
  index_.emplace(strings_.emplace_back(s), id);
  return id;
}

const std::string& Names::str(NameId id) const {
  static const std::string kEmpty;
  if (id == kNoName) return kEmpty;
  KS_ASSERT(id < strings_.size());
  return strings_[id];
}

NameId Names::find(std::string_view s) const {
  auto it = index_.find(s);
  return it == index_.end() ? kNoName : it->second;
}

const char* to_string(MemberWhat what) {
  switch (what) {
    case MemberWhat::kJoined:
      return "joined";
    case MemberWhat::kLeft:
      return "left";
    case MemberWhat::kCrashed:
      return "crashed";
    case MemberWhat::kFenced:
      return "fenced";
    case MemberWhat::kAssigned:
      return "assigned";
    case MemberWhat::kRevoked:
      return "revoked";
  }
  return "?";
}

const char* to_string(OpKind kind) {
  switch (kind) {
    case OpKind::kSend:
      return "send";
    case OpKind::kAck:
      return "ack";
    case OpKind::kSendFailed:
      return "send-failed";
    case OpKind::kPoll:
      return "poll";
    case OpKind::kProcessed:
      return "processed";
    case OpKind::kCommit:
      return "commit";
    case OpKind::kSeek:
      return "seek";
    case OpKind::kTruncation:
      return "truncation";
    case OpKind::kLeaderChange:
      return "leader-change";
    case OpKind::kTxnEnd:
      return "txn-end";
    case OpKind::kMemberEvent:
      return "member-event";
    case OpKind::kFault:
      return "fault";
  }
  return "?";
}

const char* to_string(RemovedBy how) {
  return how == RemovedBy::kRetention ? "retention" : "compaction";
}

const char* to_string(LogTxn t) {
  switch (t) {
    case LogTxn::kNone: return "none";
    case LogTxn::kCommitted: return "committed";
    case LogTxn::kAborted: return "aborted";
    case LogTxn::kOpen: return "open";
  }
  return "?";
}

void History::derive(std::uint64_t output_record_id, std::uint64_t source_record_id) {
  KS_ASSERT(output_record_id != 0 && source_record_id != 0);
  const bool fresh = sources_.emplace(output_record_id, source_record_id).second;
  KS_ASSERT_MSG(fresh, "a record is derived from one source");
}

std::uint64_t History::source_of(std::uint64_t record_id) const {
  auto it = sources_.find(record_id);
  return it == sources_.end() ? 0 : it->second;
}

std::string History::tp_name(const TopicPartition& tp) const {
  return fmt::format("{}-{}", str(tp.topic), tp.partition);
}

template <typename T>
void History::push(std::vector<T>& v, OpKind kind, T op) {
  KS_ASSERT_MSG(op.time_us >= last_time_us_, "history ops must be appended in time order");
  KS_ASSERT(v.size() < UINT32_MAX);
  last_time_us_ = op.time_us;
  v.push_back(std::move(op));
  const OpRef ref{kind, static_cast<std::uint32_t>(v.size() - 1)};
  order_.push_back(ref);
  if (observers_.empty()) return;
  const OpView view_of_op = view(ref);
  for (HistoryObserver* o : observers_) o->on_op(*this, view_of_op);
}

void History::append(const Send& op) {
  push(sends_, OpKind::kSend, op);
}
void History::append(const Ack& op) {
  push(acks_, OpKind::kAck, op);
}
void History::append(const SendFailed& op) {
  push(send_failures_, OpKind::kSendFailed, op);
}
void History::append(const Poll& op) {
  push(polls_, OpKind::kPoll, op);
}
void History::append(const Processed& op) {
  push(processed_, OpKind::kProcessed, op);
}
void History::append(const Commit& op) {
  push(commits_, OpKind::kCommit, op);
}
void History::append(const Seek& op) {
  push(seeks_, OpKind::kSeek, op);
}
void History::append(Truncation op) {
  KS_ASSERT(op.from_offset <= op.to_offset);
  push(truncations_, OpKind::kTruncation, std::move(op));
}
void History::append(LeaderChange op) {
  push(leader_changes_, OpKind::kLeaderChange, std::move(op));
}
void History::append(TxnEnd op) {
  push(txn_ends_, OpKind::kTxnEnd, std::move(op));
}
void History::append(MemberEvent op) {
  push(member_events_, OpKind::kMemberEvent, std::move(op));
}
void History::append(const Fault& op) {
  push(faults_, OpKind::kFault, op);
}

OpView History::view(OpRef ref) const {
  const std::size_t i = ref.index;
  switch (ref.kind) {
    case OpKind::kSend:
      return &sends_[i];
    case OpKind::kAck:
      return &acks_[i];
    case OpKind::kSendFailed:
      return &send_failures_[i];
    case OpKind::kPoll:
      return &polls_[i];
    case OpKind::kProcessed:
      return &processed_[i];
    case OpKind::kCommit:
      return &commits_[i];
    case OpKind::kSeek:
      return &seeks_[i];
    case OpKind::kTruncation:
      return &truncations_[i];
    case OpKind::kLeaderChange:
      return &leader_changes_[i];
    case OpKind::kTxnEnd:
      return &txn_ends_[i];
    case OpKind::kMemberEvent:
      return &member_events_[i];
    case OpKind::kFault:
      return &faults_[i];
  }
  KS_ASSERT_MSG(false, "bad OpKind");
  return &sends_[i];
}

void History::remove_observer(HistoryObserver* observer) {
  observers_.erase(std::remove(observers_.begin(), observers_.end(), observer), observers_.end());
}

}  // namespace kafkasim::check
