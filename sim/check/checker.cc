#include "sim/check/checker.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "sim/check/checker_index.h"

namespace kafkasim::check {
namespace {

using internal::Cause;
using internal::Index;
using internal::TxnState;
using internal::When;
using internal::when;

// One anomalous offset before ranges are merged. `what` says what happened to the offsets
// ("lost", "processed twice by group g"); records with equal kind, group, tp, what and cause and
// consecutive offsets merge into one Anomaly.
struct Candidate {
  AnomalyKind kind = AnomalyKind::kLostWrite;
  std::string group;
  TopicPartition tp;
  std::string topic;
  std::int64_t offset = 0;
  std::uint64_t record_id = 0;
  std::string what;
  Cause cause;
};

bool mergeable(const Anomaly& a, const Candidate& c, const Candidate& prev) {
  return a.kind == c.kind && a.group == c.group && prev.tp == c.tp && c.offset <= a.last_offset + 1 &&
         prev.what == c.what && prev.cause.event == c.cause.event && prev.cause.text == c.cause.text;
}

std::string where(const Anomaly& a) {
  if (a.first_offset == a.last_offset)
    return fmt::format("{}-{} offset {}", a.topic, a.partition, a.first_offset);
  return fmt::format("{}-{} offsets {}-{}", a.topic, a.partition, a.first_offset, a.last_offset);
}

std::vector<Anomaly> merge(std::vector<Candidate> cs) {
  std::sort(cs.begin(), cs.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(a.topic, a.tp.partition, a.kind, a.group, a.offset, a.record_id) <
           std::tie(b.topic, b.tp.partition, b.kind, b.group, b.offset, b.record_id);
  });
  std::vector<Anomaly> out;
  const Candidate* prev = nullptr;
  for (const Candidate& c : cs) {
    if (prev != nullptr && mergeable(out.back(), c, *prev)) {
      out.back().last_offset = std::max(out.back().last_offset, c.offset);
      out.back().record_ids.push_back(c.record_id);
    } else {
      Anomaly& a = out.emplace_back();
      a.kind = c.kind;
      a.group = c.group;
      a.topic = c.topic;
      a.partition = c.tp.partition;
      a.first_offset = a.last_offset = c.offset;
      a.record_ids = {c.record_id};
      a.cause_event = c.cause.event;
      a.cause_time_us = c.cause.time_us;
      a.what = c.what;
      a.because = c.cause.phrase();
    }
    prev = &c;
    Anomaly& a = out.back();
    a.where = where(a);
    a.explanation = fmt::format("{} {}: {}", a.where, a.what, a.because);
  }
  return out;
}

void add_count(std::vector<PartitionCount>& v, const std::string& topic, std::int32_t partition) {
  for (PartitionCount& p : v) {
    if (p.topic == topic && p.partition == partition) {
      ++p.count;
      return;
    }
  }
  v.push_back(PartitionCount{topic, partition, 1});
}

// Marks the record's slot seen; true the first time.
bool first_time(std::vector<bool>& seen, std::uint64_t record_id, const internal::RecordSlots& slots) {
  const std::size_t slot = slots.slot(record_id);
  if (seen[slot]) return false;
  seen[slot] = true;
  return true;
}

class Checker {
 public:
  Checker(const History& h, const FinalState& f) : h_(h), f_(f), ix_(h, f) {}

  Report run() {
    Report r;
    check_topics(r);
    std::set<NameId> groups;
    for (const Poll& p : h_.polls()) groups.insert(p.group);
    for (const Processed& p : h_.processed()) groups.insert(p.group);
    for (const Commit& c : h_.commits()) groups.insert(c.group);
    for (const MemberEvent& e : h_.member_events()) groups.insert(e.group);
    for (const GroupFinal& g : f_.groups) groups.insert(g.group);
    std::map<std::string, NameId> by_name;
    for (NameId g : groups) by_name.emplace(h_.str(g), g);
    for (const auto& [name, g] : by_name) r.groups.push_back(check_group(g));
    for (const ProcessorFinal& p : f_.processors) r.processors.push_back(check_processor(p));
    r.anomalies = merge(std::move(candidates_));
    return r;
  }

 private:
  void add(AnomalyKind kind, NameId group, TopicPartition tp, std::int64_t offset, std::uint64_t id,
           std::string what, Cause cause) {
    add(kind, h_.str(group), tp, offset, id, std::move(what), std::move(cause));
  }
  void add(AnomalyKind kind, std::string group, TopicPartition tp, std::int64_t offset, std::uint64_t id,
           std::string what, Cause cause) {
    candidates_.push_back(
        Candidate{kind, std::move(group), tp, h_.str(tp.topic), offset, id, std::move(what), std::move(cause)});
  }

