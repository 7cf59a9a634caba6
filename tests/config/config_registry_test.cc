// The Kafka config registry: defaults, validation of (key, text) pairs, did-you-mean.
#include <catch2/catch.hpp>

#include "sim/config/config_def.h"
#include "sim/config/config_map.h"
#include "sim/config/suggest.h"

using namespace kafkasim::config;

TEST_CASE("Every registry default parses with its own validator") {
  for (Scope s : {Scope::kBroker, Scope::kTopic, Scope::kProducer, Scope::kConsumer}) {
    for (const ConfigDef* def : configs_of(s)) {
      INFO(def->key);
      if (def->default_text != nullptr) CHECK(default_value(*def).has_value());
      CHECK(!def->doc.empty());
    }
  }
}

TEST_CASE("Getters fall back to Kafka 3.x defaults") {
  ConfigMap p(Scope::kProducer);
  CHECK(p.get_string("acks") == "all");
  CHECK(p.get_bool("enable.idempotence"));
  CHECK(p.get_long("linger.ms") == 0);
  CHECK(p.get_int("batch.size") == 16384);
  CHECK(p.get_int("max.in.flight.requests.per.connection") == 5);
  CHECK(p.get_int("retries") == 2147483647);
  CHECK(p.get_long("retry.backoff.ms") == 100);
  CHECK(p.get_int("delivery.timeout.ms") == 120000);
  CHECK(p.get_int("request.timeout.ms") == 30000);
  CHECK(p.get_string("compression.type") == "none");
  CHECK(p.get_string("transactional.id").empty());
  CHECK_FALSE(p.find("partitioner.class").has_value());

  ConfigMap t(Scope::kTopic);
  CHECK(t.get_long("retention.ms") == 604800000);
  CHECK(t.get_long("retention.bytes") == -1);
  CHECK(t.get_int("segment.bytes") == 1073741824);
  CHECK(t.get_list("cleanup.policy") == std::vector<std::string>{"delete"});
  CHECK(t.get_double("min.cleanable.dirty.ratio") == 0.5);
  CHECK(t.get_long("max.compaction.lag.ms") == INT64_MAX);

  ConfigMap b(Scope::kBroker);
  CHECK(b.get_int("min.insync.replicas") == 1);
  CHECK_FALSE(b.get_bool("unclean.leader.election.enable"));
  CHECK(b.get_int("offsets.topic.num.partitions") == 50);
  CHECK(b.get_int("broker.session.timeout.ms") == 9000);
  CHECK(b.get_int("group.initial.rebalance.delay.ms") == 3000);

  ConfigMap c(Scope::kConsumer);
  CHECK(c.get_string("auto.offset.reset") == "latest");
  CHECK(c.get_int("session.timeout.ms") == 45000);
  CHECK(c.get_string("isolation.level") == "read_uncommitted");
  CHECK(assignors(c) == std::vector<std::string>{"range", "cooperative-sticky"});
}

TEST_CASE("Set validates values and refuses acks=2 and negative retention.ms") {
  ConfigMap p(Scope::kProducer);
  CHECK_FALSE(p.set("acks", "1"));
  CHECK(acks_value(p) == 1);
  auto err = p.set("acks", "2");
  REQUIRE(err);
  CHECK(err->expected == "one of all, -1, 0, 1, got '2'");
  CHECK(acks_value(p) == 1);  // unchanged

  ConfigMap t(Scope::kTopic);
  CHECK_FALSE(t.set("retention.ms", "-1"));
  err = t.set("retention.ms", "-5");
  REQUIRE(err);
  CHECK(err->expected.find(">= -1") != std::string::npos);
  CHECK(t.set("min.insync.replicas", "0"));
  CHECK(t.set("min.cleanable.dirty.ratio", "1.5"));
  CHECK(t.set("segment.bytes", "abc"));
  CHECK_FALSE(t.set("cleanup.policy", "compact,delete"));
  CHECK(t.get_list("cleanup.policy") == std::vector<std::string>{"compact", "delete"});
  CHECK(t.set("cleanup.policy", "compact,shred"));
}

TEST_CASE("Millisecond configs also accept durations with a unit") {
  ConfigMap p(Scope::kProducer);
  CHECK_FALSE(p.set("linger.ms", "5s"));
  CHECK(p.get_long("linger.ms") == 5000);
  CHECK(p.set("linger.ms", "1500us"));  // not a whole number of ms
  CHECK(p.set("linger.ms", "5 parsecs"));
}

