#include "sim/config/config_map.h"

#include "sim/config/suggest.h"
#include "sim/core/assert.h"

namespace kafkasim::config {
namespace {

const ConfigDef& def_of(Scope scope, std::string_view key) {
  const ConfigDef* def = find_config(scope, key);
  KS_ASSERT_MSG(def != nullptr, key);
  return *def;
}

template <typename T>
T get_as(const ConfigMap& m, std::string_view key) {
  const std::optional<ConfigValue> v = m.find(key);
  KS_ASSERT_MSG(v.has_value(), key);
  const T* typed = std::get_if<T>(&*v);
  KS_ASSERT_MSG(typed != nullptr, key);
  return *typed;
}

}  // namespace

std::optional<ConfigError> ConfigMap::set(std::string_view key, std::string_view text) {
  const ConfigDef* def = find_config(scope_, key);
  if (def == nullptr) {
    return ConfigError{"unknown " + std::string(scope_name(scope_)) + " config '" + std::string(key) + "'" +
                           did_you_mean(suggest_keys(scope_, key)),
                       "a Kafka " + std::string(scope_name(scope_)) + " config key (see docs/scenarios.md)"};
  }
  ConfigParse p = parse_config_value(*def, text);
  if (!p.value) return ConfigError{"invalid value for " + std::string(key), p.error};
  values_.insert_or_assign(std::string(key), std::move(*p.value));
  return std::nullopt;
}

void ConfigMap::set_value(std::string_view key, ConfigValue value) {
  const ConfigDef& def = def_of(scope_, key);
  const std::optional<ConfigValue> d = default_value(def);
  KS_ASSERT_MSG(!d || d->index() == value.index(), key);
  values_.insert_or_assign(std::string(key), std::move(value));
}

void ConfigMap::erase(std::string_view key) {
  const auto it = values_.find(key);
  if (it != values_.end()) values_.erase(it);
}

std::optional<ConfigValue> ConfigMap::find(std::string_view key) const {
  const ConfigDef& def = def_of(scope_, key);
  const auto it = values_.find(key);
  if (it != values_.end()) return it->second;
  return default_value(def);
}

std::int64_t ConfigMap::get_long(std::string_view key) const { return get_as<std::int64_t>(*this, key); }
double ConfigMap::get_double(std::string_view key) const { return get_as<double>(*this, key); }
bool ConfigMap::get_bool(std::string_view key) const { return get_as<bool>(*this, key); }

std::string ConfigMap::get_string(std::string_view key) const {
  if (!find(key)) return "";
  return get_as<std::string>(*this, key);
}

std::vector<std::string> ConfigMap::get_list(std::string_view key) const {
  return get_as<std::vector<std::string>>(*this, key);
}

int acks_value(const ConfigMap& producer_configs) {
  const std::string acks = producer_configs.get_string("acks");
  if (acks == "all" || acks == "-1") return -1;
  return acks == "0" ? 0 : 1;
}

std::vector<std::string> assignors(const ConfigMap& consumer_configs) {
  std::vector<std::string> out;
  for (const auto& name : consumer_configs.get_list("partition.assignment.strategy")) {
    out.push_back(assignor_short_name(name));
  }
  return out;
}

std::vector<ConfigNote> resolve_producer_configs(ConfigMap& configs) {
  KS_ASSERT(configs.scope() == Scope::kProducer);
  using Severity = ConfigNote::Severity;
  std::vector<ConfigNote> notes;
  // Kafka: ProducerConfig.parseAcks turns "all" into "-1"; we keep Kafka's documented spelling "all".
  if (configs.contains("acks") && configs.get_string("acks") == "-1") configs.set_value("acks", std::string("all"));

  const bool user_configured = configs.contains("enable.idempotence");
  bool enabled = configs.get_bool("enable.idempotence");
  bool disable = false;
  auto conflict = [&](const char* key, std::string error, std::string info) {
    if (user_configured) {
      notes.push_back({Severity::kError, key, std::move(error)});
    } else {
      notes.push_back({Severity::kInfo, key, std::move(info)});
      disable = true;
    }
  };
  if (enabled) {
    if (configs.get_int("retries") == 0) {
      conflict("retries", "Must set retries to non-zero when using the idempotent producer.",
               "Idempotence will be disabled because retries is set to 0.");
    }
    const int acks = acks_value(configs);
    if (acks != -1) {
      conflict("acks",
               "Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee "
               "idempotence.",
               "Idempotence will be disabled because acks is set to " + std::to_string(acks) +
                   ", not set to 'all'.");
    }
    const std::int64_t in_flight = configs.get_int("max.in.flight.requests.per.connection");
    if (in_flight > 5) {  // Kafka: MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION_FOR_IDEMPOTENCE = 5
      conflict("max.in.flight.requests.per.connection",
               "Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.",
               "Idempotence will be disabled because max.in.flight.requests.per.connection is set to " +
                   std::to_string(in_flight) + ", which is greater than 5.");
    }
  }
  if (disable) {
    configs.set_value("enable.idempotence", false);
    enabled = false;
  }
  if (!enabled && configs.contains("transactional.id")) {
    notes.push_back({Severity::kError, "transactional.id",
                     "Cannot set a transactional.id without also enabling idempotence."});
  }
  return notes;
}

}  // namespace kafkasim::config