  TopicCounts& topic(std::map<std::string, TopicCounts>& m, NameId t) {
    TopicCounts& c = m[h_.str(t)];
    c.topic = h_.str(t);
    return c;
  }

  void check_topics(Report& r) {
    std::map<std::string, TopicCounts> topics;
    std::vector<bool> seen(ix_.slots().size());  // by record slot
    for (const Send& s : h_.sends()) {
      if (!first_time(seen, s.record_id, ix_.slots())) continue;
      TopicCounts& c = topic(topics, s.tp.topic);
      const internal::RecordInfo& info = *ix_.record(s.record_id);
      const auto& locs = ix_.readable(s.record_id);
      ++c.produced;
      if (info.ack == internal::kNone) {
        if (info.gave_up != internal::kNone) ++c.failed;
        if (!locs.empty()) ++c.unacked_written;
      } else {
        ++c.acked;
        if (locs.empty()) check_lost_ack(c, h_.acks()[info.ack]);
      }
      if (locs.size() > 1) {
        ++c.duplicates_in_log;
        for (std::size_t i = 1; i < locs.size(); ++i) {
          add(AnomalyKind::kDuplicate, kNoName, locs[i].tp, locs[i].offset, s.record_id,
              fmt::format("written again (first at offset {})", locs[0].offset), ix_.retried(s.record_id));
        }
      }
    }
    for (const PartitionFinal& p : f_.partitions) check_send_order(topic(topics, p.tp.topic), p);
    for (auto& [name, c] : topics) {
      r.produced += c.produced;
      r.acked += c.acked;
      r.lost_acked += c.lost_acked;
      r.duplicates += c.duplicates_in_log;
      r.topics.push_back(std::move(c));
    }
  }

  void check_lost_ack(TopicCounts& c, const Ack& a) {
    if (ix_.removed_on_purpose(a.tp, a.offset)) {
      ++c.removed;
      return;
    }
    ++c.lost_acked;
    Cause cause = ix_.truncation(a.tp, a.offset, when(a));
    if (!cause.found()) cause = ix_.leader_change(a.tp, when(a), When{kTimeNever, UINT64_MAX});
    add(AnomalyKind::kLostWrite, kNoName, a.tp, a.offset, a.record_id, "lost", std::move(cause));
  }

  // nonmonotonic-send: walking the log in offset order, a producer's sends must come in send order.
  void check_send_order(TopicCounts& c, const PartitionFinal& p) {
    std::map<NameId, std::uint32_t> last_send;  // producer -> highest Send index seen so far
    std::vector<bool> seen(ix_.slots().size());  // by record slot
    for (const ReadableRecord& rec : p.records) {
      const internal::RecordInfo* info = ix_.record(rec.record_id);
      if (info == nullptr || info->send == internal::kNone || !first_time(seen, rec.record_id, ix_.slots())) continue;
      const Send& s = h_.sends()[info->send];
      auto [it, first] = last_send.emplace(s.producer, info->send);
      if (first) continue;
      if (info->send < it->second) {
        add_count(c.order_violations, c.topic, p.tp.partition);
        add(AnomalyKind::kNonmonotonicSend, kNoName, p.tp, rec.offset, rec.record_id,
            fmt::format("sent by {} before records at lower offsets", h_.str(s.producer)),
            ix_.retried(rec.record_id));
      }
      it->second = std::max(it->second, info->send);
    }
  }

  GroupCounts check_group(NameId g) {
    GroupCounts out;
    out.group = h_.str(g);
    // By record slot: the first Processed of each record and how often it was processed.
    std::vector<const Processed*> first(ix_.slots().size(), nullptr);
    std::vector<std::uint32_t> times(ix_.slots().size(), 0);
    for (const Processed& p : h_.processed()) {
      if (p.group != g) continue;
      const std::size_t slot = ix_.slots().slot(p.record_id);
      const bool inserted = first[slot] == nullptr;
      if (inserted) {
        first[slot] = &p;
        ++out.consumed;
      }
      if (++times[slot] == 2) ++out.duplicates;
      if (!inserted) explain_duplicate(*first[slot], p);
      if (inserted && ix_.txn(p.record_id) == TxnState::kAborted) {
        ++out.aborted_seen;
        add(AnomalyKind::kAbortedRead, g, p.tp, p.offset, p.record_id,
            fmt::format("of an aborted transaction processed by group {}", out.group), txn_cause(p.record_id));
      }
    }
    polled_.assign(ix_.slots().size(), nullptr);
    for (const Poll& p : h_.polls()) {
      const std::size_t slot = ix_.slots().slot(p.record_id);
      if (p.group == g && polled_[slot] == nullptr) polled_[slot] = &p;
    }
    for (const GroupFinal& gf : f_.groups) {
      if (gf.group != g) continue;
      for (const GroupOffset& o : gf.offsets) check_group_loss(g, o, first, out);
    }
    check_polls(g, out);
    out.semantics = semantics(out.consumed, out.lost, out.duplicates);
    return out;
  }

