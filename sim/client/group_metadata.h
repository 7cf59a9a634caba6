#pragma once
// GroupMetadata: Kafka's ConsumerGroupMetadata, what KafkaConsumer.groupMetadata() returns and
// KafkaProducer.sendOffsetsToTransaction carries into TxnOffsetCommit so the group coordinator can fence a
// zombie whose group generation is old (KIP-447). A plain value shared by the consumer and the producer.
#include <cstdint>
#include <optional>
#include <string>

namespace kafkasim::client {

struct GroupMetadata {
  std::string group_id;
  std::int32_t generation_id = -1;  // -1: not checked by the coordinator
  std::string member_id;            // "": not checked
  std::optional<std::string> group_instance_id;
};

}  // namespace kafkasim::client
