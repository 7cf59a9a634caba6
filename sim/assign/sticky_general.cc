// Kafka: AbstractStickyAssignor.GeneralAssignmentBuilder (members subscribe to different topics).
// Keep each member's still-valid owned partitions; give every unassigned partition (topics with the
// fewest potential consumers first) to the least loaded member that can take it; then move partitions
// from heavier to lighter members (back to a previous owner from an older generation first) until
// balanced, keeping the result only if its balance score improved. PartitionMovements keeps moves
// sticky: a partition moving back along a pair of members is swapped for one that moved the other way.
// Internally members and partitions are dense indices (Kafka uses HashMaps keyed by name; the order of
// those maps never decides anything here except where java_compat.h reproduces it).
#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include "sim/assign/java_compat.h"
#include "sim/assign/sticky_internal.h"
#include "sim/core/assert.h"

namespace kafkasim::assign::sticky {
namespace {

using Cid = std::size_t;  // member index, in the subscriptions HashMap order
using Pid = std::size_t;  // partition index: topic base + partition
using ConsumerPair = std::pair<Cid, Cid>;  // (src, dst)

// A java.util.HashSet<TopicPartition>: only its first element in iteration order is ever needed.
class JavaPartitionSet {
 public:
  bool empty() const { return items_.empty(); }
  void add(Pid p, std::int32_t hash) {
    for (const auto& e : items_) {
      if (e.pid == p) return;
    }
    items_.push_back({p, hash, next_seq_++});
    max_size_ = std::max(max_size_, items_.size());
  }
  void remove(Pid p) {
    std::erase_if(items_, [&](const Item& e) { return e.pid == p; });
  }
  Pid first() const {
    KS_ASSERT(!items_.empty());
    const std::size_t capacity = java_hash_map_capacity(max_size_);  // a HashSet never shrinks
    const auto key = [&](const Item& e) { return std::make_pair(java_hash_bucket(e.hash, capacity), e.seq); };
    return std::min_element(items_.begin(), items_.end(), [&](const Item& a, const Item& b) { return key(a) < key(b); })
        ->pid;
  }

 private:
  struct Item {
    Pid pid;
    std::int32_t hash;
    std::size_t seq;
  };
  std::vector<Item> items_;
  std::size_t next_seq_ = 0;
  std::size_t max_size_ = 0;
};

// Kafka: AbstractStickyAssignor.PartitionMovements (the parts that influence the answer).
class PartitionMovements {
 public:
  PartitionMovements(const std::vector<std::size_t>& topic_of, const std::vector<std::int32_t>& hash_of)
      : topic_of_(topic_of), hash_of_(hash_of) {}

