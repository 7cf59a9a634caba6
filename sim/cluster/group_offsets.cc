// The group coordinator's durable side: OffsetCommit / OffsetFetch, group metadata records, appends to
// __consumer_offsets answered at the HW, and loading / unloading partitions (Kafka's
// GroupMetadataManager.storeOffsets / storeGroup / doLoadGroupsAndOffsets / removeGroupsForPartition).
#include <algorithm>

#include <fmt/format.h>

#include "sim/cluster/broker.h"
#include "sim/cluster/coordinator_util.h"
#include "sim/cluster/group_coordinator.h"
#include "sim/cluster/group_internal.h"
#include "sim/core/assert.h"
#include "sim/core/simulation.h"
#include "sim/log/record_batch.h"

namespace kafkasim::cluster {

using protocol::ErrorCode;
using protocol::TopicPartition;


// --------------------------------------------------------------------------------------- OffsetCommit

namespace {
using OffsetValues = std::vector<std::pair<TopicPartition, OffsetCommitValue>>;

// The OffsetCommit records of `values` for `group` (Kafka: GroupMetadataManager.storeOffsets builds one
// batch of them), and "tp=offset, ..." for the trace.
InternalRecords offset_records(const std::string& group, const OffsetValues& values, std::string& list) {
  InternalRecords records;
  for (const auto& [tp, v] : values) {
    records.push_back({encode_key(OffsetCommitKey{group, tp}), encode_value(v)});
    list += fmt::format("{}{}={}", list.empty() ? "" : ", ", tp.str(), v.offset);
  }
  return records;
}

// Kafka: GroupMetadata.onOffsetCommitAppend / completePendingTxnOffsetCommit: an offset replaces the cached
// one unless that one was written later in the log. Returns whether it was applied.
bool materialize(StoredOffsets& offsets, const TopicPartition& tp, const StoredOffset& so) {
  auto it = offsets.find(tp);
  if (it != offsets.end() && !it->second.older_than(so)) return false;
  offsets[tp] = so;
  return true;
}
}  // namespace

void GroupCoordinator::handle_offset_commit(net::ConnectionId conn, const protocol::OffsetCommitRequest& req) {
  auto resp = std::make_shared<protocol::OffsetCommitResponse>();
  resp->correlation_id = req.correlation_id;
  auto answer_all = [&](ErrorCode e) {
    for (const auto& p : req.partitions) resp->partitions.push_back({p.tp, e});
    send(conn, resp);
  };
  const ErrorCode owner = owner_error(req.group_id);
  if (owner != ErrorCode::kNone) return answer_all(owner);
  Group* g = find_group(req.group_id);
  const bool standalone = req.generation_id < 0 && req.member_id.empty();
  if (g == nullptr) {
    if (!standalone) return answer_all(ErrorCode::kIllegalGeneration);
    g = &add_group(req.group_id);
  }
  // Kafka: validateOffsetCommit.
  if (standalone) {
    if (g->state != GroupState::kEmpty) return answer_all(ErrorCode::kIllegalGeneration);
  } else {
    const ErrorCode valid = validate_member(*g, req.member_id, req.group_instance_id);
    if (valid != ErrorCode::kNone) return answer_all(valid);
    if (req.generation_id != g->generation) return answer_all(ErrorCode::kIllegalGeneration);
    if (g->state == GroupState::kCompletingRebalance) return answer_all(ErrorCode::kRebalanceInProgress);
    schedule_session(*g, g->members.at(req.member_id));
  }
  OffsetValues values;
  for (const auto& p : req.partitions) {
    OffsetCommitValue v;
    v.offset = p.committed_offset;
    v.leader_epoch = p.committed_leader_epoch;
    v.metadata = p.metadata;
    v.commit_timestamp_ms = broker_.wall_clock_ms();
    values.push_back({p.tp, v});
  }
  std::string list;
  InternalRecords records = offset_records(req.group_id, values, list);
  const std::string group = req.group_id;
  const std::string member = req.member_id;
  const std::int64_t base = append(g->partition, std::move(records), [this, conn, resp, group, member, values,
                                                                      list](ErrorCode e, std::int64_t base_offset) {
    Group* grp = find_group(group);
    if (grp != nullptr) {
      grp->pending_commits.erase(base_offset);
      if (e == ErrorCode::kNone) {
        for (const auto& [tp, v] : values) materialize(grp->offsets, tp, StoredOffset{v, base_offset});
      }
    }
    for (const auto& [tp, v] : values) resp->partitions.push_back({tp, e});
    broker_.sim().trace_event(broker_.id(), "group.commit",
                              fmt::format("group {} member {} commit {}: {}", group, member.empty() ? "-" : member,
                                          list, protocol::error_name(e)));
    send(conn, resp);
  });
  // Kafka: GroupMetadata.prepareOffsetCommit (pending until the append completes).
  if (base >= 0) {
    for (const auto& [tp, v] : values) g->pending_commits[base].push_back(tp);
  }
}

// ------------------------------------------------------------------------------------ TxnOffsetCommit

ErrorCode GroupCoordinator::producer_epoch_error(std::int32_t partition, const TxnProducer& producer) const {
  // Kafka: ProducerAppendInfo.checkProducerEpoch fences an older epoch on a coordinator append too
  // (INVALID_PRODUCER_EPOCH since 2.7); the leader skips sequence checks for these batches.
  const Replica* r = broker_.replica(TopicPartition{std::string(kOffsetsTopic), partition});
  if (r == nullptr) return ErrorCode::kNone;
  auto it = r->producers().find(producer.producer_id);
  if (it != r->producers().end() && producer.producer_epoch < it->second.epoch) return ErrorCode::kInvalidProducerEpoch;
  return ErrorCode::kNone;
}

void GroupCoordinator::handle_txn_offset_commit(net::ConnectionId conn, const protocol::TxnOffsetCommitRequest& req) {
  auto resp = std::make_shared<protocol::TxnOffsetCommitResponse>();
  resp->correlation_id = req.correlation_id;
  auto answer_all = [&](ErrorCode e) {
    for (const auto& [tp, offset] : req.offsets) resp->results.push_back({tp, e});
    send(conn, resp);
  };
  const ErrorCode owner = owner_error(req.group_id);
  if (owner != ErrorCode::kNone) return answer_all(owner);
  // Kafka: handleTxnCommitOffsets creates a group it does not know (Empty).
  Group& g = add_group(req.group_id);
  // Kafka: validateOffsetCommit(isTransactional = true): KIP-447 fencing only when the producer sent its
  // consumer's group metadata; without it any state is accepted.
  if (req.generation_id >= 0 || !req.member_id.empty() || req.group_instance_id) {
    const ErrorCode valid = validate_member(g, req.member_id, req.group_instance_id);
    if (valid != ErrorCode::kNone) return answer_all(valid);
    if (req.generation_id != g.generation) return answer_all(ErrorCode::kIllegalGeneration);
  }
  const TxnProducer producer{req.producer_id, req.producer_epoch};
  const ErrorCode fenced = producer_epoch_error(g.partition, producer);
  if (fenced != ErrorCode::kNone) return answer_all(fenced);
  OffsetValues values;
  for (const auto& [tp, offset] : req.offsets) {
    OffsetCommitValue v;
    v.offset = offset;
    v.commit_timestamp_ms = broker_.wall_clock_ms();
    values.push_back({tp, v});
  }
  std::string list;
  InternalRecords records = offset_records(req.group_id, values, list);
  const std::string group = req.group_id;
  const std::string why = fmt::format("group {} producer {} (epoch {}, transactional.id {}) offsets {}", group,
                                      req.producer_id, req.producer_epoch, req.transactional_id, list);
  const std::int64_t pid = req.producer_id;
  const std::int64_t base = append(g.partition, std::move(records), [this, conn, resp, group, pid, values,
                                                                     why](ErrorCode e, std::int64_t base_offset) {
    Group* grp = find_group(group);
    if (e != ErrorCode::kNone && grp != nullptr) {
      // Kafka: failPendingTxnOffsetCommit (the client retries, maybe with another coordinator).
      auto it = grp->pending_txn_offsets.find(pid);
      if (it != grp->pending_txn_offsets.end()) {
        std::erase_if(it->second, [&](const auto& kv) { return kv.second.log_offset == base_offset; });
        if (it->second.empty()) grp->pending_txn_offsets.erase(it);
      }
    }
    for (const auto& [tp, v] : values) resp->results.push_back({tp, e});
    broker_.sim().trace_event(broker_.id(), "group.txn_commit",
                              fmt::format("{} pending until the transaction ends: {}", why, protocol::error_name(e)));
    send(conn, resp);
  }, producer);
  // Kafka: GroupMetadata.prepareTxnOffsetCommit: pending for the producer until its marker.
  if (base >= 0) {
    for (const auto& [tp, v] : values) g.pending_txn_offsets[pid][tp] = StoredOffset{v, base};
  }
}

void GroupCoordinator::on_txn_marker(std::int32_t partition, std::int64_t producer_id, bool committed) {
  for (auto& [id, gp] : groups_) {
    Group& g = *gp;
    if (g.partition != partition) continue;
    auto it = g.pending_txn_offsets.find(producer_id);
    if (it == g.pending_txn_offsets.end()) continue;
    std::string list;
    for (const auto& [tp, so] : it->second) {
      // Kafka: completePendingTxnOffsetCommit keeps a cached offset written later in the log.
      const bool applied = committed && materialize(g.offsets, tp, so);
      list += fmt::format("{}{}={}{}", list.empty() ? "" : ", ", tp.str(), so.value.offset,
                          committed && !applied ? " (a later commit wins)" : "");
    }
    g.pending_txn_offsets.erase(it);
    broker_.sim().trace_event(broker_.id(), committed ? "group.txn_offsets_committed" : "group.txn_offsets_aborted",
                              fmt::format("group {} producer {}: {} {}", g.id, producer_id,
                                          committed ? "commit marker, offsets visible" : "abort marker, dropped", list));
  }
}

// ---------------------------------------------------------------------------------------- OffsetFetch

void GroupCoordinator::handle_offset_fetch(net::ConnectionId conn, const protocol::OffsetFetchRequest& req) {
  auto resp = std::make_shared<protocol::OffsetFetchResponse>();
  resp->correlation_id = req.correlation_id;
  resp->error = owner_error(req.group_id);
  if (resp->error == ErrorCode::kNone) {
    const Group* g = find_group(req.group_id);
    for (const auto& tp : req.partitions) {
      protocol::OffsetFetchPartition p;
      p.tp = tp;
      if (g != nullptr && req.require_stable && g->has_pending_commit(tp)) {
        // Kafka: GroupMetadataManager.getOffsets(requireStable) (KIP-447).
        p.error = ErrorCode::kUnstableOffsetCommit;
      } else if (g != nullptr) {
        auto it = g->offsets.find(tp);
        if (it != g->offsets.end()) {
          p.committed_offset = it->second.value.offset;
          p.committed_leader_epoch = it->second.value.leader_epoch;
        }
      }
      resp->partitions.push_back(std::move(p));
    }
  }
  send(conn, resp);
}

// ------------------------------------------------------------------------------------ group records

void GroupCoordinator::store_group(Group& g, StoreDone done) {
  GroupMetadataValue v;
  v.generation = g.generation;
  if (!g.protocol.empty()) v.protocol = g.protocol;
  if (!g.leader.empty()) v.leader = g.leader;
  v.current_state_timestamp_ms = broker_.wall_clock_ms();
  for (const auto& id : g.member_order) {
    const Member& m = g.members.at(id);
    StoredMember sm;
    sm.member_id = id;
    sm.group_instance_id = m.instance_id;
    sm.client_id = m.client_id;
    sm.client_host = m.client_host;
    sm.rebalance_timeout_ms = m.rebalance_timeout_ms;
    sm.session_timeout_ms = m.session_timeout_ms;
    if (const auto* md = m.metadata_for(g.protocol)) sm.subscription = *md;
    sm.assignment = m.assignment;
    v.members.push_back(std::move(sm));
  }
  append(g.partition, InternalRecords{{encode_key(GroupMetadataKey{g.id}), encode_value(v)}},
         [done = std::move(done)](ErrorCode e, std::int64_t) { done(e); });
}

std::int64_t GroupCoordinator::append(std::int32_t partition, InternalRecords records, AppendDone done,
                                      std::optional<TxnProducer> txn) {
  InternalTopicWriter::Write w;
  w.partition = partition;
  w.records = std::move(records);
  if (txn) {
    // Kafka: storeOffsets builds a transactional batch of the producer (isTxnOffsetCommit); no sequence, so
    // the leader skips the sequence checks as for AppendOrigin.COORDINATOR.
    w.spec.transactional = true;
    w.spec.producer_id = txn->producer_id;
    w.spec.producer_epoch = txn->producer_epoch;
    w.spec.base_sequence = batch::kNoSequence;
  }
  w.done = std::move(done);
  return writer_.append(std::move(w));
}

void GroupCoordinator::on_hw_advanced(std::int32_t partition) { writer_.on_hw_advanced(partition); }

// ---------------------------------------------------------------------------------- load / unload

void GroupCoordinator::on_partition_role(std::int32_t partition, bool leader, std::int32_t leader_epoch) {
  apply_partition_role(led_, partition, leader, leader_epoch, [&] { load_partition(partition, leader_epoch); },
                       [&] { unload_partition(partition); });
}


// What GroupMetadataManager.doLoadGroupsAndOffsets builds while it reads a __consumer_offsets partition:
// committed offsets and group metadata per group, and the offsets of transactional batches per producer id
// until that producer's marker (COMMIT materializes them, ABORT drops them).
struct GroupCoordinator::LoadReplay {
  std::map<std::string, GroupMetadataValue> metas;
  std::map<std::string, StoredOffsets> offsets;
  std::map<std::int64_t, std::map<std::string, StoredOffsets>> pending;  // producer id -> group -> offsets
  std::uint64_t records = 0;

