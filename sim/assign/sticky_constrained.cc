// Kafka: AbstractStickyAssignor.ConstrainedAssignmentBuilder (all members subscribe to the same topics).
// 1. Each member keeps its owned partitions (sorted by partition, then topic) up to minQuota, or up to
//    maxQuota while fewer than (total % members) members have more than minQuota; the rest is revoked.
// 2. The unassigned partitions (sorted by topic, partition) go round-robin to the members under
//    minQuota (sorted by member id), then one each to members at exactly minQuota, in that order.
#include <algorithm>
#include <iterator>
#include <list>
#include <set>

#include "sim/assign/java_compat.h"
#include "sim/assign/sticky_internal.h"
#include "sim/core/assert.h"

namespace kafkasim::assign::sticky {
namespace {

bool partition_then_topic_less(const TopicPartition& a, const TopicPartition& b) {
  if (a.partition != b.partition) return a.partition < b.partition;
  return java_string_less(a.topic, b.topic);
}

}  // namespace

std::map<std::string, std::vector<TopicPartition>> constrained_assign(
    const PartitionsPerTopic& topics, const Claims& claims, std::map<TopicPartition, std::string>& transferring) {
  std::int64_t total = 0;
  for (const auto& [t, n] : topics) total += n;
  const auto consumers = static_cast<std::int64_t>(claims.hash_order.size());
  KS_ASSERT(consumers > 0);
  const auto min_quota = static_cast<std::size_t>(total / consumers);
  const auto max_quota = static_cast<std::size_t>((total + consumers - 1) / consumers);
  const std::int64_t expected_over_min = total % consumers;
  std::int64_t current_over_min = 0;

  std::map<std::string, std::vector<TopicPartition>> assignment;
  std::set<TopicPartition> assigned;
  std::set<TopicPartition> revoked;  // allRevokedPartitions
  std::list<std::string> under_min;  // unfilledMembersWithUnderMinQuotaPartitions
  std::list<std::string> exactly_min;  // unfilledMembersWithExactlyMinQuotaPartitions

  // assignOwnedPartitions, iterating currentAssignment (a HashMap keyed like the subscriptions).
  for (const MemberSubscription* m : claims.hash_order) {
    const std::string& consumer = m->member_id;
    std::vector<TopicPartition> owned = claims.owned.at(consumer);
    std::stable_sort(owned.begin(), owned.end(), partition_then_topic_less);
    for (const auto& tp : claims.multiple_owners) erase_first(owned, tp);
    auto& mine = assignment[consumer];
    const auto keep = [&](std::size_t n) {
      for (std::size_t i = 0; i < owned.size(); ++i) {
        if (i < n) mine.push_back(owned[i]), assigned.insert(owned[i]);
        else revoked.insert(owned[i]);
      }
    };
    if (owned.size() < min_quota) {
      keep(owned.size());
      under_min.push_back(consumer);
    } else if (owned.size() >= max_quota && current_over_min < expected_over_min) {
      ++current_over_min;
      if (current_over_min == expected_over_min) exactly_min.clear();
      keep(max_quota);
    } else {
      keep(min_quota);
      if (current_over_min < expected_over_min) exactly_min.push_back(consumer);
    }
  }

  // getUnassignedPartitions: all partitions by (topic in String order, partition) minus the kept ones.
  std::vector<std::string> sorted_topics;
  for (const auto& [t, n] : topics) sorted_topics.push_back(t);
  std::sort(sorted_topics.begin(), sorted_topics.end(), java_string_less);
  std::vector<TopicPartition> unassigned;
  for (const auto& t : sorted_topics) {
    for (std::int32_t p = 0; p < topics.at(t); ++p) {
      if (assigned.count({t, p}) == 0) unassigned.push_back({t, p});
    }
  }
  under_min.sort(java_string_less);
  exactly_min.sort(java_string_less);

  const auto assign_new = [&](const TopicPartition& tp, const std::string& consumer) {
    auto& mine = assignment[consumer];
    mine.push_back(tp);
    if (revoked.count(tp) != 0 || claims.multiple_owners.count(tp) != 0) transferring[tp] = consumer;
    return mine.size();
  };

  // assignRoundRobin, with Java's LinkedList iterator semantics (remove() drops the last returned).
  auto it = under_min.begin();
  for (const auto& tp : unassigned) {
    std::string consumer;
    bool from_iterator = false;
    std::list<std::string>::iterator last;
    if (it != under_min.end()) {
      last = it++;
      consumer = *last;
      from_iterator = true;
    } else if (under_min.empty()) {
      KS_ASSERT_MSG(!exactly_min.empty(), "No more unfilled consumers to be assigned.");
      consumer = exactly_min.front();
      exactly_min.pop_front();
    } else {
      it = under_min.begin();
      last = it++;
      consumer = *last;
      from_iterator = true;
    }
    const std::size_t count = assign_new(tp, consumer);
    if (count == min_quota) {
      KS_ASSERT(from_iterator);
      it = under_min.erase(last);
      exactly_min.push_back(consumer);
    } else if (count == max_quota) {
      ++current_over_min;
    }
  }

  // verifyUnfilledMembers
  for (const auto& consumer : under_min) {
    KS_ASSERT_MSG(current_over_min == expected_over_min, "expected number of members over minQuota not reached");
    KS_ASSERT_MSG(assignment[consumer].size() == min_quota, "a member did not reach minQuota");
  }
  return assignment;
}

}  // namespace kafkasim::assign::sticky
