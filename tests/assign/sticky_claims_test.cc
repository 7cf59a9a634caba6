// Ownership claims and exact general-case answers, transcribed from Kafka 3.5+ AbstractStickyAssignorTest
// (Java method names cited). Kafka runs these for StickyAssignor and CooperativeStickyAssignor alike.
#include <catch2/catch.hpp>

#include <set>
#include <sstream>

#include "sim/assign/sticky_assignor.h"
#include "test_util.h"

using namespace kafkasim::assign;
using namespace kafkasim::assign::testing;

namespace {

constexpr std::int32_t kGen = 1;
using TpSet = std::set<TopicPartition>;

TpSet as_set(const std::vector<TopicPartition>& v) { return TpSet(v.begin(), v.end()); }

// "t1-0, t1-3, t2-0" -> partitions (the format of Kafka's verifyRackAssignment).
std::vector<TopicPartition> parse(const std::string& list) {
  std::vector<TopicPartition> out;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto start = item.find_first_not_of(' ');
    if (start == std::string::npos) continue;
    item = item.substr(start);
    const auto dash = item.rfind('-');
    out.push_back({item.substr(0, dash), std::stoi(item.substr(dash + 1))});
  }
  return out;
}

// Kafka's verifyRackAssignment without racks: members consumer0..N-1, generation DEFAULT_GENERATION.
std::vector<MemberSubscription> rack_test_members(const std::vector<std::vector<std::string>>& topics,
                                                  const std::vector<std::string>& owned) {
  std::vector<MemberSubscription> members;
  for (std::size_t i = 0; i < topics.size(); ++i) {
    members.push_back(member("consumer" + std::to_string(i), topics[i], i < owned.size() ? parse(owned[i]) : std::vector<TopicPartition>{}));
  }
  return members;
}

void check_assignment(const Assignment& a, const std::vector<std::string>& expected) {
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("consumer" << i);
    CHECK(a.at("consumer" + std::to_string(i)) == sorted(parse(expected[i])));
  }
}

const PartitionsPerTopic kRackTopics{{"t1", 6}, {"t2", 7}, {"t3", 2}};
const std::vector<std::string> kAll{"t1", "t2", "t3"};

}  // namespace

TEST_CASE("the highest generation wins every conflicting claim (AbstractStickyAssignorTest.testEnsurePartitionsAssignedToHighestGeneration)") {
  const std::vector<std::string> topics{"topic", "topic2", "topic3"};
  const auto r = sticky_assign({{"topic", 3}, {"topic2", 3}, {"topic3", 3}},
                               {member("consumer1", topics, {tp("topic", 0), tp("topic2", 0), tp("topic3", 0)}, 10),
                                member("consumer2", topics, {tp("topic", 1), tp("topic2", 1), tp("topic3", 1)}, 9),
                                member("consumer3", topics, {tp("topic2", 1), tp("topic3", 0), tp("topic3", 2)}, 8)});
  CHECK(as_set(r.assignment.at("consumer1")) == TpSet{tp("topic", 0), tp("topic2", 0), tp("topic3", 0)});
  CHECK(as_set(r.assignment.at("consumer2")) == TpSet{tp("topic", 1), tp("topic2", 1), tp("topic3", 1)});
  CHECK(as_set(r.assignment.at("consumer3")) == TpSet{tp("topic", 2), tp("topic2", 2), tp("topic3", 2)});
  CHECK(r.transferring->empty());
}

TEST_CASE("current owners keep their partitions and a newcomer gets the rest (AbstractStickyAssignorTest.testNoReassignmentOnCurrentMembers)") {
  const std::vector<std::string> topics{"topic", "topic2", "topic3", "topic1"};
  const auto r = sticky_assign({{"topic", 3}, {"topic1", 3}, {"topic2", 3}, {"topic3", 3}},
                               {member("consumer1", topics, {}, -1),
                                member("consumer2", topics, {tp("topic", 0), tp("topic2", 0), tp("topic1", 0)}, 9),
                                member("consumer3", topics, {tp("topic3", 2), tp("topic2", 2), tp("topic1", 1)}, 8),
                                member("consumer4", topics, {tp("topic3", 1), tp("topic", 1), tp("topic", 2)}, 7)});
  CHECK(as_set(r.assignment.at("consumer1")) == TpSet{tp("topic1", 2), tp("topic2", 1), tp("topic3", 0)});
  CHECK(r.transferring->empty());
}

