#pragma once
// The records the transaction coordinator writes to __transaction_state, byte for byte in Kafka's
// schemas (kafka.coordinator.transaction TransactionLogKey / TransactionLogValue, version 0; big-endian,
// strings as int16 length + UTF-8):
//   TransactionLogKey v0  : version int16 = 0 | transactional_id string
//   TransactionLogValue v0: version int16 = 0 | producer_id int64 | producer_epoch int16 |
//                           transaction_timeout_ms int32 | transaction_status int8 |
//                           transaction_partitions array of (topic string, partition_ids int32 array) |
//                           transaction_last_update_timestamp_ms int64 | transaction_start_timestamp_ms int64
// transaction_status uses Kafka's TransactionState ids: Empty 0, Ongoing 1, PrepareCommit 2,
// PrepareAbort 3, CompleteCommit 4, CompleteAbort 5, Dead 6, PrepareEpochFence 7.
// A null value is a tombstone (an expired transactional id). Pure functions; decoding returns nullopt on
// malformed input.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/protocol/topic_partition.h"

namespace kafkasim::cluster {

enum class TxnState : std::int8_t {
  kEmpty = 0,
  kOngoing = 1,
  kPrepareCommit = 2,
  kPrepareAbort = 3,
  kCompleteCommit = 4,
  kCompleteAbort = 5,
  kDead = 6,
  kPrepareEpochFence = 7,
};
const char* to_string(TxnState s);

struct TxnLogValue {
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  std::int32_t transaction_timeout_ms = 60000;
  TxnState state = TxnState::kEmpty;
  std::vector<protocol::TopicPartition> partitions;  // sorted
  std::int64_t last_update_timestamp_ms = -1;
  std::int64_t start_timestamp_ms = -1;
  auto operator<=>(const TxnLogValue&) const = default;
};

std::vector<std::uint8_t> encode_txn_key(std::string_view transactional_id);
std::vector<std::uint8_t> encode_txn_value(const TxnLogValue& v);
std::optional<std::string> decode_txn_key(std::string_view bytes);
std::optional<TxnLogValue> decode_txn_value(std::string_view bytes);

}  // namespace kafkasim::cluster