TEST_CASE("Unknown keys get a did-you-mean suggestion") {
  ConfigMap p(Scope::kProducer);
  auto err = p.set("lingr.ms", "5");
  REQUIRE(err);
  CHECK(err->what == "unknown producer config 'lingr.ms' (did you mean 'linger.ms'?)");
  CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("Assignment strategy accepts class names and short names") {
  ConfigMap c(Scope::kConsumer);
  CHECK_FALSE(c.set("partition.assignment.strategy", "sticky, org.apache.kafka.clients.consumer.RoundRobinAssignor"));
  CHECK(assignors(c) == std::vector<std::string>{"sticky", "roundrobin"});
  CHECK(c.set("partition.assignment.strategy", "fair"));
}

TEST_CASE("Partitioner class accepts a simple class name") {
  ConfigMap p(Scope::kProducer);
  CHECK_FALSE(p.set("partitioner.class", "RoundRobinPartitioner"));
  CHECK(p.get_string("partitioner.class") == "org.apache.kafka.clients.producer.RoundRobinPartitioner");
}

TEST_CASE("Defaults match Kafka 3.7 for the keys the simulator depends on") {
  struct Row {
    Scope scope;
    const char* key;
    const char* kafka_default;
  };
  const Row rows[] = {
      {Scope::kBroker, "replica.lag.time.max.ms", "30000"},
      {Scope::kBroker, "default.replication.factor", "1"},
      {Scope::kBroker, "num.partitions", "1"},
      {Scope::kBroker, "offsets.topic.num.partitions", "50"},
      {Scope::kBroker, "offsets.topic.replication.factor", "3"},
      {Scope::kBroker, "transaction.state.log.num.partitions", "50"},
      {Scope::kBroker, "broker.heartbeat.interval.ms", "2000"},
      {Scope::kBroker, "log.flush.interval.messages", "9223372036854775807"},
      {Scope::kBroker, "transaction.max.timeout.ms", "900000"},
      {Scope::kBroker, "transactional.id.expiration.ms", "604800000"},
      {Scope::kTopic, "segment.ms", "604800000"},
      {Scope::kTopic, "delete.retention.ms", "86400000"},
      {Scope::kTopic, "min.compaction.lag.ms", "0"},
      {Scope::kTopic, "message.timestamp.type", "CreateTime"},
      {Scope::kTopic, "flush.messages", "9223372036854775807"},
      {Scope::kTopic, "flush.ms", "9223372036854775807"},
      {Scope::kTopic, "index.interval.bytes", "4096"},
      {Scope::kTopic, "unclean.leader.election.enable", "false"},
      {Scope::kProducer, "transaction.timeout.ms", "60000"},
      {Scope::kProducer, "partitioner.ignore.keys", "false"},
      {Scope::kProducer, "partitioner.adaptive.partitioning.enable", "true"},
      {Scope::kConsumer, "enable.auto.commit", "true"},
      {Scope::kConsumer, "auto.commit.interval.ms", "5000"},
      {Scope::kConsumer, "max.poll.records", "500"},
      {Scope::kConsumer, "max.poll.interval.ms", "300000"},
      {Scope::kConsumer, "heartbeat.interval.ms", "3000"},
      {Scope::kConsumer, "fetch.min.bytes", "1"},
      {Scope::kConsumer, "fetch.max.wait.ms", "500"},
      {Scope::kConsumer, "max.partition.fetch.bytes", "1048576"},
      {Scope::kConsumer, "fetch.max.bytes", "52428800"},
  };
  for (const Row& row : rows) {
    INFO(scope_name(row.scope) << " " << row.key);
    const ConfigDef* def = find_config(row.scope, row.key);
    REQUIRE(def != nullptr);
    CHECK(format_value(*default_value(*def)) == row.kafka_default);
  }
  CHECK(find_config(Scope::kConsumer, "group.instance.id")->default_text == nullptr);
  CHECK(find_config(Scope::kProducer, "transactional.id")->default_text == nullptr);
  CHECK(find_config(Scope::kBroker, "log.flush.interval.ms")->default_text == nullptr);
}