TEST_CASE("claims of an older generation lose to a newer one (AbstractStickyAssignorTest.testOwnedPartitionsAreInvalidatedForConsumerWithMultipleGeneration)") {
  const std::vector<std::string> topics{"topic", "topic2"};
  const auto r = sticky_assign({{"topic", 3}, {"topic2", 3}},
                               {member("consumer1", topics, {tp("topic", 0), tp("topic2", 1), tp("topic", 1)}, 10),
                                member("consumer2", topics, {tp("topic", 0), tp("topic2", 1), tp("topic2", 2)}, 8)});
  CHECK(as_set(r.assignment.at("consumer1")) == TpSet{tp("topic", 0), tp("topic2", 1), tp("topic", 1)});
  CHECK(as_set(r.assignment.at("consumer2")) == TpSet{tp("topic", 2), tp("topic2", 2), tp("topic2", 0)});
  CHECK(r.transferring->empty());
}

TEST_CASE("topics without metadata are skipped (AbstractStickyAssignorTest.testAssignmentUpdatedForDeletedTopic)") {
  const auto r = sticky_assign({{"topic1", 1}, {"topic3", 100}}, {member("consumer", {"topic1", "topic2", "topic3"})});
  CHECK(r.assignment.at("consumer").size() == 101);
  CHECK(r.transferring->empty());
}

TEST_CASE("an owned topic that was deleted is dropped without error (AbstractStickyAssignorTest.testNoExceptionThrownWhenOnlySubscribedTopicDeleted)") {
  auto r = sticky_assign({{"topic", 3}}, {member("consumer", {"topic"})});
  r = sticky_assign({}, {member("consumer", {"topic"}, r.assignment.at("consumer"), kGen)});
  CHECK(r.assignment.size() == 1);
  CHECK(r.assignment.at("consumer").empty());
  CHECK(r.transferring->empty());
}

TEST_CASE("one partition claimed across three generations in every order (AbstractStickyAssignorTest.testSubscriptionNotEqualAndAssignSamePartitionWith3Generation)") {
  const int orders[6][3] = {{1, 2, 3}, {1, 3, 2}, {2, 1, 3}, {2, 3, 1}, {3, 1, 2}, {3, 2, 1}};
  for (const auto& g : orders) {
    const auto r = sticky_assign({{"topic", 6}, {"topic1", 1}},
                                 {member("consumer1", {"topic"}, {tp("topic", 0), tp("topic", 2)}, g[0]),
                                  member("consumer2", {"topic"}, {tp("topic", 1), tp("topic", 2), tp("topic", 3)}, g[1]),
                                  member("consumer3", {"topic"}, {tp("topic", 2), tp("topic", 4), tp("topic", 5)}, g[2]),
                                  member("consumer4", {"topic1"}, {tp("topic1", 0)}, 2)});
    TpSet all;
    std::size_t total = 0;
    for (const auto& [m, list] : r.assignment) {
      CHECK(list.size() >= 1);
      CHECK(list.size() <= 2);
      total += list.size();
      all.insert(list.begin(), list.end());
    }
    CHECK(total == all.size());
  }
}

TEST_CASE("existing single-partition assignments are moved to balance (AbstractStickyAssignorTest.testMoveExistingAssignments)") {
  PartitionsPerTopic topics;
  for (int i = 1; i <= 6; ++i) topics["topic" + std::to_string(i)] = 1;
  const auto r = sticky_assign(topics, {member("consumer1", {"topic1", "topic2"}, {tp("topic1", 0)}, kGen),
                                        member("consumer2", {"topic1", "topic2", "topic3", "topic4"},
                                               {tp("topic2", 0), tp("topic3", 0)}, kGen),
                                        member("consumer3", {"topic2", "topic3", "topic4", "topic5", "topic6"},
                                               {tp("topic4", 0), tp("topic5", 0), tp("topic6", 0)}, kGen)});
  CHECK_FALSE(r.transferring.has_value());
  std::size_t total = 0;
  for (const auto& [m, list] : r.assignment) total += list.size();
  CHECK(total == 6);
  CHECK(r.assignment.at("consumer1").size() == 1);
}

