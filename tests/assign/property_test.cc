// Property tests over random groups (seeded; the seed is printed): every subscribed partition is
// assigned exactly once and only to a subscriber; sticky assignors balance equal subscriptions to
// max - min <= 1, satisfy Kafka's verifyValidityAndBalance otherwise, and move nothing needlessly.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "sim/assign/sticky_assignor.h"
#include "sim/core/rng.h"
#include "test_util.h"

using namespace kafkasim;
using namespace kafkasim::assign;
using namespace kafkasim::assign::testing;

namespace {

#ifdef __SANITIZE_ADDRESS__
constexpr int kRounds = 40;
#else
constexpr int kRounds = 200;
#endif

struct Group {
  PartitionsPerTopic topics;
  std::vector<MemberSubscription> members;
};

Group random_group(Rng& rng, bool equal_subscriptions) {
  Group g;
  const auto num_topics = rng.between(1, 6);
  std::vector<std::string> names;
  for (std::int64_t t = 0; t < num_topics; ++t) {
    names.push_back("t" + std::to_string(t));
    g.topics[names.back()] = static_cast<std::int32_t>(rng.between(1, 12));
  }
  const auto num_members = rng.between(1, 9);
  for (std::int64_t m = 0; m < num_members; ++m) {
    std::vector<std::string> subscribed;
    for (const auto& n : names) {
      if (equal_subscriptions || rng.chance_ppm(600000)) subscribed.push_back(n);
    }
    if (subscribed.empty()) subscribed.push_back(names[rng.uniform(names.size())]);
    g.members.push_back(member("c" + std::to_string(rng.between(0, 999)) + "-" + std::to_string(m), subscribed));
  }
  return g;
}

void check_valid(const Group& g, const Assignment& a) {
  std::map<TopicPartition, int> owners;
  for (const auto& m : g.members) {
    for (const auto& tp : a.at(m.member_id)) {
      CHECK(std::count(m.topics.begin(), m.topics.end(), tp.topic) == 1);
      owners[tp]++;
    }
  }
  for (const auto& [topic, n] : g.topics) {
    const bool subscribed = std::any_of(g.members.begin(), g.members.end(), [&](const auto& m) {
      return std::count(m.topics.begin(), m.topics.end(), topic) == 1;
    });
    for (std::int32_t p = 0; p < n; ++p) CHECK(owners[{topic, p}] == (subscribed ? 1 : 0));
  }
}


std::vector<MemberSubscription> with_ownership(std::vector<MemberSubscription> members, const Assignment& a,
                                               std::int32_t generation) {
  for (auto& m : members) m.owned_partitions = a.at(m.member_id), m.generation = generation;
  return members;
}

}  // namespace

TEST_CASE("every assignor assigns each subscribed partition exactly once to a subscriber") {
  const std::uint64_t seed = 20240601;
  INFO("seed " << seed);
  Rng rng(seed);
  for (int round = 0; round < kRounds; ++round) {
    const Group g = random_group(rng, rng.chance_ppm(500000));
    for (Strategy s : {Strategy::kRange, Strategy::kRoundRobin, Strategy::kSticky, Strategy::kCooperativeSticky}) {
      INFO("round " << round << " strategy " << strategy_name(s));
      check_valid(g, kafkasim::assign::assign(s, g.topics, g.members).target);
    }
  }
}

TEST_CASE("sticky assignments of equal subscriptions differ by at most one partition") {
  const std::uint64_t seed = 777;
  INFO("seed " << seed);
  Rng rng(seed);
  for (int round = 0; round < kRounds; ++round) {
    Group g = random_group(rng, true);
    const auto a = sticky_assign(g.topics, g.members).assignment;
    CHECK(fully_balanced(a));
    // Also after a member leaves and one joins, starting from the previous assignment.
    auto next = with_ownership(g.members, a, 5);
    next.erase(next.begin());
    next.push_back(member("newcomer", g.members.front().topics, {}, 5));
    const auto b = sticky_assign(g.topics, next).assignment;
    CHECK(fully_balanced(b));
  }
}

TEST_CASE("sticky assignments of mixed subscriptions pass Kafka's balance check") {
  const std::uint64_t seed = 4242;
  INFO("seed " << seed);
  Rng rng(seed);
  for (int round = 0; round < kRounds; ++round) {
    INFO("round " << round);
    const Group g = random_group(rng, false);
    const auto a = sticky_assign(g.topics, g.members).assignment;
    check_valid(g, a);
    verify_validity_and_balance(g.members, a);
    const auto b = sticky_assign(g.topics, with_ownership(g.members, a, 3)).assignment;
    check_valid(g, b);
    verify_validity_and_balance(g.members, b);
  }
}

TEST_CASE("sticky reassignment of an unchanged group moves nothing") {
  const std::uint64_t seed = 99;
  INFO("seed " << seed);
  Rng rng(seed);
  for (int round = 0; round < kRounds; ++round) {
    INFO("round " << round);
    const Group g = random_group(rng, rng.chance_ppm(500000));
    const auto a = sticky_assign(g.topics, g.members).assignment;
    const auto again = sticky_assign(g.topics, with_ownership(g.members, a, 2)).assignment;
    CHECK(again == a);
    const auto coop = cooperative_sticky_assign(g.topics, with_ownership(g.members, a, 2));
    CHECK(coop.transferring.empty());
    CHECK(coop.now == a);
  }
}

TEST_CASE("a joining member only takes partitions; nobody else's partitions move between old members") {
  const std::uint64_t seed = 31337;
  INFO("seed " << seed);
  Rng rng(seed);
  for (int round = 0; round < kRounds; ++round) {
    INFO("round " << round);
    const Group g = random_group(rng, true);
    const auto a = sticky_assign(g.topics, g.members).assignment;
    auto next = with_ownership(g.members, a, 4);
    next.push_back(member("joiner", g.members.front().topics, {}, 4));
    const auto c = cooperative_sticky_assign(g.topics, next);
    for (const auto& m : g.members) {
      for (const auto& tp : c.target.at(m.member_id)) {
        // Every partition an old member holds in the target it already owned.
        CHECK(std::count(a.at(m.member_id).begin(), a.at(m.member_id).end(), tp) == 1);
      }
    }
    // Cooperative: the joiner gets nothing that someone still has to revoke.
    for (const auto& [tp, to] : c.transferring) CHECK(to == "joiner");
  }
}
