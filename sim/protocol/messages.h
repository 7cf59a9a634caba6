#pragma once
// Kafka-shaped requests and responses exchanged over the simulated network (data only, no behaviour).
// Each type is named after its Kafka API (ApiKeys) and keeps the fields kafkasim's paths need, with
// Kafka's field names. size_bytes() approximates the wire size so the network can model bandwidth;
// record batches travel as real record-batch v2 bytes (sim/log).
//
// Requests carry a correlation_id that the response echoes, as on Kafka's wire. Dispatch is on `api`.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/net/network.h"
#include "sim/protocol/error_code.h"
#include "sim/protocol/topic_partition.h"

namespace kafkasim::protocol {

using SharedBytes = std::shared_ptr<const std::vector<std::uint8_t>>;

enum class Api : std::uint8_t {
  // client <-> broker
  kProduce, kFetch, kListOffsets, kMetadata, kOffsetCommit, kOffsetFetch, kFindCoordinator, kJoinGroup,
  kHeartbeat, kLeaveGroup, kSyncGroup, kInitProducerId, kAddPartitionsToTxn, kAddOffsetsToTxn, kEndTxn,
  kTxnOffsetCommit, kWriteTxnMarkers,
  // broker <-> controller (KRaft)
  kBrokerRegistration, kBrokerHeartbeat, kAlterPartition, kMetadataUpdate, kCreateTopics,
};

std::string_view api_name(Api api, bool response);

// Base of every kafkasim protocol message.
struct KafkaMessage : net::Message {
  Api api;
  bool is_response;
  std::int32_t correlation_id = 0;
  std::uint32_t wire_bytes = 64;  // header + fields; set by the constructor of each message

