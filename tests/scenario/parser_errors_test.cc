// Every class of scenario error is reported as file:line:column with what was expected.
#include <catch2/catch.hpp>

#include "tests/scenario/test_util.h"

using namespace kafkasim::scenario;
using kafkasim::scenario::testing::errors_of;
using kafkasim::scenario::testing::kMinimal;
using kafkasim::scenario::testing::only_error;

namespace {
std::string with(const std::string& extra) { return std::string(kMinimal) + extra; }
}  // namespace

TEST_CASE("The minimal scenario is valid") { CHECK(errors_of(kMinimal).empty()); }

TEST_CASE("An unknown top-level key gets a did-you-mean") {
  CHECK(only_error(with("expectatons: []\n")) ==
        "s.yaml:7:1: error: unknown key 'expectatons' in the scenario (did you mean 'expectations'?); expected one "
        "of name, description, seed, duration, cluster, topics, producers, consumer_groups, processors, timeline, "
        "expectations");
}

TEST_CASE("An unknown key inside a producer gets a did-you-mean") {
  CHECK(only_error(with("processors: [{id: e, inptu: orders, output: orders}]\n")).starts_with(
      "s.yaml:7:22: error: unknown key 'inptu' in a processor (did you mean 'input'?)"));
}

TEST_CASE("An unknown Kafka config key gets a did-you-mean") {
  CHECK(only_error("name: t\nduration: 1s\ncluster: {brokers: 1, configs: {min.insync.replica: 2}}\n") ==
        "s.yaml:3:33: error: unknown broker config 'min.insync.replica' (did you mean 'min.insync.replicas'?); "
        "expected a Kafka broker config key (see docs/scenarios.md)");
}

TEST_CASE("A wrong type is reported at the value") {
  CHECK(only_error("name: t\nduration: 1s\ncluster: {brokers: [a]}\n") ==
        "s.yaml:3:21: error: invalid broker id 'a'; expected an integer from 0 to 2147483647");
  CHECK(only_error("name: t\nduration: 1s\ncluster: {brokers: {x: 1}}\n")
            .starts_with("s.yaml:3:20: error: cluster.brokers must be a list, got a mapping"));
  CHECK(only_error("name: t\nseed: [1]\nduration: 1s\ncluster: {brokers: 1}\n") ==
        "s.yaml:2:7: error: seed must be a single value, got a list; expected a value");
}

TEST_CASE("acks=2 is an invalid Kafka config value") {
  CHECK(only_error("name: t\nduration: 1s\ncluster: {brokers: 1}\ntopics: [{name: a}]\n"
                   "producers: [{id: p, topic: a, count: 1, configs: {acks: 2}}]\n") ==
        "s.yaml:5:57: error: invalid value for acks; expected one of all, -1, 0, 1, got '2'");
}

TEST_CASE("A negative retention.ms is an invalid Kafka config value") {
  CHECK(only_error("name: t\nduration: 1s\ncluster: {brokers: 1}\n"
                   "topics: [{name: a, configs: {retention.ms: -5}}]\n") ==
        "s.yaml:4:44: error: invalid value for retention.ms; expected milliseconds (an integer, or a duration "
        "such as 5s) >= -1, got -5");
}

TEST_CASE("Explicit idempotence with acks=1 is Kafka's ConfigException") {
  CHECK(only_error("name: t\nduration: 1s\ncluster: {brokers: 1}\ntopics: [{name: a}]\n"
                   "producers: [{id: p, topic: a, count: 1, configs: {acks: 1, enable.idempotence: true}}]\n")
            .starts_with("s.yaml:5:50: error: conflicting producer configs: Must set acks to all"));
}

TEST_CASE("An unknown broker in the timeline is reported with the known ids") {
  CHECK(only_error(with("timeline: [{at: 1s, crash: broker 4}]\n")) ==
        "s.yaml:7:28: error: unknown broker 'broker 4'; expected a broker of the cluster, such as 'broker 1' (ids "
        "1, 2, 3)");
}

TEST_CASE("An unknown topic gets a did-you-mean") {
  CHECK(only_error(with("producers2: 1\n")).find("did you mean 'producers'") != std::string::npos);
  CHECK(only_error("name: t\nduration: 1s\ncluster: {brokers: 1}\ntopics: [{name: orders}]\n"
                   "producers: [{id: p, topic: order, count: 1}]\n") ==
        "s.yaml:5:28: error: unknown topic 'order' (did you mean 'orders'?); expected one of orders");
}

TEST_CASE("An unknown group or member in the timeline is reported") {
  CHECK(only_error(with("timeline: [{at: 1s, kill_consumer: biling/1}]\n")) ==
        "s.yaml:7:36: error: unknown consumer group 'biling' (did you mean 'billing'?); expected one of billing");
  CHECK(only_error(with("timeline: [{at: 1s, kill_consumer: billing/7}]\n"))
            .starts_with("s.yaml:7:36: error: unknown member of group billing: '7'"));
}

TEST_CASE("A timeline out of order is reported at the later entry") {
  CHECK(only_error(with("timeline:\n  - {at: 5s, crash: 1}\n  - {at: 2s, restart: 1}\n")) ==
        "s.yaml:9:10: error: timeline out of order: 2.000s comes after 5.000s; expected entries in ascending time order");
}

