#pragma once
// The Kafka config registry: every Kafka config key kafkasim models, for four scopes (broker, topic,
// producer, consumer), with its type, Kafka's default (Apache Kafka 3.7/3.8), its valid range or values and
// one line of documentation. The table is static data (config_table.cc); nothing here owns state.
//
// Scenario files, the CLI and the engine name configs exactly as Kafka does ("min.insync.replicas"), so a
// lesson's YAML reads like a server.properties / producer.properties file. Values are checked the way
// Kafka's ConfigDef validators do (ConfigDef.Range.atLeast / between, ValidString.in, ValidList).
// Simplification: only keys that change simulated behaviour (or that a teacher expects to see) are listed;
// security, metrics and serializer keys are not.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace kafkasim::config {

enum class Scope : std::uint8_t { kBroker, kTopic, kProducer, kConsumer };

// Kafka's ConfigDef.Type, plus kDurationMs (a Kafka LONG/INT in milliseconds that a scenario may also
// write as a duration such as "5s") and kEnum (a STRING restricted to ValidString.in(...)).
enum class ConfigType : std::uint8_t { kInt, kLong, kDouble, kBool, kString, kList, kEnum, kDurationMs, kClass };

// A typed config value. kInt, kLong and kDurationMs (in ms) are int64; kString, kEnum, kClass are strings;
// kList is a list of strings.
using ConfigValue = std::variant<std::int64_t, bool, double, std::string, std::vector<std::string>>;

struct ConfigDef {
  std::string_view key;
  Scope scope = Scope::kBroker;
  ConfigType type = ConfigType::kString;
  // Kafka's default as Kafka writes it ("all", "604800000", "delete", "range,cooperative-sticky");
  // nullptr when Kafka's default is null (the key is unset unless given).
  const char* default_text = nullptr;
  std::int64_t min = INT64_MIN;  // inclusive bounds for numbers (kDouble: bounds too)
  std::int64_t max = INT64_MAX;
  // kEnum / kList / kClass: the allowed values separated by '|' (empty: any value).
  std::string_view allowed;
  std::string_view doc;
};

std::string_view scope_name(Scope scope);  // "broker", "topic", "producer", "consumer"
std::optional<Scope> parse_scope(std::string_view text);

// nullptr when `key` is not a config kafkasim knows in `scope`.
const ConfigDef* find_config(Scope scope, std::string_view key);
// Every config of `scope`, in key order.
std::vector<const ConfigDef*> configs_of(Scope scope);

// Result of checking one (key, text) pair: the typed value, or what was expected.
struct ConfigParse {
  std::optional<ConfigValue> value;
  std::string error;  // when value is empty: "expected ..." text without the word "expected"
};

// Parses and validates `text` for `def` (numbers, "true"/"false", an allowed value, a comma-separated
// list, a duration for kDurationMs). REQUIRES: def is a registry entry.
ConfigParse parse_config_value(const ConfigDef& def, std::string_view text);
// The default of `def` as a typed value, or nullopt when Kafka's default is null.
std::optional<ConfigValue> default_value(const ConfigDef& def);
// Kafka's text form of a value ("all", "1000", "true", "range,sticky").
std::string format_value(const ConfigValue& value);

// "did you mean 'linger.ms'?" candidates for an unknown key: the closest keys of `scope` by edit distance.
std::vector<std::string> suggest_keys(Scope scope, std::string_view key);

// Short assignor names for the class names Kafka also accepts in partition.assignment.strategy:
// org.apache.kafka.clients.consumer.RangeAssignor -> range, ... CooperativeStickyAssignor ->
// cooperative-sticky. Unknown names are returned unchanged.
std::string assignor_short_name(std::string_view name);

}  // namespace kafkasim::config