  KafkaMessage(Api a, bool response) : api(a), is_response(response) {}
  std::uint32_t size_bytes() const override { return wire_bytes; }
  std::string_view name() const override { return api_name(api, is_response); }
};

// ---------------------------------------------------------------- Metadata
struct PartitionMetadata {
  TopicPartition tp;
  ErrorCode error = ErrorCode::kNone;
  std::int32_t leader = -1;
  std::int32_t leader_epoch = 0;
  std::vector<std::int32_t> replicas;
  std::vector<std::int32_t> isr;
};
struct MetadataRequest : KafkaMessage {
  std::vector<std::string> topics;  // empty: all topics
  MetadataRequest() : KafkaMessage(Api::kMetadata, false) {}
};
struct MetadataResponse : KafkaMessage {
  std::vector<std::int32_t> brokers;  // live brokers
  std::int32_t controller_id = -1;
  std::vector<PartitionMetadata> partitions;
  std::vector<std::pair<std::string, ErrorCode>> topic_errors;
  MetadataResponse() : KafkaMessage(Api::kMetadata, true) {}
};

// ---------------------------------------------------------------- Produce
struct ProducePartitionData {
  TopicPartition tp;
  SharedBytes records;  // one record batch v2
};
struct ProduceRequest : KafkaMessage {
  std::int16_t acks = -1;            // Kafka: acks (all = -1)
  std::int32_t timeout_ms = 30000;   // Kafka: request.timeout.ms, as the produce timeout
  std::string transactional_id;      // empty: none
  std::vector<ProducePartitionData> partitions;
  ProduceRequest() : KafkaMessage(Api::kProduce, false) {}
};
struct ProducePartitionResponse {
  TopicPartition tp;
  ErrorCode error = ErrorCode::kNone;
  std::int64_t base_offset = -1;
  std::int64_t log_append_time_ms = -1;
  std::int64_t log_start_offset = 0;
  std::string error_message;  // Kafka's errorMessage: "why", e.g. ISR=1 < min.insync.replicas=2
};
struct ProduceResponse : KafkaMessage {
  std::vector<ProducePartitionResponse> partitions;
  ProduceResponse() : KafkaMessage(Api::kProduce, true) {}
};

// ---------------------------------------------------------------- Fetch
enum class IsolationLevel : std::uint8_t { kReadUncommitted = 0, kReadCommitted = 1 };
struct FetchPartition {
  TopicPartition tp;
  std::int64_t fetch_offset = 0;
  std::int32_t current_leader_epoch = -1;
  std::int32_t last_fetched_epoch = -1;  // KIP-320: followers send it to detect divergence
  std::int32_t partition_max_bytes = 1048576;  // Kafka: max.partition.fetch.bytes / replica.fetch.max.bytes
};
struct FetchRequest : KafkaMessage {
  std::int32_t replica_id = -1;  // -1: a consumer; otherwise the follower's broker id
  std::int32_t max_wait_ms = 500;
  std::int32_t min_bytes = 1;
  std::int32_t max_bytes = 52428800;
  IsolationLevel isolation = IsolationLevel::kReadUncommitted;
  std::vector<FetchPartition> partitions;
  FetchRequest() : KafkaMessage(Api::kFetch, false) {}
};
struct AbortedTransaction {
  std::int64_t producer_id = -1;
  std::int64_t first_offset = -1;
};
struct FetchPartitionResponse {
  TopicPartition tp;
  ErrorCode error = ErrorCode::kNone;
  std::int64_t high_watermark = -1;
  std::int64_t last_stable_offset = -1;
  std::int64_t log_start_offset = 0;
  std::int64_t log_end_offset = -1;  // kafkasim extra: lets consumers show lag
  // KIP-320 DivergingEpoch: set when the follower's log diverged from the leader's.
  std::int32_t diverging_epoch = -1;
  std::int64_t diverging_end_offset = -1;
  std::vector<AbortedTransaction> aborted_transactions;
  SharedBytes records;  // whole record batches back to back, in offset order (null: none)
};
struct FetchResponse : KafkaMessage {
  ErrorCode error = ErrorCode::kNone;
  std::vector<FetchPartitionResponse> partitions;
  FetchResponse() : KafkaMessage(Api::kFetch, true) {}
};

// ---------------------------------------------------------------- ListOffsets
inline constexpr std::int64_t kLatestTimestamp = -1;
inline constexpr std::int64_t kEarliestTimestamp = -2;
struct ListOffsetsRequest : KafkaMessage {
  std::vector<std::pair<TopicPartition, std::int64_t>> partitions;  // tp -> timestamp
  IsolationLevel isolation = IsolationLevel::kReadUncommitted;
  ListOffsetsRequest() : KafkaMessage(Api::kListOffsets, false) {}
};
struct ListOffsetsPartitionResponse {
  TopicPartition tp;
  ErrorCode error = ErrorCode::kNone;
  std::int64_t offset = -1;
  std::int32_t leader_epoch = -1;
};
struct ListOffsetsResponse : KafkaMessage {
  std::vector<ListOffsetsPartitionResponse> partitions;
  ListOffsetsResponse() : KafkaMessage(Api::kListOffsets, true) {}
};

// ---------------------------------------------------------------- InitProducerId (KIP-98, KIP-360)
struct InitProducerIdRequest : KafkaMessage {
  std::string transactional_id;  // empty: idempotent producer only
  std::int32_t transaction_timeout_ms = 60000;
  std::int64_t producer_id = -1;  // KIP-360: the current id/epoch when re-initialising
  std::int16_t producer_epoch = -1;
  InitProducerIdRequest() : KafkaMessage(Api::kInitProducerId, false) {}
};
struct InitProducerIdResponse : KafkaMessage {
  ErrorCode error = ErrorCode::kNone;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  InitProducerIdResponse() : KafkaMessage(Api::kInitProducerId, true) {}
};

// ---------------------------------------------------------------- KRaft broker <-> controller
struct BrokerRegistrationRequest : KafkaMessage {
  std::int32_t broker_id = -1;
  std::string rack;
  BrokerRegistrationRequest() : KafkaMessage(Api::kBrokerRegistration, false) {}
};
struct BrokerRegistrationResponse : KafkaMessage {
  ErrorCode error = ErrorCode::kNone;
  std::int64_t broker_epoch = -1;
  BrokerRegistrationResponse() : KafkaMessage(Api::kBrokerRegistration, true) {}
};
struct BrokerHeartbeatRequest : KafkaMessage {
  std::int32_t broker_id = -1;
  std::int64_t broker_epoch = -1;
  bool want_shut_down = false;  // controlled shutdown (KIP-631)
  BrokerHeartbeatRequest() : KafkaMessage(Api::kBrokerHeartbeat, false) {}
};
struct BrokerHeartbeatResponse : KafkaMessage {
  ErrorCode error = ErrorCode::kNone;
  bool is_fenced = true;
  bool should_shut_down = false;
  BrokerHeartbeatResponse() : KafkaMessage(Api::kBrokerHeartbeat, true) {}
};
struct AlterPartitionRequest : KafkaMessage {  // KIP-497: the leader asks the controller to change the ISR
  std::int32_t broker_id = -1;
  std::int64_t broker_epoch = -1;
  TopicPartition tp;
  std::int32_t leader_epoch = 0;
  std::int32_t partition_epoch = 0;
  std::vector<std::int32_t> new_isr;
  std::string reason;  // kafkasim: why, for the trace ("broker 3 lagged 30000ms")
  AlterPartitionRequest() : KafkaMessage(Api::kAlterPartition, false) {}
};
struct AlterPartitionResponse : KafkaMessage {
  ErrorCode error = ErrorCode::kNone;
  TopicPartition tp;
  std::int32_t leader = -1;
  std::int32_t leader_epoch = 0;
  std::int32_t partition_epoch = 0;
  std::vector<std::int32_t> isr;
  AlterPartitionResponse() : KafkaMessage(Api::kAlterPartition, true) {}
};

// A broker asks the controller to create an internal topic on first use, as Kafka's
// AutoTopicCreationManager does for __transaction_state on the first FindCoordinator(TRANSACTION). The
// controller answers through the MetadataUpdate that follows.
struct CreateTopicsRequest : KafkaMessage {
  std::string topic;
  CreateTopicsRequest() : KafkaMessage(Api::kCreateTopics, false) {}
};

// The controller's metadata as brokers learn it (KRaft brokers replay the metadata log; kafkasim pushes
// the resulting partition states).
struct PartitionState {
  TopicPartition tp;
  std::vector<std::int32_t> replicas;
  std::vector<std::int32_t> isr;
  std::int32_t leader = -1;
  std::int32_t leader_epoch = 0;
  std::int32_t partition_epoch = 0;
};
struct MetadataUpdate : KafkaMessage {
  std::int64_t metadata_offset = 0;  // position in the controller's metadata log
  std::vector<PartitionState> partitions;
  std::vector<std::int32_t> live_brokers;  // registered and unfenced
  MetadataUpdate() : KafkaMessage(Api::kMetadataUpdate, false) {}
};

}  // namespace kafkasim::protocol