  // Applies one decoded batch; records before `from` (already read) are skipped.
  void apply(const DecodedBatch& b, std::int64_t from) {
    const BatchHeader& h = b.header;
    if (h.is_control()) {
      if (b.records.empty()) return;
      ++records;
      auto it = pending.find(h.producer_id);
      if (it == pending.end()) return;
      const auto marker = parse_control_record(b.records.front());
      if (marker && marker->type == ControlType::kCommit) {
        for (const auto& [gid, offs] : it->second) {
          for (const auto& [tp, so] : offs) materialize(offsets[gid], tp, so);
        }
      }
      pending.erase(it);
      return;
    }
    const bool txn = h.is_transactional();
    std::int64_t batch_offset = -1;  // Kafka: the first record's offset
    for (const RecordView& rv : b.records) {
      if (batch_offset < 0) batch_offset = rv.offset;
      if (rv.offset < from || !rv.key) continue;
      ++records;
      auto key = decode_key(*rv.key);
      if (!key) continue;
      if (const auto* ok = std::get_if<OffsetCommitKey>(&*key)) {
        StoredOffsets& target = txn ? pending[h.producer_id][ok->group] : offsets[ok->group];
        auto v = rv.value ? decode_offset_value(*rv.value) : std::nullopt;
        if (v) target[ok->tp] = StoredOffset{*v, batch_offset};
        else target.erase(ok->tp);
      } else {
        const auto& gk = std::get<GroupMetadataKey>(*key);
        auto v = rv.value ? decode_group_value(*rv.value) : std::nullopt;
        if (v) metas[gk.group] = *v;
        else metas.erase(gk.group);
      }
    }
  }
};

void GroupCoordinator::load_partition(std::int32_t partition, std::int32_t leader_epoch) {
  led_[partition] = leader_epoch;
  loading_.insert(partition);
  broker_.sim().trace_event(broker_.id(), "group.load_begin",
                            fmt::format("broker {} loads {}-{} (leader epoch {})", broker_.broker_id(), kOffsetsTopic,
                                        partition, leader_epoch));
  // Loading reads the partition from disk: model it as one disk I/O delay plus 1 ms.
  const TimeUs delay = ms_to_us(1) + broker_.disk().io_delay_us();
  broker_.after(delay, [this, partition, leader_epoch] {
    auto led = led_.find(partition);
    if (led == led_.end() || led->second != leader_epoch || loading_.count(partition) == 0) return;
    const TopicPartition tp{std::string(kOffsetsTopic), partition};
    auto rit = broker_.replicas_.find(tp);
    if (rit == broker_.replicas_.end()) return;
    Replica& r = *rit->second;
    LoadReplay replay;
    const std::int64_t from = r.log_start_offset();
    scan_log(r.log(), from, r.log_end_offset(), [&](const DecodedBatch& b) { replay.apply(b, from); });
    install_loaded(partition, replay);
  });
}

void GroupCoordinator::install_loaded(std::int32_t partition, LoadReplay& replay) {
  std::size_t pending_count = 0;
  for (auto& [gid, offs] : replay.offsets) {
    if (partition_for(gid) == partition) add_group(gid).offsets = std::move(offs);
  }
  // Kafka: loadGroup -> GroupMetadata.initializeOffsets(offsets, pendingTxnOffsets): still-open transactions
  // stay pending (a group with only those is loaded Empty).
  for (auto& [pid, by_group] : replay.pending) {
    for (auto& [gid, offs] : by_group) {
      if (partition_for(gid) != partition || offs.empty()) continue;
      pending_count += offs.size();
      add_group(gid).pending_txn_offsets[pid] = std::move(offs);
    }
  }
  for (auto& [gid, meta] : replay.metas) {
    if (partition_for(gid) != partition) continue;
    Group& g = add_group(gid);
    g.generation = meta.generation;
    g.protocol = meta.protocol.value_or("");
    g.leader = meta.leader.value_or("");
    for (const StoredMember& sm : meta.members) {
      Member m;
      m.member_id = sm.member_id;
      m.instance_id = sm.group_instance_id;
      m.client_id = sm.client_id;
      m.client_host = sm.client_host;
      m.session_timeout_ms = sm.session_timeout_ms;
      m.rebalance_timeout_ms = sm.rebalance_timeout_ms;
      m.protocols.push_back(protocol::JoinGroupProtocol{g.protocol, sm.subscription});
      m.assignment = sm.assignment;
      if (m.instance_id) g.static_members[*m.instance_id] = m.member_id;
      g.member_order.push_back(m.member_id);
      g.members[m.member_id] = std::move(m);
    }
    g.state = g.members.empty() ? GroupState::kEmpty : GroupState::kStable;
    for (auto& [mid, m] : g.members) schedule_session(g, m);
  }
  loading_.erase(partition);
  std::size_t groups_here = 0;
  for (const auto& [gid, g] : groups_) groups_here += g->partition == partition ? 1 : 0;
  broker_.sim().trace_event(broker_.id(), "group.load_end",
                            fmt::format("broker {} loaded {}-{}: {} records, {} groups{}", broker_.broker_id(),
                                        kOffsetsTopic, partition, replay.records, groups_here,
                                        pending_count == 0 ? std::string()
                                                           : fmt::format(", {} pending transactional offsets",
                                                                         pending_count)));
}

void GroupCoordinator::unload_partition(std::int32_t partition) {
  led_.erase(partition);
  loading_.erase(partition);
  for (auto it = groups_.begin(); it != groups_.end();) {
    Group& g = *it->second;
    if (g.partition != partition) {
      ++it;
      continue;
    }
    // Kafka: removeGroupsForPartition -> onGroupUnloaded: waiting members get NOT_COORDINATOR.
    for (auto& [id, m] : g.members) {
      broker_.sim().cancel(m.session_timer);
      if (m.awaiting_join) join_error(m.join_conn, m.join_correlation, ErrorCode::kNotCoordinator, id);
    }
    reset_pending_syncs(g, ErrorCode::kNotCoordinator);
    if (g.join_timer_set) broker_.sim().cancel(g.join_timer);
    set_state(g, GroupState::kDead, "the coordinator moved");
    it = groups_.erase(it);
  }
  writer_.fail_partition(partition, ErrorCode::kNotLeaderOrFollower);
  broker_.sim().trace_event(broker_.id(), "group.unload",
                            fmt::format("broker {} unloaded {}-{}", broker_.broker_id(), kOffsetsTopic, partition));
}

// -------------------------------------------------------------------------------------- observation

std::vector<std::string> GroupCoordinator::group_ids() const {
  std::vector<std::string> out;
  for (const auto& [id, g] : groups_) {
    if (loading_.count(g->partition) == 0) out.push_back(id);
  }
  return out;
}

std::optional<protocol::GroupDescription> GroupCoordinator::describe(const std::string& group) const {
  auto it = groups_.find(group);
  if (it == groups_.end()) return std::nullopt;
  const Group& g = *it->second;
  protocol::GroupDescription d;
  d.group_id = g.id;
  d.state = to_string(g.state);
  d.protocol = g.protocol;
  d.generation = g.generation;
  d.leader = g.leader;
  d.coordinator = broker_.broker_id();
  d.rebalances = g.rebalances;
  for (const auto& id : g.member_order) {
    const Member& m = g.members.at(id);
    protocol::GroupMemberDescription md;
    md.member_id = id;
    md.group_instance_id = m.instance_id;
    md.client_id = m.client_id;
    md.client_host = m.client_host;
    md.assignment = m.assignment;
    if (const auto* sub = m.metadata_for(g.protocol)) md.subscribed_owned = sub->owned_partitions;
    if (g.state != GroupState::kEmpty) {
      for (const auto& tp : md.subscribed_owned) {
        if (std::find(m.assignment.begin(), m.assignment.end(), tp) == m.assignment.end()) md.revoking.push_back(tp);
      }
    }
    d.members.push_back(std::move(md));
  }
  return d;
}

std::map<TopicPartition, std::int64_t> GroupCoordinator::committed_offsets(const std::string& group) const {
  std::map<TopicPartition, std::int64_t> out;
  auto it = groups_.find(group);
  if (it == groups_.end()) return out;
  for (const auto& [tp, so] : it->second->offsets) out[tp] = so.value.offset;
  return out;
}

std::map<TopicPartition, std::int64_t> GroupCoordinator::pending_txn_offsets(const std::string& group) const {
  std::map<TopicPartition, std::int64_t> out;
  auto it = groups_.find(group);
  if (it == groups_.end()) return out;
  StoredOffsets latest;
  for (const auto& [pid, offs] : it->second->pending_txn_offsets) {
    for (const auto& [tp, so] : offs) materialize(latest, tp, so);
  }
  for (const auto& [tp, so] : latest) out[tp] = so.value.offset;
  return out;
}

}  // namespace kafkasim::cluster
