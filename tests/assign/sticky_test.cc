// StickyAssignor / CooperativeStickyAssignor, transcribed from Kafka's AbstractStickyAssignorTest and
// CooperativeStickyAssignorTest (Java method names cited). Kafka's lists are compared sorted here.
#include <catch2/catch.hpp>

#include "sim/assign/sticky_assignor.h"
#include "test_util.h"

using namespace kafkasim::assign;
using namespace kafkasim::assign::testing;

namespace {
constexpr std::int32_t kGen = 1;  // AbstractStickyAssignorTest.generationId
using TpList = std::vector<TopicPartition>;
}  // namespace

TEST_CASE("sticky gives nothing to a member without topics (AbstractStickyAssignorTest.testOneConsumerNoTopic)") {
  const auto r = sticky_assign({}, {member("consumer", {})});
  CHECK(r.assignment.at("consumer").empty());
  REQUIRE(r.transferring.has_value());
  CHECK(r.transferring->empty());
}

TEST_CASE("sticky with a zero-partition topic assigns nothing (AbstractStickyAssignorTest.testOneConsumerNonexistentTopic)") {
  const auto r = sticky_assign({{"topic", 0}}, {member("consumer", {"topic"})});
  CHECK(r.assignment.at("consumer").empty());
}

TEST_CASE("sticky gives one consumer every partition (AbstractStickyAssignorTest.testOneConsumerOneTopic)") {
  const auto r = sticky_assign({{"topic", 3}}, {member("consumer", {"topic"})});
  CHECK(r.assignment.at("consumer") == TpList{tp("topic", 0), tp("topic", 1), tp("topic", 2)});
}

TEST_CASE("sticky drops owned partitions of unsubscribed topics (AbstractStickyAssignorTest.testOnlyAssignsPartitionsFromSubscribedTopics)") {
  const auto r = sticky_assign(
      {{"topic", 2}},
      {member("consumer", {"topic"}, {tp("topic", 0), tp("topic", 1), tp("other", 0), tp("other", 1)}, kGen)});
  CHECK(r.assignment.at("consumer") == TpList{tp("topic", 0), tp("topic", 1)});
  CHECK(r.transferring->empty());
}

TEST_CASE("sticky gives one consumer all of its topics (AbstractStickyAssignorTest.testOneConsumerMultipleTopics)") {
  const auto r = sticky_assign({{"topic1", 1}, {"topic2", 2}}, {member("consumer", {"topic1", "topic2"})});
  CHECK(r.assignment.at("consumer") == TpList{tp("topic1", 0), tp("topic2", 0), tp("topic2", 1)});
}

TEST_CASE("sticky splits two partitions over two consumers (AbstractStickyAssignorTest.testTwoConsumersOneTopicTwoPartitions)") {
  const auto r = sticky_assign({{"topic", 2}}, {member("consumer1", {"topic"}), member("consumer2", {"topic"})});
  CHECK(r.assignment.at("consumer1") == TpList{tp("topic", 0)});
  CHECK(r.assignment.at("consumer2") == TpList{tp("topic", 1)});
}

TEST_CASE("sticky balances mixed subscriptions with the general algorithm (AbstractStickyAssignorTest.testMultipleConsumersMixedTopicSubscriptions)") {
  const auto r = sticky_assign({{"topic1", 3}, {"topic2", 2}},
                               {member("consumer1", {"topic1"}), member("consumer2", {"topic1", "topic2"}),
                                member("consumer3", {"topic1"})});
  CHECK(r.assignment.at("consumer1") == sorted({tp("topic1", 0), tp("topic1", 2)}));
  CHECK(r.assignment.at("consumer2") == sorted({tp("topic2", 0), tp("topic2", 1)}));
  CHECK(r.assignment.at("consumer3") == TpList{tp("topic1", 1)});
  CHECK_FALSE(r.transferring.has_value());  // assertNull(partitionsTransferringOwnership)
}

TEST_CASE("sticky deals two topics round-robin (AbstractStickyAssignorTest.testTwoConsumersTwoTopicsSixPartitions)") {
  const auto r = sticky_assign({{"topic1", 3}, {"topic2", 3}},
                               {member("consumer1", {"topic1", "topic2"}), member("consumer2", {"topic1", "topic2"})});
  CHECK(r.assignment.at("consumer1") == sorted({tp("topic1", 0), tp("topic1", 2), tp("topic2", 1)}));
  CHECK(r.assignment.at("consumer2") == sorted({tp("topic1", 1), tp("topic2", 0), tp("topic2", 2)}));
}

