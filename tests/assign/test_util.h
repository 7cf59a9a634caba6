#pragma once
// Helpers for the assignor tests: build subscriptions and compare assignments as sorted lists.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
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

// Kafka: verifyValidityAndBalance (validity: subscribed and unique; balance: a member with 2+ more than
// another holds no partition of a topic the other also holds).
inline void verify_validity_and_balance(const std::vector<MemberSubscription>& members, const Assignment& a) {
  std::set<TopicPartition> seen;
  for (const auto& m : members) {
    for (const auto& tp : a.at(m.member_id)) {
      CHECK(std::count(m.topics.begin(), m.topics.end(), tp.topic) == 1);
      CHECK(seen.insert(tp).second);
    }
  }
  for (const auto& [c1, l1] : a) {
    for (const auto& [c2, l2] : a) {
      if (l1.size() <= l2.size() + 1) continue;
      std::set<std::string> less_topics;
      for (const auto& tp : l2) less_topics.insert(tp.topic);
      for (const auto& tp : l1) CHECK(less_topics.count(tp.topic) == 0);
    }
  }
}

inline bool fully_balanced(const Assignment& a) {
  std::size_t lo = SIZE_MAX, hi = 0;
  for (const auto& [m, l] : a) lo = std::min(lo, l.size()), hi = std::max(hi, l.size());
  return hi - lo <= 1;
}

}  // namespace kafkasim::assign::testing

namespace Catch {
template <>
struct StringMaker<kafkasim::assign::TopicPartition> {
  static std::string convert(const kafkasim::assign::TopicPartition& tp) { return kafkasim::assign::to_string(tp); }
};
}  // namespace Catch
