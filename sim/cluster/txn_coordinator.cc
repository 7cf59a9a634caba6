// The transaction coordinator: requests, the state machine, timeouts (Kafka's TransactionCoordinator and
// TransactionStateManager). Markers and loading are in txn_markers.cc.
#include "sim/cluster/txn_coordinator.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/assign/partitioner.h"
#include "sim/cluster/broker.h"
#include "sim/cluster/controller.h"
#include "sim/cluster/coordinator_util.h"
#include "sim/cluster/txn_internal.h"
#include "sim/core/assert.h"
#include "sim/core/simulation.h"
#include "sim/log/record_batch.h"

namespace kafkasim::cluster {

using protocol::ErrorCode;
using protocol::TopicPartition;

namespace {

// Kafka: producer epochs are int16; at Short.MAX_VALUE - 1 a new producer id is allocated.
constexpr std::int16_t kMaxProducerEpoch = 32766;

}  // namespace

TopicConfig transaction_state_topic_config(const BrokerConfig& config) {
  TopicConfig tc;
  tc.cleanup_policy = "compact";                           // Kafka: __transaction_state is compacted
  tc.segment_bytes = 100 * 1024 * 1024;                    // Kafka: transaction.state.log.segment.bytes
  tc.min_insync_replicas = config.transaction_state_log_min_isr;  // Kafka: transaction.state.log.min.isr
  return tc;
}

ErrorCode create_transaction_state_topic(Controller& controller, const BrokerConfig& config, int brokers) {
  const std::int32_t rf = std::min<std::int32_t>(config.transaction_state_log_replication_factor, brokers);
  TopicConfig tc = transaction_state_topic_config(config);
  tc.min_insync_replicas = std::min(tc.min_insync_replicas, rf);
  return controller.create_topic(std::string(kTransactionStateTopic), config.transaction_state_log_num_partitions, rf,
                                 tc);
}

TransactionCoordinator::TransactionCoordinator(Broker& broker)
    : broker_(broker),
      num_partitions_(broker.config().transaction_state_log_num_partitions),
      writer_(broker, kTransactionStateTopic, 30000) {}  // Kafka: request.timeout.ms bounds the log append

TransactionCoordinator::~TransactionCoordinator() = default;

std::int32_t TransactionCoordinator::partition_for(std::string_view transactional_id) const {
  return assign::partition_for_string(transactional_id, num_partitions_);
}

TransactionCoordinator::Txn* TransactionCoordinator::find(const std::string& id) {
  auto it = txns_.find(id);
  return it == txns_.end() ? nullptr : it->second.get();
}

ErrorCode TransactionCoordinator::owner_error(std::string_view transactional_id) const {
  const std::int32_t p = partition_for(transactional_id);
  if (led_.count(p) == 0) return ErrorCode::kNotCoordinator;
  if (loading_.count(p) != 0) return ErrorCode::kCoordinatorLoadInProgress;
  return ErrorCode::kNone;
}

void TransactionCoordinator::send(net::ConnectionId conn, std::shared_ptr<protocol::KafkaMessage> msg) {
  broker_.send(conn, std::move(msg));
}

namespace {
TimeUs abort_sweep_interval_us(const BrokerConfig& c) {
  return ms_to_us(std::max<std::int64_t>(1, c.transaction_abort_timed_out_cleanup_interval_ms));
}
TimeUs expiration_sweep_interval_us(const BrokerConfig& c) {
  return ms_to_us(std::max<std::int64_t>(1, c.transaction_remove_expired_cleanup_interval_ms));
}
}  // namespace

void TransactionCoordinator::start() {
  broker_.after(abort_sweep_interval_us(broker_.config()), [this] { abort_timed_out(); });
  // Kafka: enableTransactionalIdExpiration schedules "transactionalId-expiration" with this period.
  broker_.after(expiration_sweep_interval_us(broker_.config()), [this] { remove_expired_transactional_ids(); });
}

void TransactionCoordinator::reset() {
  create_requested_us_ = -1;
  txns_.clear();
  led_.clear();
  loading_.clear();
  writer_.reset();
  marker_requests_.clear();
  broker_conns_.clear();
}

// --------------------------------------------------------------------------------------------- requests

void TransactionCoordinator::handle_find_coordinator(net::ConnectionId conn, const protocol::FindCoordinatorRequest& req) {
  auto resp = std::make_shared<protocol::FindCoordinatorResponse>();
  resp->correlation_id = req.correlation_id;
  // Any broker answers from its metadata cache: the leader of the id's __transaction_state partition.
  const TopicPartition tp{std::string(kTransactionStateTopic), partition_for(req.key)};
  const auto& cache = broker_.metadata_cache();
  auto it = cache.find(tp);
  if (it == cache.end()) {
    // Kafka creates __transaction_state on the first FindCoordinator(TRANSACTION).
    resp->error = ErrorCode::kCoordinatorNotAvailable;
    const TimeUs now = broker_.sim().now();
    if (broker_.controller_conn_.valid() && (create_requested_us_ < 0 || now - create_requested_us_ >= sec_to_us(1))) {
      create_requested_us_ = now;
      auto create = std::make_shared<protocol::CreateTopicsRequest>();
      create->correlation_id = broker_.next_correlation_++;
      create->topic = std::string(kTransactionStateTopic);
      broker_.net_.send(broker_.controller_conn_, broker_.id(), create);
    }
  } else if (it->second.leader < 0) {
    resp->error = ErrorCode::kCoordinatorNotAvailable;
  } else {
    resp->node_id = it->second.leader;
  }
  send(conn, resp);
}

void TransactionCoordinator::handle_init_producer_id(net::ConnectionId conn, const protocol::InitProducerIdRequest& req) {
  const std::int32_t corr = req.correlation_id;
  auto reply = [this, conn, corr](ErrorCode e, std::int64_t pid, std::int16_t epoch) {
    auto resp = std::make_shared<protocol::InitProducerIdResponse>();
    resp->correlation_id = corr;
    resp->error = e;
    if (e == ErrorCode::kNone) {
      resp->producer_id = pid;
      resp->producer_epoch = epoch;
    }
    send(conn, resp);
  };
  const std::string& id = req.transactional_id;
  if (ErrorCode e = owner_error(id); e != ErrorCode::kNone) return reply(e, -1, -1);
  if (req.transaction_timeout_ms <= 0 || req.transaction_timeout_ms > broker_.config().transaction_max_timeout_ms) {
    return reply(ErrorCode::kInvalidTransactionTimeout, -1, -1);
  }
  Txn* t = find(id);
  if (t == nullptr) {
    auto fresh = std::make_unique<Txn>();
    fresh->id = id;
    fresh->partition = partition_for(id);
    t = fresh.get();
    txns_[id] = std::move(fresh);
  }
  if (t->pending) return reply(ErrorCode::kConcurrentTransactions, -1, -1);
  switch (t->v.state) {
    case TxnState::kPrepareCommit:
    case TxnState::kPrepareAbort:
    case TxnState::kPrepareEpochFence:
    case TxnState::kDead:
      return reply(ErrorCode::kConcurrentTransactions, -1, -1);
    case TxnState::kOngoing:
      // Kafka: the open transaction of the old producer is aborted with a bumped epoch (fencing it);
      // the new producer retries InitProducerId until the abort completed.
      end_transaction(*t, false, true, fmt::format("fenced by InitProducerId of a new {} producer", id), nullptr);
      return reply(ErrorCode::kConcurrentTransactions, -1, -1);
    case TxnState::kEmpty:
    case TxnState::kCompleteCommit:
    case TxnState::kCompleteAbort:
      break;
  }
  TxnLogValue next = t->v;
  if (next.producer_id < 0 || next.producer_epoch >= kMaxProducerEpoch) {
    next.producer_id = broker_.allocate_producer_id();
    next.producer_epoch = 0;
  } else {
    ++next.producer_epoch;  // fences every older instance of this transactional.id
  }
  next.transaction_timeout_ms = req.transaction_timeout_ms;
  next.state = TxnState::kEmpty;
  next.partitions.clear();
  next.start_timestamp_ms = -1;
  next.last_update_timestamp_ms = broker_.wall_clock_ms();
  write_transition(*t, next, [this, id, reply, next](ErrorCode e) {
    if (e != ErrorCode::kNone) {
      // A brand-new id whose first write failed is forgotten again.
      Txn* tx = find(id);
      if (tx != nullptr && tx->v.producer_id < 0 && !tx->pending) txns_.erase(id);
      return reply(e, -1, -1);
    }
    broker_.sim().trace_event(broker_.id(), "txn.init",
                              fmt::format("{}: producer id {} epoch {} (coordinator broker {})", id, next.producer_id,
                                          next.producer_epoch, broker_.broker_id()));
    reply(ErrorCode::kNone, next.producer_id, next.producer_epoch);
  });
}

ErrorCode TransactionCoordinator::check_producer(const Txn* t, std::int64_t producer_id, std::int16_t producer_epoch) const {
  if (t == nullptr || t->v.producer_id < 0 || t->v.producer_id != producer_id) return ErrorCode::kInvalidProducerIdMapping;
  // Kafka: an epoch other than the current one belongs to a fenced (older) producer.
  if (producer_epoch != t->v.producer_epoch) return ErrorCode::kProducerFenced;
  return ErrorCode::kNone;
}

void TransactionCoordinator::add_partitions(const std::string& id, std::int64_t producer_id, std::int16_t producer_epoch,
                                            std::vector<TopicPartition> partitions, Reply reply) {
  if (ErrorCode e = owner_error(id); e != ErrorCode::kNone) return reply(e);
  Txn* t = find(id);
  if (ErrorCode e = check_producer(t, producer_id, producer_epoch); e != ErrorCode::kNone) return reply(e);
  if (t->pending || (t->v.state != TxnState::kEmpty && t->v.state != TxnState::kOngoing &&
                     t->v.state != TxnState::kCompleteCommit && t->v.state != TxnState::kCompleteAbort)) {
    return reply(ErrorCode::kConcurrentTransactions);
  }
  TxnLogValue next = t->v;
  if (next.state != TxnState::kOngoing) {
    next.partitions.clear();
    next.start_timestamp_ms = broker_.wall_clock_ms();
  }
  const std::size_t before = next.partitions.size();
  for (const TopicPartition& tp : partitions) {
    if (std::find(next.partitions.begin(), next.partitions.end(), tp) == next.partitions.end()) {
      next.partitions.push_back(tp);
    }
  }
  if (t->v.state == TxnState::kOngoing && next.partitions.size() == before) return reply(ErrorCode::kNone);
  std::sort(next.partitions.begin(), next.partitions.end());
  const bool begins = t->v.state != TxnState::kOngoing;
  next.state = TxnState::kOngoing;
  next.last_update_timestamp_ms = broker_.wall_clock_ms();
  write_transition(*t, next, [this, id, begins, partitions, reply](ErrorCode e) {
    if (e == ErrorCode::kNone) {
      std::vector<std::string> names;
      for (const auto& tp : partitions) names.push_back(tp.str());
      broker_.sim().trace_event(broker_.id(), "txn.add_partitions",
                                fmt::format("{}: {}{}", id, begins ? "transaction begins with " : "adds ",
                                            fmt::join(names, ", ")));
    }
    reply(e);
  });
}

void TransactionCoordinator::handle_add_partitions(net::ConnectionId conn, const protocol::AddPartitionsToTxnRequest& req) {
  const std::int32_t corr = req.correlation_id;
  const std::vector<TopicPartition> tps = req.partitions;
  add_partitions(req.transactional_id, req.producer_id, req.producer_epoch, req.partitions,
                 [this, conn, corr, tps](ErrorCode e) {
                   auto resp = std::make_shared<protocol::AddPartitionsToTxnResponse>();
                   resp->correlation_id = corr;
                   for (const auto& tp : tps) resp->results.emplace_back(tp, e);
                   resp->wire_bytes = 64 + 16 * static_cast<std::uint32_t>(tps.size());
                   send(conn, resp);
                 });
}

void TransactionCoordinator::handle_add_offsets(net::ConnectionId conn, const protocol::AddOffsetsToTxnRequest& req) {
  const std::int32_t corr = req.correlation_id;
  // The group's __consumer_offsets partition joins the transaction (Kafka: AddOffsetsToTxn).
  const TopicPartition offsets_tp{"__consumer_offsets",
                                  assign::partition_for_string(req.group_id, broker_.config().offsets_topic_num_partitions)};
  add_partitions(req.transactional_id, req.producer_id, req.producer_epoch, {offsets_tp}, [this, conn, corr](ErrorCode e) {
    auto resp = std::make_shared<protocol::AddOffsetsToTxnResponse>();
    resp->correlation_id = corr;
    resp->error = e;
    send(conn, resp);
  });
}

void TransactionCoordinator::handle_end_txn(net::ConnectionId conn, const protocol::EndTxnRequest& req) {
  const std::int32_t corr = req.correlation_id;
  auto reply = [this, conn, corr](ErrorCode e) {
    auto resp = std::make_shared<protocol::EndTxnResponse>();
    resp->correlation_id = corr;
    resp->error = e;
    send(conn, resp);
  };
  const std::string& id = req.transactional_id;
  if (ErrorCode e = owner_error(id); e != ErrorCode::kNone) return reply(e);
  Txn* t = find(id);
  if (ErrorCode e = check_producer(t, req.producer_id, req.producer_epoch); e != ErrorCode::kNone) return reply(e);
  if (t->pending) return reply(ErrorCode::kConcurrentTransactions);
  const bool commit = req.committed;
  switch (t->v.state) {
    case TxnState::kOngoing:
      return end_transaction(*t, commit, false, commit ? "EndTxn(commit) from the producer" : "EndTxn(abort) from the producer",
                             reply);
    case TxnState::kPrepareCommit:
      return reply(commit ? ErrorCode::kConcurrentTransactions : ErrorCode::kInvalidTxnState);
    case TxnState::kPrepareAbort:
      return reply(commit ? ErrorCode::kInvalidTxnState : ErrorCode::kConcurrentTransactions);
    case TxnState::kCompleteCommit:  // a retried EndTxn whose answer was lost
      return reply(commit ? ErrorCode::kNone : ErrorCode::kInvalidTxnState);
    case TxnState::kCompleteAbort:
      return reply(commit ? ErrorCode::kInvalidTxnState : ErrorCode::kNone);
    case TxnState::kEmpty:
    case TxnState::kDead:
    case TxnState::kPrepareEpochFence:
      return reply(ErrorCode::kInvalidTxnState);
  }
}

// ------------------------------------------------------------------------------------- state machine

void TransactionCoordinator::write_transition(Txn& t, TxnLogValue next, Reply done) {
  KS_ASSERT(!t.pending);
  auto reply = [done = std::move(done)](ErrorCode e, std::int64_t) { done(e); };
  auto led = led_.find(t.partition);
  if (led == led_.end()) return writer_.reject(std::move(reply), ErrorCode::kNotCoordinator);
  InternalTopicWriter::Write w;
  w.partition = t.partition;
  w.records.push_back({encode_txn_key(t.id), encode_txn_value(next)});
  w.leader_epoch = led->second;  // the coordinator epoch this partition was loaded with
  w.settled = [this, id = t.id, next = std::move(next)](ErrorCode e) { settle_transition(id, next, e); };
  w.done = std::move(reply);
  // Pending before the append: a single in-sync replica completes the write inside it.
  t.pending = true;
  if (writer_.append(std::move(w)) < 0) t.pending = false;
}

void TransactionCoordinator::settle_transition(const std::string& id, const TxnLogValue& next, ErrorCode error) {
  Txn* t = find(id);
  if (t == nullptr) return;
  t->pending = false;
  if (error != ErrorCode::kNone) return;
  const TxnState from = t->v.state;
  t->v = next;
  if (from != t->v.state) {
    broker_.sim().trace_event(broker_.id(), "txn.state",
                              fmt::format("{}: {} -> {} (producer {} epoch {})", id, to_string(from),
                                          to_string(t->v.state), t->v.producer_id, t->v.producer_epoch));
  }
}

void TransactionCoordinator::on_hw_advanced(std::int32_t partition) { writer_.on_hw_advanced(partition); }

void TransactionCoordinator::end_transaction(Txn& t, bool commit, bool bump_epoch, std::string reason, Reply reply) {
  TxnLogValue next = t.v;
  if (bump_epoch) ++next.producer_epoch;  // Kafka: the fenced producer's later requests fail
  next.state = commit ? TxnState::kPrepareCommit : TxnState::kPrepareAbort;
  next.last_update_timestamp_ms = broker_.wall_clock_ms();
  const std::string id = t.id;
  write_transition(t, next, [this, id, commit, reason, reply](ErrorCode e) {
    if (e == ErrorCode::kNone) {
      Txn* tx = find(id);
      if (tx != nullptr) {
        broker_.sim().trace_event(broker_.id(), commit ? "txn.commit" : "txn.abort",
                                  fmt::format("{}: {} ({} partitions, producer {} epoch {}): {}", id,
                                              commit ? "commit decided" : "abort decided", tx->v.partitions.size(),
                                              tx->v.producer_id, tx->v.producer_epoch, reason));
        if (broker_.hooks().on_txn_end) {
          broker_.hooks().on_txn_end(broker_.broker_id(), id, tx->v.producer_id, tx->v.producer_epoch, commit,
                                     tx->v.partitions, reason);
        }
        tx->markers_pending.clear();
        tx->markers_pending.insert(tx->v.partitions.begin(), tx->v.partitions.end());
        tx->markers_in_flight.clear();
        send_markers(id);
      }
    }
    if (reply) reply(e);
  });
}

void TransactionCoordinator::complete_transaction(const std::string& id) {
  Txn* t = find(id);
  if (t == nullptr || t->pending) return;
  if (t->v.state != TxnState::kPrepareCommit && t->v.state != TxnState::kPrepareAbort) return;
  TxnLogValue next = t->v;
  next.state = t->v.state == TxnState::kPrepareCommit ? TxnState::kCompleteCommit : TxnState::kCompleteAbort;
  next.partitions.clear();
  next.start_timestamp_ms = -1;
  next.last_update_timestamp_ms = broker_.wall_clock_ms();
  write_transition(*t, next, [this, id](ErrorCode e) {
    if (e == ErrorCode::kNone || e == ErrorCode::kNotCoordinator) return;  // a new coordinator redoes it
    broker_.after(ms_to_us(kMarkerRetryBackoffMs), [this, id] { complete_transaction(id); });
  });
}

void TransactionCoordinator::abort_timed_out() {
  const std::int64_t now_ms = broker_.wall_clock_ms();
  std::vector<std::string> expired;
  for (const auto& [id, t] : txns_) {
    if (t->pending || t->v.state != TxnState::kOngoing || loading_.count(t->partition) != 0) continue;
    if (t->v.start_timestamp_ms >= 0 && now_ms - t->v.start_timestamp_ms >= t->v.transaction_timeout_ms) {
      expired.push_back(id);
    }
  }
  for (const std::string& id : expired) {
    Txn* t = find(id);
    broker_.sim().trace_event(broker_.id(), "txn.timeout",
                              fmt::format("{}: open for {} ms > transaction.timeout.ms={}: aborting", id,
                                          now_ms - t->v.start_timestamp_ms, t->v.transaction_timeout_ms));
    end_transaction(*t, false, true, fmt::format("transaction.timeout.ms={} expired", t->v.transaction_timeout_ms),
                    nullptr);
  }
  broker_.after(abort_sweep_interval_us(broker_.config()), [this] { abort_timed_out(); });  // next sweep
}

void TransactionCoordinator::remove_expired_transactional_ids() {
  // Kafka (TransactionStateManager.shouldExpire): the state allows expiration (Empty, CompleteCommit,
  // CompleteAbort), no transition is pending, and txnLastUpdateTimestamp <= now - transactional.id.expiration.ms.
  const std::int64_t now_ms = broker_.wall_clock_ms();
  const std::int64_t expiration_ms = broker_.config().transactional_id_expiration_ms;
  std::map<std::int32_t, std::vector<std::string>> expired;  // by __transaction_state partition
  for (const auto& [id, t] : txns_) {
    if (t->pending || loading_.count(t->partition) != 0 || t->v.producer_id < 0) continue;
    const bool allowed = t->v.state == TxnState::kEmpty || t->v.state == TxnState::kCompleteCommit ||
                         t->v.state == TxnState::kCompleteAbort;
    if (allowed && t->v.last_update_timestamp_ms <= now_ms - expiration_ms) expired[t->partition].push_back(id);
  }
  for (const auto& [partition, ids] : expired) write_tombstones(partition, ids);
  broker_.after(expiration_sweep_interval_us(broker_.config()), [this] { remove_expired_transactional_ids(); });
}

void TransactionCoordinator::write_tombstones(std::int32_t partition, const std::vector<std::string>& ids) {
  auto led = led_.find(partition);
  if (led == led_.end()) return;
  InternalTopicWriter::Write w;
  w.partition = partition;
  for (const std::string& id : ids) w.records.push_back({encode_txn_key(id), std::nullopt});
  w.leader_epoch = led->second;
  // Kafka: prepareDead (pendingState Dead) now; the ids leave the cache when the tombstones are replicated,
  // or go back to their state (pendingState None) when the append fails.
  w.settled = [this, ids, partition](ErrorCode e) {
    std::vector<std::string> removed;
    for (const std::string& id : ids) {
      auto it = txns_.find(id);
      if (it == txns_.end()) continue;
      it->second->pending = false;
      if (e != ErrorCode::kNone) continue;
      txns_.erase(it);
      removed.push_back(id);
    }
    if (!removed.empty()) {
      broker_.sim().trace_event(broker_.id(), "txn.expire",
                                fmt::format("{}-{}: transactional ids {} expired (no update for "
                                            "transactional.id.expiration.ms={}): tombstones written",
                                            kTransactionStateTopic, partition, fmt::join(removed, ", "),
                                            broker_.config().transactional_id_expiration_ms));
    }
  };
  w.done = [](ErrorCode, std::int64_t) {};
  for (const std::string& id : ids) txns_.at(id)->pending = true;
  if (writer_.append(std::move(w)) < 0) {
    for (const std::string& id : ids) txns_.at(id)->pending = false;
  }
}

// -------------------------------------------------------------------------------------- observation

std::vector<TxnDescription> TransactionCoordinator::transactions() const {
  std::vector<TxnDescription> out;
  for (const auto& [id, t] : txns_) {
    if (loading_.count(t->partition) != 0 || t->v.producer_id < 0) continue;
    TxnDescription d;
    d.transactional_id = id;
    d.coordinator = broker_.broker_id();
    d.producer_id = t->v.producer_id;
    d.producer_epoch = t->v.producer_epoch;
    d.state = to_string(t->v.state);
    d.partitions = t->v.partitions;
    d.timeout_ms = t->v.transaction_timeout_ms;
    d.start_ms = t->v.state == TxnState::kOngoing ? t->v.start_timestamp_ms : -1;
    d.transition_pending = t->pending;
    d.markers_pending = static_cast<std::int32_t>(t->markers_pending.size());
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace kafkasim::cluster
