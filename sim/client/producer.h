#pragma once
// Producer: Kafka's KafkaProducer as a simulated client node: partitioner, record accumulator (batching
// by batch.size and linger.ms), sender (max.in.flight.requests.per.connection per broker connection),
// acks 0/1/all, retries with exponential backoff (retry.backoff.ms .. retry.backoff.max.ms, KIP-580),
// request.timeout.ms (the connection is closed and in-flight requests fail, as NetworkClient does),
// delivery.timeout.ms (a batch not acknowledged in time is failed), metadata refresh on errors, and
// idempotence (KIP-98: producer id and epoch from InitProducerId, a sequence number per partition, batches
// re-sent with their original sequence so the broker can answer duplicates).
//
// Every record carries a unique id (header "kafkasim.id") so the history checker can follow it. The
// application side is send(); outcomes go to ProducerHooks (sent, acknowledged with its offset, failed).
// Simplifications: no buffer.memory limit (send never blocks), one request per broker at a time carries at
// most one batch per partition, no max.request.size, transactions come with issue 6.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/assign/partitioner.h"
#include "sim/core/node.h"
#include "sim/core/rng.h"
#include "sim/log/compression.h"
#include "sim/log/record_batch.h"
#include "sim/net/network.h"
#include "sim/protocol/messages.h"

namespace kafkasim::client {

struct ProducerConfig {
  std::string client_id = "producer";       // Kafka: client.id
  std::int16_t acks = -1;                   // Kafka: acks (all = -1)
  std::int32_t batch_size = 16384;          // Kafka: batch.size
  std::int64_t linger_ms = 0;               // Kafka: linger.ms (0 in 3.x; Kafka 4.0 changed the default to 5)
  std::int32_t max_in_flight = 5;           // Kafka: max.in.flight.requests.per.connection
  std::int32_t retries = 2147483647;        // Kafka: retries
  std::int64_t retry_backoff_ms = 100;      // Kafka: retry.backoff.ms
  std::int64_t retry_backoff_max_ms = 1000; // Kafka: retry.backoff.max.ms (KIP-580)
  std::int64_t delivery_timeout_ms = 120000;  // Kafka: delivery.timeout.ms
  std::int64_t request_timeout_ms = 30000;  // Kafka: request.timeout.ms
  std::int64_t metadata_max_age_ms = 300000;  // Kafka: metadata.max.age.ms
  bool enable_idempotence = true;           // Kafka: enable.idempotence (after resolve_producer_configs)
  Compression compression = Compression::kNone;  // Kafka: compression.type
  bool round_robin = false;                 // Kafka: partitioner.class=...RoundRobinPartitioner
  bool partitioner_ignore_keys = false;     // Kafka: partitioner.ignore.keys
  bool adaptive_partitioning = true;        // Kafka: partitioner.adaptive.partitioning.enable
};

struct ProducerRecord {
  std::uint64_t id = 0;  // unique in the run; sent as header kafkasim.id
  std::string topic;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::string>> headers;
  std::int64_t timestamp_ms = -1;  // -1: now (CreateTime)
};

struct ProducerHooks {
  std::function<void(const ProducerRecord&, std::int32_t partition)> on_send;
  // offset -1 with acks=0 (the producer never learns it)
  std::function<void(std::uint64_t id, const protocol::TopicPartition&, std::int64_t offset)> on_ack;
  std::function<void(std::uint64_t id, const protocol::TopicPartition&, protocol::ErrorCode,
                     const std::string& message, bool final)>
      on_error;
};

struct ProducerStats {
  std::int64_t sent = 0;
  std::int64_t acked = 0;
  std::int64_t failed = 0;
  std::int64_t retries = 0;
  std::int64_t requests = 0;
  std::int32_t in_flight_batches = 0;
  std::int32_t queued_records = 0;
  std::string last_error;
  TimeUs last_error_us = -1;
};

class Producer : public Node, public net::Endpoint {
 public:
  Producer(Simulation& sim, NodeId id, net::Network& net, std::vector<NodeId> bootstrap, ProducerConfig config);
  ~Producer() override;

