#include "sim/engine/overrides.h"

#include <fmt/format.h>

#include "sim/config/config_def.h"

namespace kafkasim::engine {

namespace {
std::optional<std::string> set_in(config::ConfigMap& map, const std::string& key, const std::string& value,
                                  const std::string& where) {
  if (auto err = map.set(key, value)) {
    return fmt::format("--set {}={}: {} ({}); expected {}", key, value, err->what, where, err->expected);
  }
  return std::nullopt;
}
}  // namespace

std::optional<std::string> apply_override(scenario::Scenario& s, const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return fmt::format("--set '{}': expected [scope[/name]:]key=value", text);
  std::string lhs = text.substr(0, eq);
  const std::string value = text.substr(eq + 1);
  std::string scope_text;
  std::string name;
  if (const auto colon = lhs.find(':'); colon != std::string::npos) {
    scope_text = lhs.substr(0, colon);
    lhs = lhs.substr(colon + 1);
    if (const auto slash = scope_text.find('/'); slash != std::string::npos) {
      name = scope_text.substr(slash + 1);
      scope_text = scope_text.substr(0, slash);
    }
  }
  const std::string& key = lhs;
  std::vector<config::Scope> scopes;
  if (!scope_text.empty()) {
    bool known = false;
    for (config::Scope sc : {config::Scope::kBroker, config::Scope::kTopic, config::Scope::kProducer, config::Scope::kConsumer}) {
      if (config::scope_name(sc) == scope_text) {
        scopes.push_back(sc);
        known = true;
      }
    }
    if (!known) return fmt::format("--set '{}': unknown scope '{}'; expected broker, topic, producer or consumer", text, scope_text);
  } else {
    for (config::Scope sc : {config::Scope::kTopic, config::Scope::kBroker, config::Scope::kProducer, config::Scope::kConsumer}) {
      if (config::find_config(sc, key) != nullptr) scopes.push_back(sc);
    }
    if (scopes.empty()) return fmt::format("--set '{}': unknown config '{}'; expected a Kafka broker, topic, producer or consumer config", text, key);
    if (scopes.size() > 1 && scopes[0] == config::Scope::kTopic && scopes[1] == config::Scope::kBroker) scopes.resize(1);
    if (scopes.size() > 1) {
      return fmt::format("--set '{}': '{}' is a config of several scopes; expected a scope prefix such as {}:{}={}", text,
                         key, config::scope_name(scopes[0]), key, value);
    }
  }
  const config::Scope scope = scopes.front();
  bool matched = false;
  switch (scope) {
    case config::Scope::kBroker:
      matched = true;
      if (auto e = set_in(s.cluster.configs, key, value, "broker")) return e;
      break;
    case config::Scope::kTopic:
      for (auto& t : s.topics) {
        if (!name.empty() && t.name != name) continue;
        matched = true;
        if (auto e = set_in(t.configs, key, value, "topic " + t.name)) return e;
      }
      break;
    case config::Scope::kProducer:
      for (auto& p : s.producers) {
        if (!name.empty() && p.id != name) continue;
        matched = true;
        // Kafka resolves idempotence from the configs the user gave: undo an earlier silent "off" before
        // resolving again, so --set acks=all on a file with acks=1 turns idempotence back on.
        for (const auto& note : p.config_notes) {
          if (note.severity == config::ConfigNote::Severity::kInfo && note.message.rfind("Idempotence will be disabled", 0) == 0) {
            p.configs.erase("enable.idempotence");
          }
        }
        if (auto e = set_in(p.configs, key, value, "producer " + p.id)) return e;
        p.config_notes = config::resolve_producer_configs(p.configs);
        for (const auto& note : p.config_notes) {
          if (note.severity == config::ConfigNote::Severity::kError) {
            return fmt::format("--set '{}': {} ({})", text, note.message, note.key);
          }
        }
      }
      break;
    case config::Scope::kConsumer:
      for (auto& g : s.consumer_groups) {
        if (!name.empty() && g.group != name) continue;
        matched = true;
        if (auto e = set_in(g.configs, key, value, "group " + g.group)) return e;
      }
      break;
  }
  if (!matched) {
    return fmt::format("--set '{}': the scenario has no {}{}", text, config::scope_name(scope),
                       name.empty() ? "" : " named '" + name + "'");
  }
  return std::nullopt;
}

}  // namespace kafkasim::engine
