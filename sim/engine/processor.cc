#include "sim/engine/processor.h"

#include <climits>

#include <fmt/format.h>

#include "sim/core/assert.h"
#include "sim/engine/run.h"

namespace kafkasim::engine {

using protocol::ErrorCode;

const char* to_string(InstanceState s) {
  switch (s) {
    case InstanceState::kDown: return "down";
    case InstanceState::kInitializing: return "initializing";
    case InstanceState::kRunning: return "running";
    case InstanceState::kCommitting: return "committing";
    case InstanceState::kAborting: return "aborting";
    case InstanceState::kZombie: return "zombie";
  }
  return "?";
}

namespace {

// A newer producer with the same transactional.id exists (Kafka: ProducerFencedException,
// InvalidProducerEpochException from a transactional producer): the application must close this one.
bool fenced(ErrorCode e) {
  return e == ErrorCode::kProducerFenced || e == ErrorCode::kInvalidProducerEpoch ||
         e == ErrorCode::kTransactionCoordinatorFenced;
}

// Kafka Streams' client defaults under exactly-once (StreamsConfig PRODUCER_EOS_OVERRIDES and
// CONSUMER_DEFAULT_OVERRIDES), applied where the scenario did not set the key.
config::ConfigMap streams_producer_configs(config::ConfigMap m) {
  auto dflt = [&m](std::string_view key, config::ConfigValue v) {
    if (!m.contains(key)) m.set_value(key, std::move(v));
  };
  dflt("transaction.timeout.ms", std::int64_t{10000});  // StreamsConfig DEFAULT_TRANSACTION_TIMEOUT
  dflt("delivery.timeout.ms", std::int64_t{INT_MAX});
  dflt("linger.ms", std::int64_t{100});
  m.set_value("enable.idempotence", true);
  return m;
}

config::ConfigMap streams_consumer_configs(config::ConfigMap m) {
  if (!m.contains("auto.offset.reset")) m.set_value("auto.offset.reset", std::string("earliest"));
  if (!m.contains("max.poll.records")) m.set_value("max.poll.records", std::int64_t{1000});
  m.set_value("enable.auto.commit", false);
  m.set_value("isolation.level", std::string("read_committed"));
  return m;
}

}  // namespace

template <typename Fn>
auto Processor::guarded(Instance& in, Fn fn) {
  return [&in, life = in.life, fn = std::move(fn)](auto&&... args) mutable {
    if (in.life != life) return;
    fn(std::forward<decltype(args)>(args)...);
  };
}

Processor::Processor(Run& run, const scenario::ProcessorSpec& spec, std::int32_t first_node)
    : run_(run), spec_(spec) {
  KS_ASSERT(spec.instances >= 1);
  instances_.resize(static_cast<std::size_t>(spec.instances));
  const config::ConfigMap pm = streams_producer_configs(spec.producer_configs);
  const config::ConfigMap cm = streams_consumer_configs(spec.consumer_configs);
  for (std::size_t i = 0; i < instances_.size(); ++i) {
    Instance& in = instances_[i];
    in.index = static_cast<std::int32_t>(i);
    const std::int32_t node = first_node + 2 * in.index;
    client::ProducerConfig pc = producer_config(pm, fmt::format("{}-{}-producer", spec.id, i));
    pc.transactional_id = fmt::format("{}-{}", spec.transactional_id, i);
    in.producer = &run.sim().add_node<client::Producer>(NodeId(node), run.network(), run.bootstrap(), pc);
    in.producer->set_hooks(run.producer_hooks(spec.id, pc.transactional_id));

    client::ConsumerConfig cc = consumer_base_config(cm);
    cc.client_id = fmt::format("{}-{}-consumer", spec.id, i);
    cc.group_id = spec.group;
    cc.mode = client::ProcessingMode::kTransactional;
    cc.processing_time_us = spec.processing_time_us;
    in.consumer = &run.sim().add_node<client::Consumer>(NodeId(node + 1), run.network(), run.bootstrap(), cc);
    client::ConsumerHooks hooks = run.consumer_hooks(spec.group, std::to_string(i));
    hooks.on_processed = [this, &in, record = hooks.on_processed](const client::ConsumedRecord& r) {
      record(r);
      on_processed(in, r);
    };
    hooks.on_batch_processed = [this, &in](std::function<void(bool ok)> resume) {
      on_batch_processed(in, std::move(resume));
    };
    in.consumer->set_hooks(std::move(hooks));
    in.consumer->subscribe({spec.input});
    consumer_views_.push_back(in.consumer);
  }
}

std::vector<NodeId> Processor::nodes() const {
  std::vector<NodeId> out;
  for (const Instance& in : instances_) {
    out.push_back(in.producer->id());
    out.push_back(in.consumer->id());
  }
  return out;
}

void Processor::trace(const Instance& in, std::string_view kind, const std::string& details) {
  run_.sim().trace_event(in.producer->id(), kind,
                         fmt::format("processor {} instance {}: {}", spec_.id, in.index, details));
}

void Processor::start_node(Node& node, bool& started) {
  if (started) {
    run_.sim().restart_node(node.id());
  } else {
    run_.sim().start_node(node.id());
    started = true;
  }
}

void Processor::start() {
  for (Instance& in : instances_) {
    start_node(*in.producer, in.producer_started);
    init(in);
  }
}

// init_transactions first: InitProducerId bumps the epoch of the transactional.id, which fences a zombie
// and aborts the transaction it left open. Only then does the consumer join and read (from the offsets
// the group committed in transactions).
void Processor::init(Instance& in) {
  in.state = InstanceState::kInitializing;
  in.txn_open = false;
  in.producer->init_transactions(guarded(in, [this, &in](ErrorCode e) {
    if (e == ErrorCode::kNone) {
      in.state = InstanceState::kRunning;
      trace(in, "processor.ready",
            fmt::format("init_transactions done (producer id {}, epoch {})", in.producer->producer_id(),
                        in.producer->producer_epoch()));
      if (!in.consumer->is_up()) start_node(*in.consumer, in.consumer_started);
      return;
    }
    if (fenced(e)) return become_zombie(in, e, "init_transactions");
    // max.block.ms passed while the coordinator was unavailable: the application tries again.
    trace(in, "processor.retry",
          fmt::format("init_transactions failed with {}; again after retry.backoff.ms", protocol::error_name(e)));
    in.producer->after(ms_to_us(in.producer->config().retry_backoff_ms), guarded(in, [this, &in] { init(in); }));
  }));
}

void Processor::on_processed(Instance& in, const client::ConsumedRecord& r) {
  if (in.state != InstanceState::kRunning) return;
  if (!in.txn_open) {
    const ErrorCode e = in.producer->begin_transaction();
    if (e != ErrorCode::kNone) {
      trace(in, "processor.error", fmt::format("begin_transaction failed with {}", protocol::error_name(e)));
      return;  // the batch end commits nothing and aborts
    }
    in.txn_open = true;
    in.txn_start_us = run_.sim().now();
    in.txn_inputs.clear();
  }
  in.txn_inputs.insert(r.tp);
  client::ProducerRecord out;
  out.id = run_.take_record_id();
  out.topic = spec_.output;
  out.key = r.key;
  out.value = fmt::format("{}({}-{}@{})", spec_.id, r.tp.topic, r.tp.partition, r.offset);
  run_.history().derive(out.id, r.id);
  ++stats_.processed;
  in.producer->send(std::move(out));
}

void Processor::on_batch_processed(Instance& in, std::function<void(bool ok)> resume) {
  if (in.state != InstanceState::kRunning) {
    // A failed begin_transaction or a zombie: nothing to commit; re-read from the committed offsets.
    if (in.state != InstanceState::kZombie) resume(false);
    return;
  }
  if (!in.txn_open) {
    resume(true);
    return;
  }
  const TimeUs due = in.txn_start_us + spec_.commit_interval_us;
  if (run_.sim().now() >= due) {
    commit(in, std::move(resume));
    return;
  }
  // Kafka Streams commits once commit.interval.ms has passed; the consumer waits until then.
  in.producer->after(due - run_.sim().now(), guarded(in, [this, &in, resume = std::move(resume)]() mutable {
    commit(in, std::move(resume));
  }));
}

void Processor::commit(Instance& in, std::function<void(bool ok)> resume) {
  if (in.state != InstanceState::kRunning) return;
  std::map<protocol::TopicPartition, std::int64_t> offsets;
  for (const auto& [tp, position] : in.consumer->positions()) {
    if (position >= 0) offsets[tp] = position;
  }
  for (const protocol::TopicPartition& tp : in.txn_inputs) {
    if (!offsets.contains(tp)) {
      // The partition was revoked while the transaction was open: its offsets cannot be committed, so
      // its outputs must not be either (Kafka Streams: TaskMigratedException, abort).
      return failed(in, ErrorCode::kIllegalGeneration, "commit (input partition no longer assigned)",
                    std::move(resume));
    }
  }
  in.state = InstanceState::kCommitting;
  auto on_commit = guarded(in, [this, &in, resume](ErrorCode e) {
    if (e != ErrorCode::kNone) return failed(in, e, "commit_transaction", resume);
    in.state = InstanceState::kRunning;
    in.txn_open = false;
    ++stats_.commits;
    resume(true);
  });
  in.producer->send_offsets_to_transaction(
      std::move(offsets), in.consumer->group_metadata(),
      guarded(in, [this, &in, resume, on_commit](ErrorCode e) {
        if (e != ErrorCode::kNone) return failed(in, e, "send_offsets_to_transaction", resume);
        in.producer->commit_transaction(on_commit);
      }));
}

void Processor::failed(Instance& in, ErrorCode error, const char* step, std::function<void(bool ok)> resume) {
  if (fenced(error) || in.producer->txn_state() == client::TxnState::kFatalError) {
    return become_zombie(in, error, step);
  }
  trace(in, "processor.abort", fmt::format("{} failed with {}: abort_transaction", step, protocol::error_name(error)));
  abort(in, std::move(resume));
}

void Processor::abort(Instance& in, std::function<void(bool ok)> resume) {
  in.state = InstanceState::kAborting;
  in.producer->abort_transaction(guarded(in, [this, &in, resume](ErrorCode e) {
    if (e == ErrorCode::kNone) {
      in.state = InstanceState::kRunning;
      in.txn_open = false;
      ++stats_.aborts;
      resume(false);  // the consumer rewinds to the committed offsets
      return;
    }
    if (fenced(e) || in.producer->txn_state() == client::TxnState::kFatalError) {
      return become_zombie(in, e, "abort_transaction");
    }
    // The coordinator could not be reached in time: the application retries the abort.
    in.producer->after(ms_to_us(in.producer->config().retry_backoff_ms),
                       guarded(in, [this, &in, resume] { abort(in, resume); }));
  }));
}

// A zombie stops: its consumer's thread dies (no LeaveGroup: the group notices after session.timeout.ms
// and gives its partitions to the other instances); its producer stays fenced until the instance restarts.
void Processor::become_zombie(Instance& in, ErrorCode error, const char* step) {
  in.state = InstanceState::kZombie;
  in.txn_open = false;
  ++stats_.fenced;
  trace(in, "processor.fenced",
        fmt::format("{} failed with {}: a newer producer owns transactional.id {}; this zombie stops", step,
                    protocol::error_name(error), in.producer->config().transactional_id));
  run_.sim().crash_node(in.consumer->id());
}

void Processor::crash(CrashKind kind) {
  for (Instance& in : instances_) {
    ++in.life;
    in.state = InstanceState::kDown;
    in.txn_open = false;
    run_.sim().crash_node(in.consumer->id(), kind);
    run_.sim().crash_node(in.producer->id(), kind);
  }
}

void Processor::restart() {
  for (Instance& in : instances_) {
    if (in.state != InstanceState::kDown && in.state != InstanceState::kZombie) continue;
    if (in.state == InstanceState::kZombie) run_.sim().crash_node(in.producer->id());  // close the fenced one
    ++in.life;
    ++stats_.restarts;
    start_node(*in.producer, in.producer_started);
    init(in);
  }
}

void Processor::pause() {
  for (NodeId n : nodes()) run_.sim().pause_node(n);
}

void Processor::resume() {
  for (NodeId n : nodes()) run_.sim().resume_node(n);
}

}  // namespace kafkasim::engine