TEST_CASE("a consumer owning minQuota can get maxQuota (AbstractStickyAssignorTest.testConsumerOwningMinQuotaExpectedMaxQuota)") {
  const std::vector<std::string> topics{"topic1", "topic2"};
  const auto r = sticky_assign({{"topic1", 2}, {"topic2", 3}},
                               {member("consumer1", topics, {tp("topic1", 0), tp("topic2", 1)}, kGen),
                                member("consumer2", topics, {tp("topic1", 1), tp("topic2", 2)}, kGen)});
  CHECK(r.assignment.at("consumer1") == sorted({tp("topic1", 0), tp("topic2", 1), tp("topic2", 0)}));
  CHECK(r.assignment.at("consumer2") == sorted({tp("topic1", 1), tp("topic2", 2)}));
  CHECK(r.transferring->empty());
}

TEST_CASE("only the expected number of members keep maxQuota (AbstractStickyAssignorTest.testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers)") {
  const std::vector<std::string> topics{"topic1", "topic2"};
  const std::vector<MemberSubscription> members{
      member("consumer1", topics, {tp("topic1", 0), tp("topic2", 0)}, kGen),
      member("consumer2", topics, {tp("topic1", 1), tp("topic2", 1)}, kGen), member("consumer3", topics, {}, kGen)};
  const auto r = sticky_assign({{"topic1", 2}, {"topic2", 2}}, members);
  CHECK(*r.transferring == std::map<TopicPartition, std::string>{{tp("topic2", 0), "consumer3"}});
  CHECK(r.assignment.at("consumer1") == TpList{tp("topic1", 0)});
  CHECK(r.assignment.at("consumer2") == sorted({tp("topic1", 1), tp("topic2", 1)}));
  CHECK(r.assignment.at("consumer3") == TpList{tp("topic2", 0)});

  SECTION("cooperative-sticky revokes topic2-0 now and gives it to consumer3 in the next rebalance") {
    const auto c = cooperative_sticky_assign({{"topic1", 2}, {"topic2", 2}}, members);
    CHECK(c.target == r.assignment);
    CHECK(c.now.at("consumer1") == TpList{tp("topic1", 0)});
    CHECK(c.now.at("consumer3").empty());
  }
}

TEST_CASE("members under minQuota are filled round-robin (AbstractStickyAssignorTest.testAllConsumersAreUnderMinQuota)") {
  const std::vector<std::string> topics{"topic1", "topic2"};
  const auto r = sticky_assign({{"topic1", 2}, {"topic2", 3}},
                               {member("consumer1", topics, {tp("topic1", 0)}, kGen),
                                member("consumer2", topics, {tp("topic1", 1)}, kGen), member("consumer3", topics, {}, kGen)});
  CHECK(r.transferring->empty());
  CHECK(r.assignment.at("consumer1") == sorted({tp("topic1", 0), tp("topic2", 1)}));
  CHECK(r.assignment.at("consumer2") == sorted({tp("topic1", 1), tp("topic2", 2)}));
  CHECK(r.assignment.at("consumer3") == TpList{tp("topic2", 0)});
}

TEST_CASE("sticky moves one partition when a consumer joins and none when one leaves (AbstractStickyAssignorTest.testAddRemoveConsumerOneTopic)") {
  const PartitionsPerTopic topics{{"topic", 3}};
  auto r = sticky_assign(topics, {member("consumer1", {"topic"})});
  CHECK(r.assignment.at("consumer1") == TpList{tp("topic", 0), tp("topic", 1), tp("topic", 2)});
  r = sticky_assign(topics, {member("consumer1", {"topic"}, r.assignment.at("consumer1"), kGen),
                             member("consumer2", {"topic"}, {}, kGen)});
  CHECK(*r.transferring == std::map<TopicPartition, std::string>{{tp("topic", 2), "consumer2"}});
  CHECK(r.assignment.at("consumer1") == TpList{tp("topic", 0), tp("topic", 1)});
  CHECK(r.assignment.at("consumer2") == TpList{tp("topic", 2)});
  r = sticky_assign(topics, {member("consumer2", {"topic"}, r.assignment.at("consumer2"), kGen)});
  CHECK(r.assignment.at("consumer2") == TpList{tp("topic", 0), tp("topic", 1), tp("topic", 2)});
  CHECK(r.transferring->empty());
}

