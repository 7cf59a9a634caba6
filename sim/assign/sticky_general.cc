// Kafka: AbstractStickyAssignor.GeneralAssignmentBuilder (members subscribe to different topics).
// Keep each member's still-valid owned partitions; give every unassigned partition (topics with the
// fewest potential consumers first) to the least loaded member that can take it; then move partitions
// from heavier to lighter members (back to a previous owner from an older generation first) until
// balanced, keeping the result only if its balance score improved. PartitionMovements keeps moves
// sticky: a partition moving back along a pair of members is swapped for one that moved the other way.
#include <algorithm>
#include <set>
#include <utility>

#include "sim/assign/java_compat.h"
#include "sim/assign/sticky_internal.h"
#include "sim/core/assert.h"

namespace kafkasim::assign::sticky {
namespace {

using ConsumerPair = std::pair<std::string, std::string>;  // (src, dst)

// A java.util.HashSet<TopicPartition>: only its first element in iteration order is ever needed.
class JavaTopicPartitionSet {
 public:
  bool empty() const { return items_.empty(); }
  void add(const TopicPartition& tp) {
    for (const auto& [x, seq] : items_) {
      if (x == tp) return;
    }
    items_.emplace_back(tp, next_seq_++);
    max_size_ = std::max(max_size_, items_.size());
  }
  void remove(const TopicPartition& tp) {
    std::erase_if(items_, [&](const auto& e) { return e.first == tp; });
  }
  const TopicPartition& first() const {
    KS_ASSERT(!items_.empty());
    const std::size_t capacity = java_hash_map_capacity(max_size_);
    const auto key = [&](const auto& e) {
      return std::make_pair(java_hash_bucket(topic_partition_hash_code(e.first.topic, e.first.partition), capacity),
                            e.second);
    };
    return std::min_element(items_.begin(), items_.end(), [&](const auto& a, const auto& b) { return key(a) < key(b); })
        ->first;
  }

 private:
  std::vector<std::pair<TopicPartition, std::size_t>> items_;
  std::size_t next_seq_ = 0;
  std::size_t max_size_ = 0;
};

// Kafka: AbstractStickyAssignor.PartitionMovements (the parts that influence the answer).
class PartitionMovements {
 public:
  TopicPartition actual_partition_to_move(const TopicPartition& partition, std::string old_consumer,
                                          const std::string& new_consumer) const {
    auto by_topic = by_topic_.find(partition.topic);
    if (by_topic == by_topic_.end()) return partition;
    auto moved = movements_.find(partition);
    if (moved != movements_.end()) {
      KS_ASSERT(old_consumer == moved->second.second);
      old_consumer = moved->second.first;
    }
    auto reverse = by_topic->second.find({new_consumer, old_consumer});
    if (reverse == by_topic->second.end()) return partition;
    return reverse->second.first();
  }

  void move_partition(const TopicPartition& partition, const std::string& old_consumer,
                      const std::string& new_consumer) {
    auto moved = movements_.find(partition);
    if (moved == movements_.end()) {
      add(partition, {old_consumer, new_consumer});
      return;
    }
    const ConsumerPair existing = remove(partition);
    KS_ASSERT(existing.second == old_consumer);
    if (existing.first != new_consumer) add(partition, {existing.first, new_consumer});
  }

 private:
  ConsumerPair remove(const TopicPartition& partition) {
    const ConsumerPair pair = movements_.at(partition);
    movements_.erase(partition);
    auto& topic_moves = by_topic_.at(partition.topic);
    auto& set = topic_moves.at(pair);
    set.remove(partition);
    if (set.empty()) topic_moves.erase(pair);
    if (topic_moves.empty()) by_topic_.erase(partition.topic);
    return pair;
  }
  void add(const TopicPartition& partition, const ConsumerPair& pair) {
    movements_[partition] = pair;
    by_topic_[partition.topic][pair].add(partition);
  }

