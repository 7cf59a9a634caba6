#pragma once
// Private to the Producer's .cc files: the batch, in-flight produce request, connection and transactional
// request records.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/client/producer.h"

namespace kafkasim::client {

// What unsent batches of an aborted transaction fail with: Kafka's client-side TransactionAbortedException
// has no protocol error code, so kafkasim reports UNKNOWN_SERVER_ERROR with Kafka's message.
inline constexpr protocol::ErrorCode kTxnAbortedError = protocol::ErrorCode::kUnknownServerError;
inline constexpr const char* kTxnAbortedMessage = "TransactionAbortedException: Failing batch since transaction was aborted";

// A producer batch (Kafka's ProducerBatch): records of one partition, each encoded into `builder` when it
// is appended (Kafka's RecordAccumulator.append writes into the batch's MemoryRecordsBuilder), closed into
// `encoded` on first send and re-sent byte for byte on retries (so the broker can recognise an idempotent
// duplicate). Only the record ids are kept, for the hooks.
struct Producer::Batch {
  protocol::TopicPartition tp;
  std::vector<std::uint64_t> record_ids;
  BatchBuilder builder;
  std::int32_t estimated_bytes = 61;  // record batch header
  TimeUs created_us = 0;
  TimeUs retry_at_us = 0;
  std::int32_t attempts = 0;
  std::int32_t base_sequence = -1;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  protocol::SharedBytes encoded;
  // The producer id was reset since `encoded` was built: its header is rewritten before the next send
  // (Kafka's ProducerBatch.resetProducerState).
  bool stale_producer_state = false;
  bool in_flight = false;
  bool done = false;
};

struct Producer::InFlightRequest {
  std::vector<std::shared_ptr<Batch>> batches;
  TimerId timeout;
};

// A broker connection, possibly waiting out reconnect.backoff.ms: requests wait in `unsent` and batches
// stay in their queues (Kafka's Sender only drains to nodes for which NetworkClient.ready(node) holds).
struct Producer::Connection : BrokerLink {
  std::map<std::int32_t, InFlightRequest> in_flight;  // by correlation id
  std::int32_t metadata_correlation = -1;
  std::int32_t pid_correlation = -1;
  struct Pending {
    Callback cb;
    TimerId timeout{};
  };
  std::map<std::int32_t, Pending> requests;  // request() calls, by correlation id
};

// One transactional request (Kafka's TxnRequestHandler with its builder).
struct Producer::TxnRequest {
  enum class Op : std::uint8_t { kFindCoordinator, kInitProducerId, kAddPartitions, kAddOffsets, kTxnOffsetCommit, kEndTxn };
  Op op = Op::kFindCoordinator;
  TxnDone done;                 // the application call this request completes (empty: none)
  std::int8_t key_type = 1;     // kFindCoordinator: 1 TRANSACTION, 0 GROUP
  std::string key;              // kFindCoordinator: transactional.id or group.id
  std::vector<protocol::TopicPartition> partitions;          // kAddPartitions
  std::map<protocol::TopicPartition, std::int64_t> offsets;  // kAddOffsets / kTxnOffsetCommit: still to commit
  GroupMetadata group;                              // kAddOffsets / kTxnOffsetCommit
  bool committed = false;       // kEndTxn
  bool epoch_bump = false;      // kInitProducerId: KIP-360, sent with the current producer id and epoch
  TimeUs retry_at_us = 0;       // a retried request waits retry.backoff.ms

  int priority() const {  // Kafka: TxnRequestHandler.Priority
    switch (op) {
      case Op::kFindCoordinator: return 0;
      case Op::kInitProducerId: return 1;
      case Op::kEndTxn: return 3;
      default: return 2;
    }
  }
  const char* name() const {
    switch (op) {
      case Op::kFindCoordinator: return "FindCoordinator";
      case Op::kInitProducerId: return "InitProducerId";
      case Op::kAddPartitions: return "AddPartitionsToTxn";
      case Op::kAddOffsets: return "AddOffsetsToTxn";
      case Op::kTxnOffsetCommit: return "TxnOffsetCommit";
      case Op::kEndTxn: return "EndTxn";
    }
    return "?";
  }
};

}  // namespace kafkasim::client
