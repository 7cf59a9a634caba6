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

TEST_CASE("range orders static members by instance id, not member id (RangeAssignorTest.testTwoStaticConsumersTwoTopicsSixPartitions)") {
  const auto a = range_assign({{"topic1", 3}, {"topic2", 3}},
                              {member("consumer-b", {"topic1", "topic2"}, {}, std::nullopt, "instance1"),
                               member("consumer-a", {"topic1", "topic2"}, {}, std::nullopt, "instance2")});
  CHECK(a.at("consumer-b") == std::vector{tp("topic1", 0), tp("topic1", 1), tp("topic2", 0), tp("topic2", 1)});
  CHECK(a.at("consumer-a") == std::vector{tp("topic1", 2), tp("topic2", 2)});
}

TEST_CASE("range puts a static member before a dynamic one (RangeAssignorTest.testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions)") {
  const auto a = range_assign({{"topic1", 3}, {"topic2", 3}},
                              {member("consumer-b", {"topic1", "topic2"}, {}, std::nullopt, "instance1"),
                               member("consumer-a", {"topic1", "topic2"})});
  CHECK(a.at("consumer-b") == std::vector{tp("topic1", 0), tp("topic1", 1), tp("topic2", 0), tp("topic2", 1)});
  CHECK(a.at("consumer-a") == std::vector{tp("topic1", 2), tp("topic2", 2)});
}

TEST_CASE("range keeps static members' ranges when a dynamic member is replaced (RangeAssignorTest.testStaticMemberRangeAssignmentPersistent)") {
  const PartitionsPerTopic topics{{"topic1", 5}, {"topic2", 4}};
  const std::vector<std::string> both{"topic1", "topic2"};
  std::vector<MemberSubscription> members{member("consumer1", both, {}, std::nullopt, "instance1"),
                                          member("consumer2", both, {}, std::nullopt, "instance2"),
                                          member("consumer3", both, {}, std::nullopt, "instance3"), member("consumer4", both)};
  Assignment expected{{"consumer1", {tp("topic1", 0), tp("topic1", 1), tp("topic2", 0)}},
                      {"consumer2", {tp("topic1", 2), tp("topic2", 1)}},
                      {"consumer3", {tp("topic1", 3), tp("topic2", 2)}},
                      {"consumer4", {tp("topic1", 4), tp("topic2", 3)}}};
  CHECK(range_assign(topics, members) == expected);
  members.back().member_id = "consumer5";
  expected["consumer5"] = expected["consumer4"];
  expected.erase("consumer4");
  CHECK(range_assign(topics, members) == expected);
}

TEST_CASE("range keeps each instance's ranges when member ids change (RangeAssignorTest.testStaticMemberRangeAssignmentPersistentAfterMemberIdChanges)") {
  const PartitionsPerTopic topics{{"topic1", 5}, {"topic2", 5}};
  const std::vector<std::string> both{"topic1", "topic2"};
  std::vector<MemberSubscription> members{member("consumer1", both, {}, std::nullopt, "instance1"),
                                          member("consumer2", both, {}, std::nullopt, "instance2"),
                                          member("consumer3", both, {}, std::nullopt, "instance3")};
  const auto a = range_assign(topics, members);
  CHECK(a.at("consumer1") == std::vector{tp("topic1", 0), tp("topic1", 1), tp("topic2", 0), tp("topic2", 1)});
  CHECK(a.at("consumer2") == std::vector{tp("topic1", 2), tp("topic1", 3), tp("topic2", 2), tp("topic2", 3)});
  CHECK(a.at("consumer3") == std::vector{tp("topic1", 4), tp("topic2", 4)});
  members[2].member_id = "consumer4", members[1].member_id = "consumer5";
  const auto b = range_assign(topics, members);
  CHECK(b.at("consumer1") == a.at("consumer1"));
  CHECK(b.at("consumer5") == a.at("consumer2"));
  CHECK(b.at("consumer4") == a.at("consumer3"));
}

namespace {
// RangeAssignorTest.verifyNonRackAwareAssignment: members consumer0.. with the given subscriptions.
void check_range(const PartitionsPerTopic& topics, const std::vector<std::vector<std::string>>& subs,
                 const std::vector<std::vector<TopicPartition>>& expected) {
  std::vector<MemberSubscription> members;
  for (std::size_t i = 0; i < subs.size(); ++i) members.push_back(member("consumer" + std::to_string(i), subs[i]));
  const auto a = range_assign(topics, members);
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(a.at("consumer" + std::to_string(i)) == sorted(expected[i]));
}
const std::vector<std::string> kT123{"t1", "t2", "t3"};
}  // namespace

