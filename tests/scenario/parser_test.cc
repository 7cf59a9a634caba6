// Every key of the scenario format parses into the model (tests/scenario/data/everything.yaml).
#include <catch2/catch.hpp>

#include "sim/core/rng.h"
#include "tests/scenario/test_util.h"

using namespace kafkasim;
using namespace kafkasim::scenario;

using testing::everything;

TEST_CASE("The top-level keys and the source text are kept") {
  const Scenario& s = everything();
  CHECK(s.name == "Everything: acks=1 loses data when the leader dies");
  CHECK(s.description.starts_with("A tour of every scenario key."));
  CHECK(s.seed == 7);
  CHECK(s.duration_us == sec_to_us(60));
  CHECK(s.source_text.starts_with("# Uses every key"));
  CHECK(s.source_hash == fnv1a64(s.source_text));
  CHECK(s.source_name.ends_with("everything.yaml"));
}

TEST_CASE("The cluster reads brokers with racks, broker configs and the network") {
  const Scenario& s = everything();
  REQUIRE(s.cluster.brokers.size() == 3);
  CHECK(s.cluster.brokers[1].id == 2);
  CHECK(s.cluster.brokers[1].rack == "b");
  CHECK(s.cluster.brokers[1].loc.line == 10);
  CHECK(s.cluster.configs.get_int("min.insync.replicas") == 2);
  CHECK(s.cluster.configs.get_long("replica.lag.time.max.ms") == 10000);
  CHECK(s.cluster.network.latency_us == 1000);
  CHECK(s.cluster.network.jitter_us == 200);
  CHECK(s.cluster.network.bandwidth_bytes_per_sec == 125'000'000);
  CHECK(s.cluster.network.loss_ppm == 1000);
}

TEST_CASE("A broker count gives ids 1 to N") {
  const Scenario s = testing::parse_ok(testing::kMinimal);
  REQUIRE(s.cluster.brokers.size() == 3);
  CHECK(s.cluster.brokers[0].id == 1);
  CHECK(s.cluster.brokers[2].id == 3);
}

TEST_CASE("Topics read partitions, replication factor and topic configs") {
  const Scenario& s = everything();
  REQUIRE(s.topics.size() == 2);
  CHECK(s.topics[0].name == "orders");
  CHECK(s.topics[0].partitions == 3);
  CHECK(s.topics[0].replication_factor == 3);
  CHECK(s.topics[1].configs.get_list("cleanup.policy") == std::vector<std::string>{"compact", "delete"});
  CHECK(s.topics[1].configs.get_int("min.insync.replicas") == 2);
}

TEST_CASE("Topic partitions and replication factor default to the broker's num.partitions and default.replication.factor") {
  const Scenario s = testing::parse_ok(
      "name: t\nduration: 1s\ncluster: {brokers: 3, configs: {num.partitions: 4, default.replication.factor: 2}}\n"
      "topics: [{name: a}]\n");
  CHECK(s.topics[0].partitions == 4);
  CHECK(s.topics[0].replication_factor == 2);
}

TEST_CASE("Producers read rate, count, times, keys, headers and resolved configs") {
  const Scenario& s = everything();
  REQUIRE(s.producers.size() == 2);
  const ProducerSpec& p = s.producers[0];
  CHECK(p.id == "checkout");
  CHECK(p.topic == "orders");
  REQUIRE(p.rate);
  CHECK(p.rate->count == 200);
  CHECK(p.rate->per_us == sec_to_us(1));
  CHECK_FALSE(p.count);
  CHECK(p.start_us == sec_to_us(1));
  CHECK(p.stop_us == sec_to_us(50));
  CHECK(p.keys.mode == KeySpec::Mode::kSequential);
  CHECK(p.keys.prefix == "customer-");
  CHECK(p.keys.lo == 0);
  CHECK(p.keys.hi == 99);
  CHECK(p.value_size_bytes == 100);
  CHECK(p.headers.at("source") == "web");
  CHECK(p.configs.get_string("acks") == "1");
  CHECK(p.configs.get_long("linger.ms") == 5);
  CHECK(p.configs.get_string("client.id") == "checkout");
  // Kafka: acks=1 without an explicit enable.idempotence silently turns idempotence off.
  CHECK_FALSE(p.configs.get_bool("enable.idempotence"));
  REQUIRE(p.config_notes.size() == 1);

  const ProducerSpec& b = s.producers[1];
  CHECK(*b.count == 1000);
  CHECK_FALSE(b.rate);
  CHECK(b.keys.mode == KeySpec::Mode::kRandom);
  CHECK(b.configs.get_bool("enable.idempotence"));
  CHECK(b.stop_us == kTimeNever);
}