TEST_CASE("sticky first assignment of two topics to two consumers (AbstractStickyAssignorTest.testAddRemoveTwoConsumersTwoTopics)") {
  const std::vector<std::string> all{"topic1", "topic2"};
  const auto r = sticky_assign({{"topic1", 3}, {"topic2", 4}}, {member("consumer1", all), member("consumer2", all)});
  CHECK(r.assignment.at("consumer1") == sorted({tp("topic1", 0), tp("topic1", 2), tp("topic2", 1), tp("topic2", 3)}));
  CHECK(r.assignment.at("consumer2") == sorted({tp("topic1", 1), tp("topic2", 0), tp("topic2", 2)}));
}

TEST_CASE("members at quota are considered filled (AbstractStickyAssignorTest.testAllConsumersReachExpectedQuotaAndAreConsideredFilled)") {
  const auto r = sticky_assign({{"topic", 4}}, {member("consumer1", {"topic"}, {tp("topic", 0), tp("topic", 1)}, kGen),
                                                member("consumer2", {"topic"}, {tp("topic", 2)}, kGen),
                                                member("consumer3", {"topic"}, {}, kGen)});
  CHECK(r.assignment.at("consumer1") == TpList{tp("topic", 0), tp("topic", 1)});
  CHECK(r.assignment.at("consumer2") == TpList{tp("topic", 2)});
  CHECK(r.assignment.at("consumer3") == TpList{tp("topic", 3)});
  CHECK(r.transferring->empty());
}

TEST_CASE("a stale generation loses its claims (AbstractStickyAssignorTest.testOwnedPartitionsAreInvalidatedForConsumerWithStaleGeneration)") {
  const std::vector<std::string> topics{"topic", "topic2"};
  const TpList claimed{tp("topic", 0), tp("topic", 2), tp("topic2", 1)};
  for (std::optional<std::int32_t> old_generation : {std::optional<std::int32_t>(9), std::optional<std::int32_t>()}) {
    // ...ForConsumerWithNoGeneration is the same with no generation for consumer2.
    const auto r = sticky_assign({{"topic", 3}, {"topic2", 3}},
                                 {member("consumer1", topics, claimed, 10), member("consumer2", topics, claimed, old_generation)});
    CHECK(r.assignment.at("consumer1") == sorted(claimed));
    CHECK(r.assignment.at("consumer2") == sorted({tp("topic", 1), tp("topic2", 0), tp("topic2", 2)}));
    CHECK(r.transferring->empty());
  }
}

TEST_CASE("a partition claimed twice in one generation is transferred (AbstractStickyAssignorTest.testPartitionsTransferringOwnershipIncludeThePartitionClaimedByMultipleConsumersInSameGeneration)") {
  const auto r = sticky_assign({{"topic", 3}}, {member("consumer1", {"topic"}, {tp("topic", 0), tp("topic", 1)}, kGen),
                                                member("consumer2", {"topic"}, {tp("topic", 0), tp("topic", 2)}, kGen),
                                                member("consumer3", {"topic"}, {}, kGen)});
  CHECK(*r.transferring == std::map<TopicPartition, std::string>{{tp("topic", 0), "consumer3"}});
  CHECK(r.assignment.at("consumer1") == TpList{tp("topic", 1)});
  CHECK(r.assignment.at("consumer2") == TpList{tp("topic", 2)});
  CHECK(r.assignment.at("consumer3") == TpList{tp("topic", 0)});
}

TEST_CASE("cooperative-sticky computes transfers itself in the general case (CooperativeStickyAssignor.computePartitionsTransferringOwnership)") {
  // consumer1 owned all of topic1; consumer2 and consumer3 join with different subscriptions.
  const std::vector<MemberSubscription> members{
      member("consumer1", {"topic1"}, {tp("topic1", 0), tp("topic1", 1), tp("topic1", 2)}, kGen),
      member("consumer2", {"topic1", "topic2"}, {}, kGen), member("consumer3", {"topic1"}, {}, kGen)};
  const auto c = cooperative_sticky_assign({{"topic1", 3}, {"topic2", 2}}, members);
  for (const auto& [tp_moved, to] : c.transferring) {
    CHECK(to != "consumer1");
    CHECK(std::count(c.now.at(to).begin(), c.now.at(to).end(), tp_moved) == 0);
    CHECK(std::count(c.target.at(to).begin(), c.target.at(to).end(), tp_moved) == 1);
  }
  CHECK_FALSE(c.transferring.empty());
  // Nothing owned by consumer1 and kept by it is touched now.
  std::size_t now_total = 0, target_total = 0;
  for (const auto& [m, l] : c.now) now_total += l.size();
  for (const auto& [m, l] : c.target) target_total += l.size();
  CHECK(now_total + c.transferring.size() == target_total);
}