TEST_CASE("A time after the end of the scenario is reported") {
  CHECK(only_error(with("timeline: [{at: 61s, crash: 1}]\n")).starts_with("s.yaml:7:17: error: time 61.000s is after"));
}

TEST_CASE("A bad duration says which units exist") {
  CHECK(only_error(with("timeline: [{at: 10, crash: 1}]\n")) ==
        "s.yaml:7:17: error: invalid time '10'; expected a duration such as 250ms, 12s, 1.5s, 5m, 1h or 35us (the "
        "unit is missing)");
  CHECK(only_error("name: t\nduration: 5 parsecs\ncluster: {brokers: 1}\n").starts_with("s.yaml:2:11: error: invalid duration"));
}

TEST_CASE("A bad expression points into the expression") {
  CHECK(only_error(with("expectations: [\"isr(orders-0) == [1,2\"]\n")) ==
        "s.yaml:7:38: error: in expectation: unexpected end of expression; expected ',' or ']'");
  CHECK(only_error(with("expectations: [lost_ackd == 0]\n")).starts_with(
      "s.yaml:7:16: error: in expectation: unknown function 'lost_ackd' (did you mean 'lost_acked'?)"));
  CHECK(only_error(with("expectations: [duplicates(group=bling) > 0]\n")) ==
        "s.yaml:7:27: error: in expectation: unknown group 'bling' (did you mean 'billing'?); expected one of billing");
  CHECK(only_error(with("expectations: [\"isr(orders-3) == [1]\"]\n")) ==
        "s.yaml:7:21: error: in expectation: topic 'orders' has no partition 3; expected a partition from 0 to 2");
}

TEST_CASE("YAML syntax errors are reported with their position") {
  CHECK(only_error("name: t\nduration: 1s\ncluster: {brokers: 1\n").starts_with("s.yaml:4:1: error: YAML syntax error"));
}

TEST_CASE("Missing required keys and empty values are reported") {
  const auto errors = errors_of("name:\ncluster: {brokers: 1}\n");
  REQUIRE(errors.size() == 2);
  CHECK(errors[0] == "s.yaml:1:1: error: 'name' has no value; expected a value after 'name:'");
  CHECK(errors[1] == "s.yaml:1:1: error: the scenario has no 'duration'; expected 'duration: 60s'");
  CHECK(only_error("") == "s.yaml:1:1: error: the scenario file is empty; expected name:, duration: and cluster: at least");
}

TEST_CASE("All errors are reported, up to a limit") {
  std::string text = "name: t\nduration: 1s\ncluster: {brokers: 1}\ntimeline:\n";
  for (int i = 0; i < 30; ++i) text += "  - {at: 1s, crash: 9}\n";
  const ParseResult r = parse_scenario_text(text, "s.yaml");
  CHECK(r.errors.size() == ErrorList::kMax);
  CHECK(r.errors_dropped == 10);
  CHECK(r.error_text().ends_with("... and 10 more errors\n"));
}

TEST_CASE("A missing file is one error") {
  const ParseResult r = parse_scenario_file("/nonexistent/x.yaml");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].str() == "/nonexistent/x.yaml: error: cannot open the file; expected a readable scenario file");
}

TEST_CASE("Two actions in one timeline entry are refused") {
  CHECK(only_error(with("timeline: [{at: 1s, crash: 1, restart: 2}]\n")).starts_with(
      "s.yaml:7:40: error: two actions in one timeline entry ('crash' and 'restart')"));
}

TEST_CASE("add_partitions must grow the topic") {
  CHECK(only_error(with("timeline: [{at: 1s, add_partitions: orders, count: 2}]\n")).starts_with(
      "s.yaml:7:52: error: add_partitions count 2 does not grow orders (it has 3)"));
}

TEST_CASE("client.id and group.id in configs may not contradict the scenario's names") {
  CHECK(only_error("name: t\nduration: 1s\ncluster: {brokers: 1}\ntopics: [{name: a}]\n"
                   "producers: [{id: p, topic: a, count: 1, configs: {client.id: q}}]\n") ==
        "s.yaml:5:50: error: client.id 'q' contradicts the producer id 'p'; expected no client.id in configs (it "
        "is set from the producer id)");
  CHECK(only_error("name: t\nduration: 1s\ncluster: {brokers: 1}\ntopics: [{name: a}]\n"
                   "consumer_groups: [{group: g, topics: a, configs: {group.id: h}}]\n")
            .starts_with("s.yaml:5:50: error: group.id 'h' contradicts the group name 'g'"));
}

TEST_CASE("A default replication factor larger than the cluster is reported at the topic") {
  CHECK(only_error("name: t\nduration: 1s\ncluster: {brokers: 1, configs: {default.replication.factor: 3}}\n"
                   "topics: [{name: a}]\n")
            .starts_with("s.yaml:4:10: error: replication.factor 3 is larger than the 1 brokers"));
}

TEST_CASE("Errors in a block-scalar expectation point into its text") {
  CHECK(only_error(with("expectations:\n  - expect: |\n      lag(biling) < 5\n")).starts_with(
      "s.yaml:9:11: error: in expectation: unknown group 'biling'"));
}