  // Appends a record to the accumulator (KafkaProducer.send). Records sent before metadata is known wait.
  void send(ProducerRecord record);
  // Sends every queued batch now, ignoring linger.ms (KafkaProducer.flush without blocking).
  void flush();
  void set_hooks(ProducerHooks hooks) { hooks_ = std::move(hooks); }
  const ProducerConfig& config() const { return config_; }
  // A config change while running (kafkasim's shortcut for "restart the client with new configs"):
  // it applies to batches created from now on; the producer id and connections are kept.
  void reconfigure(ProducerConfig config);
  const ProducerStats& stats() const { return stats_; }
  std::int64_t producer_id() const { return producer_id_; }

  void on_message(net::ConnectionId conn, NodeId from, net::MessagePtr msg) override;
  void on_disconnect(net::ConnectionId conn, NodeId peer) override;

 protected:
  void on_start() override;
  void on_crash() override;

 private:
  struct Batch;
  struct InFlightRequest;
  struct Connection;
  struct PartitionInfo {
    std::int32_t leader = -1;
    std::int32_t leader_epoch = -1;
  };

  void request_metadata();
  void handle_metadata(const protocol::MetadataResponse& resp);
  void init_producer_id();
  void send_control_request(std::shared_ptr<protocol::KafkaMessage> req, std::int32_t Connection::*slot,
                            const bool& pending, const char* timeout_reason);
  void handle_init_producer_id(const protocol::InitProducerIdResponse& resp);
  Connection* connection(std::int32_t broker);
  std::int32_t any_broker();
  void schedule_drain(TimeUs delay);
  void drain();
  void send_to(std::int32_t broker, std::vector<std::shared_ptr<Batch>> batches);
  void handle_produce_response(Connection& c, const protocol::ProduceResponse& resp);
  void complete_batch(Batch& b, std::int64_t base_offset);
  void fail_or_retry(std::shared_ptr<Batch> b, protocol::ErrorCode error, const std::string& message);
  void fail_batch(Batch& b, protocol::ErrorCode error, const std::string& message);
  void requeue(std::shared_ptr<Batch> b);
  void reset_producer_id(const std::string& why);
  void request_timeout(std::int32_t broker, std::int32_t correlation_id);
  void fail_connection(Connection& c, const std::string& why);
  void expire_batches();
  void encode(Batch& b);
  // The partitioner's view of `topic`, built in a reused member (no allocation per send).
  const assign::TopicPartitions& topic_partitions(const std::string& topic);
  bool partition_in_flight_before(const Batch& b) const;

  net::Network& net_;
  std::vector<NodeId> bootstrap_;
  ProducerConfig config_;
  ProducerHooks hooks_;
  ProducerStats stats_;
  Rng rng_;

  // volatile (dropped on crash)
  std::map<std::string, std::vector<PartitionInfo>> metadata_;
  bool metadata_pending_ = false;
  TimerId metadata_timer_{};
  TimeUs metadata_backoff_until_us_ = 0;
  std::map<std::int32_t, std::unique_ptr<Connection>> connections_;
  std::map<protocol::TopicPartition, std::deque<std::shared_ptr<Batch>>> queues_;
  std::vector<ProducerRecord> waiting_for_metadata_;
  std::map<protocol::TopicPartition, std::int32_t> next_sequence_;
  std::map<protocol::TopicPartition, std::set<std::int32_t>> in_flight_sequences_;
  std::unique_ptr<assign::StickyPartitioner> sticky_;
  std::unique_ptr<assign::RoundRobinPartitioner> round_robin_;
  assign::TopicPartitions topic_partitions_scratch_;
  // encode()'s per-batch buffers, reused (one header per record, the record ids as text).
  std::vector<std::string> encode_ids_;
  std::vector<RecordHeader> encode_headers_;
  std::vector<RecordInput> encode_inputs_;
  std::int64_t producer_id_ = -1;
  std::int16_t producer_epoch_ = -1;
  bool pid_pending_ = false;
  bool drain_scheduled_ = false;
  TimerId drain_timer_{};
  TimeUs drain_at_us_ = kTimeNever;
  std::int32_t next_correlation_ = 1;
  bool flushing_ = false;
};

}  // namespace kafkasim::client
