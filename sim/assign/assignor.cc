#include "sim/assign/assignor.h"

#include <algorithm>
#include <set>

#include "sim/assign/java_compat.h"
#include "sim/assign/sticky_assignor.h"
#include "sim/core/assert.h"

namespace kafkasim::assign {

std::string to_string(const TopicPartition& tp) { return tp.topic + "-" + std::to_string(tp.partition); }

std::string_view strategy_name(Strategy s) {
  switch (s) {
    case Strategy::kRange: return "range";
    case Strategy::kRoundRobin: return "roundrobin";
    case Strategy::kSticky: return "sticky";
    case Strategy::kCooperativeSticky: return "cooperative-sticky";
  }
  return "?";
}

std::optional<Strategy> parse_strategy(std::string_view name) {
  for (Strategy s : {Strategy::kRange, Strategy::kRoundRobin, Strategy::kSticky, Strategy::kCooperativeSticky}) {
    if (strategy_name(s) == name) return s;
  }
  return std::nullopt;
}

std::vector<RebalanceProtocol> supported_protocols(Strategy s) {
  if (s == Strategy::kCooperativeSticky) return {RebalanceProtocol::kCooperative, RebalanceProtocol::kEager};
  return {RebalanceProtocol::kEager};
}

std::optional<RebalanceProtocol> rebalance_protocol(const std::vector<Strategy>& configured) {
  if (configured.empty()) return std::nullopt;
  for (RebalanceProtocol p : {RebalanceProtocol::kCooperative, RebalanceProtocol::kEager}) {
    const bool everyone = std::all_of(configured.begin(), configured.end(), [&](Strategy s) {
      const auto supported = supported_protocols(s);
      return std::find(supported.begin(), supported.end(), p) != supported.end();
    });
    if (everyone) return p;
  }
  return std::nullopt;
}

std::vector<Strategy> default_strategies() { return {Strategy::kRange, Strategy::kCooperativeSticky}; }

namespace detail {

PartitionsPerTopic subscribed_topics(const PartitionsPerTopic& topics, const std::vector<MemberSubscription>& members) {
  PartitionsPerTopic out;
  for (const auto& m : members) {
    for (const auto& t : m.topics) {
      auto it = topics.find(t);
      if (it != topics.end()) out.emplace(it->first, it->second);
    }
  }
  return out;
}

bool member_info_less(const MemberSubscription& a, const MemberSubscription& b) {
  if (a.group_instance_id && b.group_instance_id) return java_string_less(*a.group_instance_id, *b.group_instance_id);
  if (a.group_instance_id) return true;
  if (b.group_instance_id) return false;
  return java_string_less(a.member_id, b.member_id);
}

bool topic_partition_java_less(const TopicPartition& a, const TopicPartition& b) {
  const int c = java_string_compare(a.topic, b.topic);
  return c != 0 ? c < 0 : a.partition < b.partition;
}

void sort_lists(Assignment& assignment) {
  for (auto& [member, list] : assignment) std::sort(list.begin(), list.end(), topic_partition_java_less);
}

}  // namespace detail

namespace {

void check_unique_ids(const std::vector<MemberSubscription>& members) {
  std::set<std::string_view> ids;
  for (const auto& m : members) KS_ASSERT_MSG(ids.insert(m.member_id).second, "duplicate member id");
}

Assignment empty_assignment(const std::vector<MemberSubscription>& members) {
  Assignment a;
  for (const auto& m : members) a[m.member_id];
  return a;
}

bool subscribes(const MemberSubscription& m, std::string_view topic) {
  return std::find(m.topics.begin(), m.topics.end(), topic) != m.topics.end();
}

}  // namespace

Assignment range_assign(const PartitionsPerTopic& all_topics, const std::vector<MemberSubscription>& members) {
  // Kafka: RangeAssignor. Per topic, the subscribed members in MemberInfo order get consecutive ranges;
  // the first (partitions % members) of them get one extra partition.
  check_unique_ids(members);
  const PartitionsPerTopic topics = detail::subscribed_topics(all_topics, members);
  Assignment assignment = empty_assignment(members);
  for (const auto& [topic, num_partitions] : topics) {
    std::vector<const MemberSubscription*> consumers;
    for (const auto& m : members) {
      if (subscribes(m, topic)) consumers.push_back(&m);
    }
    std::sort(consumers.begin(), consumers.end(),
              [](const auto* a, const auto* b) { return detail::member_info_less(*a, *b); });
    const auto n = static_cast<std::int32_t>(consumers.size());
    const std::int32_t per_consumer = num_partitions / n;
    const std::int32_t with_extra = num_partitions % n;
    for (std::int32_t i = 0; i < n; ++i) {
      const std::int32_t start = per_consumer * i + std::min(i, with_extra);
      const std::int32_t length = per_consumer + (i + 1 > with_extra ? 0 : 1);
      auto& list = assignment[consumers[static_cast<std::size_t>(i)]->member_id];
      for (std::int32_t p = start; p < start + length; ++p) list.push_back({topic, p});
    }
  }
  detail::sort_lists(assignment);
  return assignment;
}

Assignment round_robin_assign(const PartitionsPerTopic& all_topics, const std::vector<MemberSubscription>& members) {
  // Kafka: RoundRobinAssignor. All partitions of all subscribed topics (topics in String order) dealt
  // out one by one to the members in MemberInfo order (a CircularIterator), skipping members not
  // subscribed to the partition's topic.
  check_unique_ids(members);
  Assignment assignment = empty_assignment(members);
  if (members.empty()) return assignment;
  std::vector<const MemberSubscription*> ring;
  for (const auto& m : members) ring.push_back(&m);
  std::sort(ring.begin(), ring.end(), [](const auto* a, const auto* b) { return detail::member_info_less(*a, *b); });
  std::vector<std::string> topic_names;
  for (const auto& [topic, count] : detail::subscribed_topics(all_topics, members)) topic_names.push_back(topic);
  std::sort(topic_names.begin(), topic_names.end(), java_string_less);
  std::size_t next = 0;
  for (const auto& topic : topic_names) {
    for (std::int32_t p = 0; p < all_topics.at(topic); ++p) {
      while (!subscribes(*ring[next], topic)) next = (next + 1) % ring.size();
      assignment[ring[next]->member_id].push_back({topic, p});
      next = (next + 1) % ring.size();
    }
  }
  detail::sort_lists(assignment);
  return assignment;
}

AssignResult assign(Strategy strategy, const PartitionsPerTopic& topics, const std::vector<MemberSubscription>& members) {
  AssignResult r;
  switch (strategy) {
    case Strategy::kRange:
      r.target = range_assign(topics, members);
      break;
    case Strategy::kRoundRobin:
      r.target = round_robin_assign(topics, members);
      break;
    case Strategy::kSticky:
      r.target = sticky_assign(topics, members).assignment;
      break;
    case Strategy::kCooperativeSticky: {
      CooperativeResult c = cooperative_sticky_assign(topics, members);
      r.target = std::move(c.target);
      r.now = std::move(c.now);
      return r;
    }
  }
  r.now = r.target;
  return r;
}

std::optional<std::string> select_protocol(const std::vector<MemberProtocols>& members) {
  if (members.empty()) return std::nullopt;
  // Kafka: ClassicGroup.candidateProtocols: protocols supported by every member.
  std::map<std::string, std::size_t> support;
  for (const auto& m : members) {
    std::set<std::string> own(m.protocols.begin(), m.protocols.end());
    for (const auto& p : own) ++support[p];
  }
  std::set<std::string> candidates;
  for (const auto& [p, n] : support) {
    if (n == members.size()) candidates.insert(p);
  }
  if (candidates.empty()) return std::nullopt;
  // Each member votes for its first candidate (ClassicGroupMember.vote); votes counted in a HashMap.
  std::vector<std::string> voted;  // protocols in first-vote (insertion) order
  std::map<std::string, int> votes;
  for (const auto& m : members) {
    for (const auto& p : m.protocols) {
      if (candidates.count(p) == 0) continue;
      if (votes[p]++ == 0) voted.push_back(p);
      break;
    }
  }
  // stream().max(): on equal counts the earlier entry in HashMap iteration order wins.
  std::optional<std::string> best;
  int best_votes = -1;
  for (std::size_t i : java_string_map_order(voted)) {
    if (votes[voted[i]] > best_votes) best = voted[i], best_votes = votes[voted[i]];
  }
  return best;
}

}  // namespace kafkasim::assign
