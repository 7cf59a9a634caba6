#pragma once
// Kafka's sticky assignors: org.apache.kafka.clients.consumer.internals.AbstractStickyAssignor (Kafka 3.5+
// source followed step by step, without the rack-aware branches, which need partition replica racks),
// StickyAssignor ("sticky", EAGER) and CooperativeStickyAssignor ("cooperative-sticky", COOPERATIVE).
//
// Ownership claims: each member reports the partitions it owned and its generation. A partition claimed
// by two members of the same generation is taken from both (partitionsWithMultiplePreviousOwners); a
// claim from a higher generation beats one from a lower generation. When every member subscribes to
// the same topics the "constrained" algorithm runs (keep owned partitions up to the quota, then fill in
// round-robin); otherwise the "general" one (keep, assign to the least loaded, then move partitions
// until balanced, preferring each partition's previous owner from an older generation).
// Pure functions; tie-breaks that Kafka leaves to HashMap/HashSet iteration use java_compat.h.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/assign/assignor.h"

namespace kafkasim::assign {

struct StickyResult {
  Assignment assignment;  // each member's list sorted by (topic, partition)
  // Partitions this assignment moves from one member to another (Kafka: partitionsTransferringOwnership),
  // known only in the constrained case; nullopt in the general case, as in Kafka.
  std::optional<std::map<TopicPartition, std::string>> transferring;
};

// REQUIRES: unique member ids.
StickyResult sticky_assign(const PartitionsPerTopic& topics, const std::vector<MemberSubscription>& members);

struct CooperativeResult {
  Assignment target;  // where every partition ends up (the sticky answer)
  Assignment now;     // what to assign in this rebalance: target minus the partitions still to be revoked
  std::map<TopicPartition, std::string> transferring;  // partition -> its future owner (next rebalance)
};

// Kafka: CooperativeStickyAssignor.assign + adjustAssignment (computePartitionsTransferringOwnership
// in the general case: partitions newly added to a member that some member is giving up).
CooperativeResult cooperative_sticky_assign(const PartitionsPerTopic& topics,
                                            const std::vector<MemberSubscription>& members);

}  // namespace kafkasim::assign