TEST_CASE("Rates read any time unit") {
  const Scenario s = testing::parse_ok(
      "name: t\nduration: 1s\ncluster: {brokers: 1}\ntopics: [{name: a}]\n"
      "producers: [{id: x, topic: a, rate: 50/100ms}, {id: y, topic: a, rate: 5/ms, keys: fixed}]\n");
  CHECK(s.producers[0].rate->count == 50);
  CHECK(s.producers[0].rate->per_us == 100'000);
  CHECK(s.producers[1].rate->per_us == 1000);
  CHECK(s.producers[1].keys.mode == KeySpec::Mode::kFixed);
  CHECK(s.producers[1].keys.prefix == "fixed");
}

TEST_CASE("Consumer groups read members, processing time, commit strategy and consumer configs") {
  const Scenario& s = everything();
  REQUIRE(s.consumer_groups.size() == 2);
  const ConsumerGroupSpec& g = s.consumer_groups[0];
  CHECK(g.group == "billing");
  CHECK(g.topics == std::vector<std::string>{"orders"});
  REQUIRE(g.members.size() == 2);
  CHECK(g.members[1].name == "2");
  CHECK(g.processing_time_us == 2000);
  CHECK(g.commit == CommitStrategy::kAuto);
  CHECK(g.configs.get_string("auto.offset.reset") == "earliest");
  CHECK(config::assignors(g.configs) == std::vector<std::string>{"cooperative-sticky"});
  CHECK(g.configs.get_string("group.id") == "billing");

  const ConsumerGroupSpec& a = s.consumer_groups[1];
  CHECK(a.topics == std::vector<std::string>{"orders"});
  REQUIRE(a.members.size() == 2);
  CHECK(a.members[0].name == "a");
  CHECK(a.members[0].group_instance_id == "audit-a");
  CHECK(a.members[1].start_us == sec_to_us(5));
  CHECK(a.commit == CommitStrategy::kAfterProcessing);
  CHECK_FALSE(a.configs.get_bool("enable.auto.commit"));
}

TEST_CASE("enable.auto.commit=false without a commit key means commit after processing") {
  const Scenario s = testing::parse_ok(
      "name: t\nduration: 1s\ncluster: {brokers: 1}\ntopics: [{name: a}]\n"
      "consumer_groups: [{group: g, topics: a, configs: {enable.auto.commit: false}}]\n");
  CHECK(s.consumer_groups[0].commit == CommitStrategy::kAfterProcessing);
  CHECK(s.consumer_groups[0].members.size() == 1);
}

TEST_CASE("Processors are exactly-once: read_committed consumers and transactional producers") {
  const Scenario& s = everything();
  REQUIRE(s.processors.size() == 1);
  const ProcessorSpec& p = s.processors[0];
  CHECK(p.id == "enricher");
  CHECK(p.input == "orders");
  CHECK(p.output == "invoices");
  CHECK(p.group == "enricher");
  CHECK(p.transactional_id == "enricher-1");
  CHECK(p.instances == 2);
  CHECK(p.processing_time_us == 1000);
  CHECK(p.commit_interval_us == 100'000);
  CHECK(p.consumer_configs.get_string("isolation.level") == "read_committed");
  CHECK(p.producer_configs.get_string("transactional.id") == "enricher-1");
  CHECK(p.producer_configs.get_bool("enable.idempotence"));
}

TEST_CASE("Expectations are parsed with their time and location") {
  const Scenario& s = everything();
  REQUIRE(s.expectations.size() == 18);
  CHECK(s.expectations[0].text == "lost_acked == 0");
  CHECK_FALSE(s.expectations[0].at_us);
  CHECK(s.expectations[7].at_us == sec_to_us(30));
  CHECK(s.expectations[7].text == "isr(orders-0) == [1,3]");
  CHECK(s.expectations[7].loc.column == 24);  // inside the quotes
  CHECK(s.expectations[0].root.kind == Expr::Kind::kCompare);
}

TEST_CASE("processor(id).member expectations name a processor and one of its counts") {
  std::string text = std::string(testing::kMinimal);
  text.erase(text.find("topics: [{name: orders, partitions: 3, replication.factor: 3}]\n"),
             std::string("topics: [{name: orders, partitions: 3, replication.factor: 3}]\n").size());
  text += "topics: [{name: orders, partitions: 3, replication.factor: 3}, "
          "{name: invoices, partitions: 3, replication.factor: 3}]\n"
          "processors: [{id: enricher, input: orders, output: invoices}]\n";
  const Scenario s = testing::parse_ok(text +
                                       "expectations:\n"
                                       "  - \"processor(enricher).semantics == exactly-once\"\n"
                                       "  - \"processor(enricher).duplicates == 0 and processor(enricher).missing == 0\"\n");
  CHECK(s.expectations.size() == 2);
  const std::string err = testing::only_error(text + "expectations: [\"processor(enricher).dupes == 0\"]\n");
  CHECK_THAT(err, Catch::Contains("s.yaml:") && Catch::Contains("duplicates"));
}