  Pid actual_partition_to_move(Pid partition, Cid old_consumer, Cid new_consumer) const {
    auto by_topic = by_topic_.find(topic_of_[partition]);
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

  void move_partition(Pid partition, Cid old_consumer, Cid new_consumer) {
    if (movements_.count(partition) == 0) {
      add(partition, {old_consumer, new_consumer});
      return;
    }
    const ConsumerPair existing = remove(partition);
    KS_ASSERT(existing.second == old_consumer);
    if (existing.first != new_consumer) add(partition, {existing.first, new_consumer});
  }

 private:
  ConsumerPair remove(Pid partition) {
    const ConsumerPair pair = movements_.at(partition);
    movements_.erase(partition);
    auto& topic_moves = by_topic_.at(topic_of_[partition]);
    auto& set = topic_moves.at(pair);
    set.remove(partition);
    if (set.empty()) topic_moves.erase(pair);
    if (topic_moves.empty()) by_topic_.erase(topic_of_[partition]);
    return pair;
  }
  void add(Pid partition, const ConsumerPair& pair) {
    movements_[partition] = pair;
    by_topic_[topic_of_[partition]][pair].add(partition, hash_of_[partition]);
  }

  const std::vector<std::size_t>& topic_of_;
  const std::vector<std::int32_t>& hash_of_;
  std::map<Pid, ConsumerPair> movements_;
  std::map<std::size_t, std::map<ConsumerPair, JavaPartitionSet>> by_topic_;
};

constexpr Cid kNobody = static_cast<Cid>(-1);

struct PrevOwner {
  Cid consumer = kNobody;
  std::int32_t generation = kDefaultGeneration;
};

class GeneralBuilder {
 public:
  GeneralBuilder(const PartitionsPerTopic& topics, const Claims& claims) : claims_(claims), movements_(topic_of_, hash_of_) {
    std::map<std::string, std::size_t> topic_index;
    for (const auto& [t, n] : topics) {
      topic_index[t] = topic_names_.size();
      topic_names_.push_back(t);
      topic_base_.push_back(tps_.size());
      topic_counts_.push_back(n);
      for (std::int32_t p = 0; p < n; ++p) {
        tps_.push_back({t, p});
        topic_of_.push_back(topic_names_.size() - 1);
        hash_of_.push_back(topic_partition_hash_code(t, p));
      }
    }
    topic_consumers_.resize(topic_names_.size());
    const std::size_t m = claims_.hash_order.size();
    names_.resize(m), subs_.resize(m), consumer_topics_.resize(m), current_.resize(m);
    subscribed_.assign(m, std::vector<char>(topic_names_.size(), 0));
    active_.assign(m, 1);
    owner_.assign(tps_.size(), kNobody);
    previous_.assign(tps_.size(), PrevOwner{});
    for (Cid c = 0; c < m; ++c) {
      const MemberSubscription* sub = claims_.hash_order[c];
      names_[c] = sub->member_id, subs_[c] = sub;
      for (const auto& t : sub->topics) {
        auto it = topic_index.find(t);
        if (it == topic_index.end() || subscribed_[c][it->second]) continue;
        subscribed_[c][it->second] = 1;
        consumer_topics_[c].push_back(it->second);
        topic_consumers_[it->second].push_back(c);
      }
      for (const auto& tp : claims_.owned.at(sub->member_id)) {
        const Pid p = topic_base_[topic_index.at(tp.topic)] + static_cast<std::size_t>(tp.partition);
        current_[c].push_back(p);
        owner_[p] = c;
      }
    }
    // Ranks of member ids in String.compareTo order, for SubscriptionComparator.
    std::vector<Cid> by_name(m);
    for (Cid c = 0; c < m; ++c) by_name[c] = c;
    std::sort(by_name.begin(), by_name.end(), [&](Cid a, Cid b) { return java_string_less(names_[a], names_[b]); });
    rank_.resize(m);
    for (std::size_t r = 0; r < m; ++r) rank_[by_name[r]] = r;
    // sortedAllPartitions: topics by (potential consumers, name) (TopicComparator), partitions in order.
    std::vector<std::size_t> sorted_topics(topic_names_.size());
    for (std::size_t t = 0; t < sorted_topics.size(); ++t) sorted_topics[t] = t;
    std::sort(sorted_topics.begin(), sorted_topics.end(), [&](std::size_t a, std::size_t b) {
      const auto na = topic_consumers_[a].size(), nb = topic_consumers_[b].size();
      return na != nb ? na < nb : java_string_less(topic_names_[a], topic_names_[b]);
    });
    for (std::size_t t : sorted_topics) {
      for (std::int32_t p = 0; p < topic_counts_[t]; ++p) sorted_all_partitions_.push_back(topic_base_[t] + static_cast<std::size_t>(p));
    }
  }

  std::map<std::string, std::vector<TopicPartition>> build() {
    prepopulate_previous();
    assign_owned();
    std::vector<Pid> unassigned;
    {
      std::vector<char> taken(tps_.size(), 0);
      for (const auto& list : current_) {
        for (Pid p : list) taken[p] = 1;
      }
      for (Pid p : sorted_all_partitions_) {
        if (!taken[p]) unassigned.push_back(p);
      }
    }
    for (Cid c = 0; c < current_.size(); ++c) resort(c);
    balance(unassigned);
    std::map<std::string, std::vector<TopicPartition>> out;
    for (Cid c = 0; c < current_.size(); ++c) {
      auto& list = out[names_[c]];
      for (Pid p : current_[c]) list.push_back(tps_[p]);
    }
    return out;
  }

 private:
  struct SubscriptionLess {  // Kafka: SubscriptionComparator (assignment size, then member id)
    const std::vector<std::size_t>* rank;
    bool operator()(const std::pair<std::size_t, Cid>& a, const std::pair<std::size_t, Cid>& b) const {
      return a.first != b.first ? a.first < b.first : (*rank)[a.second] < (*rank)[b.second];
    }
  };

  void unsort(Cid c) { sorted_.erase({current_[c].size(), c}); }
  void resort(Cid c) { sorted_.insert({current_[c].size(), c}); }
  bool can_take(Cid c, Pid p) const { return subscribed_[c][topic_of_[p]] != 0; }