  std::map<TopicPartition, ConsumerPair> movements_;
  std::map<std::string, std::map<ConsumerPair, JavaTopicPartitionSet>> by_topic_;
};

struct PrevOwner {
  std::string consumer;
  std::int32_t generation = kDefaultGeneration;
};

class GeneralBuilder {
 public:
  GeneralBuilder(const PartitionsPerTopic& topics, const Claims& claims) : topics_(topics), claims_(claims) {
    for (const auto& [t, n] : topics_) topic_consumers_[t];
    for (const MemberSubscription* m : claims_.hash_order) {
      subs_[m->member_id] = m;
      auto& mine = consumer_topics_[m->member_id];
      for (const auto& t : m->topics) {
        if (topics_.count(t) == 0) continue;
        mine.push_back(t);
        topic_consumers_[t].push_back(m->member_id);
      }
      current_[m->member_id] = claims_.owned.at(m->member_id);
    }
    for (const auto& [consumer, list] : current_) {
      for (const auto& tp : list) partition_consumer_[tp] = consumer;
    }
    std::vector<std::string> sorted_topics;
    for (const auto& [t, n] : topics_) sorted_topics.push_back(t);
    std::sort(sorted_topics.begin(), sorted_topics.end(), [&](const auto& a, const auto& b) {
      const auto na = topic_consumers_[a].size(), nb = topic_consumers_[b].size();  // TopicComparator
      return na != nb ? na < nb : java_string_less(a, b);
    });
    for (const auto& t : sorted_topics) {
      for (std::int32_t p = 0; p < topics_.at(t); ++p) sorted_all_partitions_.push_back({t, p});
    }
  }

  std::map<std::string, std::vector<TopicPartition>> build() {
    prepopulate_previous();
    std::vector<TopicPartition> assigned = assign_owned();
    std::vector<TopicPartition> unassigned = unassigned_partitions(std::move(assigned));
    for (const auto& [consumer, list] : current_) sorted_.insert({list.size(), consumer});
    balance(unassigned);
    return current_;
  }

 private:
  struct SubscriptionLess {  // Kafka: SubscriptionComparator (assignment size, then member id)
    bool operator()(const std::pair<std::size_t, std::string>& a, const std::pair<std::size_t, std::string>& b) const {
      return a.first != b.first ? a.first < b.first : java_string_less(a.second, b.second);
    }
  };

  void unsort(const std::string& c) { sorted_.erase({current_.at(c).size(), c}); }
  void resort(const std::string& c) { sorted_.insert({current_.at(c).size(), c}); }
  bool can_take(const std::string& consumer, const std::string& topic) const {
    const auto& t = consumer_topics_.at(consumer);
    return std::find(t.begin(), t.end(), topic) != t.end();
  }

  void prepopulate_previous() {
    // Kafka: prepopulateCurrentAssignments: claims from older generations remember their owner.
    for (const MemberSubscription* m : claims_.hash_order) {
      std::int32_t generation = 0;
      if (m->generation.has_value() && *m->generation < claims_.max_generation) {
        generation = *m->generation;
      } else if (!m->generation.has_value() && claims_.max_generation > kDefaultGeneration) {
        generation = kDefaultGeneration;
      } else {
        continue;
      }
      for (const auto& tp : m->owned_partitions) {
        auto it = previous_.find(tp);
        if (it == previous_.end() || generation > it->second.generation) previous_[tp] = {m->member_id, generation};
      }
    }
  }

  std::vector<TopicPartition> assign_owned() {
    std::vector<TopicPartition> assigned;
    for (auto& [consumer, list] : current_) {
      const MemberSubscription* sub = subs_.at(consumer);
      std::vector<TopicPartition> kept;
      for (const auto& tp : list) {
        if (topic_consumers_.count(tp.topic) == 0) {
          partition_consumer_.erase(tp);
        } else if (std::find(sub->topics.begin(), sub->topics.end(), tp.topic) == sub->topics.end()) {
          revocation_required_ = true;  // no longer subscribed: revoke
        } else {
          kept.push_back(tp);
          assigned.push_back(tp);
        }
      }
      list = std::move(kept);
    }
    return assigned;
  }

