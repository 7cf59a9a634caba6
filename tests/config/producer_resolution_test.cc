// Kafka 3.x ProducerConfig idempotence resolution (KIP-679).
#include <catch2/catch.hpp>

#include "sim/config/config_map.h"

using namespace kafkasim::config;

namespace {
ConfigMap producer(std::initializer_list<std::pair<const char*, const char*>> kv) {
  ConfigMap m(Scope::kProducer);
  for (const auto& [k, v] : kv) REQUIRE_FALSE(m.set(k, v));
  return m;
}
bool has_error(const std::vector<ConfigNote>& notes) {
  for (const auto& n : notes) {
    if (n.severity == ConfigNote::Severity::kError) return true;
  }
  return false;
}
}  // namespace

TEST_CASE("Defaults keep idempotence on with no notes") {
  ConfigMap m = producer({});
  CHECK(resolve_producer_configs(m).empty());
  CHECK(m.get_bool("enable.idempotence"));
}

TEST_CASE("acks=1 without explicit idempotence silently disables it") {
  ConfigMap m = producer({{"acks", "1"}});
  const auto notes = resolve_producer_configs(m);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].severity == ConfigNote::Severity::kInfo);
  CHECK(notes[0].message == "Idempotence will be disabled because acks is set to 1, not set to 'all'.");
  CHECK_FALSE(m.get_bool("enable.idempotence"));
}

TEST_CASE("retries=0 or more than 5 in flight also disable implicit idempotence") {
  ConfigMap a = producer({{"retries", "0"}});
  CHECK_FALSE(has_error(resolve_producer_configs(a)));
  CHECK_FALSE(a.get_bool("enable.idempotence"));
  ConfigMap b = producer({{"max.in.flight.requests.per.connection", "6"}});
  CHECK_FALSE(has_error(resolve_producer_configs(b)));
  CHECK_FALSE(b.get_bool("enable.idempotence"));
}

TEST_CASE("Explicit enable.idempotence=true with acks=0 is an error") {
  ConfigMap m = producer({{"acks", "0"}, {"enable.idempotence", "true"}});
  const auto notes = resolve_producer_configs(m);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].severity == ConfigNote::Severity::kError);
  CHECK(notes[0].key == "acks");
}

TEST_CASE("A transactional.id needs idempotence") {
  ConfigMap ok = producer({{"transactional.id", "t1"}});
  CHECK_FALSE(has_error(resolve_producer_configs(ok)));
  ConfigMap bad = producer({{"transactional.id", "t1"}, {"acks", "1"}});
  CHECK(has_error(resolve_producer_configs(bad)));
  ConfigMap off = producer({{"transactional.id", "t1"}, {"enable.idempotence", "false"}});
  CHECK(has_error(resolve_producer_configs(off)));
}

TEST_CASE("acks=-1 is normalized to all") {
  ConfigMap m = producer({{"acks", "-1"}});
  CHECK(resolve_producer_configs(m).empty());
  CHECK(m.get_string("acks") == "all");
}