  void check_group_loss(NameId g, const GroupOffset& o,
                        const std::vector<const Processed*>& processed,  // by record slot
                        GroupCounts& out) {
    const PartitionFinal* p = ix_.partition(o.tp);
    if (p == nullptr || o.committed < 0) return;
    const std::int64_t start = ix_.group_start(g, o.tp);
    for (const ReadableRecord& rec : p->records) {
      if (rec.offset < start) continue;
      if (rec.offset >= o.committed) break;
      const TxnState txn = ix_.txn(rec.record_id);
      if (txn == TxnState::kAborted || txn == TxnState::kOpen || processed[ix_.slots().slot(rec.record_id)] != nullptr) {
        continue;
      }
      ++out.lost;
      add(AnomalyKind::kLostWrite, g, o.tp, rec.offset, rec.record_id,
          fmt::format("lost by group {}", out.group), loss_cause(g, o.tp, rec));
    }
  }

  // Why a group never processed a record below its committed offset.
  Cause loss_cause(NameId g, const TopicPartition& tp, const ReadableRecord& rec) {
    if (const Poll* polled = polled_[ix_.slots().slot(rec.record_id)]; polled != nullptr) {
      const Poll& p = *polled;
      const MemberEvent* e = ix_.member_event(g, p.member, when(p), When{kTimeNever, UINT64_MAX},
                                              {MemberWhat::kCrashed, MemberWhat::kLeft, MemberWhat::kFenced});
      const Commit* c = ix_.commit_past(g, tp, rec.offset, When{});
      if (e != nullptr) {
        Cause cause = ix_.member_cause(*e);
        cause.time_in_text = true;
        cause.text =
            fmt::format("{}{} polled them at t={}, and {} at t={} before processing them",
                        c ? fmt::format("offset {} was committed after ", c->offset) : "", h_.str(p.member),
                        format_time(p.time_us), cause.text, format_time(e->time_us));
        return cause;
      }
    }
    for (const Seek* s : ix_.seeks(g, tp)) {
      if (s->offset > rec.offset) {
        return Cause{fmt::format("{} moved its position to offset {} ({})", h_.str(s->member), s->offset,
                                 h_.str(s->reason)),
                     s->event_number, s->time_us};
      }
    }
    if (const Commit* c = ix_.commit_past(g, tp, rec.offset, When{})) {
      // The offsets were truncated and rewritten after the group had read and committed past them.
      if (Cause t = ix_.truncation(tp, rec.offset, when(*c)); t.found()) {
        t.text =
            fmt::format("the log was truncated and rewritten below offset {} committed earlier by {}: {}",
                        c->offset, h_.str(c->member), t.text);
        return t;
      }
      return Cause{
          fmt::format("{} committed offset {} without processing them", h_.str(c->member), c->offset),
          c->event_number, c->time_us};
    }
    return Cause{};
  }

  void explain_duplicate(const Processed& first, const Processed& again) {
    const NameId g = again.group;
    const auto& locs = ix_.readable(again.record_id);
    Cause cause;
    if (first.offset != again.offset || locs.size() > 1) {
      cause = ix_.retried(again.record_id);
      cause.text = "the log holds the record twice: " + cause.text;
    } else if (const MemberEvent* e =
                   ix_.member_event(g, first.member, when(first), when(again),
                                    {MemberWhat::kCrashed, MemberWhat::kLeft, MemberWhat::kFenced,
                                     MemberWhat::kRevoked, MemberWhat::kAssigned, MemberWhat::kJoined})) {
      const Commit* c = ix_.last_commit(g, again.tp, when(again));
      cause = ix_.member_cause(*e);
      cause.time_in_text = true;
      cause.text = fmt::format("{} at t={} before committing them; {} re-read them from committed offset {}",
                               cause.text, format_time(e->time_us), h_.str(again.member),
                               c ? std::to_string(c->offset) : "none");
    } else if (const MemberEvent* e2 =
                   ix_.member_event(g, again.member, when(first), when(again),
                                    {MemberWhat::kAssigned, MemberWhat::kJoined, MemberWhat::kRevoked})) {
      cause = ix_.member_cause(*e2);
      cause.time_in_text = true;
      cause.text +=
          fmt::format(" at t={} and re-read them from the committed offset", format_time(e2->time_us));
    }
    add(AnomalyKind::kDuplicate, g, again.tp, again.offset, again.record_id,
        fmt::format("processed twice by group {}", h_.str(g)), std::move(cause));
  }

