#include "sim/engine/overrides.h"

#include <array>
#include <charconv>
#include <utility>

#include <fmt/format.h>

#include "sim/config/config_def.h"
#include "sim/core/duration.h"

namespace kafkasim::engine {

namespace {

// One override split into its parts, with the position (0-based) where each starts in the text.
struct Override {
  std::string text;
  std::string scope;  // "" when not given
  std::size_t scope_pos = 0;
  std::string name;  // "" when not given
  std::size_t name_pos = 0;
  std::string key;
  std::size_t key_pos = 0;
  std::string value;
  std::size_t value_pos = 0;

  std::string error(std::size_t pos, std::string_view what, std::string_view expected) const {
    return fmt::format("--set '{}': column {}: {}; expected {}", text, pos + 1, what, expected);
  }
  // The position of the scope's name, else of the scope.
  std::size_t target_pos() const { return name.empty() ? scope_pos : name_pos; }
};

std::optional<Override> split(const std::string& text) {
  Override o;
  o.text = text;
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return std::nullopt;
  o.value = text.substr(eq + 1);
  o.value_pos = eq + 1;
  const std::string lhs = text.substr(0, eq);
  const auto colon = lhs.find(':');
  if (colon == std::string::npos) {
    o.key = lhs;
    return o;
  }
  o.scope = lhs.substr(0, colon);
  o.key = lhs.substr(colon + 1);
  o.key_pos = colon + 1;
  if (const auto slash = o.scope.find('/'); slash != std::string::npos) {
    o.name = o.scope.substr(slash + 1);
    o.name_pos = slash + 1;
    o.scope.resize(slash);
  }
  return o;
}

std::optional<std::string> set_in(config::ConfigMap& map, const Override& o, std::string_view key,
                                  const std::string& where) {
  if (auto err = map.set(key, o.value)) {
    const bool known = config::find_config(map.scope(), key) != nullptr;
    return o.error(known ? o.value_pos : o.key_pos, fmt::format("{} ({})", err->what, where), err->expected);
  }
  return std::nullopt;
}

// Sets a producer config and resolves idempotence again from the configs the user gave, as Kafka does:
// an earlier silent "off" (a note in `notes`) is undone first, so --set acks=all on a file with acks=1
// turns idempotence back on.
std::optional<std::string> set_producer(config::ConfigMap& configs, std::vector<config::ConfigNote>& notes,
                                        const Override& o, std::string_view key, const std::string& where) {
  for (const auto& note : notes) {
    if (note.severity == config::ConfigNote::Severity::kInfo &&
        note.message.rfind("Idempotence will be disabled", 0) == 0) {
      configs.erase("enable.idempotence");
    }
  }
  if (auto e = set_in(configs, o, key, where)) return e;
  notes = config::resolve_producer_configs(configs);
  for (const auto& note : notes) {
    if (note.severity == config::ConfigNote::Severity::kError) {
      return o.error(o.value_pos, fmt::format("{} ({}; Kafka: ConfigException)", note.message, where),
                     fmt::format("consistent settings for {} and enable.idempotence", note.key));
    }
  }
  return std::nullopt;
}

std::string no_match(const Override& o, std::string_view scope) {
  return o.error(
      o.target_pos(),
      fmt::format("the scenario has no {}{}", scope, o.name.empty() ? "" : " named '" + o.name + "'"),
      fmt::format("the name of a {} of the scenario", scope));
}

// Configs an exactly-once processor sets itself (sim/engine/processor.h); Kafka Streams refuses to let
// the user override these under processing.guarantee=exactly_once_v2 as well.
struct FixedConfig {
  config::Scope scope;
  std::string_view key;
  std::string_view reason;
};
constexpr std::array<FixedConfig, 6> kFixedByProcessor{{
    {config::Scope::kProducer, "transactional.id", "it comes from the processor's transactional.id"},
    {config::Scope::kProducer, "client.id", "it is the processor's id"},
    {config::Scope::kProducer, "enable.idempotence", "transactions require it"},
    {config::Scope::kConsumer, "group.id", "it is the processor's group"},
    {config::Scope::kConsumer, "isolation.level", "an exactly-once processor reads read_committed"},
    {config::Scope::kConsumer, "enable.auto.commit", "offsets are committed in the transaction"},
}};

constexpr std::string_view kProcessorKeys =
    "a producer or consumer config, one prefixed producer. or consumer. (Kafka Streams), or "
    "commit.interval.ms";

// Kafka Streams commit.interval.ms (LONG, at least 0): milliseconds, or a duration such as 50ms.
std::optional<std::string> set_commit_interval(scenario::Scenario& s, const Override& o) {
  TimeUs interval_us = -1;
  std::int64_t ms = 0;
  const char* end = o.value.data() + o.value.size();
  if (auto [p, ec] = std::from_chars(o.value.data(), end, ms); ec == std::errc() && p == end && ms >= 0) {
    interval_us = ms * 1000;
  } else if (const DurationParse d = parse_duration(o.value); d.value && *d.value >= 0) {
    interval_us = *d.value;
  }
  if (interval_us < 0) {
    return o.error(o.value_pos, fmt::format("invalid commit.interval.ms '{}'", o.value),
                   "milliseconds >= 0 or a duration such as 100ms");
  }
  bool matched = false;
  for (auto& p : s.processors) {
    if (!o.name.empty() && p.id != o.name) continue;
    matched = true;
    p.commit_interval_us = interval_us;
  }
  return matched ? std::nullopt : std::optional(no_match(o, "processor"));
}

// processor[/id]:key=value (see the header).
std::optional<std::string> apply_processor(scenario::Scenario& s, const Override& o) {
  if (o.key == "commit.interval.ms") return set_commit_interval(s, o);
  std::string_view key = o.key;
  bool to_producer = true;
  bool to_consumer = true;
  // Kafka Streams: StreamsConfig.producerPrefix(key) is "producer." + key, consumerPrefix(key) "consumer." + key.
  if (key.starts_with("producer.")) {
    key.remove_prefix(9);
    to_consumer = false;
  } else if (key.starts_with("consumer.")) {
    key.remove_prefix(9);
    to_producer = false;
  }
  to_producer = to_producer && config::find_config(config::Scope::kProducer, key) != nullptr;
  to_consumer = to_consumer && config::find_config(config::Scope::kConsumer, key) != nullptr;
  if (!to_producer && !to_consumer) {
    const bool consumer_only = o.key.starts_with("consumer.");
    config::ConfigMap probe(consumer_only ? config::Scope::kConsumer : config::Scope::kProducer);
    const auto err = probe.set(key, o.value);
    return o.error(o.key_pos, err ? err->what : fmt::format("unknown processor config '{}'", key),
                   kProcessorKeys);
  }
  for (const FixedConfig& f : kFixedByProcessor) {
    if (f.key == key && ((f.scope == config::Scope::kProducer && to_producer) ||
                         (f.scope == config::Scope::kConsumer && to_consumer))) {
      return o.error(o.key_pos,
                     fmt::format("the processor sets {} of its {} itself ({})", key,
                                 config::scope_name(f.scope), f.reason),
                     "another config");
    }
  }
  bool matched = false;
  for (auto& p : s.processors) {
    if (!o.name.empty() && p.id != o.name) continue;
    matched = true;
    if (to_producer) {
      std::vector<config::ConfigNote> notes;
      if (auto e = set_producer(p.producer_configs, notes, o, key, "processor " + p.id + " producer"))
        return e;
    }
    if (to_consumer) {
      if (auto e = set_in(p.consumer_configs, o, key, "processor " + p.id + " consumer")) return e;
    }
  }
  return matched ? std::nullopt : std::optional(no_match(o, "processor"));
}

constexpr std::string_view kScopes = "broker, topic, producer, consumer or processor";

}  // namespace

std::optional<std::string> apply_override(scenario::Scenario& s, const std::string& text) {
  const std::optional<Override> parsed = split(text);
  if (!parsed)
    return fmt::format("--set '{}': column 1: no key=value; expected [scope[/name]:]key=value", text);
  const Override& o = *parsed;
  const std::string& key = o.key;
  if (o.scope == "processor") return apply_processor(s, o);
  std::vector<config::Scope> scopes;
  if (!o.scope.empty()) {
    const std::optional<config::Scope> scope = config::parse_scope(o.scope);
    if (!scope) return o.error(o.scope_pos, fmt::format("unknown scope '{}'", o.scope), kScopes);
    scopes.push_back(*scope);
  } else {
    for (config::Scope sc : {config::Scope::kTopic, config::Scope::kBroker, config::Scope::kProducer,
                             config::Scope::kConsumer}) {
      if (config::find_config(sc, key) != nullptr) scopes.push_back(sc);
    }
    if (scopes.empty()) {
      return o.error(o.key_pos, fmt::format("unknown config '{}'", key),
                     "a Kafka broker, topic, producer or consumer config (or processor:KEY for a processor)");
    }
    if (scopes.size() > 1 && scopes[0] == config::Scope::kTopic && scopes[1] == config::Scope::kBroker)
      scopes.resize(1);
    if (scopes.size() > 1) {
      return o.error(
          o.key_pos, fmt::format("'{}' is a config of several scopes", key),
          fmt::format("a scope prefix such as {}:{}={}", config::scope_name(scopes[0]), key, o.value));
    }
  }
  const config::Scope scope = scopes.front();
  bool matched = false;
  switch (scope) {
    case config::Scope::kBroker:
      matched = true;
      if (auto e = set_in(s.cluster.configs, o, key, "broker")) return e;
      break;
    case config::Scope::kTopic:
      for (auto& t : s.topics) {
        if (!o.name.empty() && t.name != o.name) continue;
        matched = true;
        if (auto e = set_in(t.configs, o, key, "topic " + t.name)) return e;
      }
      break;
    case config::Scope::kProducer:
      for (auto& p : s.producers) {
        if (!o.name.empty() && p.id != o.name) continue;
        matched = true;
        if (auto e = set_producer(p.configs, p.config_notes, o, key, "producer " + p.id)) return e;
      }
      break;
    case config::Scope::kConsumer:
      for (auto& g : s.consumer_groups) {
        if (!o.name.empty() && g.group != o.name) continue;
        matched = true;
        if (auto e = set_in(g.configs, o, key, "group " + g.group)) return e;
      }
      break;
  }
  if (!matched) {
    std::string e = no_match(o, config::scope_name(scope));
    if (o.scope.empty() && !s.processors.empty() &&
        (scope == config::Scope::kProducer || scope == config::Scope::kConsumer)) {
      e += fmt::format(" (a processor's clients take processor[/id]:{}={})", key, o.value);
    }
    return e;
  }
  return std::nullopt;
}

}  // namespace kafkasim::engine
