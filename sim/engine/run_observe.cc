// Run: observation (snapshot, the checker's final state, expectations).
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/cluster/txn_coordinator.h"
#include "sim/engine/run.h"
#include "sim/engine/workload.h"
#include "sim/log/record_batch.h"

namespace kafkasim::engine {

using protocol::TopicPartition;

namespace {
NodeStatus status_of(const Node& n) {
  switch (n.state()) {
    case NodeState::kUp: return NodeStatus::kUp;
    case NodeState::kDown: return NodeStatus::kDown;
    case NodeState::kPaused: return NodeStatus::kPaused;
  }
  return NodeStatus::kDown;
}
}  // namespace

const cluster::Replica* Run::readable_replica(const TopicPartition& tp) const {
  auto it = controller_->partitions().find(tp);
  if (it == controller_->partitions().end()) return nullptr;
  const cluster::PartitionRecord& p = it->second;
  if (p.leader >= 0) {
    if (cluster::Broker* b = broker(p.leader); b != nullptr && b->is_up()) {
      if (const cluster::Replica* r = b->replica(tp)) return r;
    }
  }
  for (std::int32_t id : p.isr) {
    if (cluster::Broker* b = broker(id); b != nullptr && b->is_up()) {
      if (const cluster::Replica* r = b->replica(tp)) return r;
    }
  }
  return nullptr;
}

check::FinalState Run::final_state() {
  check::FinalState fs;
  DecodedBatch decoded;
  for (const auto& [tp, rec] : controller_->partitions()) {
    if (tp.topic.rfind("__", 0) == 0) continue;  // internal topics hold no workload records
    check::PartitionFinal pf;
    pf.tp = history_.tp(tp.topic, tp.partition);
    const cluster::Replica* r = readable_replica(tp);
    if (r != nullptr) {
      auto* replica = const_cast<cluster::Replica*>(r);
      // Readable at the end = the replica's whole log: records above a live leader's HW are not lost, the
      // HW just has not caught up when the run stops; with the leader down, the surviving ISR member that
      // will be elected serves its whole log once its HW catches up.
      pf.high_watermark = r->log_end_offset();
      // Records of a transactional batch stay kOpen until a control batch of their producer id says
      // COMMIT or ABORT (what a read_committed fetch decides with the aborted transactions list).
      std::map<std::int64_t, std::vector<std::size_t>> open;  // producer id -> indexes into pf.records
      std::int64_t offset = r->log_start_offset();
      while (offset < pf.high_watermark) {
        auto read = replica->log().read(offset, 1 << 20, pf.high_watermark);
        if (!read.ok() || read.value.bytes.empty()) break;
        Bytes rest = read.value.bytes;
        std::int64_t next = offset;
        while (true) {
          Bytes b = next_batch(rest);
          if (b.empty()) break;
          if (decode_batch(b, decoded) != DecodeError::kOk) break;
          next = decoded.header.next_offset();
          const std::int64_t pid = decoded.header.producer_id;
          if (decoded.header.is_control()) {
            for (const RecordView& rv : decoded.records) {
              const auto marker = parse_control_record(rv);
              if (!marker) continue;
              const check::LogTxn end =
                  marker->type == ControlType::kCommit ? check::LogTxn::kCommitted : check::LogTxn::kAborted;
              for (std::size_t i : open[pid]) pf.records[i].txn = end;
              open.erase(pid);
            }
            continue;
          }
          const bool txn = decoded.header.is_transactional();
          for (const RecordView& rv : decoded.records) {
            for (const RecordHeader& h : decoded.headers_of(rv)) {
              if (h.key == "kafkasim.id" && h.value) {
                if (txn) open[pid].push_back(pf.records.size());
                pf.records.push_back(check::ReadableRecord{rv.offset, std::stoull(std::string(*h.value)),
                                                           txn ? check::LogTxn::kOpen : check::LogTxn::kNone});
                break;
              }
            }
          }
        }
        if (next <= offset) break;
        offset = next;
      }
      if (r->log_start_offset() > 0) pf.removed.push_back(check::Removed{check::RemovedBy::kRetention, r->log_start_offset()});
      if (r->config().cleanup_policy.find("compact") != std::string::npos) {
        pf.removed.push_back(check::Removed{check::RemovedBy::kCompaction, pf.high_watermark});
      }
    }
    fs.partitions.push_back(std::move(pf));
  }
  add_group_final_state(fs);
  for (const scenario::ProcessorSpec& p : scenario_.processors) {
    fs.processors.push_back(check::ProcessorFinal{history_.intern(p.id), history_.intern(p.group),
                                                  history_.intern(p.input), history_.intern(p.output)});
  }
  return fs;
}

check::Report Run::check_now() {
  last_report_ = check::check_history(history_, final_state());
  return *last_report_;
}

void Run::evaluate_expectation(std::size_t index) {
  const scenario::Expectation& x = scenario_.expectations[index];
  check_now();
  struct Env : scenario::ExpectationEnv {
    Run* run;
    scenario::LookupResult lookup(const scenario::Call& call) const override { return run->lookup(call); }
  } env;
  env.run = this;
  const scenario::Verdict v = scenario::evaluate(x, env);
  ExpectationResult& r = expectations_[index];
  r.evaluated = true;
  r.passed = v.passed;
  r.explanation = v.explanation;
  sim_->trace_event(kNoNode, "scenario.expectation",
                    fmt::format("{}: {}{}", v.passed ? "PASS" : "FAIL", x.text,
                                v.explanation.empty() ? "" : " (" + v.explanation + ")"));
}

const std::vector<ExpectationResult>& Run::finish() {
  if (finished_) return expectations_;
  finished_ = true;
  check_now();
  for (std::size_t i = 0; i < expectations_.size(); ++i) {
    if (!scenario_.expectations[i].at_us) evaluate_expectation(i);
  }
  return expectations_;
}

namespace {
std::optional<TopicPartition> parse_tp(const std::string& text) {
  const auto dash = text.rfind('-');
  if (dash == std::string::npos || dash + 1 >= text.size()) return std::nullopt;
  for (std::size_t i = dash + 1; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  return TopicPartition{text.substr(0, dash), std::atoi(text.c_str() + dash + 1)};
}
}  // namespace

scenario::LookupResult Run::lookup(const scenario::Call& call) {
  using scenario::LookupResult;
  const std::string& f = call.function;
  const check::Report& rep = last_report_ ? *last_report_ : check_now();
  auto arg = [&](std::size_t pos, std::string_view name) -> std::string {
    const scenario::CallArg* a = call.arg(pos, name);
    return a == nullptr ? std::string() : a->value;
  };
  if (f == "produced" || f == "acked" || f == "lost_acked") {
    const std::string producer = arg(0, "producer");
    if (producer.empty()) {
      return {f == "produced" ? rep.produced : f == "acked" ? rep.acked : rep.lost_acked, {}};
    }
    std::int64_t n = 0;
    for (const check::Send& s : history_.sends()) {
      if (history_.str(s.producer) == producer) ++n;
    }
    if (f == "produced") return {n, {}};
    std::set<std::uint64_t> ids;
    for (const check::Send& s : history_.sends()) {
      if (history_.str(s.producer) == producer) ids.insert(s.record_id);
    }
    std::int64_t acked = 0;
    for (const check::Ack& a : history_.acks()) acked += ids.count(a.record_id) ? 1 : 0;
    if (f == "acked") return {acked, {}};
    std::int64_t lost = 0;
    for (const check::Anomaly& a : rep.anomalies) {
      if (a.kind != check::AnomalyKind::kLostWrite || !a.group.empty()) continue;
      for (std::uint64_t id : a.record_ids) lost += ids.count(id) ? 1 : 0;
    }
    return {lost, {}};
  }
  if (f == "consumed" || f == "duplicates" || f == "lost" || f == "semantics" || f == "aborted_seen") {
    const std::string group = arg(0, "group");
    for (const check::GroupCounts& g : rep.groups) {
      if (g.group != group) continue;
      if (f == "consumed") return {g.consumed, {}};
      if (f == "duplicates") return {g.duplicates, {}};
      if (f == "lost") return {g.lost, {}};
      if (f == "aborted_seen") return {g.aborted_seen, {}};
      return {std::string(check::to_string(g.semantics)), {}};
    }
    if (f == "semantics") return {std::string("none yet"), {}};
    return {std::int64_t{0}, {}};
  }
  if (f == "errors") return {producer_errors(arg(0, "producer"), arg(1, "error")), {}};
  if (f == "processor") return lookup_processor(call, rep);
  if (f == "group" || f == "committed" || f == "lag") return lookup_group(call);
  const auto tp = parse_tp(arg(0, "partition"));
  if (!tp) return {std::nullopt, "expected a topic-partition such as orders-0"};
  auto it = controller_->partitions().find(*tp);
  if (it == controller_->partitions().end()) return {std::nullopt, fmt::format("no partition {}", tp->str())};
  const cluster::PartitionRecord& p = it->second;
  if (f == "isr") {
    std::vector<std::int64_t> isr(p.isr.begin(), p.isr.end());
    std::sort(isr.begin(), isr.end());
    return {isr, {}};
  }
  if (f == "replicas") return {std::vector<std::int64_t>(p.replicas.begin(), p.replicas.end()), {}};
  if (f == "leader") return {std::int64_t{p.leader}, {}};
  if (f == "leader_epoch") return {std::int64_t{p.leader_epoch}, {}};
  const cluster::Replica* r = readable_replica(*tp);
  if (f == "hw") return {r == nullptr ? std::int64_t{-1} : r->high_watermark(), {}};
  if (f == "lso") return {r == nullptr ? std::int64_t{-1} : r->last_stable_offset(), {}};
  if (f == "leo") {
    const std::string b = arg(1, "broker");
    if (b.empty()) return {r == nullptr ? std::int64_t{-1} : r->log_end_offset(), {}};
    cluster::Broker* br = broker(std::atoi(b.c_str()));
    const cluster::Replica* rr = br == nullptr ? nullptr : br->replica(*tp);
    if (rr == nullptr) return {std::nullopt, fmt::format("broker {} has no live replica of {}", b, tp->str())};
    return {rr->log_end_offset(), {}};
  }
  return {std::nullopt, fmt::format("unknown function {}", f)};
}

// processor(id).<member>: the checker's counts of one processor (checker.h, "Per processor").
scenario::LookupResult Run::lookup_processor(const scenario::Call& call, const check::Report& rep) {
  const scenario::CallArg* a = call.arg(0, "producer");
  const std::string id = a == nullptr ? std::string() : a->value;
  for (const check::ProcessorCounts& p : rep.processors) {
    if (p.processor != id) continue;
    const std::string& m = call.member;
    if (m == "inputs") return {p.inputs, {}};
    if (m == "outputs") return {p.outputs, {}};
    if (m == "outputs_aborted") return {p.outputs_aborted, {}};
    if (m == "outputs_open") return {p.outputs_open, {}};
    if (m == "missing") return {p.missing, {}};
    if (m == "duplicates") return {p.duplicates, {}};
    if (m == "order_violations") return {p.order_violation_count(), {}};
    if (m == "semantics") return {std::string(check::to_string(p.semantics)), {}};
    return {std::nullopt, fmt::format("processor(...).{}: unknown member", m)};
  }
  return {std::nullopt, fmt::format("no processor {}", id)};
}

Snapshot Run::snapshot() const {
  Snapshot s;
  s.scenario_name = scenario_.name;
  s.seed = seed_;
  s.now_us = sim_->now();
  s.duration_us = scenario_.duration_us;
  s.events_executed = sim_->events_executed();
  s.trace_hash = sim_->trace_hash();
  s.controller = kControllerId;
  s.narration = narration_;
  s.narration_us = narration_us_;
  std::vector<NodeId> others;
  others.emplace_back(kControllerId);
  for (const cluster::Broker* b : brokers_) others.push_back(b->id());
  const auto& regs = controller_->brokers();
  for (const cluster::Broker* b : brokers_) {
    BrokerView v;
    v.id = b->broker_id();
    v.status = status_of(*b);
    auto reg = regs.find(v.id);
    v.fenced = reg == regs.end() || reg->second.fenced;
    bool reach_any = false;
    for (NodeId o : others) {
      if (o != b->id() && net_->can_reach(b->id(), o)) reach_any = true;
    }
    v.isolated = !reach_any;
    v.rack = b->config().rack;
    v.disk_bytes = b->disk().bytes_used();
    v.disk_fault = b->disk().capacity_bytes() > 0 ? "full" : b->disk().io_delay_us() > 0 ? "slow" : "";
    s.brokers.push_back(v);
  }
  for (const auto& [from, to] : net_->cut_links()) s.cut_links.push_back(CutLink{from.value, to.value});
  for (const auto& m : net_->in_flight()) {
    s.in_flight.push_back(InFlightMessage{m.id, m.from.value, m.to.value, std::string(m.name), m.size_bytes,
                                          m.sent_us, m.arrive_us});
  }
  for (const auto& [tp, p] : controller_->partitions()) {
    if (tp.topic.rfind("__", 0) == 0) continue;
    PartitionView pv;
    pv.topic = tp.topic;
    pv.partition = tp.partition;
    pv.leader = p.leader;
    pv.leader_epoch = p.leader_epoch;
    pv.replicas = p.replicas;
    pv.isr = p.isr;
    if (const cluster::Replica* r = readable_replica(tp)) {
      pv.high_watermark = r->high_watermark();
      pv.last_stable_offset = r->last_stable_offset();
      pv.log_start_offset = r->log_start_offset();
      pv.log_end_offset = r->log_end_offset();
      pv.cleanup_policy = r->config().cleanup_policy;
      pv.records_removed_by_compaction =
          static_cast<std::int64_t>(r->log().counters().maintenance.records_compacted_away);
      pv.records_deleted_by_retention = r->log_start_offset();
    }
    for (std::int32_t rid : p.replicas) {
      ReplicaView rv;
      rv.broker = rid;
      rv.in_isr = std::find(p.isr.begin(), p.isr.end(), rid) != p.isr.end();
      const cluster::Broker* b = broker(rid);
      rv.online = b != nullptr && b->is_up();
      if (const cluster::Replica* r = b == nullptr ? nullptr : b->replica(tp)) {
        rv.log_start_offset = r->log_start_offset();
        rv.log_end_offset = r->log_end_offset();
        rv.high_watermark = r->high_watermark();
        rv.durable_end_offset = r->log().durable_end_offset();
      }
      auto tr = last_truncation_.find({rid, tp});
      if (tr != last_truncation_.end()) {
        rv.truncated_from = tr->second.from;
        rv.truncated_to = tr->second.to;
        rv.truncated_at_us = tr->second.time_us;
      }
      pv.replica_views.push_back(rv);
    }
    s.partitions.push_back(std::move(pv));
  }
  for (std::size_t i = 0; i < producers_.size(); ++i) {
    const client::Producer& p = *producers_[i];
    const scenario::ProducerSpec& spec = scenario_.producers[i];
    ProducerView v;
    v.client_id = spec.id;
    v.topic = spec.topic;
    v.acks = p.config().acks == -1 ? "all" : std::to_string(p.config().acks);
    v.idempotent = p.config().enable_idempotence;
    v.transactional = !p.config().transactional_id.empty();
    v.running = workloads_[i]->running() && p.is_up();
    v.rate_per_sec = spec.rate ? static_cast<double>(spec.rate->count) * 1e6 / static_cast<double>(spec.rate->per_us) : 0;
    const client::ProducerStats& st = p.stats();
    v.sent = st.sent;
    v.acked = st.acked;
    v.failed = st.failed;
    v.retries = st.retries;
    v.in_flight_batches = st.in_flight_batches;
    v.queued_records = st.queued_records;
    v.last_error = st.last_error;
    v.last_error_us = st.last_error_us;
    s.producers.push_back(std::move(v));
  }
  // Transactions, from the coordinators of the brokers that are up (each id has at most one loaded owner).
  for (const cluster::Broker* b : brokers_) {
    if (!b->is_up()) continue;
    for (const cluster::TxnDescription& d : b->transaction_coordinator().transactions()) {
      TransactionView t;
      t.transactional_id = d.transactional_id;
      t.coordinator = d.coordinator;
      t.producer_id = d.producer_id;
      t.producer_epoch = d.producer_epoch;
      t.state = d.state;
      for (const auto& tp : d.partitions) t.partitions.push_back(tp.str());
      t.timeout_ms = d.timeout_ms;
      t.open_ms = d.start_ms >= 0 ? std::max<std::int64_t>(0, b->wall_clock_ms() - d.start_ms) : -1;
      t.markers_pending = d.markers_pending;
      s.transactions.push_back(std::move(t));
    }
  }
  std::sort(s.transactions.begin(), s.transactions.end(),
            [](const TransactionView& a, const TransactionView& b) { return a.transactional_id < b.transactional_id; });
  add_group_views(s);
  if (last_report_) {
    for (const check::GroupCounts& g : last_report_->groups) {
      DeliveryRow row;
      row.group = g.group;
      row.produced = last_report_->produced;
      row.acked = last_report_->acked;
      row.consumed = g.consumed;
      row.lost = g.lost;
      row.duplicated = g.duplicates;
      row.semantics = check::to_string(g.semantics);
      s.delivery.push_back(row);
    }
    // A processor's row: inputs it owes an output for, committed outputs, inputs without / with two.
    for (const check::ProcessorCounts& p : last_report_->processors) {
      DeliveryRow row;
      row.group = "processor " + p.processor;
      row.produced = p.inputs;
      row.acked = p.outputs;
      row.consumed = p.outputs;
      row.lost = p.missing;
      row.duplicated = p.duplicates;
      row.semantics = check::to_string(p.semantics);
      s.delivery.push_back(row);
    }
    if (last_report_->groups.empty() && last_report_->processors.empty()) {
      DeliveryRow row;
      row.group = "(producers)";
      row.produced = last_report_->produced;
      row.acked = last_report_->acked;
      row.lost = last_report_->lost_acked;
      row.duplicated = last_report_->duplicates;
      row.semantics = "none yet";
      s.delivery.push_back(row);
    }
    for (const check::Anomaly& a : last_report_->anomalies) {
      Anomaly an;
      an.kind = check::to_string(a.kind);
      an.group = a.group;
      an.where = a.first_offset == a.last_offset
                     ? fmt::format("{}-{} offset {}", a.topic, a.partition, a.first_offset)
                     : fmt::format("{}-{} offsets {}-{}", a.topic, a.partition, a.first_offset, a.last_offset);
      an.because = a.explanation;
      an.cause_event = a.cause_event;
      an.cause_time_us = a.cause_time_us;
      s.anomalies.push_back(std::move(an));
    }
  }
  return s;
}

void Run::apply_client_config_change(const scenario::ConfigChange& change) {
  if (change.scope == config::Scope::kProducer) {
    for (std::size_t i = 0; i < scenario_.producers.size(); ++i) {
      scenario::ProducerSpec& ps = scenario_.producers[i];
      if (!change.target.empty() && ps.id != change.target) continue;
      ps.configs.set_value(change.key, change.value);
      ps.config_notes = config::resolve_producer_configs(ps.configs);
      producers_[i]->reconfigure(producer_config(ps));
    }
    return;
  }
  apply_consumer_config_change(change);
}

}  // namespace kafkasim::engine