  std::vector<TopicPartition> unassigned_partitions(std::vector<TopicPartition> assigned) const {
    const std::set<TopicPartition> taken(assigned.begin(), assigned.end());
    std::vector<TopicPartition> out;
    for (const auto& tp : sorted_all_partitions_) {
      if (taken.count(tp) == 0) out.push_back(tp);
    }
    return out;
  }

  std::size_t max_assignment_size(const std::string& consumer) const {
    std::size_t n = 0;
    for (const auto& t : consumer_topics_.at(consumer)) n += static_cast<std::size_t>(topics_.at(t));
    return n;
  }

  bool is_balanced() const {
    const std::size_t min = sorted_.begin()->first;
    const std::size_t max = sorted_.rbegin()->first;
    if (min + 1 >= max) return true;
    std::map<TopicPartition, std::string> owner;
    for (const auto& [consumer, list] : current_) {
      for (const auto& tp : list) owner[tp] = consumer;
    }
    for (const auto& [count, consumer] : sorted_) {
      if (count == max_assignment_size(consumer)) continue;
      const auto& mine = current_.at(consumer);
      for (const auto& topic : consumer_topics_.at(consumer)) {
        for (std::int32_t p = 0; p < topics_.at(topic); ++p) {
          const TopicPartition tp{topic, p};
          if (std::find(mine.begin(), mine.end(), tp) != mine.end()) continue;
          auto other = owner.find(tp);
          KS_ASSERT(other != owner.end());
          if (count + 1 < current_.at(other->second).size()) return false;
        }
      }
    }
    return true;
  }

  static std::int64_t balance_score(const std::map<std::string, std::vector<TopicPartition>>& a) {
    std::int64_t score = 0;
    for (auto i = a.begin(); i != a.end(); ++i) {
      for (auto j = std::next(i); j != a.end(); ++j) {
        score += std::abs(static_cast<std::int64_t>(i->second.size()) - static_cast<std::int64_t>(j->second.size()));
      }
    }
    return score;
  }

  bool topic_can_move(const std::string& topic) const { return topic_consumers_.at(topic).size() >= 2; }

  bool consumer_can_move(const std::string& consumer) const {
    const auto& mine = current_.at(consumer);
    if (mine.size() < max_assignment_size(consumer)) return true;
    return std::any_of(mine.begin(), mine.end(), [&](const auto& tp) { return topic_can_move(tp.topic); });
  }

  void maybe_assign(const std::vector<TopicPartition>& unassigned) {
    for (const auto& tp : unassigned) {
      if (topic_consumers_.at(tp.topic).empty()) continue;
      for (const auto& [count, consumer] : sorted_) {
        if (!can_take(consumer, tp.topic)) continue;
        const std::string c = consumer;  // the set entry is about to be replaced
        unsort(c);
        current_.at(c).push_back(tp);
        partition_consumer_[tp] = c;
        resort(c);
        break;
      }
    }
  }

