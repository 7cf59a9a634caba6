#pragma once
// The records the group coordinator writes to __consumer_offsets, byte for byte in Kafka's schemas
// (kafka.coordinator.group.generated OffsetCommitKey/Value, GroupMetadataKey/Value; strings are int16
// length + UTF-8, big-endian integers):
//   OffsetCommitKey v1   : version int16 = 1 | group string | topic string | partition int32
//   OffsetCommitValue v3 : version int16 = 3 | offset int64 | leaderEpoch int32 | metadata string |
//                          commitTimestamp int64
//   GroupMetadataKey v2  : version int16 = 2 | group string
//   GroupMetadataValue v3: version int16 = 3 | protocolType string | generation int32 |
//                          protocol nullable string | leader nullable string | currentStateTimestamp int64 |
//                          members int32 count x (memberId string | groupInstanceId nullable string |
//                          clientId string | clientHost string | rebalanceTimeout int32 |
//                          sessionTimeout int32 | subscription bytes | assignment bytes)
// The subscription and assignment bytes are Kafka's ConsumerProtocolSubscription v1 (version int16 = 1,
// topics array, userData bytes = null, ownedPartitions array of (topic, int32 array)) and
// ConsumerProtocolAssignment v0 (version int16 = 0, (topic, int32 array) array, userData bytes = null).
// A record with a null value is a tombstone (the group or the offset was deleted).
// Pure functions; decoding returns nullopt on malformed input (never crashes).
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sim/protocol/group_messages.h"

namespace kafkasim::cluster {

struct OffsetCommitKey {
  std::string group;
  protocol::TopicPartition tp;
};
struct OffsetCommitValue {
  std::int64_t offset = -1;
  std::int32_t leader_epoch = -1;
  std::string metadata;
  std::int64_t commit_timestamp_ms = 0;
};
struct GroupMetadataKey {
  std::string group;
};
struct StoredMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  std::int32_t rebalance_timeout_ms = 0;
  std::int32_t session_timeout_ms = 0;
  protocol::ConsumerSubscription subscription;
  std::vector<protocol::TopicPartition> assignment;
};
struct GroupMetadataValue {
  std::string protocol_type = "consumer";
  std::int32_t generation = 0;
  std::optional<std::string> protocol;
  std::optional<std::string> leader;
  std::int64_t current_state_timestamp_ms = 0;
  std::vector<StoredMember> members;
};

std::vector<std::uint8_t> encode_key(const OffsetCommitKey& k);
std::vector<std::uint8_t> encode_key(const GroupMetadataKey& k);
std::vector<std::uint8_t> encode_value(const OffsetCommitValue& v);
std::vector<std::uint8_t> encode_value(const GroupMetadataValue& v);

using GroupRecordKey = std::variant<OffsetCommitKey, GroupMetadataKey>;
std::optional<GroupRecordKey> decode_key(std::string_view bytes);
std::optional<OffsetCommitValue> decode_offset_value(std::string_view bytes);
std::optional<GroupMetadataValue> decode_group_value(std::string_view bytes);

}  // namespace kafkasim::cluster