TEST_CASE("range with uneven topics (RangeAssignorTest.testRackAwareAssignmentWithUniformSubscription, non-rack-aware answer)") {
  check_range({{"t1", 6}, {"t2", 7}, {"t3", 2}}, {kT123, kT123, kT123},
              {{tp("t1", 0), tp("t1", 1), tp("t2", 0), tp("t2", 1), tp("t2", 2), tp("t3", 0)},
               {tp("t1", 2), tp("t1", 3), tp("t2", 3), tp("t2", 4), tp("t3", 1)},
               {tp("t1", 4), tp("t1", 5), tp("t2", 5), tp("t2", 6)}});
}

TEST_CASE("range with one member on fewer topics (RangeAssignorTest.testRackAwareAssignmentWithNonEqualSubscription, non-rack-aware answer)") {
  check_range({{"t1", 6}, {"t2", 7}, {"t3", 2}}, {kT123, kT123, {"t1", "t3"}},
              {{tp("t1", 0), tp("t1", 1), tp("t2", 0), tp("t2", 1), tp("t2", 2), tp("t2", 3), tp("t3", 0)},
               {tp("t1", 2), tp("t1", 3), tp("t2", 4), tp("t2", 5), tp("t2", 6), tp("t3", 1)},
               {tp("t1", 4), tp("t1", 5)}});
}

TEST_CASE("range co-partitions equal topics (RangeAssignorTest.testRackAwareAssignmentWithUniformPartitions, non-rack-aware answer)") {
  check_range({{"t1", 5}, {"t2", 5}, {"t3", 5}}, {kT123, kT123, kT123},
              {{tp("t1", 0), tp("t1", 1), tp("t2", 0), tp("t2", 1), tp("t3", 0), tp("t3", 1)},
               {tp("t1", 2), tp("t1", 3), tp("t2", 2), tp("t2", 3), tp("t3", 2), tp("t3", 3)},
               {tp("t1", 4), tp("t2", 4), tp("t3", 4)}});
  check_range({{"t1", 5}, {"t2", 5}, {"t3", 5}}, {kT123, kT123, {"t1", "t3"}},
              {{tp("t1", 0), tp("t1", 1), tp("t2", 0), tp("t2", 1), tp("t2", 2), tp("t3", 0), tp("t3", 1)},
               {tp("t1", 2), tp("t1", 3), tp("t2", 3), tp("t2", 4), tp("t3", 2), tp("t3", 3)},
               {tp("t1", 4), tp("t3", 4)}});
}

TEST_CASE("range with disjoint groups of co-partitioned topics (RangeAssignorTest.testRackAwareAssignmentWithCoPartitioning, non-rack-aware answer)") {
  const PartitionsPerTopic topics{{"t1", 6}, {"t2", 6}, {"t3", 2}, {"t4", 2}};
  check_range(topics, {{"t1", "t2"}, {"t1", "t2"}, {"t3", "t4"}, {"t3", "t4"}},
              {{tp("t1", 0), tp("t1", 1), tp("t1", 2), tp("t2", 0), tp("t2", 1), tp("t2", 2)},
               {tp("t1", 3), tp("t1", 4), tp("t1", 5), tp("t2", 3), tp("t2", 4), tp("t2", 5)},
               {tp("t3", 0), tp("t4", 0)},
               {tp("t3", 1), tp("t4", 1)}});
  const std::vector<std::string> all{"t1", "t2", "t3", "t4"};
  check_range(topics, {all, all, all, all},
              {{tp("t1", 0), tp("t1", 1), tp("t2", 0), tp("t2", 1), tp("t3", 0), tp("t4", 0)},
               {tp("t1", 2), tp("t1", 3), tp("t2", 2), tp("t2", 3), tp("t3", 1), tp("t4", 1)},
               {tp("t1", 4), tp("t2", 4)},
               {tp("t1", 5), tp("t2", 5)}});
}

