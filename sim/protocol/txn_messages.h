#pragma once
// Kafka's transaction protocol messages (KIP-98, data only): AddPartitionsToTxn, AddOffsetsToTxn, EndTxn,
// TxnOffsetCommit (client -> coordinators) and WriteTxnMarkers (transaction coordinator -> partition
// leaders), with Kafka's field names. FindCoordinator (key_type 1 = TRANSACTION) and InitProducerId are in
// group_messages.h and messages.h.
//
// Error codes a client sees (org.apache.kafka.common.protocol.Errors): NOT_COORDINATOR,
// COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE (find the coordinator again and retry);
// CONCURRENT_TRANSACTIONS (the previous transaction is still completing: retry after a backoff);
// PRODUCER_FENCED / INVALID_PRODUCER_EPOCH (a newer producer with the same transactional.id exists: fatal);
// INVALID_PRODUCER_ID_MAPPING; INVALID_TXN_STATE (e.g. EndTxn without a transaction).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/protocol/messages.h"

namespace kafkasim::protocol {

// ---------------------------------------------------------------- AddPartitionsToTxn
struct AddPartitionsToTxnRequest : KafkaMessage {
  std::string transactional_id;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  std::vector<TopicPartition> partitions;
  AddPartitionsToTxnRequest() : KafkaMessage(Api::kAddPartitionsToTxn, false) {}
};
struct AddPartitionsToTxnResponse : KafkaMessage {
  // One result per requested partition (Kafka answers every partition with the same error when the
  // request as a whole fails, and OPERATION_NOT_ATTEMPTED for the others; kafkasim uses the one error).
  std::vector<std::pair<TopicPartition, ErrorCode>> results;
  ErrorCode error() const { return results.empty() ? ErrorCode::kNone : results.front().second; }
  AddPartitionsToTxnResponse() : KafkaMessage(Api::kAddPartitionsToTxn, true) {}
};

// ---------------------------------------------------------------- AddOffsetsToTxn
// Adds the group's __consumer_offsets partition to the transaction (sendOffsetsToTransaction, step 1).
struct AddOffsetsToTxnRequest : KafkaMessage {
  std::string transactional_id;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  std::string group_id;
  AddOffsetsToTxnRequest() : KafkaMessage(Api::kAddOffsetsToTxn, false) {}
};
struct AddOffsetsToTxnResponse : KafkaMessage {
  ErrorCode error = ErrorCode::kNone;
  AddOffsetsToTxnResponse() : KafkaMessage(Api::kAddOffsetsToTxn, true) {}
};

// ---------------------------------------------------------------- TxnOffsetCommit
// Sent to the GROUP coordinator (sendOffsetsToTransaction, step 2): the offsets are written to
// __consumer_offsets as a transactional batch of the producer and become visible to OffsetFetch only when
// the COMMIT marker reaches that partition. KIP-447: generation_id / member_id / group_instance_id fence
// a zombie whose group generation is old (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID).
struct TxnOffsetCommitRequest : KafkaMessage {
  std::string transactional_id;
  std::string group_id;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  std::int32_t generation_id = -1;  // -1: not checked (a producer without group metadata)
  std::string member_id;            // "": not checked
  std::optional<std::string> group_instance_id;
  std::vector<std::pair<TopicPartition, std::int64_t>> offsets;  // committed offset = next offset to read
  TxnOffsetCommitRequest() : KafkaMessage(Api::kTxnOffsetCommit, false) {}
};
struct TxnOffsetCommitResponse : KafkaMessage {
  std::vector<std::pair<TopicPartition, ErrorCode>> results;
  ErrorCode error() const {
    for (const auto& r : results) {
      if (r.second != ErrorCode::kNone) return r.second;
    }
    return ErrorCode::kNone;
  }
  TxnOffsetCommitResponse() : KafkaMessage(Api::kTxnOffsetCommit, true) {}
};

// ---------------------------------------------------------------- EndTxn
struct EndTxnRequest : KafkaMessage {
  std::string transactional_id;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  bool committed = false;  // true: commit, false: abort
  EndTxnRequest() : KafkaMessage(Api::kEndTxn, false) {}
};
struct EndTxnResponse : KafkaMessage {
  ErrorCode error = ErrorCode::kNone;
  EndTxnResponse() : KafkaMessage(Api::kEndTxn, true) {}
};

// ---------------------------------------------------------------- WriteTxnMarkers (inter-broker)
// The coordinator asks each partition leader to append a COMMIT or ABORT control batch (Kafka's 78-byte
// marker batch) for the producer. The leader appends with acks=all and answers when the HW covers the
// marker (Kafka: ReplicaManager.appendRecords with requiredAcks=-1, origin COORDINATOR).
struct WritableTxnMarker {
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  bool committed = false;  // transaction_result
  std::vector<TopicPartition> partitions;
  std::int32_t coordinator_epoch = 0;  // the leader epoch of the coordinator's __transaction_state partition
};
struct WriteTxnMarkersRequest : KafkaMessage {
  std::vector<WritableTxnMarker> markers;
  WriteTxnMarkersRequest() : KafkaMessage(Api::kWriteTxnMarkers, false) {}
};
struct WritableTxnMarkerResult {
  std::int64_t producer_id = -1;
  std::vector<std::pair<TopicPartition, ErrorCode>> partitions;
};
struct WriteTxnMarkersResponse : KafkaMessage {
  std::vector<WritableTxnMarkerResult> markers;
  WriteTxnMarkersResponse() : KafkaMessage(Api::kWriteTxnMarkers, true) {}
};

}  // namespace kafkasim::protocol
