// Every timeline action kind parses into a TimelineEvent with its parameters.
#include <catch2/catch.hpp>

#include "tests/scenario/test_util.h"

using namespace kafkasim;
using namespace kafkasim::scenario;

using testing::everything;

namespace {

const TimelineEvent& first(ActionKind kind) {
  for (const auto& ev : everything().timeline) {
    if (ev.kind == kind) return ev;
  }
  FAIL("no event of kind " << action_name(kind));
  return everything().timeline.front();
}
}  // namespace

TEST_CASE("The timeline is in time order and every action kind appears") {
  const auto& t = everything().timeline;
  for (std::size_t i = 1; i < t.size(); ++i) CHECK(t[i - 1].at_us <= t[i].at_us);
  for (int k = 0; k <= static_cast<int>(ActionKind::kNarrate); ++k) {
    INFO(action_name(static_cast<ActionKind>(k)));
    CHECK(std::any_of(t.begin(), t.end(), [&](const auto& ev) { return ev.kind == static_cast<ActionKind>(k); }));
  }
}

TEST_CASE("Broker actions name their broker, with or without the word broker") {
  CHECK(first(ActionKind::kCrash).nodes.at(0).broker == 2);
  CHECK(first(ActionKind::kCrash).narration == "Broker 2 is gone. Which offsets survive?");
  CHECK(first(ActionKind::kRestart).nodes.at(0).broker == 2);
  CHECK(first(ActionKind::kPowerLoss).nodes.at(0).broker == 1);
  CHECK(first(ActionKind::kShutdown).nodes.at(0).broker == 3);
}

TEST_CASE("Network actions read groups, directions, latency, loss and durations") {
  const auto& p = first(ActionKind::kPartition);
  REQUIRE(p.groups.size() == 2);
  CHECK(p.groups[1].size() == 2);
  CHECK(p.for_us == sec_to_us(5));
  const auto& o = first(ActionKind::kOneWay);
  REQUIRE(o.groups.size() == 2);
  CHECK(o.groups[1].at(1).kind == NodeRef::Kind::kProducer);
  CHECK(o.groups[1].at(1).name == "checkout");
  CHECK(first(ActionKind::kIsolate).nodes.at(0).broker == 3);
  const auto& l = first(ActionKind::kLinkLatency);
  CHECK(l.delay_us == 50'000);
  CHECK(l.jitter_us == 5'000);
  CHECK(l.groups.at(1).size() == 2);
  const auto& loss = first(ActionKind::kLinkLoss);
  CHECK(loss.loss_ppm == 100'000);
  CHECK(loss.groups.at(0).at(0).describe() == "producer checkout");
  CHECK(first(ActionKind::kHeal).at_us == sec_to_us(16));
}

TEST_CASE("Pause, disk, corruption and clock actions read their parameters") {
  CHECK(first(ActionKind::kPause).for_us == sec_to_us(20));
  CHECK(first(ActionKind::kResume).nodes.at(0).broker == 3);
  CHECK(first(ActionKind::kSlowDisk).delay_us == 20'000);
  CHECK(first(ActionKind::kDiskFull).for_us == sec_to_us(5));
  const auto& c = first(ActionKind::kCorruptSegment);
  CHECK(c.nodes.at(0).broker == 1);
  CHECK(c.topic == "orders");
  CHECK(c.partition == 0);
  CHECK(c.position == 1234);
  const auto& random = everything().timeline[16];
  CHECK(random.kind == ActionKind::kCorruptSegment);
  CHECK_FALSE(random.position.has_value());
  CHECK(first(ActionKind::kClockSkew).delay_us == -sec_to_us(5));
}

TEST_CASE("Consumer actions name group/member, including members added earlier") {
  const auto& add = first(ActionKind::kAddConsumer);
  CHECK(add.group == "billing");
  CHECK(add.member == "3");
  const auto& add2 = everything().timeline[19];
  CHECK(add2.member == "late");
  CHECK(add2.group_instance_id == "billing-late");
  CHECK(first(ActionKind::kRemoveConsumer).nodes.at(0).describe() == "consumer billing/1");
  CHECK(first(ActionKind::kKillConsumer).nodes.at(0).name == "3");
  const auto& slow = first(ActionKind::kSlowConsumer);
  CHECK(slow.nodes.at(0).name == "late");
  CHECK(slow.delay_us == 50'000);
}

TEST_CASE("Producer, partition and config actions read their targets") {
  CHECK(first(ActionKind::kStopProducer).nodes.at(0).name == "checkout");
  CHECK(first(ActionKind::kStartProducer).nodes.at(0).kind == NodeRef::Kind::kProducer);
  const auto& ap = first(ActionKind::kAddPartitions);
  CHECK(ap.topic == "orders");
  CHECK(ap.count == 6);
  std::vector<const TimelineEvent*> changes;
  for (const auto& ev : everything().timeline) {
    if (ev.kind == ActionKind::kChangeConfig) changes.push_back(&ev);
  }
  REQUIRE(changes.size() == 3);  // one event per changed key
  CHECK(changes[0]->change.scope == config::Scope::kTopic);
  CHECK(changes[0]->change.target == "orders");
  CHECK(changes[2]->change.scope == config::Scope::kBroker);
  CHECK(changes[2]->change.target.empty());  // broker: all
  CHECK(changes[2]->change.key == "unclean.leader.election.enable");
  CHECK(std::get<bool>(changes[2]->change.value));
}

TEST_CASE("Narration and pause points stand alone or ride along an action") {
  const auto& t = everything().timeline;
  CHECK(t.front().kind == ActionKind::kNarrate);
  CHECK(t.front().pause_point);
  CHECK(t.back().kind == ActionKind::kNarrate);
  CHECK(t.back().pause_point);
  CHECK(t.back().narration.empty());
}

TEST_CASE("crash, power_loss and restart accept a processor id but not a producer") {
  const std::string base = std::string(testing::kMinimal) +
                           "topics: [{name: orders, partitions: 3, replication.factor: 3}, "
                           "{name: invoices, partitions: 3, replication.factor: 3}]\n"
                           "processors: [{id: enricher, input: orders, output: invoices}]\n";
  // kMinimal already has a topics key: replace it instead of repeating it.
  std::string text = base;
  text.erase(text.find("topics: [{name: orders, partitions: 3, replication.factor: 3}]\n"),
             std::string("topics: [{name: orders, partitions: 3, replication.factor: 3}]\n").size());
  const Scenario s = testing::parse_ok(text +
                                       "timeline:\n"
                                       "  - {at: 5s, crash: enricher}\n"
                                       "  - {at: 6s, restart: enricher}\n"
                                       "  - {at: 7s, power_loss: enricher}\n");
  REQUIRE(s.timeline.size() == 3);
  for (const auto& ev : s.timeline) {
    CHECK(ev.nodes.at(0).kind == NodeRef::Kind::kProcessor);
    CHECK(ev.nodes.at(0).name == "enricher");
  }
  const std::string err = testing::only_error(text + "timeline:\n  - {at: 5s, crash: checkout}\n");
  CHECK_THAT(err, Catch::Contains("s.yaml:9:") && Catch::Contains("checkout") && Catch::Contains("broker 1") && Catch::Contains("enricher"));
}