TEST_CASE("range ignores subscribed topics without metadata (RangeAssignorTest.testCoPartitionedAssignmentWithSameSubscription, non-rack-aware answer)") {
  const std::vector<std::string> list{"t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"};
  check_range({{"t1", 6}, {"t2", 6}, {"t3", 2}, {"t4", 2}, {"t5", 4}, {"t6", 4}}, {list, list, list},
              {{tp("t1", 0), tp("t1", 1), tp("t2", 0), tp("t2", 1), tp("t3", 0), tp("t4", 0), tp("t5", 0), tp("t5", 1),
                tp("t6", 0), tp("t6", 1)},
               {tp("t1", 2), tp("t1", 3), tp("t2", 2), tp("t2", 3), tp("t3", 1), tp("t4", 1), tp("t5", 2), tp("t6", 2)},
               {tp("t1", 4), tp("t1", 5), tp("t2", 4), tp("t2", 5), tp("t5", 3), tp("t6", 3)}});
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

TEST_CASE("roundrobin puts a static member before a dynamic one (RoundRobinAssignorTest.testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions)") {
  const auto a = round_robin_assign({{"topic1", 3}, {"topic2", 3}},
                                    {member("consumer-b", {"topic1", "topic2"}, {}, std::nullopt, "instance1"),
                                     member("consumer-a", {"topic1", "topic2"})});
  CHECK(a.at("consumer-b") == std::vector{tp("topic1", 0), tp("topic1", 2), tp("topic2", 1)});
  CHECK(a.at("consumer-a") == std::vector{tp("topic1", 1), tp("topic2", 0), tp("topic2", 2)});
}

TEST_CASE("roundrobin keeps static members' partitions when a dynamic member is replaced (RoundRobinAssignorTest.testStaticMemberRoundRobinAssignmentPersistent)") {
  const PartitionsPerTopic topics{{"topic1", 3}, {"topic2", 3}};
  const std::vector<std::string> both{"topic1", "topic2"};
  std::vector<MemberSubscription> members{member("consumer1", both, {}, std::nullopt, "instance1"),
                                          member("consumer2", both, {}, std::nullopt, "instance2"),
                                          member("consumer3", both, {}, std::nullopt, "instance3"), member("consumer4", both)};
  Assignment expected{{"consumer1", {tp("topic1", 0), tp("topic2", 1)}},
                      {"consumer2", {tp("topic1", 1), tp("topic2", 2)}},
                      {"consumer3", {tp("topic1", 2)}},
                      {"consumer4", {tp("topic2", 0)}}};
  CHECK(round_robin_assign(topics, members) == expected);
  members.back().member_id = "consumer5";
  expected["consumer5"] = expected["consumer4"];
  expected.erase("consumer4");
  CHECK(round_robin_assign(topics, members) == expected);
}

TEST_CASE("roundrobin keeps each instance's partitions when member ids change (RoundRobinAssignorTest.testStaticMemberRoundRobinAssignmentPersistentAfterMemberIdChanges)") {
  const PartitionsPerTopic topics{{"topic1", 5}, {"topic2", 5}};
  const std::vector<std::string> both{"topic1", "topic2"};
  std::vector<MemberSubscription> members{member("consumer1", both, {}, std::nullopt, "instance1"),
                                          member("consumer2", both, {}, std::nullopt, "instance2"),
                                          member("consumer3", both, {}, std::nullopt, "instance3")};
  const auto a = round_robin_assign(topics, members);
  CHECK(a.at("consumer1") == std::vector{tp("topic1", 0), tp("topic1", 3), tp("topic2", 1), tp("topic2", 4)});
  CHECK(a.at("consumer2") == std::vector{tp("topic1", 1), tp("topic1", 4), tp("topic2", 2)});
  CHECK(a.at("consumer3") == std::vector{tp("topic1", 2), tp("topic2", 0), tp("topic2", 3)});
  members[2].member_id = "consumer4", members[1].member_id = "consumer5";
  const auto b = round_robin_assign(topics, members);
  CHECK(b.at("consumer1") == a.at("consumer1"));
  CHECK(b.at("consumer5") == a.at("consumer2"));
  CHECK(b.at("consumer4") == a.at("consumer3"));
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

TEST_CASE("a consumer uses the most advanced rebalance protocol all its assignors support (ConsumerCoordinator)") {
  CHECK(rebalance_protocol(default_strategies()) == RebalanceProtocol::kEager);
  CHECK(rebalance_protocol({Strategy::kCooperativeSticky}) == RebalanceProtocol::kCooperative);
  CHECK(rebalance_protocol({Strategy::kSticky, Strategy::kCooperativeSticky}) == RebalanceProtocol::kEager);
  CHECK(rebalance_protocol({}) == std::nullopt);
}

TEST_CASE("a tied protocol vote goes to the first protocol in Java HashMap order (ClassicGroup.selectProtocol; JDK 17 answers)") {
  // Two members prefer each protocol; both members support both. Java's stream().max keeps the first
  // maximum of the HashMap<String, Integer> of votes.
  const auto tie = [](const std::string& a, const std::string& b) {
    return select_protocol({{"m1", {a, b}}, {"m2", {a, b}}, {"m3", {b, a}}, {"m4", {b, a}}});
  };
  CHECK(tie("range", "cooperative-sticky") == "range");
  CHECK(tie("cooperative-sticky", "range") == "range");
  CHECK(tie("roundrobin", "sticky") == "sticky");
  CHECK(tie("sticky", "range") == "sticky");
}
