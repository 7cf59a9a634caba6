// CooperativeStickyAssignor: transcribed from Kafka's CooperativeStickyAssignorTest (method names cited),
// plus its verifyValidityAndBalance rule run as a property: no partition is revoked from one member and
// given to another in the same rebalance, and follow-up rebalances (at most 4) reach a valid, balanced
// assignment.
#include <catch2/catch.hpp>

#include <set>

#include "sim/assign/sticky_assignor.h"
#include "sim/core/rng.h"
#include "test_util.h"

using namespace kafkasim;
using namespace kafkasim::assign;
using namespace kafkasim::assign::testing;

namespace {

constexpr std::int32_t kGen = 1;
using TpList = std::vector<TopicPartition>;

// Kafka: CooperativeStickyAssignorTest.verifyCooperativeValidity. Returns true if something is revoked.
bool verify_cooperative_validity(const std::vector<MemberSubscription>& members, const Assignment& now) {
  std::set<TopicPartition> added, revoked;
  for (const auto& m : members) {
    const auto& assigned = now.at(m.member_id);
    for (const auto& tp : m.owned_partitions) {
      if (std::count(assigned.begin(), assigned.end(), tp) == 0) revoked.insert(tp);
    }
    for (const auto& tp : assigned) {
      if (std::count(m.owned_partitions.begin(), m.owned_partitions.end(), tp) == 0) added.insert(tp);
    }
  }
  for (const auto& tp : added) CHECK(revoked.count(tp) == 0);
  return !revoked.empty();
}

}  // namespace

TEST_CASE("a doubly claimed partition waits for both owners to revoke it (CooperativeStickyAssignorTest.testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithEqualPartitionsPerConsumer)") {
  const auto c = cooperative_sticky_assign({{"topic", 3}},
                                           {member("consumer1", {"topic"}, {tp("topic", 0), tp("topic", 1)}, kGen),
                                            member("consumer2", {"topic"}, {tp("topic", 0), tp("topic", 2)}, kGen),
                                            member("consumer3", {"topic"}, {}, kGen)});
  CHECK(c.now.at("consumer1") == TpList{tp("topic", 1)});
  CHECK(c.now.at("consumer2") == TpList{tp("topic", 2)});
  CHECK(c.now.at("consumer3").empty());
}

TEST_CASE("a doubly claimed partition waits with unequal shares (CooperativeStickyAssignorTest.testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithUnequalPartitionsPerConsumer)") {
  const auto c = cooperative_sticky_assign({{"topic", 4}},
                                           {member("consumer1", {"topic"}, {tp("topic", 0), tp("topic", 1)}, kGen),
                                            member("consumer2", {"topic"}, {tp("topic", 0), tp("topic", 2)}, kGen),
                                            member("consumer3", {"topic"}, {}, kGen)});
  CHECK(c.now.at("consumer1") == TpList{tp("topic", 1), tp("topic", 3)});
  CHECK(c.now.at("consumer2") == TpList{tp("topic", 2)});
  CHECK(c.now.at("consumer3").empty());
}

TEST_CASE("owned partitions reported with a generation in userData count (CooperativeStickyAssignorTest.testAssignorWithOldVersionSubscriptions)") {
  const auto c = cooperative_sticky_assign({{"topic1", 3}}, {member("consumer1", {"topic1"}, {tp("topic1", 0)}, kGen),
                                                             member("consumer2", {"topic1"}, {tp("topic1", 1)}, kGen),
                                                             member("consumer3", {"topic1"}, {}, kGen)});
  CHECK(c.now.at("consumer1") == TpList{tp("topic1", 0)});
  CHECK(c.now.at("consumer2") == TpList{tp("topic1", 1)});
  CHECK(c.now.at("consumer3") == TpList{tp("topic1", 2)});
}

TEST_CASE("cooperative rebalances never revoke and assign a partition at once and converge within four follow-ups") {
  const std::uint64_t seed = 8086;
  INFO("seed " << seed);
  Rng rng(seed);
#ifdef __SANITIZE_ADDRESS__
  const int rounds = 30;
#else
  const int rounds = 150;
#endif
  for (int round = 0; round < rounds; ++round) {
    INFO("round " << round);
    PartitionsPerTopic topics;
    std::vector<std::string> names;
    const std::int64_t num_topics = rng.between(1, 5);
    for (std::int64_t t = 0; t < num_topics; ++t) {
      names.push_back("t" + std::to_string(t));
      topics[names.back()] = static_cast<std::int32_t>(rng.between(1, 10));
    }
    const bool equal = rng.chance_ppm(500000);
    std::vector<MemberSubscription> members;
    const std::int64_t num_members = rng.between(1, 7);
    for (std::int64_t m = 0; m < num_members; ++m) {
      std::vector<std::string> subscribed;
      for (const auto& n : names) {
        if (equal || rng.chance_ppm(600000)) subscribed.push_back(n);
      }
      if (subscribed.empty()) subscribed.push_back(names.front());
      members.push_back(member("m" + std::to_string(m), subscribed));
    }
    // A first assignment, then a membership change: one member leaves, one joins.
    auto c = cooperative_sticky_assign(topics, members);
    for (auto& m : members) m.owned_partitions = c.now.at(m.member_id), m.generation = 1;
    members.erase(members.begin());
    members.push_back(member("joiner", names, {}, 1));
    int rebalances = 0;
    std::int32_t generation = 2;
    c = cooperative_sticky_assign(topics, members);
    while (verify_cooperative_validity(members, c.now)) {
      for (auto& m : members) m.owned_partitions = c.now.at(m.member_id), m.generation = generation;
      ++generation;
      c = cooperative_sticky_assign(topics, members);
      ++rebalances;
      REQUIRE(rebalances <= 4);
    }
    CHECK(c.transferring.empty());
    CHECK(c.now == c.target);
  }
}
