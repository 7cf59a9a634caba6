// Run: consumer groups: members built from the scenario, timeline actions on them, their views and the
// history they feed (docs/consumer-groups.md, "Wiring").
#include <algorithm>

#include <fmt/format.h>

#include "sim/client/lag.h"
#include "sim/config/config_def.h"
#include "sim/cluster/group_coordinator.h"
#include "sim/engine/processor.h"
#include "sim/engine/run.h"

namespace kafkasim::engine {

using protocol::TopicPartition;

client::ConsumerConfig consumer_base_config(const config::ConfigMap& m) {
  client::ConsumerConfig c;
  c.assignment_strategies = config::assignors(m);
  c.max_poll_records = static_cast<std::int32_t>(m.get_int("max.poll.records"));
  c.max_poll_interval_ms = static_cast<std::int32_t>(m.get_int("max.poll.interval.ms"));
  c.session_timeout_ms = static_cast<std::int32_t>(m.get_int("session.timeout.ms"));
  c.heartbeat_interval_ms = m.get_long("heartbeat.interval.ms");
  c.enable_auto_commit = m.get_bool("enable.auto.commit");
  c.auto_commit_interval_ms = m.get_long("auto.commit.interval.ms");
  const std::string reset = m.get_string("auto.offset.reset");
  c.auto_offset_reset = reset == "earliest" ? client::OffsetReset::kEarliest
                        : reset == "none"   ? client::OffsetReset::kNone
                                            : client::OffsetReset::kLatest;
  c.fetch_min_bytes = static_cast<std::int32_t>(m.get_int("fetch.min.bytes"));
  c.fetch_max_wait_ms = static_cast<std::int32_t>(m.get_int("fetch.max.wait.ms"));
  c.fetch_max_bytes = static_cast<std::int32_t>(m.get_int("fetch.max.bytes"));
  c.max_partition_fetch_bytes = static_cast<std::int32_t>(m.get_int("max.partition.fetch.bytes"));
  c.request_timeout_ms = m.get_long("request.timeout.ms");
  c.retry_backoff_ms = m.get_long("retry.backoff.ms");
  c.reconnect_backoff_ms = m.get_long("reconnect.backoff.ms");
  c.reconnect_backoff_max_ms = m.get_long("reconnect.backoff.max.ms");
  if (config::find_config(config::Scope::kConsumer, "metadata.max.age.ms") != nullptr) {
    c.metadata_max_age_ms = m.get_long("metadata.max.age.ms");
  }
  c.isolation = m.get_string("isolation.level") == "read_committed" ? protocol::IsolationLevel::kReadCommitted
                                                                   : protocol::IsolationLevel::kReadUncommitted;
  return c;
}

namespace {

client::ConsumerConfig consumer_config(const scenario::ConsumerGroupSpec& spec, const std::string& name,
                                       const std::string& instance_id) {
  client::ConsumerConfig c = consumer_base_config(spec.configs);
  c.client_id = fmt::format("{}-{}", spec.group, name);
  c.group_id = spec.group;
  if (!instance_id.empty()) c.group_instance_id = instance_id;
  c.processing_time_us = spec.processing_time_us;
  switch (spec.commit) {
    case scenario::CommitStrategy::kAuto: c.mode = client::ProcessingMode::kAutoCommit; break;
    case scenario::CommitStrategy::kBeforeProcessing: c.mode = client::ProcessingMode::kCommitBeforeProcessing; break;
    case scenario::CommitStrategy::kAfterProcessing: c.mode = client::ProcessingMode::kCommitAfterProcessing; break;
    case scenario::CommitStrategy::kIdempotent: c.mode = client::ProcessingMode::kIdempotent; break;
  }
  return c;
}

check::MemberWhat member_what(client::MemberChange c) {
  switch (c) {
    case client::MemberChange::kJoined: return check::MemberWhat::kJoined;
    case client::MemberChange::kLeft: return check::MemberWhat::kLeft;
    case client::MemberChange::kCrashed: return check::MemberWhat::kCrashed;
    case client::MemberChange::kFenced: return check::MemberWhat::kFenced;
    case client::MemberChange::kAssigned: return check::MemberWhat::kAssigned;
    case client::MemberChange::kRevoked: return check::MemberWhat::kRevoked;
  }
  return check::MemberWhat::kJoined;
}

}  // namespace

void Run::build_groups() {
  for (cluster::Broker* b : brokers_) b->set_topic_config("__consumer_offsets", cluster::offsets_topic_config());
  for (const scenario::ConsumerGroupSpec& g : scenario_.consumer_groups) {
    if (g.commit == scenario::CommitStrategy::kIdempotent) {
      dedup_stores_[g.group] = std::make_shared<std::set<std::uint64_t>>();
    }
    for (const scenario::MemberSpec& m : g.members) add_member(g, m.name, m.group_instance_id, m.start_us);
  }
}

client::Consumer* Run::add_member(const scenario::ConsumerGroupSpec& spec, const std::string& name,
                                  const std::string& instance_id, TimeUs start_us) {
  auto& c = sim_->add_node<client::Consumer>(NodeId(next_consumer_node_++), *net_, bootstrap(),
                                             consumer_config(spec, name, instance_id));
  c.set_hooks(consumer_hooks(spec.group, name));
  if (auto it = dedup_stores_.find(spec.group); it != dedup_stores_.end()) c.set_dedup_store(it->second);
  c.subscribe(spec.topics);
  members_.push_back(Member{spec.group, name, &c});
  const NodeId nid = c.id();
  if (started_ && start_us <= sim_->now()) {
    sim_->start_node(nid);
  } else {
    sim_->at(std::max(start_us, sim_->now()), [this, nid] { sim_->start_node(nid); });
  }
  return &c;
}

client::ConsumerHooks Run::consumer_hooks(const std::string& group_name, const std::string& name) {
  const check::NameId group = history_.intern(group_name);
  const check::NameId member = history_.intern(fmt::format("{}/{}", group_name, name));
  // Fills the fields every group op shares: when, which group and member, which partition and offset.
  auto stamp = [this, group, member](auto& op, const TopicPartition& tp, std::int64_t offset) {
    op.time_us = sim_->now();
    op.event_number = sim_->events_executed();
    op.group = group;
    op.member = member;
    op.tp = history_.tp(tp.topic, tp.partition);
    op.offset = offset;
  };
  auto consume_op = [this, stamp](auto op, const client::ConsumedRecord& r) {
    stamp(op, r.tp, r.offset);
    op.record_id = r.id;
    history_.append(op);
  };
  client::ConsumerHooks hooks;
  hooks.on_poll = [consume_op](const client::ConsumedRecord& r) { consume_op(check::Poll{}, r); };
  hooks.on_processed = [consume_op](const client::ConsumedRecord& r) { consume_op(check::Processed{}, r); };
  hooks.on_commit = [this, stamp](const TopicPartition& tp, std::int64_t offset, protocol::ErrorCode e) {
    check::Commit op;
    stamp(op, tp, offset);
    op.ok = e == protocol::ErrorCode::kNone;
    if (!op.ok) op.error = history_.intern(protocol::error_name(e));
    history_.append(op);
  };
  hooks.on_seek = [this, stamp](const TopicPartition& tp, std::int64_t offset, const std::string& reason) {
    check::Seek op;
    stamp(op, tp, offset);
    op.reason = history_.intern(reason);
    history_.append(op);
  };
  hooks.on_member_event = [this, group, member](client::MemberChange what, const std::vector<TopicPartition>& tps,
                                                std::int32_t generation) {
    check::MemberEvent op;
    op.time_us = sim_->now();
    op.event_number = sim_->events_executed();
    op.group = group;
    op.member = member;
    op.what = member_what(what);
    for (const TopicPartition& tp : tps) op.partitions.push_back(history_.tp(tp.topic, tp.partition));
    op.generation = generation;
    history_.append(std::move(op));
  };
  return hooks;
}

const Run::Member* Run::find_member(const std::string& group, const std::string& name) const {
  for (const Member& m : members_) {
    if (m.group == group && m.name == name) return &m;
  }
  return nullptr;
}

std::vector<std::pair<std::string, const client::Consumer*>> Run::consumers() const {
  std::vector<std::pair<std::string, const client::Consumer*>> out;
  for (const Member& m : members_) out.emplace_back(m.group + "/" + m.name, m.consumer);
  return out;
}

void Run::apply_consumer_action(const scenario::TimelineEvent& ev) {
  using scenario::ActionKind;
  if (ev.kind == ActionKind::kAddConsumer) {
    const scenario::ConsumerGroupSpec* spec = scenario_.find_group(ev.group);
    if (spec == nullptr) return;
    std::string name = ev.member;
    if (name.empty()) {
      int n = 0;
      for (const Member& m : members_) n += m.group == ev.group ? 1 : 0;
      name = std::to_string(n + 1);
    }
    note_fault(fmt::format("add consumer {}/{}", ev.group, name), false);
    add_member(*spec, name, "", sim_->now());
    return;
  }
  for (const scenario::NodeRef& ref : ev.nodes) {
    const Member* m = find_member(ref.group, ref.name);
    if (m == nullptr) continue;
    switch (ev.kind) {
      case ActionKind::kKillConsumer:
        note_fault(fmt::format("kill consumer {}/{} (no LeaveGroup)", ref.group, ref.name), false);
        sim_->crash_node(m->consumer->id());
        break;
      case ActionKind::kRemoveConsumer:
        note_fault(fmt::format("remove consumer {}/{} (close with LeaveGroup)", ref.group, ref.name), false);
        m->consumer->close();
        break;
      case ActionKind::kSlowConsumer:
        note_fault(fmt::format("consumer {}/{} now takes {} per record", ref.group, ref.name, format_time(ev.delay_us)), false);
        m->consumer->set_processing_time(ev.delay_us);
        break;
      default:
        break;
    }
  }
}

void Run::apply_consumer_command(const Command& command) {
  if (command.kind == CommandKind::kAddConsumer) {
    const scenario::ConsumerGroupSpec* spec = scenario_.find_group(command.group);
    if (spec == nullptr) return;
    int n = 0;
    for (const Member& m : members_) n += m.group == command.group ? 1 : 0;
    add_member(*spec, std::to_string(n + 1), "", sim_->now());
    return;
  }
  for (const Member& m : members_) {
    const bool match = m.group == command.group &&
                       (m.name == command.member || m.consumer->member_id() == command.member ||
                        m.consumer->config().client_id == command.member);
    if (match && m.consumer->is_up()) {
      sim_->crash_node(m.consumer->id());
      return;
    }
  }
}

void Run::apply_consumer_config_change(const scenario::ConfigChange& change) {
  // Kafka consumers read their configs at construction: a change applies to members created from now on
  // (added consumers, restarts are not modelled for consumers); processing time changes use slow_consumer.
  for (scenario::ConsumerGroupSpec& g : scenario_.consumer_groups) {
    if (!change.target.empty() && g.group != change.target) continue;
    g.configs.set_value(change.key, change.value);
  }
}

scenario::LookupResult Run::lookup_group(const scenario::Call& call) {
  const scenario::CallArg* ga = call.arg(0, "group");
  const std::string group = ga == nullptr ? std::string() : ga->value;
  const cluster::Broker* coord = cluster::find_group_coordinator(brokers_, group);
  const auto desc = coord == nullptr ? std::nullopt : coord->group_coordinator().describe(group);
  const auto committed = coord == nullptr ? std::map<TopicPartition, std::int64_t>{}
                                          : coord->group_coordinator().committed_offsets(group);
  if (call.function == "group") {
    if (!desc) return {std::string("Dead"), {}};
    if (call.member == "state") return {desc->state, {}};
    if (call.member == "generation") return {std::int64_t{desc->generation}, {}};
    if (call.member == "members") return {static_cast<std::int64_t>(desc->members.size()), {}};
    if (call.member == "protocol") return {desc->protocol, {}};
    if (call.member == "rebalances") return {std::int64_t{desc->rebalances}, {}};
    return {std::nullopt, fmt::format("group(...).{}: unknown member", call.member)};
  }
  if (call.function == "committed") {
    const scenario::CallArg* pa = call.arg(1, "partition");
    if (pa == nullptr) return {std::nullopt, "expected committed(group, topic-partition)"};
    const auto dash = pa->value.rfind('-');
    const TopicPartition tp{pa->value.substr(0, dash), std::atoi(pa->value.c_str() + dash + 1)};
    auto it = committed.find(tp);
    return {it == committed.end() ? std::int64_t{-1} : it->second, {}};
  }
  // lag(group): the sum over the group's partitions of LEO - committed (as kafka-consumer-groups.sh).
  std::int64_t lag = 0;
  for (const auto& [name, topics] : group_topics()) {
    if (name != group) continue;
    for (const auto& [tp, rec] : controller_->partitions()) {
      if (std::find(topics.begin(), topics.end(), tp.topic) == topics.end()) continue;
      const cluster::Replica* r = readable_replica(tp);
      const std::int64_t end = r == nullptr ? 0 : r->high_watermark();
      auto it = committed.find(tp);
      lag += std::max<std::int64_t>(0, end - (it == committed.end() ? 0 : it->second));
    }
  }
  return {lag, {}};
}

std::vector<std::pair<std::string, std::vector<std::string>>> Run::group_topics() const {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const scenario::ConsumerGroupSpec& g : scenario_.consumer_groups) out.emplace_back(g.group, g.topics);
  for (const scenario::ProcessorSpec& p : scenario_.processors) {
    out.emplace_back(p.group, std::vector<std::string>{p.input});
  }
  return out;
}