  // poll-skip and nonmonotonic-poll, per member session of a partition.
  void check_polls(NameId g, GroupCounts& out) {
    struct Session {
      std::int64_t next = 0;
      When since;
    };
    std::map<std::pair<NameId, TopicPartition>, Session> sessions;
    for (const OpRef& ref : h_.order()) {
      if (ref.kind == OpKind::kMemberEvent) {
        const MemberEvent& e = h_.member_events()[ref.index];
        if (e.group != g) continue;
        std::erase_if(sessions, [&](const auto& kv) { return kv.first.first == e.member; });
      } else if (ref.kind == OpKind::kSeek) {
        const Seek& s = h_.seeks()[ref.index];
        if (s.group == g) sessions[{s.member, s.tp}] = Session{s.offset, when(s)};
      } else if (ref.kind == OpKind::kPoll) {
        const Poll& p = h_.polls()[ref.index];
        if (p.group != g) continue;
        auto [it, fresh] = sessions.try_emplace({p.member, p.tp}, Session{p.offset + 1, when(p)});
        if (!fresh) check_poll(p, it->second.next, it->second.since, out);
        it->second = Session{p.offset + 1, when(p)};
      }
    }
  }

  void check_poll(const Poll& p, std::int64_t next, When since, GroupCounts& out) {
    const std::string who = fmt::format("{} of group {}", h_.str(p.member), out.group);
    if (p.offset < next) {
      ++out.nonmonotonic_polls;
      add_count(out.order_violations, h_.str(p.tp.topic), p.tp.partition);
      add(AnomalyKind::kNonmonotonicPoll, p.group, p.tp, p.offset, p.record_id,
          fmt::format("polled again by {} after offset {} with no rebalance or seek", who, next - 1),
          ix_.log_change(p.tp, p.offset, since, when(p)));
      return;
    }
    const PartitionFinal* part = ix_.partition(p.tp);
    if (p.offset == next || part == nullptr) return;
    bool skipped = false;
    auto it = std::lower_bound(part->records.begin(), part->records.end(), next,
                               [](const ReadableRecord& r, std::int64_t o) { return r.offset < o; });
    for (; it != part->records.end() && it->offset < p.offset; ++it) {
      const TxnState txn = ix_.txn(it->record_id);
      if (txn == TxnState::kAborted || txn == TxnState::kOpen) continue;
      skipped = true;
      add(AnomalyKind::kPollSkip, p.group, p.tp, it->offset, it->record_id,
          fmt::format("skipped by {} (polled {} then {})", who, next - 1, p.offset),
          ix_.log_change(p.tp, it->offset, since, when(p)));
    }
    if (skipped) ++out.poll_skips;
  }

  // The TxnEnd that ended a record's transaction: "transaction of enricher-0 aborted (reason)".
  Cause txn_cause(std::uint64_t record_id) const {
    const std::uint32_t i = ix_.txn_end(record_id);
    if (i == internal::kNone) return Cause{};
    const TxnEnd& e = h_.txn_ends()[i];
    return Cause{fmt::format("transaction of {} {}{}", h_.str(e.transactional_id),
                             e.committed ? "committed" : "aborted",
                             e.reason == kNoName ? "" : " (" + h_.str(e.reason) + ")"),
                 e.event_number, e.time_us};
  }

  // The Anomaly::group of a processor's anomalies ("processor enricher"; its group may share the name).
  std::string processor_label(const ProcessorFinal& p) const { return "processor " + h_.str(p.id); }

