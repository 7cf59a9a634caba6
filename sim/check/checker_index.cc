#include "sim/check/checker_index.h"

#include <algorithm>

#include <fmt/format.h>

namespace kafkasim::check::internal {
namespace {

template <typename K, typename V>
const std::vector<V>& find_or_empty(const std::map<K, std::vector<V>>& m, const K& key) {
  static const std::vector<V> kEmpty;
  auto it = m.find(key);
  return it == m.end() ? kEmpty : it->second;
}

std::uint32_t index_of(std::size_t i) {
  return static_cast<std::uint32_t>(i);
}

std::vector<std::uint64_t> all_record_ids(const History& h, const FinalState& f) {
  std::vector<std::uint64_t> ids;
  ids.reserve(h.sends().size() + h.processed().size());
  for (const Send& s : h.sends()) ids.push_back(s.record_id);
  for (const Ack& a : h.acks()) ids.push_back(a.record_id);
  for (const SendFailed& s : h.send_failures()) ids.push_back(s.record_id);
  for (const Poll& p : h.polls()) ids.push_back(p.record_id);
  for (const Processed& p : h.processed()) ids.push_back(p.record_id);
  for (const PartitionFinal& p : f.partitions) {
    for (const ReadableRecord& r : p.records) ids.push_back(r.record_id);
  }
  return ids;
}

}  // namespace

RecordSlots::RecordSlots(std::vector<std::uint64_t> ids) : ids_(std::move(ids)) {
  std::sort(ids_.begin(), ids_.end());
  ids_.erase(std::unique(ids_.begin(), ids_.end()), ids_.end());
  contiguous_ = ids_.empty() || ids_.back() - ids_.front() + 1 == ids_.size();
}

std::size_t RecordSlots::slot(std::uint64_t id) const {
  if (ids_.empty() || id < ids_.front() || id > ids_.back()) return kNoSlot;
  if (contiguous_) return static_cast<std::size_t>(id - ids_.front());
  const auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
  return it != ids_.end() && *it == id ? static_cast<std::size_t>(it - ids_.begin()) : kNoSlot;
}

std::string Cause::phrase() const {
  if (!found()) return "cause unknown (no truncation, crash, rebalance or retry recorded)";
  const std::string at = fmt::format(" at t={}", format_time(time_us));
  // A cause text may already say when (the engine's "broker 2 became leader uncleanly at t=12.400s").
  if (time_in_text || text.ends_with(at)) return text;
  return text + at;
}

Index::Index(const History& history, const FinalState& final_state)
    : h_(history), f_(final_state), slots_(all_record_ids(history, final_state)) {
  records_.resize(slots_.size());
  readable_.resize(slots_.size());
  log_txn_.resize(slots_.size());
  index_records();
  index_transactions();
  for (const PartitionFinal& p : f_.partitions) {
    partitions_[p.tp] = &p;
    for (const ReadableRecord& r : p.records) {
      const std::size_t slot = slots_.slot(r.record_id);
      readable_[slot].push_back(Location{p.tp, r.offset});
      if (!log_txn_[slot]) log_txn_[slot] = r.txn;
    }
  }
  for (const Truncation& t : h_.truncations()) truncations_[t.tp].push_back(&t);
  for (const LeaderChange& l : h_.leader_changes()) leader_changes_[l.tp].push_back(&l);
  for (const Commit& c : h_.commits()) commits_[{c.group, c.tp}].push_back(&c);
  for (const Seek& s : h_.seeks()) seeks_[{s.group, s.tp}].push_back(&s);
  for (const Poll& p : h_.polls()) first_polls_.emplace(GroupTp{p.group, p.tp}, when(p));
  for (const MemberEvent& e : h_.member_events()) member_events_[{e.group, e.member}].push_back(&e);
}

RecordInfo& Index::info(std::uint64_t record_id) {
  RecordInfo& r = records_[slots_.slot(record_id)];
  r.known = true;
  return r;
}

void Index::index_records() {
  const auto& sends = h_.sends();
  for (std::size_t i = 0; i < sends.size(); ++i) info(sends[i].record_id).send = index_of(i);
  const auto& acks = h_.acks();
  for (std::size_t i = 0; i < acks.size(); ++i) {
    RecordInfo& r = info(acks[i].record_id);
    if (r.ack == kNone) r.ack = index_of(i);
  }
  const auto& failures = h_.send_failures();
  for (std::size_t i = 0; i < failures.size(); ++i) {
    RecordInfo& r = info(failures[i].record_id);
    std::uint32_t& slot = failures[i].gave_up == GaveUp::kYes ? r.gave_up : r.retry;
    if (slot == kNone) slot = index_of(i);
  }
}

// Records of a transaction are the Sends with its transactional_id between the previous TxnEnd of that
// transactional_id and the next one; walk the ops in run order.
void Index::index_transactions() {
  std::map<NameId, std::vector<std::uint64_t>> open;
  for (const OpRef& ref : h_.order()) {
    if (ref.kind == OpKind::kSend) {
      const Send& s = h_.sends()[ref.index];
      if (s.transactional_id == kNoName) continue;
      open[s.transactional_id].push_back(s.record_id);
      info(s.record_id).txn = TxnState::kOpen;
    } else if (ref.kind == OpKind::kTxnEnd) {
      const TxnEnd& e = h_.txn_ends()[ref.index];
      for (std::uint64_t id : open[e.transactional_id]) {
        RecordInfo& r = info(id);
        r.txn = e.committed ? TxnState::kCommitted : TxnState::kAborted;
        r.txn_end = ref.index;
      }
      open.erase(e.transactional_id);
    }
  }
}

const RecordInfo* Index::record(std::uint64_t record_id) const {
  const std::size_t slot = slots_.slot(record_id);
  return slot == kNoSlot || !records_[slot].known ? nullptr : &records_[slot];
}

const std::vector<Location>& Index::readable(std::uint64_t record_id) const {
  static const std::vector<Location> kEmpty;
  const std::size_t slot = slots_.slot(record_id);
  return slot == kNoSlot ? kEmpty : readable_[slot];
}

const PartitionFinal* Index::partition(const TopicPartition& tp) const {
  auto it = partitions_.find(tp);
  return it == partitions_.end() ? nullptr : it->second;
}

const ReadableRecord* Index::at(const TopicPartition& tp, std::int64_t offset) const {
  const PartitionFinal* p = partition(tp);
  if (p == nullptr) return nullptr;
  auto it = std::lower_bound(p->records.begin(), p->records.end(), offset,
                             [](const ReadableRecord& r, std::int64_t o) { return r.offset < o; });
  return it != p->records.end() && it->offset == offset ? &*it : nullptr;
}

TxnState Index::txn(std::uint64_t record_id) const {
  const std::size_t slot = slots_.slot(record_id);
  if (slot != kNoSlot && log_txn_[slot]) {
    switch (*log_txn_[slot]) {
      case LogTxn::kNone: break;
      case LogTxn::kCommitted: return TxnState::kCommitted;
      case LogTxn::kAborted: return TxnState::kAborted;
      case LogTxn::kOpen: return TxnState::kOpen;
    }
  }
  const RecordInfo* r = record(record_id);
  return r == nullptr ? TxnState::kNone : r->txn;
}

std::uint32_t Index::txn_end(std::uint64_t record_id) const {
  const RecordInfo* r = record(record_id);
  return r == nullptr ? kNone : r->txn_end;
}

bool Index::removed_on_purpose(const TopicPartition& tp, std::int64_t offset) const {
  const PartitionFinal* p = partition(tp);
  if (p == nullptr) return false;
  for (const Removed& r : p->removed) {
    if (offset >= r.below_offset) continue;
    if (r.how == RemovedBy::kRetention) return true;
    if (at(tp, offset) == nullptr) return true;  // compaction leaves the offset empty
  }
  return false;
}

const std::vector<const Commit*>& Index::commits(NameId group, const TopicPartition& tp) const {
  return find_or_empty(commits_, GroupTp{group, tp});
}
const std::vector<const Seek*>& Index::seeks(NameId group, const TopicPartition& tp) const {
  return find_or_empty(seeks_, GroupTp{group, tp});
}
const std::vector<const MemberEvent*>& Index::member_events(NameId group, NameId member) const {
  return find_or_empty(member_events_, GroupMember{group, member});
}

Cause Index::truncation(const TopicPartition& tp, std::int64_t offset, When after) const {
  return log_change(tp, offset, after, When{kTimeNever, UINT64_MAX});
}

Cause Index::log_change(const TopicPartition& tp, std::int64_t offset, When after, When before) const {
  for (const Truncation* t : find_or_empty(truncations_, tp)) {
    if (when(*t) < after || before < when(*t)) continue;
    if (offset < t->from_offset || offset >= t->to_offset) continue;
    return Cause{h_.str(t->cause), t->cause_event, t->cause_time_us};
  }
  if (before.time_us == kTimeNever) return Cause{};
  return leader_change(tp, after, before);
}

Cause Index::leader_change(const TopicPartition& tp, When after, When before) const {
  for (const LeaderChange* l : find_or_empty(leader_changes_, tp)) {
    if (when(*l) < after || before < when(*l)) continue;
    return Cause{fmt::format("broker {} became leader of {}{} in epoch {}", l->leader, h_.tp_name(tp),
                             l->unclean ? " uncleanly" : "", l->epoch),
                 l->event_number, l->time_us};
  }
  return Cause{};
}

const MemberEvent* Index::member_event(NameId group, NameId member, When after, When before,
                                       std::initializer_list<MemberWhat> whats) const {
  const MemberEvent* found = nullptr;
  for (const MemberEvent* e : member_events(group, member)) {
    if (when(*e) < after || before < when(*e)) continue;
    if (std::find(whats.begin(), whats.end(), e->what) != whats.end()) found = e;
  }
  return found;
}

const Commit* Index::commit_past(NameId group, const TopicPartition& tp, std::int64_t offset,
                                 When after) const {
  for (const Commit* c : commits(group, tp)) {
    if (c->ok && c->offset > offset && !(when(*c) < after)) return c;
  }
  return nullptr;
}

const Commit* Index::last_commit(NameId group, const TopicPartition& tp, When before) const {
  const Commit* found = nullptr;
  for (const Commit* c : commits(group, tp)) {
    if (before < when(*c)) break;
    if (c->ok) found = c;
  }
  return found;
}

std::int64_t Index::group_start(NameId group, const TopicPartition& tp) const {
  const auto& s = seeks(group, tp);
  if (s.empty()) return 0;
  auto poll = first_polls_.find(GroupTp{group, tp});
  if (poll != first_polls_.end() && poll->second < when(*s.front())) return 0;
  return s.front()->offset;
}

Cause Index::retried(std::uint64_t record_id) const {
  const RecordInfo* r = record(record_id);
  if (r == nullptr || r->retry == kNone) return Cause{};
  const SendFailed& f = h_.send_failures()[r->retry];
  const Send* s = r->send == kNone ? nullptr : &h_.sends()[r->send];
  return Cause{fmt::format("producer {} retried after {}", s ? h_.str(s->producer) : "?", h_.str(f.error)),
               f.event_number, f.time_us};
}

Cause Index::member_cause(const MemberEvent& e) const {
  return Cause{fmt::format("{} {}", h_.str(e.member), to_string(e.what)), e.event_number, e.time_us};
}

}  // namespace kafkasim::check::internal
