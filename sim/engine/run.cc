#include "sim/engine/run.h"
#include "sim/engine/processor.h"
#include "sim/engine/workload.h"
#include "sim/cluster/group_coordinator.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/core/assert.h"
#include "sim/log/compression.h"

namespace kafkasim::engine {

using protocol::TopicPartition;

namespace {

std::int64_t config_ms(const config::ConfigMap& m, std::string_view key) { return m.get_long(key); }

}  // namespace

client::ProducerConfig producer_config(const scenario::ProducerSpec& spec) {
  return producer_config(spec.configs, spec.id);
}

client::ProducerConfig producer_config(const config::ConfigMap& m, const std::string& client_id) {
  client::ProducerConfig pc;
  pc.client_id = client_id;
  pc.acks = static_cast<std::int16_t>(config::acks_value(m));
  pc.batch_size = static_cast<std::int32_t>(m.get_int("batch.size"));
  pc.linger_ms = config_ms(m, "linger.ms");
  pc.max_in_flight = static_cast<std::int32_t>(m.get_int("max.in.flight.requests.per.connection"));
  pc.retries = static_cast<std::int32_t>(m.get_int("retries"));
  pc.retry_backoff_ms = config_ms(m, "retry.backoff.ms");
  pc.retry_backoff_max_ms = config_ms(m, "retry.backoff.max.ms");
  pc.reconnect_backoff_ms = config_ms(m, "reconnect.backoff.ms");
  pc.reconnect_backoff_max_ms = config_ms(m, "reconnect.backoff.max.ms");
  pc.delivery_timeout_ms = config_ms(m, "delivery.timeout.ms");
  pc.request_timeout_ms = config_ms(m, "request.timeout.ms");
  pc.metadata_max_age_ms = config_ms(m, "metadata.max.age.ms");
  pc.enable_idempotence = m.get_bool("enable.idempotence");
  const std::string compression = m.get_string("compression.type");
  pc.compression = compression == "gzip"     ? Compression::kGzip
                   : compression == "snappy" ? Compression::kSnappy
                   : compression == "lz4"    ? Compression::kLz4
                   : compression == "zstd"   ? Compression::kZstd
                                             : Compression::kNone;
  pc.round_robin = m.get_string("partitioner.class").find("RoundRobin") != std::string::npos;
  pc.partitioner_ignore_keys = m.get_bool("partitioner.ignore.keys");
  pc.adaptive_partitioning = m.get_bool("partitioner.adaptive.partitioning.enable");
  pc.transactional_id = m.get_string("transactional.id");       // Kafka: transactional.id (null: "")
  pc.transaction_timeout_ms = config_ms(m, "transaction.timeout.ms");
  pc.max_block_ms = config_ms(m, "max.block.ms");
  return pc;
}

cluster::TopicConfig Run::topic_config(const scenario::TopicSpec& spec) const {
  const config::ConfigMap& b = scenario_.cluster.configs;
  const config::ConfigMap& t = spec.configs;
  // A topic config falls back to the broker's log.* default, as Kafka's LogConfig does.
  // Broker keys whose Kafka default is null fall back to their hours form (log.retention.hours=168...).
  auto broker_long = [&](std::string_view key) -> std::int64_t {
    if (auto v = b.find(key)) return b.get_long(key);
    if (key == "log.retention.ms") return b.get_long("log.retention.hours") * 3600000;
    if (key == "log.roll.ms") return b.get_long("log.roll.hours") * 3600000;
    return INT64_MAX;  // log.flush.interval.ms: null means "never" (Long.MAX_VALUE)
  };
  auto pick_long = [&](std::string_view topic_key, std::string_view broker_key) {
    return t.contains(topic_key) ? t.get_long(topic_key) : broker_long(broker_key);
  };
  cluster::TopicConfig c;
  c.min_insync_replicas = static_cast<std::int32_t>(pick_long("min.insync.replicas", "min.insync.replicas"));
  c.unclean_leader_election_enable = t.contains("unclean.leader.election.enable")
                                         ? t.get_bool("unclean.leader.election.enable")
                                         : b.get_bool("unclean.leader.election.enable");
  c.retention_ms = pick_long("retention.ms", "log.retention.ms");
  c.retention_bytes = pick_long("retention.bytes", "log.retention.bytes");
  c.segment_bytes = pick_long("segment.bytes", "log.segment.bytes");
  c.segment_ms = pick_long("segment.ms", "log.roll.ms");
  c.cleanup_policy = t.contains("cleanup.policy") ? fmt::format("{}", fmt::join(t.get_list("cleanup.policy"), ","))
                                                  : fmt::format("{}", fmt::join(b.get_list("log.cleanup.policy"), ","));
  c.delete_retention_ms = pick_long("delete.retention.ms", "log.cleaner.delete.retention.ms");
  c.min_compaction_lag_ms = t.get_long("min.compaction.lag.ms");
  c.min_cleanable_dirty_ratio_permille = static_cast<std::int32_t>(std::llround(
      1000 * (t.contains("min.cleanable.dirty.ratio") ? t.get_double("min.cleanable.dirty.ratio")
                                                      : b.get_double("log.cleaner.min.cleanable.ratio"))));
  c.flush_messages = pick_long("flush.messages", "log.flush.interval.messages");
  c.flush_ms = pick_long("flush.ms", "log.flush.interval.ms");
  c.log_append_time = (t.contains("message.timestamp.type") ? t.get_string("message.timestamp.type")
                                                             : b.get_string("log.message.timestamp.type")) ==
                      "LogAppendTime";
  c.index_interval_bytes = static_cast<std::int32_t>(pick_long("index.interval.bytes", "log.index.interval.bytes"));
  return c;
}

Run::Run(const scenario::Scenario& scenario, RunOptions options)
    : scenario_(scenario), options_(std::move(options)), seed_(options_.seed.value_or(scenario.seed)) {
  sim_ = std::make_unique<Simulation>(seed_);
  net::NetworkOptions no;
  no.default_link.latency_us = scenario_.cluster.network.latency_us;
  no.default_link.jitter_us = scenario_.cluster.network.jitter_us;
  no.default_link.bandwidth_bytes_per_sec = static_cast<std::uint64_t>(scenario_.cluster.network.bandwidth_bytes_per_sec);
  no.default_link.loss_ppm = scenario_.cluster.network.loss_ppm;
  net_ = std::make_unique<net::Network>(*sim_, no);
  build();
}

Run::~Run() = default;

cluster::Broker* Run::broker(std::int32_t id) const {
  for (cluster::Broker* b : brokers_) {
    if (b->broker_id() == id) return b;
  }
  return nullptr;
}

void Run::build() {
  const config::ConfigMap& bc = scenario_.cluster.configs;
  broker_config_.broker_session_timeout_ms = bc.get_long("broker.session.timeout.ms");
  broker_config_.broker_heartbeat_interval_ms = bc.get_long("broker.heartbeat.interval.ms");
  broker_config_.replica_lag_time_max_ms = bc.get_long("replica.lag.time.max.ms");
  broker_config_.replica_fetch_wait_max_ms = static_cast<std::int32_t>(bc.get_int("replica.fetch.wait.max.ms"));
  broker_config_.replica_fetch_max_bytes = static_cast<std::int32_t>(bc.get_int("replica.fetch.max.bytes"));
  broker_config_.replica_fetch_backoff_ms = bc.get_long("replica.fetch.backoff.ms");
  broker_config_.replica_socket_timeout_ms = static_cast<std::int32_t>(bc.get_int("replica.socket.timeout.ms"));
  broker_config_.log_retention_check_interval_ms = bc.get_long("log.retention.check.interval.ms");
  broker_config_.log_cleaner_enable = bc.get_bool("log.cleaner.enable");
  broker_config_.log_cleaner_backoff_ms = bc.get_long("log.cleaner.backoff.ms");
  broker_config_.transactional_id_expiration_ms = bc.get_long("transactional.id.expiration.ms");
  broker_config_.transaction_remove_expired_cleanup_interval_ms =
      bc.get_long("transaction.remove.expired.transaction.cleanup.interval.ms");
  broker_config_.offsets_topic_num_partitions = static_cast<std::int32_t>(bc.get_int("offsets.topic.num.partitions"));
  broker_config_.offsets_topic_replication_factor =
      static_cast<std::int32_t>(bc.get_int("offsets.topic.replication.factor"));
  broker_config_.transaction_state_log_num_partitions =
      static_cast<std::int32_t>(bc.get_int("transaction.state.log.num.partitions"));
  broker_config_.group_initial_rebalance_delay_ms = bc.get_long("group.initial.rebalance.delay.ms");
  broker_config_.transaction_state_log_replication_factor =
      static_cast<std::int32_t>(bc.get_int("transaction.state.log.replication.factor"));
  broker_config_.transaction_state_log_min_isr = static_cast<std::int32_t>(bc.get_int("transaction.state.log.min.isr"));
  broker_config_.transaction_max_timeout_ms = static_cast<std::int32_t>(bc.get_int("transaction.max.timeout.ms"));
  broker_config_.transaction_abort_timed_out_cleanup_interval_ms =
      bc.get_long("transaction.abort.timed.out.transaction.cleanup.interval.ms");

  controller_ = &sim_->add_node<cluster::Controller>(NodeId(kControllerId), *net_, broker_config_);
  std::vector<std::int32_t> ids;
  for (const scenario::BrokerSpec& bs : scenario_.cluster.brokers) {
    cluster::BrokerConfig cfg = broker_config_;
    cfg.rack = bs.rack;
    auto& b = sim_->add_node<cluster::Broker>(NodeId(bs.id), *net_, NodeId(kControllerId), cfg);
    if (!options_.data_dir.empty()) {
      const std::string dir = fmt::format("{}/broker-{}", options_.data_dir, bs.id);
      const Status st = b.disk().set_mirror_dir(dir);
      if (!st.ok) sim_->trace_event(b.id(), "disk.mirror_error", st.message);
    }
    cluster::BrokerHooks hooks;
    hooks.on_truncate = [this](std::int32_t broker, const TopicPartition& tp, std::int64_t from, std::int64_t to,
                               const std::string& cause) {
      check::Truncation t;
      t.time_us = sim_->now();
      t.event_number = sim_->events_executed();
      t.tp = history_.tp(tp.topic, tp.partition);
      t.broker = broker;
      t.from_offset = from;
      t.to_offset = to;
      last_truncation_[{broker, tp}] = TruncationView{from, to, sim_->now()};
      // The cause: the power loss of this broker, or the latest leader change of the partition.
      auto pl = last_power_loss_.find(broker);
      auto lc = last_leader_change_.find(tp);
      if (cause.rfind("power loss", 0) == 0 && pl != last_power_loss_.end()) {
        t.cause = history_.intern(cause);
        t.cause_event = pl->second.first;
        t.cause_time_us = pl->second.second;
      } else if (lc != last_leader_change_.end()) {
        t.cause = history_.intern(
            lc->second.unclean
                ? fmt::format("broker {} became leader uncleanly at t={}", lc->second.leader, format_time(lc->second.time_us))
                : fmt::format("leader-epoch truncation after broker {} became leader at t={}", lc->second.leader,
                              format_time(lc->second.time_us)));
        t.cause_event = lc->second.event_number;
        t.cause_time_us = lc->second.time_us;
      } else {
        t.cause = history_.intern(cause);
        t.cause_event = sim_->events_executed();
        t.cause_time_us = sim_->now();
      }
      history_.append(t);
    };
    // The coordinator's decision (PrepareCommit / PrepareAbort replicated): timed-out and fenced
    // transactions are recorded as aborted too.
    hooks.on_txn_end = [this](std::int32_t, const std::string& txn_id, std::int64_t producer_id,
                                  std::int16_t epoch, bool committed, const std::vector<TopicPartition>& tps,
                                  const std::string& reason) {
      check::TxnEnd e;
      e.time_us = sim_->now();
      e.event_number = sim_->events_executed();
      e.transactional_id = history_.intern(txn_id);
      e.producer_id = producer_id;
      e.epoch = epoch;
      e.committed = committed;
      for (const TopicPartition& tp : tps) e.partitions.push_back(history_.tp(tp.topic, tp.partition));
      e.reason = history_.intern(reason);
      history_.append(std::move(e));
    };
    b.set_hooks(std::move(hooks));
    brokers_.push_back(&b);
    ids.push_back(bs.id);
  }
  controller_->expect_brokers(ids);
  controller_->set_hooks(cluster::ControllerHooks{
      [this](const TopicPartition& tp, const cluster::PartitionRecord& rec, bool unclean) {
        last_leader_change_[tp] = LeaderChangeCause{rec.leader, unclean, sim_->events_executed(), sim_->now()};
        check::LeaderChange lc;
        lc.time_us = sim_->now();
        lc.event_number = sim_->events_executed();
        lc.tp = history_.tp(tp.topic, tp.partition);
        lc.leader = rec.leader;
        lc.epoch = rec.leader_epoch;
        lc.unclean = unclean;
        lc.isr = rec.isr;
        history_.append(std::move(lc));
      }});
  for (const scenario::TopicSpec& ts : scenario_.topics) topic_configs_[ts.name] = topic_config(ts);
  for (cluster::Broker* b : brokers_) {
    for (const auto& [name, tc] : topic_configs_) b->set_topic_config(name, tc);
  }

  std::int32_t client_id = 2000;
  for (const scenario::ProducerSpec& ps : scenario_.producers) {
    const client::ProducerConfig pc = producer_config(ps);
    auto& p = sim_->add_node<client::Producer>(NodeId(client_id++), *net_, bootstrap(), pc);
    p.set_hooks(producer_hooks(ps.id, pc.transactional_id));
    producers_.push_back(&p);
    workloads_.push_back(std::make_unique<ProducerWorkload>(*this, ps, p, next_record_id_));
  }
  build_groups();
  build_processors();
  for (const scenario::Expectation& x : scenario_.expectations) {
    ExpectationResult r;
    r.text = x.text;
    r.at_us = x.at_us;
    r.location = fmt::format("{}:{}:{}", x.loc.file, x.loc.line, x.loc.column);
    expectations_.push_back(std::move(r));
  }
}

std::vector<NodeId> Run::bootstrap() const {
  std::vector<NodeId> out;
  for (const cluster::Broker* b : brokers_) out.push_back(b->id());
  return out;
}

client::ProducerHooks Run::producer_hooks(const std::string& name, const std::string& transactional_id) {
  const check::NameId producer = history_.intern(name);
  const check::NameId txn = transactional_id.empty() ? check::kNoName : history_.intern(transactional_id);
  client::ProducerHooks hooks;
  hooks.on_send = [this, producer, txn](const client::ProducerRecord& r, std::int32_t partition) {
    check::Send s;
    s.time_us = sim_->now();
    s.event_number = sim_->events_executed();
    s.record_id = r.id;
    s.producer = producer;
    s.tp = history_.tp(r.topic, partition);
    if (r.key) s.key = history_.intern(*r.key);
    s.transactional_id = txn;
    history_.append(s);
  };
  hooks.on_ack = [this](std::uint64_t id, const TopicPartition& tp, std::int64_t offset) {
    check::Ack a;
    a.time_us = sim_->now();
    a.event_number = sim_->events_executed();
    a.record_id = id;
    a.tp = history_.tp(tp.topic, tp.partition);
    a.offset = offset;
    history_.append(a);
  };
  hooks.on_error = [this, name](std::uint64_t id, const TopicPartition&, protocol::ErrorCode code,
                                const std::string& message, bool final) {
    ++producer_errors_[{name, std::string(protocol::error_name(code))}];
    check::SendFailed f;
    f.time_us = sim_->now();
    f.event_number = sim_->events_executed();
    f.record_id = id;
    f.error = history_.intern(message.empty() ? std::string(protocol::error_name(code))
                                              : fmt::format("{}: {}", protocol::error_name(code), message));
    f.gave_up = final ? check::GaveUp::kYes : check::GaveUp::kNo;
    history_.append(f);
  };
  return hooks;
}

void Run::start() {
  KS_ASSERT(!started_);
  started_ = true;
  sim_->trace_event(kNoNode, "scenario.start",
                    fmt::format("scenario '{}' seed {} ({} brokers, {} topics, {} producers)", scenario_.name, seed_,
                                brokers_.size(), scenario_.topics.size(), producers_.size()));
  sim_->start_node(NodeId(kControllerId));
  for (cluster::Broker* b : brokers_) sim_->start_node(b->id());
  // Topics are created once the brokers have registered (a few ms of sim time), as an admin client would.
  sim_->at(ms_to_us(10), [this] {
    cluster::create_internal_topics(*controller_, broker_config_, static_cast<int>(brokers_.size()));
    for (const scenario::TopicSpec& ts : scenario_.topics) {
      const auto err = controller_->create_topic(ts.name, ts.partitions, ts.replication_factor, topic_configs_[ts.name]);
      if (err != protocol::ErrorCode::kNone) {
        sim_->trace_event(NodeId(kControllerId), "scenario.error",
                          fmt::format("cannot create topic {}: {}", ts.name, protocol::error_name(err)));
      }
    }
  });
  for (client::Producer* p : producers_) sim_->start_node(p->id());
  for (auto& w : workloads_) w->start();
  for (auto& p : processors_) p->start();
  schedule_timeline();
  for (std::size_t i = 0; i < expectations_.size(); ++i) {
    if (expectations_[i].at_us) sim_->at(*expectations_[i].at_us, [this, i] { evaluate_expectation(i); });
  }
}

bool Run::expectations_passed() const {
  return std::all_of(expectations_.begin(), expectations_.end(),
                     [](const ExpectationResult& r) { return r.evaluated && r.passed; });
}

std::int64_t Run::producer_errors(const std::string& producer, const std::string& code) const {
  std::int64_t n = 0;
  for (const auto& [key, count] : producer_errors_) {
    if ((producer.empty() || key.first == producer) && key.second == code) n += count;
  }
  return n;
}

void Run::note_fault(const std::string& what, bool from_command) {
  faults_.push_back(AppliedFault{sim_->now(), sim_->events_executed(), what, from_command});
  check::Fault f;
  f.time_us = sim_->now();
  f.event_number = sim_->events_executed();
  f.what = history_.intern(what);
  history_.append(f);
  sim_->trace_event(kNoNode, from_command ? "command" : "scenario.action", what);
}

NodeId Run::node_of(const scenario::NodeRef& ref) const {
  switch (ref.kind) {
    case scenario::NodeRef::Kind::kBroker: return NodeId(ref.broker);
    case scenario::NodeRef::Kind::kProducer:
      for (std::size_t i = 0; i < scenario_.producers.size(); ++i) {
        if (scenario_.producers[i].id == ref.name) return producers_[i]->id();
      }
      break;
    case scenario::NodeRef::Kind::kConsumer:
      if (const Member* m = find_member(ref.group, ref.name)) return m->consumer->id();
      break;
    case scenario::NodeRef::Kind::kProcessor:
      if (const Processor* p = find_processor(ref.name)) return p->nodes().front();
      break;
  }
  return kNoNode;
}

std::vector<NodeId> Run::nodes_of(const scenario::NodeRef& ref) const {
  if (ref.kind == scenario::NodeRef::Kind::kProcessor) {
    const Processor* p = find_processor(ref.name);
    return p == nullptr ? std::vector<NodeId>{} : p->nodes();
  }
  const NodeId n = node_of(ref);
  return n == kNoNode ? std::vector<NodeId>{} : std::vector<NodeId>{n};
}

void Run::build_processors() {
  std::int32_t node = 4000;
  for (const scenario::ProcessorSpec& ps : scenario_.processors) {
    processors_.push_back(std::make_unique<Processor>(*this, ps, node));
    node += 2 * ps.instances;
  }
}

Processor* Run::processor_of(const scenario::NodeRef& ref) {
  if (ref.kind != scenario::NodeRef::Kind::kProcessor) return nullptr;
  for (const auto& p : processors_) {
    if (p->spec().id == ref.name) return p.get();
  }
  return nullptr;
}

const Processor* Run::find_processor(const std::string& id) const {
  for (const auto& p : processors_) {
    if (p->spec().id == id) return p.get();
  }
  return nullptr;
}

void Run::crash_broker(std::int32_t id, CrashKind kind) {
  if (kind == CrashKind::kPowerLoss) last_power_loss_[id] = {sim_->events_executed(), sim_->now()};
  sim_->crash_node(NodeId(id), kind);
}

void Run::restart_broker(std::int32_t id) { sim_->restart_node(NodeId(id)); }

}  // namespace kafkasim::engine
