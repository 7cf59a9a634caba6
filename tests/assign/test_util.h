#pragma once
// Helpers for the assignor tests: build subscriptions and compare assignments as sorted lists.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "sim/assign/assignor.h"

namespace kafkasim::assign::testing {

inline TopicPartition tp(const std::string& topic, std::int32_t partition) { return {topic, partition}; }

inline MemberSubscription member(const std::string& id, std::vector<std::string> topics,
                                 std::vector<TopicPartition> owned = {},
                                 std::optional<std::int32_t> generation = std::nullopt,
                                 std::optional<std::string> instance = std::nullopt) {
  MemberSubscription m;
  m.member_id = id;
  m.topics = std::move(topics);
  m.owned_partitions = std::move(owned);
  m.generation = generation;
  m.group_instance_id = std::move(instance);
  return m;
}

// Kafka's tests compare lists in the assignor's order; kafkasim returns sorted lists.
inline std::vector<TopicPartition> sorted(std::vector<TopicPartition> v) {
  std::sort(v.begin(), v.end(), detail::topic_partition_java_less);
  return v;
}

}  // namespace kafkasim::assign::testing

namespace Catch {
template <>
struct StringMaker<kafkasim::assign::TopicPartition> {
  static std::string convert(const kafkasim::assign::TopicPartition& tp) { return kafkasim::assign::to_string(tp); }
};
}  // namespace Catch