TEST_CASE("members that stay keep their partition when the leader leaves (AbstractStickyAssignorTest.testStickiness)") {
  const PartitionsPerTopic topics{{"topic1", 3}};
  std::vector<MemberSubscription> members;
  for (int i = 1; i <= 4; ++i) members.push_back(member("consumer" + std::to_string(i), {"topic1"}));
  const auto first = sticky_assign(topics, members);
  for (const auto& [m, list] : first.assignment) CHECK(list.size() <= 1);
  std::vector<MemberSubscription> rest;
  for (int i = 2; i <= 4; ++i) {
    const std::string id = "consumer" + std::to_string(i);
    rest.push_back(member(id, {"topic1"}, first.assignment.at(id), kGen));
  }
  const auto second = sticky_assign(topics, rest);
  CHECK(second.transferring->empty());
  for (const auto& m : rest) {
    REQUIRE(second.assignment.at(m.member_id).size() == 1);
    if (!m.owned_partitions.empty()) CHECK(second.assignment.at(m.member_id) == m.owned_partitions);
  }
}

TEST_CASE("uniform subscriptions without racks (AbstractStickyAssignorTest.testRackAwareAssignmentWithUniformSubscription, non-rack-aware answer)") {
  const std::vector<std::string> expected{"t1-0, t1-3, t2-0, t2-3, t2-6", "t1-1, t1-4, t2-1, t2-4, t3-0",
                                          "t1-2, t1-5, t2-2, t2-5, t3-1"};
  check_assignment(sticky_assign(kRackTopics, rack_test_members({kAll, kAll, kAll}, {})).assignment, expected);
  check_assignment(sticky_assign(kRackTopics, rack_test_members({kAll, kAll, kAll}, expected)).assignment, expected);
}

TEST_CASE("non-equal subscriptions without racks (AbstractStickyAssignorTest.testRackAwareAssignmentWithNonEqualSubscription, non-rack-aware answer)") {
  const std::vector<std::vector<std::string>> subs{kAll, kAll, {"t1", "t3"}};
  const std::vector<std::string> expected{"t1-5, t2-0, t2-2, t2-4, t2-6", "t1-3, t2-1, t2-3, t2-5, t3-0",
                                          "t1-0, t1-1, t1-2, t1-4, t3-1"};
  check_assignment(sticky_assign(kRackTopics, rack_test_members(subs, {})).assignment, expected);
  check_assignment(sticky_assign(kRackTopics, rack_test_members(subs, expected)).assignment, expected);
}

TEST_CASE("cooperative-sticky first revokes, then assigns (AbstractStickyAssignorTest.testRackAwareAssignmentWithNonEqualSubscription, cooperative branch)") {
  const std::vector<std::vector<std::string>> subs{kAll, kAll, {"t1", "t3"}};
  const std::vector<std::string> owned{"t1-0, t1-1, t1-2, t1-3, t1-4", "t1-5, t2-0, t2-1, t2-2, t2-3",
                                       "t2-4, t2-5, t2-6, t3-0, t3-1"};
  const std::vector<std::string> intermediate{"t1-2, t1-3, t1-4", "t2-0, t2-1, t2-2, t2-3", "t3-0, t3-1"};
  const std::vector<std::string> final_assignment{"t1-2, t1-3, t1-4, t2-4, t2-5", "t2-0, t2-1, t2-2, t2-3, t2-6",
                                                  "t1-0, t1-1, t1-5, t3-0, t3-1"};
  const auto first = cooperative_sticky_assign(kRackTopics, rack_test_members(subs, owned));
  check_assignment(first.now, intermediate);
  const auto second = cooperative_sticky_assign(kRackTopics, rack_test_members(subs, intermediate));
  check_assignment(second.now, final_assignment);
  CHECK(second.transferring.empty());
}