void Run::add_group_final_state(check::FinalState& fs) {
  for (const auto& [group, topics] : group_topics()) {
    check::GroupFinal gf;
    gf.group = history_.intern(group);
    const cluster::Broker* coord = cluster::find_group_coordinator(brokers_, group);
    if (coord != nullptr) {
      for (const auto& [tp, offset] : coord->group_coordinator().committed_offsets(group)) {
        gf.offsets.push_back(check::GroupOffset{history_.tp(tp.topic, tp.partition), offset});
      }
    }
    fs.groups.push_back(std::move(gf));
  }
}

namespace {
std::vector<std::string> tp_strings(const std::vector<TopicPartition>& tps) {
  std::vector<std::string> out;
  for (const TopicPartition& tp : tps) out.push_back(tp.str());
  return out;
}
}  // namespace

void Run::add_group_views(Snapshot& s) const {
  std::map<TopicPartition, std::int64_t> hws;
  for (const auto& [tp, rec] : controller_->partitions()) {
    if (const cluster::Replica* r = readable_replica(tp)) hws[tp] = r->high_watermark();
  }
  for (const auto& [group, topics] : group_topics()) {
    GroupView v;
    v.group_id = group;
    const cluster::Broker* coord = cluster::find_group_coordinator(brokers_, group);
    const auto desc = coord == nullptr ? std::nullopt : coord->group_coordinator().describe(group);
    const auto committed = coord == nullptr ? std::map<TopicPartition, std::int64_t>{}
                                            : coord->group_coordinator().committed_offsets(group);
    if (desc) {
      v.state = desc->state;
      v.generation = desc->generation;
      v.protocol = desc->protocol;
      v.cooperative = desc->protocol == "cooperative-sticky";
      v.coordinator = desc->coordinator;
      v.leader_member = desc->leader;
      v.rebalances = desc->rebalances;
      for (const auto& m : desc->members) {
        MemberView mv;
        mv.member_id = m.member_id;
        mv.group_instance_id = m.group_instance_id.value_or("");
        mv.client_id = m.client_id;
        mv.host = m.client_host;
        mv.assigned = tp_strings(m.assignment);
        mv.revoking = tp_strings(m.revoking);
        v.members.push_back(std::move(mv));
      }
      std::map<TopicPartition, std::int64_t> ends;
      for (const auto& [tp, hw] : hws) {
        if (std::find(topics.begin(), topics.end(), tp.topic) != topics.end()) ends[tp] = hw;
      }
      for (const client::LagRow& r : client::describe_lag(*desc, committed, ends)) {
        v.lag.push_back(LagRow{r.tp.topic, r.tp.partition, r.current_offset, r.log_end_offset, r.lag, r.consumer_id,
                               r.host, r.client_id});
      }
    } else {
      v.state = coord == nullptr ? "Unknown (no coordinator)" : "Empty";
    }
    // Positions on the partition strips: each live member's fetch position and the committed offset.
    std::vector<const client::Consumer*> live;
    for (const Member& m : members_) {
      if (m.group == group) live.push_back(m.consumer);
    }
    for (const auto& p : processors_) {
      if (p->spec().group == group) live.insert(live.end(), p->consumers().begin(), p->consumers().end());
    }
    std::map<TopicPartition, std::int64_t> positions;  // the last live member listed wins, as before
    for (const client::Consumer* c : live) {
      if (!c->is_up()) continue;
      for (const client::ConsumerPartitionView& cp : c->partitions()) positions[cp.tp] = cp.position;
    }
    for (PartitionView& pv : s.partitions) {
      if (std::find(topics.begin(), topics.end(), pv.topic) == topics.end()) continue;
      GroupOffsetOnPartition go;
      go.group = group;
      const TopicPartition tp{pv.topic, pv.partition};
      if (auto it = committed.find(tp); it != committed.end()) go.committed = it->second;
      if (auto it = positions.find(tp); it != positions.end()) go.position = it->second;
      pv.groups.push_back(go);
    }
    s.groups.push_back(std::move(v));
  }
}