  void balance(std::vector<TopicPartition>& unassigned) {
    if (sorted_.empty()) return;
    const bool initializing = current_.at(sorted_.rbegin()->second).empty();
    maybe_assign(unassigned);

    std::set<TopicPartition> fixed_partitions;
    for (const auto& [topic, consumers] : topic_consumers_) {
      if (!topic_can_move(topic)) {
        for (std::int32_t p = 0; p < topics_.at(topic); ++p) fixed_partitions.insert({topic, p});
      }
    }
    const auto not_fixed = [&](std::vector<TopicPartition>& v) {
      std::erase_if(v, [&](const auto& tp) { return fixed_partitions.count(tp) != 0; });
    };
    not_fixed(sorted_all_partitions_);
    not_fixed(unassigned);

    std::map<std::string, std::vector<TopicPartition>> fixed_assignments;
    for (const auto& [consumer, topics] : consumer_topics_) {
      if (!consumer_can_move(consumer)) {
        unsort(consumer);
        fixed_assignments[consumer] = std::move(current_.at(consumer));
        current_.erase(consumer);
      }
    }
    const auto pre_balance = current_;
    const auto pre_balance_owners = partition_consumer_;
    if (!revocation_required_) perform_reassignments(unassigned);
    const bool reassigned = perform_reassignments(sorted_all_partitions_);
    if (!initializing && reassigned && balance_score(current_) >= balance_score(pre_balance)) {
      current_ = pre_balance;
      partition_consumer_ = pre_balance_owners;
    }
    for (auto& [consumer, list] : fixed_assignments) current_[consumer] = std::move(list);
  }

  bool perform_reassignments(const std::vector<TopicPartition>& reassignable) {
    bool performed = false;
    bool modified = true;
    while (modified) {
      modified = false;
      for (const auto& tp : reassignable) {
        if (sorted_.empty() || is_balanced()) break;
        const std::string consumer = partition_consumer_.at(tp);
        auto prev = previous_.find(tp);
        // (Kafka would throw a NullPointerException if the previous owner's assignment were fixed.)
        if (prev != previous_.end() && current_.count(prev->second.consumer) != 0 &&
            current_.at(consumer).size() > current_.at(prev->second.consumer).size() + 1) {
          reassign(tp, prev->second.consumer);
          performed = modified = true;
          continue;
        }
        for (const auto& other : topic_consumers_.at(tp.topic)) {
          if (current_.at(consumer).size() > current_.at(other).size() + 1) {
            reassign_to_least_loaded(tp);
            performed = modified = true;
            break;
          }
        }
      }
    }
    return performed;
  }

  void reassign_to_least_loaded(const TopicPartition& tp) {
    for (const auto& [count, consumer] : sorted_) {
      if (can_take(consumer, tp.topic)) {
        const std::string c = consumer;
        reassign(tp, c);
        return;
      }
    }
    KS_ASSERT_MSG(false, "no consumer can take the partition");
  }

  void reassign(const TopicPartition& partition, const std::string& new_consumer) {
    const std::string consumer = partition_consumer_.at(partition);
    const TopicPartition moved = movements_.actual_partition_to_move(partition, consumer, new_consumer);
    const std::string old_consumer = partition_consumer_.at(moved);
    unsort(old_consumer);
    unsort(new_consumer);
    movements_.move_partition(moved, old_consumer, new_consumer);
    erase_first(current_.at(old_consumer), moved);
    current_.at(new_consumer).push_back(moved);
    partition_consumer_[moved] = new_consumer;
    resort(new_consumer);
    resort(old_consumer);
  }

  const PartitionsPerTopic& topics_;
  const Claims& claims_;
  std::map<std::string, const MemberSubscription*> subs_;
  std::map<std::string, std::vector<std::string>> topic_consumers_;  // topic2AllPotentialConsumers
  std::map<std::string, std::vector<std::string>> consumer_topics_;  // consumer2AllPotentialTopics
  std::map<std::string, std::vector<TopicPartition>> current_;       // currentAssignment
  std::map<TopicPartition, std::string> partition_consumer_;         // currentPartitionConsumer
  std::vector<TopicPartition> sorted_all_partitions_;
  std::set<std::pair<std::size_t, std::string>, SubscriptionLess> sorted_;  // sortedCurrentSubscriptions
  std::map<TopicPartition, PrevOwner> previous_;                     // prevAssignment
  PartitionMovements movements_;
  bool revocation_required_ = false;
};

}  // namespace

std::map<std::string, std::vector<TopicPartition>> general_assign(const PartitionsPerTopic& topics,
                                                                  const Claims& claims) {
  return GeneralBuilder(topics, claims).build();
}

}  // namespace kafkasim::assign::sticky
