// The producer: connections, metadata, the record accumulator and sending (Kafka's KafkaProducer,
// RecordAccumulator and Sender). How a sent batch ends (acknowledged, retried, failed, expired) is in
// producer_completion.cc; transactions in producer_txn.cc and producer_txn_requests.cc.
#include "sim/client/producer.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "sim/client/producer_internal.h"
#include "sim/core/assert.h"
#include "sim/core/simulation.h"
#include "sim/log/record_batch.h"

namespace kafkasim::client {

using protocol::ErrorCode;
using protocol::TopicPartition;

Producer::Producer(Simulation& sim, NodeId id, net::Network& net, std::vector<NodeId> bootstrap,
                   ProducerConfig config)
    : Node(sim, id, NodeKind::kClient, config.client_id),
      net_(net),
      bootstrap_(std::move(bootstrap)),
      config_(std::move(config)),
      rng_(sim.rng("producer." + config_.client_id)),
      reconnect_rng_(sim.rng("producer." + config_.client_id + ".reconnect")),
      reconnect_(config_.reconnect_backoff_ms, config_.reconnect_backoff_max_ms) {
  // Kafka rejects transactional.id without idempotence (config resolution reports it before a producer
  // exists); a transactional producer is always idempotent.
  if (transactional()) config_.enable_idempotence = true;
  net_.attach(id, this);
}

Producer::~Producer() = default;

void Producer::reconfigure(ProducerConfig config) {
  config.client_id = config_.client_id;
  config.transactional_id = config_.transactional_id;  // a new transactional.id needs a new producer
  const bool idempotence_changed = config.enable_idempotence != config_.enable_idempotence;
  config_ = std::move(config);
  if (transactional()) config_.enable_idempotence = true;
  sim().trace_event(id(), "producer.reconfigure",
                    fmt::format("{} now uses acks={} enable.idempotence={} linger.ms={} retries={}", config_.client_id,
                                config_.acks == -1 ? std::string("all") : std::to_string(config_.acks),
                                config_.enable_idempotence, config_.linger_ms, config_.retries));
  if (idempotence_changed && config_.enable_idempotence && !transactional() && producer_id_ < 0 && is_up()) {
    init_producer_id();
  }
}

void Producer::on_start() {
  assign::StickyPartitionerConfig sc;
  sc.batch_size_bytes = config_.batch_size;
  sc.ignore_keys = config_.partitioner_ignore_keys;
  sc.adaptive_partitioning_enabled = config_.adaptive_partitioning;
  sticky_ = std::make_unique<assign::StickyPartitioner>(sc);
  round_robin_ = std::make_unique<assign::RoundRobinPartitioner>();
  request_metadata();
  // A transactional producer gets its id from init_transactions (the application calls it at boot).
  if (config_.enable_idempotence && !transactional()) init_producer_id();
  // Delivery timeouts are checked every 100 ms of sim time.
  after(ms_to_us(100), [this] { expire_batches(); });
}

void Producer::on_crash() {
  metadata_.clear();
  metadata_pending_ = false;
  connections_.clear();
  reconnect_.clear();
  queues_.clear();
  waiting_for_metadata_.clear();
  next_sequence_.clear();
  in_flight_sequences_.clear();
  producer_id_ = -1;
  producer_epoch_ = -1;
  pid_pending_ = false;
  drain_scheduled_ = false;
  drain_at_us_ = kTimeNever;
  stats_.in_flight_batches = 0;
  stats_.queued_records = 0;
  txn_reset();
}

std::int32_t Producer::any_broker() {
  // Kafka's leastLoadedNode: prefer a broker we are connected to, otherwise a bootstrap broker that is
  // not blacked out by reconnect.backoff.ms (any bootstrap broker if all are).
  for (const auto& [b, c] : connections_) {
    if (net_.is_open(c->conn)) return b;
  }
  const std::vector<std::int32_t> candidates = reconnect_.connectable(bootstrap_, sim().now());
  return candidates[rng_.uniform(candidates.size())];
}

Producer::Connection* Producer::connection(std::int32_t broker) {
  auto usable = [this](const Connection& c) { return !c.conn.valid() || net_.is_open(c.conn); };
  auto it = connections_.find(broker);
  if (it != connections_.end() && usable(*it->second)) return it->second.get();
  if (it != connections_.end()) {
    fail_connection(*it->second, "connection lost");
    // fail_connection's follow-ups (metadata, InitProducerId) may have connected to `broker` again.
    it = connections_.find(broker);
    if (it != connections_.end() && usable(*it->second)) return it->second.get();
  }
  auto c = std::make_unique<Connection>();
  c->open(net_, *this, broker, reconnect_.connect_delay_us(broker, sim().now()),
          [this, broker] { connect_after_backoff(broker); });
  Connection* raw = c.get();
  connections_[broker] = std::move(c);
  return raw;
}

void Producer::connect_after_backoff(std::int32_t broker) {
  auto it = connections_.find(broker);
  if (it == connections_.end() || it->second->conn.valid()) return;
  it->second->connect(net_, id());
  schedule_drain(0);  // batches for this broker waited in their queues
}

void Producer::request_metadata() {
  if (metadata_pending_) return;
  if (sim().now() < metadata_backoff_until_us_) {
    after(metadata_backoff_until_us_ - sim().now(), [this] { request_metadata(); });
    return;
  }
  metadata_pending_ = true;
  send_control_request(std::make_shared<protocol::MetadataRequest>(), &Connection::metadata_correlation,
                       metadata_pending_, "metadata request timed out");
}

void Producer::handle_metadata(const protocol::MetadataResponse& resp) {
  metadata_pending_ = false;
  metadata_backoff_until_us_ = sim().now() + ms_to_us(config_.retry_backoff_ms);
  std::map<std::string, std::vector<PartitionInfo>> fresh;
  for (const auto& p : resp.partitions) {
    auto& v = fresh[p.tp.topic];
    if (static_cast<std::int32_t>(v.size()) <= p.tp.partition) v.resize(static_cast<std::size_t>(p.tp.partition) + 1);
    v[static_cast<std::size_t>(p.tp.partition)] = PartitionInfo{p.leader, p.leader_epoch};
  }
  metadata_ = std::move(fresh);
  sim().cancel(metadata_timer_);
  metadata_timer_ = after(ms_to_us(config_.metadata_max_age_ms), [this] { request_metadata(); });
  std::vector<ProducerRecord> waiting = std::move(waiting_for_metadata_);
  waiting_for_metadata_.clear();
  for (auto& r : waiting) append(std::move(r));
  schedule_drain(0);
}

void Producer::init_producer_id() {
  if (pid_pending_) return;
  pid_pending_ = true;
  send_control_request(std::make_shared<protocol::InitProducerIdRequest>(), &Connection::pid_correlation,
                       pid_pending_, "InitProducerId timed out");
}

void Producer::send_control_request(std::shared_ptr<protocol::KafkaMessage> req, std::int32_t Connection::*slot,
                                    const bool& pending, const char* timeout_reason) {
  // Sent to the least loaded broker; no answer within request.timeout.ms drops that connection, and the
  // request is sent again (another broker may answer).
  const std::int32_t broker = any_broker();
  Connection* c = connection(broker);
  req->correlation_id = next_correlation_++;
  c->*slot = req->correlation_id;
  c->send(net_, id(), req);
  const std::int32_t corr = req->correlation_id;
  after(ms_to_us(config_.request_timeout_ms), [this, broker, corr, slot, &pending, timeout_reason] {
    auto it = connections_.find(broker);
    if (pending && it != connections_.end() && (*it->second).*slot == corr) {
      fail_connection(*it->second, timeout_reason);
    }
  });
}

void Producer::request(std::int32_t broker, std::shared_ptr<protocol::KafkaMessage> req, Callback cb) {
  Connection* c = connection(broker);
  req->correlation_id = next_correlation_++;
  const std::int32_t corr = req->correlation_id;
  Connection::Pending& p = c->requests[corr];
  p.cb = std::move(cb);
  // request.timeout.ms: NetworkClient closes the connection; every request on it fails.
  p.timeout = after(ms_to_us(config_.request_timeout_ms), [this, broker, corr] {
    auto it = connections_.find(broker);
    if (it != connections_.end() && it->second->requests.count(corr) != 0) {
      fail_connection(*it->second, fmt::format("request.timeout.ms={} expired waiting for broker {}",
                                               config_.request_timeout_ms, broker));
    }
  });
  c->send(net_, id(), std::move(req));
}

void Producer::handle_init_producer_id(const protocol::InitProducerIdResponse& resp) {
  pid_pending_ = false;
  if (resp.error != ErrorCode::kNone) {
    after(ms_to_us(config_.retry_backoff_ms), [this] { init_producer_id(); });
    return;
  }
  producer_id_ = resp.producer_id;
  producer_epoch_ = resp.producer_epoch;
  sim().trace_event(id(), "producer.init_pid",
                    fmt::format("{} got producer id {} epoch {}", config_.client_id, producer_id_, producer_epoch_));
  schedule_drain(0);
}

const assign::TopicPartitions& Producer::topic_partitions(const std::string& topic) {
  assign::TopicPartitions& tp = topic_partitions_scratch_;
  tp.num_partitions = 0;
  tp.available.clear();
  auto it = metadata_.find(topic);
  if (it == metadata_.end()) return tp;
  tp.num_partitions = static_cast<std::int32_t>(it->second.size());
  for (std::int32_t p = 0; p < tp.num_partitions; ++p) {
    if (it->second[static_cast<std::size_t>(p)].leader >= 0) tp.available.push_back(p);
  }
  return tp;
}

void Producer::send(ProducerRecord record) {
  if (!is_up()) return;
  if (transactional() && txn_state_ != TxnState::kInTransaction) {
    // Kafka: KafkaProducer.send -> TransactionManager.failIfNotReadyForSend (the last error in an error
    // state, e.g. PRODUCER_FENCED once fenced; IllegalStateException otherwise).
    const ErrorCode error = txn_state_error();
    ++stats_.failed;
    if (hooks_.on_error) {
      hooks_.on_error(record.id, TopicPartition{record.topic, -1}, error,
                      fmt::format("Cannot call send in state {}", to_string(txn_state_)), true);
    }
    return;
  }
  append(std::move(record));
}

void Producer::append(ProducerRecord record) {
  const assign::TopicPartitions& tps = topic_partitions(record.topic);
  if (tps.num_partitions == 0) {
    waiting_for_metadata_.push_back(std::move(record));
    request_metadata();
    return;
  }
  if (record.timestamp_ms < 0) record.timestamp_ms = wall_clock_ms();
  std::int32_t partition;
  const bool keyed = record.key.has_value() && !config_.partitioner_ignore_keys;
  if (config_.round_robin) {
    partition = round_robin_->partition(record.topic, tps);
  } else {
    std::optional<std::string_view> key;
    if (keyed) key = *record.key;
    partition = sticky_->partition(record.topic, key, tps, rng_);
  }
  const std::int32_t size = 21 + static_cast<std::int32_t>((record.key ? record.key->size() : 0) +
                                                           (record.value ? record.value->size() : 0) + 24);
  TopicPartition tp{record.topic, partition};
  auto* queue_of_tp = &queues_[tp];
  auto& q = *queue_of_tp;
  bool new_batch = q.empty() || q.back()->in_flight || q.back()->encoded != nullptr ||
                   q.back()->estimated_bytes + size > config_.batch_size;
  if (new_batch && config_.round_robin && !q.empty()) {
    // Kafka 3.x: abortForNewBatch -> onNewBatch -> partition() again (KAFKA-9965 skips a partition).
    round_robin_->on_new_batch(record.topic, partition);
    partition = round_robin_->partition(record.topic, tps);
    tp.partition = partition;
    queue_of_tp = &queues_[tp];
    auto& q2 = *queue_of_tp;
    new_batch = q2.empty() || q2.back()->in_flight || q2.back()->encoded != nullptr ||
                q2.back()->estimated_bytes + size > config_.batch_size;
  }
  auto& queue = *queue_of_tp;  // one map lookup per record (two on a round-robin switch)
  if (transactional()) txn_maybe_add_partition(tp);
  if (new_batch) {
    auto b = std::make_shared<Batch>();
    b->builder = BatchBuilder(static_cast<std::size_t>(config_.batch_size) + 512);
    b->tp = tp;
    b->created_us = sim().now();
    queue.push_back(b);
  }
  Batch& b = *queue.back();
  b.estimated_bytes += size;
  if (hooks_.on_send) hooks_.on_send(record, partition);
  append_record(b, record);
  b.record_ids.push_back(record.id);
  ++stats_.sent;
  ++stats_.queued_records;
  if (!keyed && !config_.round_robin) {
    sticky_->on_append(tp.topic, size, tps,
                       b.estimated_bytes >= config_.batch_size ? assign::SwitchPolicy::kAllowSwitch
                                                               : assign::SwitchPolicy::kBatchNotFull,
                       rng_);
  }
  if (b.estimated_bytes >= config_.batch_size || queue.size() > 1) {
    schedule_drain(0);
  } else {
    schedule_drain(ms_to_us(config_.linger_ms));
  }
}

void Producer::flush() {
  flushing_ = true;
  schedule_drain(0);
}

void Producer::schedule_drain(TimeUs delay) {
  const TimeUs at = sim().now() + delay;
  if (drain_scheduled_ && drain_at_us_ <= at) return;
  if (drain_scheduled_) sim().cancel(drain_timer_);
  drain_scheduled_ = true;
  drain_at_us_ = at;
  drain_timer_ = after(delay, [this] {
    drain_scheduled_ = false;
    drain_at_us_ = kTimeNever;
    drain();
  });
}

bool Producer::partition_in_flight_before(const Batch& b) const {
  // Idempotent producers keep at most max.in.flight batches per partition in flight, in sequence order;
  // a batch waits while an earlier sequence of its partition is being retried.
  auto it = in_flight_sequences_.find(b.tp);
  if (it == in_flight_sequences_.end() || it->second.empty()) return false;
  return b.base_sequence >= 0 && *it->second.begin() < b.base_sequence &&
         static_cast<std::int32_t>(it->second.size()) >= config_.max_in_flight;
}

void Producer::drain() {
  if (!is_up()) return;
  if (transactional()) {
    if (producer_id_ < 0 || txn_state_ == TxnState::kFatalError) return;
    // Kafka's Sender: while aborting or in an abortable error, batches never drained fail
    // (abortUndrainedBatches); batches that have a sequence number are still sent until they complete.
    if (txn_state_ == TxnState::kAborting || txn_state_ == TxnState::kAbortableError) {
      fail_batches(FailScope::kUnsent, txn_error_ == ErrorCode::kNone ? kTxnAbortedError : txn_error_,
                   kTxnAbortedMessage);
    }
  } else if (config_.enable_idempotence && producer_id_ < 0) {
    init_producer_id();
    return;
  }
  const TimeUs now = sim().now();
  const TimeUs linger_us = ms_to_us(config_.linger_ms);
  TimeUs next_wakeup = kTimeNever;
  std::map<std::int32_t, std::vector<std::shared_ptr<Batch>>> by_broker;
  bool need_metadata = false;
  for (auto& [tp, queue] : queues_) {
    if (queue.empty()) continue;
    std::shared_ptr<Batch> b = queue.front();
    if (b->in_flight || !send_allowed(tp)) continue;
    if (b->retry_at_us > now) {
      next_wakeup = std::min(next_wakeup, b->retry_at_us);
      continue;
    }
    const bool full = b->estimated_bytes >= config_.batch_size || queue.size() > 1;
    const bool lingered = now - b->created_us >= linger_us;
    const bool flush = flushing_ || txn_state_ == TxnState::kCommitting;  // commit flushes
    if (!full && !lingered && !flush && b->attempts == 0) {
      next_wakeup = std::min(next_wakeup, b->created_us + linger_us);
      continue;
    }
    auto mit = metadata_.find(tp.topic);
    const std::int32_t leader = (mit != metadata_.end() && tp.partition < static_cast<std::int32_t>(mit->second.size()))
                                    ? mit->second[static_cast<std::size_t>(tp.partition)].leader
                                    : -1;
    if (leader < 0) {
      need_metadata = true;
      continue;
    }
    by_broker[leader].push_back(b);
  }
  flushing_ = false;
  for (auto& [broker, batches] : by_broker) {
    Connection* c = connection(broker);
    if (!c->conn.valid()) continue;  // blacked out: connect_after_backoff drains again
    if (static_cast<std::int32_t>(c->in_flight.size()) >= config_.max_in_flight) continue;
    send_to(broker, std::move(batches));
  }
  if (need_metadata) request_metadata();
  if (next_wakeup != kTimeNever) schedule_drain(std::max<TimeUs>(0, next_wakeup - now));
}

void Producer::append_record(Batch& b, const ProducerRecord& r) {
  char id_text[24];
  const auto id_end = std::to_chars(id_text, id_text + sizeof(id_text), r.id).ptr;
  std::vector<RecordHeader>& headers = encode_headers_;
  headers.clear();
  headers.push_back(RecordHeader{"kafkasim.id", std::string_view(id_text, static_cast<std::size_t>(id_end - id_text))});
  for (const auto& [k, v] : r.headers) headers.push_back(RecordHeader{k, std::string_view(v)});
  RecordInput in;
  in.timestamp = r.timestamp_ms;
  if (r.key) in.key = std::string_view(*r.key);
  if (r.value) in.value = std::string_view(*r.value);
  in.headers = headers;
  b.builder.append(in);
}

void Producer::encode(Batch& b) {
  BatchSpec spec;
  spec.compression = config_.compression;
  spec.transactional = transactional();
  if (config_.enable_idempotence) {
    spec.producer_id = b.producer_id;
    spec.producer_epoch = b.producer_epoch;
    spec.base_sequence = b.base_sequence;
  }
  if (b.encoded == nullptr) {
    b.encoded = std::make_shared<const std::vector<std::uint8_t>>(b.builder.close(spec));
  } else {
    // Messages already sent share the old bytes: the new header goes into a copy.
    auto copy = std::make_shared<std::vector<std::uint8_t>>(*b.encoded);
    set_producer_state(*copy, spec.producer_id, spec.producer_epoch, spec.base_sequence);
    b.encoded = std::move(copy);
  }
  b.stale_producer_state = false;
}

void Producer::send_to(std::int32_t broker, std::vector<std::shared_ptr<Batch>> batches) {
  Connection* c = connection(broker);
  auto req = std::make_shared<protocol::ProduceRequest>();
  req->correlation_id = next_correlation_++;
  req->acks = config_.acks;
  req->timeout_ms = static_cast<std::int32_t>(config_.request_timeout_ms);
  req->transactional_id = config_.transactional_id;
  std::uint32_t bytes = 64;
  for (auto& b : batches) {
    if (b->encoded == nullptr || b->stale_producer_state) {
      if (config_.enable_idempotence) {
        // Sequence numbers are assigned when a batch is first drained (Kafka's RecordAccumulator.drain).
        b->producer_id = producer_id_;
        b->producer_epoch = producer_epoch_;
        std::int32_t& seq = next_sequence_[b->tp];
        b->base_sequence = seq;
        seq += static_cast<std::int32_t>(b->record_ids.size());
      }
      encode(*b);
    }
    if (b->attempts > 0) ++stats_.retries;
    ++b->attempts;
    b->in_flight = true;
    ++stats_.in_flight_batches;
    if (b->base_sequence >= 0) in_flight_sequences_[b->tp].insert(b->base_sequence);
    req->partitions.push_back({b->tp, b->encoded});
    bytes += static_cast<std::uint32_t>(b->encoded->size()) + 16;
  }
  req->wire_bytes = bytes;
  ++stats_.requests;
  net_.send(c->conn, id(), req);
  if (config_.acks == 0) {
    // acks=0: the request is complete as soon as it is written to the socket.
    for (auto& b : batches) complete_batch(*b, -1);
    schedule_drain(0);
    return;
  }
  InFlightRequest inflight;
  inflight.batches = std::move(batches);
  const std::int32_t corr = req->correlation_id;
  inflight.timeout = after(ms_to_us(config_.request_timeout_ms), [this, broker, corr] { request_timeout(broker, corr); });
  c->in_flight.emplace(corr, std::move(inflight));
}

void Producer::request_timeout(std::int32_t broker, std::int32_t correlation_id) {
  auto it = connections_.find(broker);
  if (it == connections_.end() || it->second->in_flight.count(correlation_id) == 0) return;
  // NetworkClient: a request that times out disconnects the node; every in-flight request on it fails.
  fail_connection(*it->second,
                  fmt::format("request.timeout.ms={} expired waiting for broker {}", config_.request_timeout_ms, broker));
}

void Producer::fail_connection(Connection& c, const std::string& why) {
  // Kafka: ClusterConnectionStates.disconnected grows the backoff of every closed connection (attempt).
  if (c.conn.valid()) {
    net_.close(c.conn, id());
    reconnect_.disconnected(c.broker, sim().now(), reconnect_rng_);
  } else {
    sim().cancel(c.connect_timer);
  }
  if (c.metadata_correlation >= 0 && metadata_pending_) metadata_pending_ = false;
  if (c.pid_correlation >= 0 && pid_pending_) {
    pid_pending_ = false;
    after(ms_to_us(config_.retry_backoff_ms), [this] { init_producer_id(); });
  }
  c.metadata_correlation = -1;
  c.pid_correlation = -1;
  auto in_flight = std::move(c.in_flight);
  auto requests = std::move(c.requests);
  const std::int32_t broker = c.broker;
  connections_.erase(broker);  // destroys c
  for (auto& [corr, p] : requests) {
    sim().cancel(p.timeout);
    if (p.cb) p.cb(nullptr);
  }
  for (auto& [corr, req] : in_flight) {
    sim().cancel(req.timeout);
    for (auto& b : req.batches) {
      fail_or_retry(b, ErrorCode::kNetworkException, fmt::format("disconnected from broker {}: {}", broker, why));
    }
  }
  request_metadata();
  schedule_drain(0);
}

void Producer::on_message(net::ConnectionId conn, NodeId from, net::MessagePtr msg) {
  const auto& km = static_cast<const protocol::KafkaMessage&>(*msg);
  auto it = connections_.find(from.value);
  if (it == connections_.end() || it->second->conn != conn) return;  // a stale connection
  Connection& c = *it->second;
  if (!c.ready) {
    c.ready = true;
    reconnect_.ready(c.broker);
  }
  if (auto p = c.requests.find(km.correlation_id); p != c.requests.end()) {
    Callback cb = std::move(p->second.cb);
    sim().cancel(p->second.timeout);
    c.requests.erase(p);
    if (cb) cb(&km);
    return;
  }
  switch (km.api) {
    case protocol::Api::kMetadata:
      if (km.correlation_id == c.metadata_correlation) {
        c.metadata_correlation = -1;
        handle_metadata(static_cast<const protocol::MetadataResponse&>(km));
      }
      break;
    case protocol::Api::kInitProducerId:
      if (km.correlation_id == c.pid_correlation) {
        c.pid_correlation = -1;
        handle_init_producer_id(static_cast<const protocol::InitProducerIdResponse&>(km));
      }
      break;
    case protocol::Api::kProduce:
      handle_produce_response(c, static_cast<const protocol::ProduceResponse&>(km));
      break;
    default:
      break;
  }
}

void Producer::on_disconnect(net::ConnectionId conn, NodeId peer) {
  auto it = connections_.find(peer.value);
  if (it == connections_.end() || it->second->conn != conn) return;
  fail_connection(*it->second, "connection broken");
}

}  // namespace kafkasim::client
