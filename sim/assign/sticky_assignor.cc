#include "sim/assign/sticky_assignor.h"

#include <algorithm>
#include <set>

#include "sim/assign/java_compat.h"
#include "sim/assign/sticky_internal.h"
#include "sim/core/assert.h"

namespace kafkasim::assign {
namespace sticky {

void erase_first(std::vector<TopicPartition>& list, const TopicPartition& tp) {
  auto it = std::find(list.begin(), list.end(), tp);
  if (it != list.end()) list.erase(it);
}

Claims collect_claims(const PartitionsPerTopic& topics, const std::vector<MemberSubscription>& members) {
  // Kafka: AbstractStickyAssignor.allSubscriptionsEqual, iterating the subscriptions HashMap.
  Claims c;
  std::vector<std::string> ids;
  for (const auto& m : members) ids.push_back(m.member_id);
  for (std::size_t i : java_string_map_order(ids)) c.hash_order.push_back(&members[i]);

  std::map<std::string, const MemberSubscription*> by_id;
  for (const auto& m : members) by_id[m.member_id] = &m;
  std::set<std::string> subscribed;
  std::map<TopicPartition, std::string> previous_owner;  // allPreviousPartitionsToOwner
  for (const MemberSubscription* m : c.hash_order) {
    const std::set<std::string> own_topics(m->topics.begin(), m->topics.end());
    if (subscribed.empty()) {
      subscribed = own_topics;  // Kafka re-initializes while the set is still empty
    } else if (c.all_subscriptions_equal && own_topics != subscribed) {
      c.all_subscriptions_equal = false;
    }
    const std::int32_t generation = m->generation.value_or(kDefaultGeneration);
    c.max_generation = std::max(c.max_generation, generation);
    auto& owned = c.owned[m->member_id];
    for (const auto& tp : m->owned_partitions) {
      if (topics.count(tp.topic) == 0) continue;  // topic gone or not subscribed by anyone
      auto prev = previous_owner.find(tp);
      if (prev == previous_owner.end()) {
        owned.push_back(tp);
        previous_owner[tp] = m->member_id;
        continue;
      }
      const std::string other = prev->second;
      const std::int32_t other_generation = by_id.at(other)->generation.value_or(kDefaultGeneration);
      if (generation == other_generation) {
        // Two members of one generation claim it: invalid, nobody keeps it.
        c.multiple_owners.insert(tp);
        erase_first(c.owned[other], tp);
        prev->second = m->member_id;
      } else if (generation > other_generation) {
        owned.push_back(tp);
        erase_first(c.owned[other], tp);
        prev->second = m->member_id;
      }  // else the other member's newer claim stands
    }
  }
  return c;
}

}  // namespace sticky

StickyResult sticky_assign(const PartitionsPerTopic& all_topics, const std::vector<MemberSubscription>& members) {
  {
    std::set<std::string_view> ids;
    for (const auto& m : members) KS_ASSERT_MSG(ids.insert(m.member_id).second, "duplicate member id");
  }
  StickyResult r;
  if (members.empty()) return r;
  const PartitionsPerTopic topics = detail::subscribed_topics(all_topics, members);
  const sticky::Claims claims = sticky::collect_claims(topics, members);
  if (claims.all_subscriptions_equal) {
    std::map<TopicPartition, std::string> transferring;
    r.assignment = sticky::constrained_assign(topics, claims, transferring);
    r.transferring = std::move(transferring);
  } else {
    r.assignment = sticky::general_assign(topics, claims);
  }
  for (const auto& m : members) r.assignment[m.member_id];
  detail::sort_lists(r.assignment);
  return r;
}

CooperativeResult cooperative_sticky_assign(const PartitionsPerTopic& topics,
                                            const std::vector<MemberSubscription>& members) {
  StickyResult s = sticky_assign(topics, members);
  CooperativeResult r;
  if (s.transferring.has_value()) {
    r.transferring = std::move(*s.transferring);
  } else {
    // Kafka: computePartitionsTransferringOwnership: newly added partitions that someone revokes.
    std::map<TopicPartition, std::string> added;
    std::set<TopicPartition> revoked;
    for (const auto& m : members) {
      const auto& assigned = s.assignment.at(m.member_id);
      const std::set<TopicPartition> owned(m.owned_partitions.begin(), m.owned_partitions.end());
      const std::set<TopicPartition> assigned_set(assigned.begin(), assigned.end());
      for (const auto& tp : assigned) {
        if (owned.count(tp) == 0) added[tp] = m.member_id;
      }
      for (const auto& tp : m.owned_partitions) {
        if (assigned_set.count(tp) == 0) revoked.insert(tp);
      }
    }
    for (const auto& [tp, member] : added) {
      if (revoked.count(tp) != 0) r.transferring[tp] = member;
    }
  }
  r.now = s.assignment;
  for (const auto& [tp, member] : r.transferring) sticky::erase_first(r.now[member], tp);
  r.target = std::move(s.assignment);
  return r;
}

}  // namespace kafkasim::assign
