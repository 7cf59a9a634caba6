#pragma once
// Internal to sim/assign: the two halves of AbstractStickyAssignor (see sticky_assignor.h).
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sim/assign/assignor.h"

namespace kafkasim::assign::sticky {

inline constexpr std::int32_t kDefaultGeneration = -1;  // Kafka: AbstractStickyAssignor.DEFAULT_GENERATION

// Output of Kafka's allSubscriptionsEqual(): ownership claims after resolving conflicts.
struct Claims {
  bool all_subscriptions_equal = true;
  std::int32_t max_generation = kDefaultGeneration;
  // Members in the iteration order of Kafka's subscriptions HashMap.
  std::vector<const MemberSubscription*> hash_order;
  // consumerToOwnedPartitions: claims kept per member, in claim order.
  std::map<std::string, std::vector<TopicPartition>> owned;
  std::set<TopicPartition> multiple_owners;  // partitionsWithMultiplePreviousOwners
};

Claims collect_claims(const PartitionsPerTopic& topics, const std::vector<MemberSubscription>& members);

// Kafka: ConstrainedAssignmentBuilder.build(). Fills `transferring`.
std::map<std::string, std::vector<TopicPartition>> constrained_assign(
    const PartitionsPerTopic& topics, const Claims& claims, std::map<TopicPartition, std::string>& transferring);

// Kafka: GeneralAssignmentBuilder.build().
std::map<std::string, std::vector<TopicPartition>> general_assign(const PartitionsPerTopic& topics,
                                                                  const Claims& claims);

// Java's List.remove(Object): erase the first occurrence, if any.
void erase_first(std::vector<TopicPartition>& list, const TopicPartition& tp);

}  // namespace kafkasim::assign::sticky