std::string render_group_tables(const Run& run) {
  std::string out;
  const auto& brokers = run.brokers();
  for (const auto& [group, topics] : run.group_topics()) {
    const cluster::Broker* coord = cluster::find_group_coordinator(brokers, group);
    const auto desc = coord == nullptr ? std::nullopt : coord->group_coordinator().describe(group);
    out += fmt::format("  GROUP {}: state {}, generation {}, protocol {}, coordinator broker {}\n", group,
                       desc ? desc->state : "unknown", desc ? desc->generation : 0, desc ? desc->protocol : "-",
                       coord == nullptr ? -1 : coord->broker_id());
    if (!desc) continue;
    std::map<TopicPartition, std::int64_t> ends;
    for (const auto& [tp, rec] : run.controller().partitions()) {
      if (std::find(topics.begin(), topics.end(), tp.topic) == topics.end()) continue;
      for (const cluster::Broker* b : brokers) {
        if (b->broker_id() == rec.leader && b->is_up()) {
          if (const cluster::Replica* r = b->replica(tp)) ends[tp] = r->high_watermark();
        }
      }
    }
    const std::string table =
        client::format_lag_table(client::describe_lag(*desc, coord->group_coordinator().committed_offsets(group), ends));
    for (std::size_t pos = 0; pos < table.size();) {
      const std::size_t nl = table.find('\n', pos);
      out += "  " + table.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos) + "\n";
      pos = nl == std::string::npos ? table.size() : nl + 1;
    }
  }
  return out;
}

}  // namespace kafkasim::engine
