#pragma once
// Kafka's consumer partition assignors (the classic group protocol, partition.assignment.strategy),
// computed as the group leader's Java client computes them, tie-breaks included:
//  - "range"              org.apache.kafka.clients.consumer.RangeAssignor            (EAGER)
//  - "roundrobin"         org.apache.kafka.clients.consumer.RoundRobinAssignor       (EAGER)
//  - "sticky"             org.apache.kafka.clients.consumer.StickyAssignor           (EAGER)
//  - "cooperative-sticky" org.apache.kafka.clients.consumer.CooperativeStickyAssignor (COOPERATIVE, EAGER)
// plus the coordinator's choice of the group's assignor (ClassicGroup.selectProtocol).
// Pure functions. Input order of `members` is the order the leader saw them (the insertion order of the
// Java HashMap of subscriptions); where Kafka's answer depends on HashMap iteration, java_compat.h
// reproduces it. Rack-aware assignment (KIP-881) needs partition replica racks, which this input does not
// carry, so — exactly as Kafka does without partition racks — `rack` never changes the answer.
#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kafkasim::assign {

struct TopicPartition {
  std::string topic;
  std::int32_t partition = 0;
  friend auto operator<=>(const TopicPartition&, const TopicPartition&) = default;
  friend bool operator==(const TopicPartition&, const TopicPartition&) = default;
};
std::string to_string(const TopicPartition& tp);  // "topic-3", as Kafka prints a TopicPartition

// One member's JoinGroup subscription (Kafka: ConsumerPartitionAssignor.Subscription + MemberData).
struct MemberSubscription {
  std::string member_id;
  std::optional<std::string> group_instance_id;    // Kafka: group.instance.id (static membership)
  std::vector<std::string> topics;                 // subscribed topics
  std::vector<TopicPartition> owned_partitions;    // ownedPartitions / StickyAssignor userData
  std::optional<std::int32_t> generation;          // generationId / userData generation
  std::optional<std::string> rack;                 // Kafka: client.rack
};

// Topic name -> partition count (what the leader's metadata knows). Subscribed topics missing here are
// skipped, as AbstractPartitionAssignor skips topics without metadata.
using PartitionsPerTopic = std::map<std::string, std::int32_t>;
// member id -> assigned partitions, each list sorted by (topic, partition).
using Assignment = std::map<std::string, std::vector<TopicPartition>>;

enum class Strategy { kRange, kRoundRobin, kSticky, kCooperativeSticky };
// Kafka: ConsumerPartitionAssignor.RebalanceProtocol.
enum class RebalanceProtocol { kEager, kCooperative };

std::string_view strategy_name(Strategy s);  // "range", "roundrobin", "sticky", "cooperative-sticky"
std::optional<Strategy> parse_strategy(std::string_view name);
// Kafka: supportedProtocols(): [EAGER] for all but cooperative-sticky, which is [COOPERATIVE, EAGER].
std::vector<RebalanceProtocol> supported_protocols(Strategy s);
// Kafka: ConsumerCoordinator's choice of rebalance protocol for a consumer configured with these
// assignors: the most advanced protocol (COOPERATIVE > EAGER) that every one of them supports; nullopt
// if they share none (Kafka throws IllegalArgumentException). The default list gives EAGER, because
// RangeAssignor is EAGER only.
std::optional<RebalanceProtocol> rebalance_protocol(const std::vector<Strategy>& configured);
// Kafka 3.x default partition.assignment.strategy: [RangeAssignor, CooperativeStickyAssignor].
std::vector<Strategy> default_strategies();

struct AssignResult {
  Assignment target;  // the assignor's full answer
  // What the members get in this rebalance. Equal to `target` except for cooperative-sticky, where a
  // partition moving from A to B is only revoked from A now and given to B in the follow-up rebalance.
  Assignment now;
};

// Every member appears in the result (possibly with an empty list). REQUIRES: unique member ids.
Assignment range_assign(const PartitionsPerTopic& topics, const std::vector<MemberSubscription>& members);
Assignment round_robin_assign(const PartitionsPerTopic& topics, const std::vector<MemberSubscription>& members);
AssignResult assign(Strategy strategy, const PartitionsPerTopic& topics,
                    const std::vector<MemberSubscription>& members);

// The JoinGroup protocols of one member: its partition.assignment.strategy list, in preference order.
struct MemberProtocols {
  std::string member_id;
  std::vector<std::string> protocols;
};
// Kafka: ClassicGroup.selectProtocol. Candidates are the protocols every member supports; each member
// votes for the first of its own protocols that is a candidate; the most votes win, and a tie goes to
// the protocol that comes first in the HashMap<String,Integer> of votes (java_compat.h). nullopt when
// there is no common protocol (Kafka rejects such a JoinGroup with INCONSISTENT_GROUP_PROTOCOL).
std::optional<std::string> select_protocol(const std::vector<MemberProtocols>& members);

// Internal helpers shared by the assignors.
namespace detail {
// Kafka's AbstractPartitionAssignor keeps only the subscribed topics that have metadata.
PartitionsPerTopic subscribed_topics(const PartitionsPerTopic& topics, const std::vector<MemberSubscription>& members);
// Kafka: MemberInfo.compareTo: members with a group.instance.id first (by it), then by member id.
bool member_info_less(const MemberSubscription& a, const MemberSubscription& b);
bool topic_partition_java_less(const TopicPartition& a, const TopicPartition& b);
void sort_lists(Assignment& assignment);
}  // namespace detail

}  // namespace kafkasim::assign
