#pragma once
// TopicPartition: Kafka's (topic, partition) pair, ordered by topic then partition, printed "orders-0".
#include <compare>
#include <cstdint>
#include <string>

namespace kafkasim::protocol {

struct TopicPartition {
  std::string topic;
  std::int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
  std::string str() const { return topic + "-" + std::to_string(partition); }
};

}  // namespace kafkasim::protocol