  // Inputs of a processor against its committed outputs (read_committed view of the final logs).
  ProcessorCounts check_processor(const ProcessorFinal& p) {
    ProcessorCounts out;
    out.processor = h_.str(p.id);
    out.group = h_.str(p.group);
    out.input = h_.str(p.input);
    out.output = h_.str(p.output);
    const std::string label = processor_label(p);
    std::map<std::uint64_t, std::vector<std::uint64_t>> outputs;  // input id -> committed output ids
    for (const PartitionFinal& part : f_.partitions) {
      if (part.tp.topic == p.output) check_outputs(p, part, outputs, out);
    }
    std::map<TopicPartition, std::int64_t> committed;
    for (const GroupFinal& gf : f_.groups) {
      if (gf.group != p.group) continue;
      for (const GroupOffset& o : gf.offsets) committed[o.tp] = o.committed;
    }
    for (const PartitionFinal& part : f_.partitions) {
      if (part.tp.topic != p.input) continue;
      auto c = committed.find(part.tp);
      const std::int64_t end = c == committed.end() ? 0 : c->second;
      for (const ReadableRecord& rec : part.records) {
        if (rec.offset >= end) break;
        if (rec.txn == LogTxn::kAborted || rec.txn == LogTxn::kOpen) continue;
        ++out.inputs;
        auto o = outputs.find(rec.record_id);
        const std::size_t n = o == outputs.end() ? 0 : o->second.size();
        if (n == 0) {
          ++out.missing;
          add(AnomalyKind::kLostWrite, label, part.tp, rec.offset, rec.record_id,
              fmt::format("consumed and committed by processor {} with no committed output in {}", out.processor,
                          out.output),
              Cause{fmt::format("its group {} committed offset {} past it", out.group, end), 0, 0, true});
        } else if (n > 1) {
          ++out.duplicates;
          add(AnomalyKind::kDuplicate, label, part.tp, rec.offset, rec.record_id,
              fmt::format("has {} committed outputs of processor {} in {}", n, out.processor, out.output),
              txn_cause(o->second[1]));
        }
      }
    }
    out.semantics = semantics(out.inputs + out.outputs, out.missing, out.duplicates);
    return out;
  }

  // Committed outputs of processor p in one output partition, by input; per key, the inputs behind the
  // outputs must come in input offset order.
  void check_outputs(const ProcessorFinal& p, const PartitionFinal& part,
                     std::map<std::uint64_t, std::vector<std::uint64_t>>& outputs, ProcessorCounts& out) {
    std::map<NameId, internal::Location> last_input;  // key -> input location of its latest output
    for (const ReadableRecord& rec : part.records) {
      const internal::RecordInfo* info = ix_.record(rec.record_id);
      if (info == nullptr || info->send == internal::kNone) continue;
      const Send& s = h_.sends()[info->send];
      const std::uint64_t source = h_.source_of(rec.record_id);
      if (s.producer != p.id || source == 0) continue;
      if (rec.txn == LogTxn::kAborted || rec.txn == LogTxn::kOpen) {
        ++(rec.txn == LogTxn::kAborted ? out.outputs_aborted : out.outputs_open);
        continue;
      }
      ++out.outputs;
      outputs[source].push_back(rec.record_id);
      const auto& src = ix_.readable(source);
      if (src.empty() || s.key == kNoName) continue;
      auto [it, fresh] = last_input.try_emplace(s.key, src.front());
      if (!fresh && it->second.tp == src.front().tp && src.front().offset < it->second.offset) {
        add_count(out.order_violations, out.output, part.tp.partition);
        add(AnomalyKind::kNonmonotonicSend, processor_label(p), part.tp, rec.offset, rec.record_id,
            fmt::format("output of input {}-{} offset {} after the output of offset {} (key {})", out.input,
                        src.front().tp.partition, src.front().offset, it->second.offset, h_.str(s.key)),
            txn_cause(rec.record_id));
      }
      it->second = src.front();
    }
  }

  static Semantics semantics(std::int64_t seen, std::int64_t lost, std::int64_t duplicates) {
    if (seen == 0 && lost == 0) return Semantics::kNoneYet;
    if (lost > 0) return duplicates > 0 ? Semantics::kNeither : Semantics::kAtMostOnce;
    return duplicates > 0 ? Semantics::kAtLeastOnce : Semantics::kExactlyOnce;
  }

  const History& h_;
  const FinalState& f_;
  Index ix_;
  std::vector<Candidate> candidates_;
  std::vector<const Poll*> polled_;  // of the group being checked, by record slot: first Poll
};

}  // namespace

Report check_history(const History& history, const FinalState& final_state) {
  return Checker(history, final_state).run();
}

}  // namespace kafkasim::check
