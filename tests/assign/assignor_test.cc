// RangeAssignor, RoundRobinAssignor and the coordinator's protocol vote, transcribed from Kafka's
// RangeAssignorTest / RoundRobinAssignorTest (method names cited) plus kafkasim's own cases.
#include <catch2/catch.hpp>

#include "sim/assign/assignor.h"
#include "test_util.h"

using namespace kafkasim::assign;
using namespace kafkasim::assign::testing;

TEST_CASE("range gives nothing to a member without topics (RangeAssignorTest.testOneConsumerNoTopic)") {
  const auto a = range_assign({}, {member("consumer", {})});
  REQUIRE(a.size() == 1);
  CHECK(a.at("consumer").empty());
}

TEST_CASE("range skips a subscribed topic without metadata (RangeAssignorTest.testOneConsumerNonexistentTopic)") {
  const auto a = range_assign({{"other", 3}}, {member("consumer", {"topic"})});
  CHECK(a.at("consumer").empty());
}

TEST_CASE("range gives one consumer every partition (RangeAssignorTest.testOneConsumerOneTopic)") {
  const auto a = range_assign({{"topic", 3}}, {member("consumer", {"topic"})});
  CHECK(a.at("consumer") == std::vector{tp("topic", 0), tp("topic", 1), tp("topic", 2)});
}

TEST_CASE("range assigns only subscribed topics (RangeAssignorTest.testOnlyAssignsPartitionsFromSubscribedTopics)") {
  const auto a = range_assign({{"topic", 3}, {"other", 3}}, {member("consumer", {"topic"})});
  CHECK(a.at("consumer") == std::vector{tp("topic", 0), tp("topic", 1), tp("topic", 2)});
}

TEST_CASE("range with two consumers and one partition gives it to the first (RangeAssignorTest.testTwoConsumersOneTopicOnePartition)") {
  const auto a = range_assign({{"topic", 1}}, {member("consumer1", {"topic"}), member("consumer2", {"topic"})});
  CHECK(a.at("consumer1") == std::vector{tp("topic", 0)});
  CHECK(a.at("consumer2").empty());
}

TEST_CASE("range splits mixed subscriptions per topic (RangeAssignorTest.testMultipleConsumersMixedTopics)") {
  const auto a = range_assign({{"topic1", 3}, {"topic2", 2}},
                              {member("consumer1", {"topic1"}), member("consumer2", {"topic1", "topic2"}),
                               member("consumer3", {"topic1"})});
  CHECK(a.at("consumer1") == std::vector{tp("topic1", 0)});
  CHECK(a.at("consumer2") == std::vector{tp("topic1", 1), tp("topic2", 0), tp("topic2", 1)});
  CHECK(a.at("consumer3") == std::vector{tp("topic1", 2)});
}

TEST_CASE("range gives the extra partitions of each topic to the first consumer (RangeAssignorTest.testTwoConsumersTwoTopicsSixPartitions)") {
  const auto a = range_assign({{"topic1", 3}, {"topic2", 3}},
                              {member("consumer1", {"topic1", "topic2"}), member("consumer2", {"topic1", "topic2"})});
  CHECK(a.at("consumer1") == std::vector{tp("topic1", 0), tp("topic1", 1), tp("topic2", 0), tp("topic2", 1)});
  CHECK(a.at("consumer2") == std::vector{tp("topic1", 2), tp("topic2", 2)});
}

TEST_CASE("range orders static members first, by group.instance.id (after RangeAssignorTest.testOneStaticConsumerAndOneDynamicTwoTopicsSixPartitions)") {
  // The dynamic member id sorts lower, yet the static member comes first.
  const auto a = range_assign({{"topic1", 3}, {"topic2", 3}},
                              {member("consumer-a", {"topic1", "topic2"}),
                               member("consumer-b", {"topic1", "topic2"}, {}, std::nullopt, "instance-1")});
  CHECK(a.at("consumer-b") == std::vector{tp("topic1", 0), tp("topic1", 1), tp("topic2", 0), tp("topic2", 1)});
  CHECK(a.at("consumer-a") == std::vector{tp("topic1", 2), tp("topic2", 2)});
}