  void prepopulate_previous() {
    // Kafka: prepopulateCurrentAssignments: claims from older generations remember their owner.
    for (Cid c = 0; c < subs_.size(); ++c) {
      const MemberSubscription* m = subs_[c];
      std::int32_t generation = 0;
      if (m->generation.has_value() && *m->generation < claims_.max_generation) {
        generation = *m->generation;
      } else if (!m->generation.has_value() && claims_.max_generation > kDefaultGeneration) {
        generation = kDefaultGeneration;
      } else {
        continue;
      }
      for (const auto& tp : m->owned_partitions) {
        const std::optional<Pid> p = pid(tp);
        if (!p) continue;  // a topic nobody subscribes to: never looked up
        PrevOwner& prev = previous_[*p];
        if (prev.consumer == kNobody || generation > prev.generation) prev = {c, generation};
      }
    }
  }

  std::optional<Pid> pid(const TopicPartition& tp) const {
    auto it = std::lower_bound(topic_names_.begin(), topic_names_.end(), tp.topic);  // std::map order
    if (it == topic_names_.end() || *it != tp.topic) return std::nullopt;
    const auto t = static_cast<std::size_t>(it - topic_names_.begin());
    if (tp.partition < 0 || tp.partition >= topic_counts_[t]) return std::nullopt;
    return topic_base_[t] + static_cast<std::size_t>(tp.partition);
  }

  void assign_owned() {
    // Owned partitions of topics the member no longer subscribes to are revoked (they stay in owner_,
    // as in Kafka's currentPartitionConsumer, until reassigned).
    for (Cid c = 0; c < current_.size(); ++c) {
      std::erase_if(current_[c], [&](Pid p) {
        if (can_take(c, p)) return false;
        revocation_required_ = true;
        return true;
      });
    }
  }

  std::size_t max_assignment_size(Cid c) const {
    std::size_t n = 0;
    for (std::size_t t : consumer_topics_[c]) n += static_cast<std::size_t>(topic_counts_[t]);
    return n;
  }

  bool is_balanced() const {
    const std::size_t min = sorted_.begin()->first;
    const std::size_t max = sorted_.rbegin()->first;
    if (min + 1 >= max) return true;
    std::vector<Cid> owner(tps_.size(), kNobody);
    for (Cid c = 0; c < current_.size(); ++c) {
      if (!active_[c]) continue;
      for (Pid p : current_[c]) owner[p] = c;
    }
    for (const auto& [count, c] : sorted_) {
      if (count == max_assignment_size(c)) continue;
      for (std::size_t t : consumer_topics_[c]) {
        for (std::int32_t i = 0; i < topic_counts_[t]; ++i) {
          const Cid other = owner[topic_base_[t] + static_cast<std::size_t>(i)];
          if (other == c) continue;
          KS_ASSERT(other != kNobody);
          if (count + 1 < current_[other].size()) return false;
        }
      }
    }
    return true;
  }

  std::int64_t balance_score(const std::vector<std::vector<Pid>>& a) const {
    std::int64_t score = 0;
    for (Cid i = 0; i < a.size(); ++i) {
      if (!active_[i]) continue;
      for (Cid j = i + 1; j < a.size(); ++j) {
        if (!active_[j]) continue;
        score += std::abs(static_cast<std::int64_t>(a[i].size()) - static_cast<std::int64_t>(a[j].size()));
      }
    }
    return score;
  }

  bool topic_can_move(std::size_t t) const { return topic_consumers_[t].size() >= 2; }

  bool consumer_can_move(Cid c) const {
    if (current_[c].size() < max_assignment_size(c)) return true;
    return std::any_of(current_[c].begin(), current_[c].end(), [&](Pid p) { return topic_can_move(topic_of_[p]); });
  }

  void maybe_assign(const std::vector<Pid>& unassigned) {
    for (Pid p : unassigned) {
      if (topic_consumers_[topic_of_[p]].empty()) continue;
      for (const auto& [count, c] : sorted_) {
        if (!can_take(c, p)) continue;
        const Cid chosen = c;  // the set entry is about to be replaced
        unsort(chosen);
        current_[chosen].push_back(p);
        owner_[p] = chosen;
        resort(chosen);
        break;
      }
    }
  }

