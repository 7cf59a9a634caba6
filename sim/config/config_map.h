#pragma once
// ConfigMap: the configs of one broker, topic, producer or consumer, as a key-ordered map of the values
// that were given explicitly; every getter falls back to Kafka's default from the registry
// (config_def.h). Plain value type: copy it freely. Iteration order is key order (deterministic).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/config/config_def.h"

namespace kafkasim::config {

// Why a (key, text) pair was refused: what was wrong and what was expected instead.
struct ConfigError {
  std::string what;      // "unknown producer config 'lingr.ms' (did you mean 'linger.ms'?)", "invalid acks"
  std::string expected;  // "one of all, -1, 0, 1, got '2'"
};

class ConfigMap {
 public:
  explicit ConfigMap(Scope scope = Scope::kBroker) : scope_(scope) {}

  Scope scope() const { return scope_; }

  // Validates `text` for `key` (registry type and range) and stores it. On error nothing changes.
  std::optional<ConfigError> set(std::string_view key, std::string_view text);
  // Stores an already-typed value. REQUIRES: key is in the registry for this scope and the value has the
  // variant alternative its type uses.
  void set_value(std::string_view key, ConfigValue value);
  void erase(std::string_view key);

  // True when the key was given explicitly (Kafka: originals().containsKey(key)).
  bool contains(std::string_view key) const { return values_.find(key) != values_.end(); }
  // The explicit value, else the default; nullptr when neither exists (Kafka default null).
  // REQUIRES: key is in the registry for this scope.
  std::optional<ConfigValue> find(std::string_view key) const;

  // Typed getters. REQUIRES: key in the registry with a matching type, and a value or non-null default
  // (get_string returns "" for a null default).
  std::int64_t get_int(std::string_view key) const { return get_long(key); }
  std::int64_t get_long(std::string_view key) const;
  double get_double(std::string_view key) const;
  bool get_bool(std::string_view key) const;
  std::string get_string(std::string_view key) const;
  std::vector<std::string> get_list(std::string_view key) const;

  // Explicit values only, in key order.
  const std::map<std::string, ConfigValue, std::less<>>& explicit_values() const { return values_; }
  bool operator==(const ConfigMap&) const = default;

 private:
  Scope scope_;
  std::map<std::string, ConfigValue, std::less<>> values_;
};

// One outcome of resolve_producer_configs.
struct ConfigNote {
  enum class Severity : std::uint8_t { kInfo, kError };
  Severity severity = Severity::kInfo;
  std::string key;      // the config the note is about
  std::string message;  // Kafka's wording where Kafka has one
};

// Kafka 3.x ProducerConfig.postProcessAndValidateIdempotenceConfigs (KIP-679): idempotence is on by
// default; if enable.idempotence was NOT given explicitly and retries=0, acks!=all or
// max.in.flight.requests.per.connection>5, it is silently turned off (an info note; enable.idempotence is
// set to false in `configs`). If it was given explicitly as true, each conflict is an error (Kafka throws
// ConfigException). A transactional.id without idempotence is an error. Also normalizes acks=-1 to "all"
// (Kafka's parseAcks). REQUIRES: configs.scope() == Scope::kProducer.
std::vector<ConfigNote> resolve_producer_configs(ConfigMap& configs);

// acks as Kafka's wire value: -1 (all), 0 or 1. REQUIRES: a producer ConfigMap.
int acks_value(const ConfigMap& producer_configs);

// partition.assignment.strategy as short names in preference order ("range", "cooperative-sticky").
std::vector<std::string> assignors(const ConfigMap& consumer_configs);

}  // namespace kafkasim::config