TEST_CASE("range keeps a static member's ranges when its member id changes (after RangeAssignorTest.testStaticMemberRangeAssignmentPersistentAfterMemberIdChanges)") {
  const PartitionsPerTopic topics{{"topic1", 5}, {"topic2", 5}};
  std::vector<MemberSubscription> before{member("m1", {"topic1", "topic2"}, {}, std::nullopt, "i1"),
                                         member("m2", {"topic1", "topic2"}, {}, std::nullopt, "i2"),
                                         member("m3", {"topic1", "topic2"}, {}, std::nullopt, "i3")};
  auto after = before;
  after[0].member_id = "z1", after[1].member_id = "a2", after[2].member_id = "q3";
  const auto a = range_assign(topics, before);
  const auto b = range_assign(topics, after);
  CHECK(a.at("m1") == b.at("z1"));
  CHECK(a.at("m2") == b.at("a2"));
  CHECK(a.at("m3") == b.at("q3"));
}

TEST_CASE("roundrobin deals partitions across topics (RoundRobinAssignorTest.testTwoConsumersTwoTopicsSixPartitions)") {
  const auto a = round_robin_assign({{"topic1", 3}, {"topic2", 3}},
                                    {member("consumer1", {"topic1", "topic2"}), member("consumer2", {"topic1", "topic2"})});
  CHECK(a.at("consumer1") == std::vector{tp("topic1", 0), tp("topic1", 2), tp("topic2", 1)});
  CHECK(a.at("consumer2") == std::vector{tp("topic1", 1), tp("topic2", 0), tp("topic2", 2)});
}

TEST_CASE("roundrobin skips members not subscribed to the topic (RoundRobinAssignorTest.testMultipleConsumersMixedTopics)") {
  const auto a = round_robin_assign({{"topic1", 3}, {"topic2", 2}},
                                    {member("consumer1", {"topic1"}), member("consumer2", {"topic1", "topic2"}),
                                     member("consumer3", {"topic1"})});
  CHECK(a.at("consumer1") == std::vector{tp("topic1", 0)});
  CHECK(a.at("consumer2") == std::vector{tp("topic1", 1), tp("topic2", 0), tp("topic2", 1)});
  CHECK(a.at("consumer3") == std::vector{tp("topic1", 2)});
}

TEST_CASE("roundrobin with one consumer and a missing topic (RoundRobinAssignorTest.testOneConsumerNonexistentTopic)") {
  const auto a = round_robin_assign({}, {member("consumer", {"topic"})});
  CHECK(a.at("consumer").empty());
}

TEST_CASE("roundrobin puts static members first (after RoundRobinAssignorTest.testOneStaticConsumerAndOneDynamicTwoTopicsSixPartitions)") {
  const auto a = round_robin_assign({{"topic1", 3}, {"topic2", 3}},
                                    {member("consumer-a", {"topic1", "topic2"}),
                                     member("consumer-b", {"topic1", "topic2"}, {}, std::nullopt, "instance-1")});
  CHECK(a.at("consumer-b") == std::vector{tp("topic1", 0), tp("topic1", 2), tp("topic2", 1)});
  CHECK(a.at("consumer-a") == std::vector{tp("topic1", 1), tp("topic2", 0), tp("topic2", 2)});
}

TEST_CASE("the coordinator picks the protocol every member supports with the most first-choice votes") {
  CHECK(select_protocol({{"a", {"range", "cooperative-sticky"}}, {"b", {"range", "cooperative-sticky"}}}) == "range");
  // Rolling upgrade to cooperative-sticky first: members prefer it, but "range" is still listed.
  CHECK(select_protocol({{"a", {"cooperative-sticky", "range"}}, {"b", {"cooperative-sticky", "range"}},
                         {"c", {"range", "cooperative-sticky"}}}) == "cooperative-sticky");
  // sticky is not supported by b, so it cannot be chosen even though a prefers it.
  CHECK(select_protocol({{"a", {"sticky", "range"}}, {"b", {"range"}}}) == "range");
  CHECK(select_protocol({{"a", {"sticky"}}, {"b", {"range"}}}) == std::nullopt);
}

TEST_CASE("strategies declare Kafka's rebalance protocols and defaults") {
  CHECK(supported_protocols(Strategy::kRange) == std::vector{RebalanceProtocol::kEager});
  CHECK(supported_protocols(Strategy::kSticky) == std::vector{RebalanceProtocol::kEager});
  CHECK(supported_protocols(Strategy::kCooperativeSticky) ==
        std::vector{RebalanceProtocol::kCooperative, RebalanceProtocol::kEager});
  CHECK(default_strategies() == std::vector{Strategy::kRange, Strategy::kCooperativeSticky});
  CHECK(parse_strategy("cooperative-sticky") == Strategy::kCooperativeSticky);
  CHECK(parse_strategy("nope") == std::nullopt);
}