  void balance(std::vector<Pid>& unassigned) {
    if (sorted_.empty()) return;
    const bool initializing = current_[sorted_.rbegin()->second].empty();
    maybe_assign(unassigned);

    // Narrow the scope to partitions of topics with 2+ potential consumers, and to members that can move.
    const auto fixed = [&](Pid p) { return !topic_can_move(topic_of_[p]); };
    std::erase_if(sorted_all_partitions_, fixed);
    std::erase_if(unassigned, fixed);
    for (Cid c = 0; c < current_.size(); ++c) {
      if (!consumer_can_move(c)) {
        unsort(c);
        active_[c] = 0;  // Kafka removes it from currentAssignment until the end
      }
    }
    const auto pre_balance = current_;
    const auto pre_balance_owners = owner_;
    if (!revocation_required_) perform_reassignments(unassigned);
    const bool reassigned = perform_reassignments(sorted_all_partitions_);
    if (!initializing && reassigned && balance_score(current_) >= balance_score(pre_balance)) {
      current_ = pre_balance;
      owner_ = pre_balance_owners;
    }
    std::fill(active_.begin(), active_.end(), 1);
  }

  bool perform_reassignments(const std::vector<Pid>& reassignable) {
    bool performed = false;
    bool modified = true;
    while (modified) {
      modified = false;
      for (Pid p : reassignable) {
        if (is_balanced()) break;
        const Cid consumer = owner_[p];
        KS_ASSERT(consumer != kNobody && active_[consumer]);
        const PrevOwner& prev = previous_[p];
        // (Kafka would throw a NullPointerException if the previous owner's assignment were fixed.)
        if (prev.consumer != kNobody && active_[prev.consumer] &&
            current_[consumer].size() > current_[prev.consumer].size() + 1) {
          reassign(p, prev.consumer);
          performed = modified = true;
          continue;
        }
        for (Cid other : topic_consumers_[topic_of_[p]]) {
          if (current_[consumer].size() > current_[other].size() + 1) {
            reassign_to_least_loaded(p);
            performed = modified = true;
            break;
          }
        }
      }
    }
    return performed;
  }

  void reassign_to_least_loaded(Pid p) {
    for (const auto& [count, c] : sorted_) {
      if (can_take(c, p)) {
        const Cid chosen = c;
        reassign(p, chosen);
        return;
      }
    }
    KS_ASSERT_MSG(false, "no consumer can take the partition");
  }

  void reassign(Pid partition, Cid new_consumer) {
    const Pid moved = movements_.actual_partition_to_move(partition, owner_[partition], new_consumer);
    const Cid old_consumer = owner_[moved];
    unsort(old_consumer);
    unsort(new_consumer);
    movements_.move_partition(moved, old_consumer, new_consumer);
    auto& from = current_[old_consumer];
    from.erase(std::find(from.begin(), from.end(), moved));
    current_[new_consumer].push_back(moved);
    owner_[moved] = new_consumer;
    resort(new_consumer);
    resort(old_consumer);
  }

  const Claims& claims_;
  std::vector<std::string> topic_names_;            // sorted (std::map order)
  std::vector<std::size_t> topic_base_;             // first Pid of each topic
  std::vector<std::int32_t> topic_counts_;
  std::vector<TopicPartition> tps_;                 // Pid -> partition
  std::vector<std::size_t> topic_of_;               // Pid -> topic index
  std::vector<std::int32_t> hash_of_;               // Pid -> TopicPartition.hashCode
  std::vector<std::string> names_;                  // Cid -> member id
  std::vector<const MemberSubscription*> subs_;
  std::vector<std::size_t> rank_;                   // Cid -> rank in member id order
  std::vector<std::vector<char>> subscribed_;       // [Cid][topic]
  std::vector<std::vector<std::size_t>> consumer_topics_;  // consumer2AllPotentialTopics
  std::vector<std::vector<Cid>> topic_consumers_;   // topic2AllPotentialConsumers
  std::vector<std::vector<Pid>> current_;           // currentAssignment
  std::vector<char> active_;                        // not set aside as a fixed assignment
  std::vector<Cid> owner_;                          // currentPartitionConsumer
  std::vector<PrevOwner> previous_;                 // prevAssignment
  std::vector<Pid> sorted_all_partitions_;
  std::set<std::pair<std::size_t, Cid>, SubscriptionLess> sorted_{SubscriptionLess{&rank_}};  // sortedCurrentSubscriptions
  PartitionMovements movements_;
  bool revocation_required_ = false;
};

}  // namespace

std::map<std::string, std::vector<TopicPartition>> general_assign(const PartitionsPerTopic& topics,
                                                                  const Claims& claims) {
  return GeneralBuilder(topics, claims).build();
}

}  // namespace kafkasim::assign::sticky
