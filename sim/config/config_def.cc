#include "sim/config/config_def.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "sim/config/config_table.h"
#include "sim/config/suggest.h"
#include "sim/core/assert.h"
#include "sim/core/duration.h"

namespace kafkasim::config {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = s.find(sep, start);
    out.push_back(trim(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start)));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return out;
}

bool allowed_contains(std::string_view allowed, std::string_view value) {
  const auto names = split(allowed, '|');
  return std::find(names.begin(), names.end(), value) != names.end();
}

std::string allowed_text(std::string_view allowed) {
  std::string out;
  for (const auto name : split(allowed, '|')) {
    if (!out.empty()) out += ", ";
    out += std::string(name);
  }
  return out;
}

std::string range_text(const ConfigDef& def) {
  const bool has_min = def.min != INT64_MIN;
  const bool has_max = def.max != INT64_MAX && def.max != 2147483647;
  if (has_min && has_max) return " between " + std::to_string(def.min) + " and " + std::to_string(def.max);
  if (has_min) return " >= " + std::to_string(def.min);
  if (has_max) return " <= " + std::to_string(def.max);
  return "";
}

ConfigParse parse_integer(const ConfigDef& def, std::string_view text) {
  const bool ms = def.type == ConfigType::kDurationMs;
  const std::string what = std::string(ms ? "milliseconds (an integer, or a duration such as 5s)" : "an integer") +
                           range_text(def);
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    if (!ms || text.empty()) return {std::nullopt, what + ", got '" + std::string(text) + "'"};
    const DurationParse d = parse_duration(text);
    if (!d.value) return {std::nullopt, what + ", got '" + std::string(text) + "' (" + d.error + ")"};
    if (*d.value % 1000 != 0) return {std::nullopt, "a whole number of milliseconds, got '" + std::string(text) + "'"};
    v = *d.value / 1000;
  }
  const std::int64_t hi = def.type == ConfigType::kInt ? std::min<std::int64_t>(def.max, 2147483647) : def.max;
  if (v < def.min || v > hi) return {std::nullopt, what + ", got " + std::to_string(v)};
  return {ConfigValue{v}, {}};
}

ConfigParse parse_double(const ConfigDef& def, std::string_view text) {
  const std::string what = "a number" + range_text(def);
  const std::string copy(text);
  char* end = nullptr;
  const double v = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size()) return {std::nullopt, what + ", got '" + copy + "'"};
  if (v < static_cast<double>(def.min) || v > static_cast<double>(def.max)) {
    return {std::nullopt, what + ", got " + copy};
  }
  return {ConfigValue{v}, {}};
}

// A class name may also be given by its simple name (RoundRobinPartitioner).
std::optional<std::string> match_class(std::string_view allowed, std::string_view value) {
  for (const auto name : split(allowed, '|')) {
    const auto dot = name.rfind('.');
    if (name == value || (dot != std::string_view::npos && name.substr(dot + 1) == value)) return std::string(name);
  }
  return std::nullopt;
}

}  // namespace

std::string_view scope_name(Scope scope) {
  switch (scope) {
    case Scope::kBroker: return "broker";
    case Scope::kTopic: return "topic";
    case Scope::kProducer: return "producer";
    case Scope::kConsumer: return "consumer";
  }
  return "?";
}

std::optional<Scope> parse_scope(std::string_view text) {
  for (Scope s : {Scope::kBroker, Scope::kTopic, Scope::kProducer, Scope::kConsumer}) {
    if (scope_name(s) == text) return s;
  }
  return std::nullopt;
}

const ConfigDef* find_config(Scope scope, std::string_view key) {
  for (const ConfigDef& def : config_table()) {
    if (def.scope == scope && def.key == key) return &def;
  }
  return nullptr;
}

std::vector<const ConfigDef*> configs_of(Scope scope) {
  std::vector<const ConfigDef*> out;
  for (const ConfigDef& def : config_table()) {
    if (def.scope == scope) out.push_back(&def);
  }
  std::sort(out.begin(), out.end(), [](const ConfigDef* a, const ConfigDef* b) { return a->key < b->key; });
  return out;
}

ConfigParse parse_config_value(const ConfigDef& def, std::string_view raw) {
  const std::string_view text = trim(raw);
  switch (def.type) {
    case ConfigType::kInt:
    case ConfigType::kLong:
    case ConfigType::kDurationMs:
      return parse_integer(def, text);
    case ConfigType::kDouble:
      return parse_double(def, text);
    case ConfigType::kBool:
      if (text == "true") return {ConfigValue{true}, {}};
      if (text == "false") return {ConfigValue{false}, {}};
      return {std::nullopt, "true or false, got '" + std::string(text) + "'"};
    case ConfigType::kString:
      return {ConfigValue{std::string(text)}, {}};
    case ConfigType::kEnum:
      if (allowed_contains(def.allowed, text)) return {ConfigValue{std::string(text)}, {}};
      return {std::nullopt, "one of " + allowed_text(def.allowed) + ", got '" + std::string(text) + "'"};
    case ConfigType::kClass: {
      auto cls = match_class(def.allowed, text);
      if (cls) return {ConfigValue{*cls}, {}};
      return {std::nullopt, "one of " + allowed_text(def.allowed) + ", got '" + std::string(text) + "'"};
    }
    case ConfigType::kList: {
      std::vector<std::string> items;
      if (text.empty()) return {ConfigValue{items}, {}};
      for (const auto item : split(text, ',')) {
        if (!def.allowed.empty() && !allowed_contains(def.allowed, item)) {
          return {std::nullopt, "a comma-separated list of " + allowed_text(def.allowed) + ", got '" +
                                    std::string(item) + "'"};
        }
        items.emplace_back(item);
      }
      return {ConfigValue{items}, {}};
    }
  }
  return {std::nullopt, "a known config type"};
}

std::optional<ConfigValue> default_value(const ConfigDef& def) {
  if (def.default_text == nullptr) return std::nullopt;
  ConfigParse p = parse_config_value(def, def.default_text);
  KS_ASSERT_MSG(p.value.has_value(), def.key);
  return p.value;
}

std::string format_value(const ConfigValue& value) {
  struct Visitor {
    std::string operator()(std::int64_t v) const { return std::to_string(v); }
    std::string operator()(bool v) const { return v ? "true" : "false"; }
    std::string operator()(double v) const {
      std::string s = std::to_string(v);
      while (s.size() > 1 && s.back() == '0') s.pop_back();
      if (!s.empty() && s.back() == '.') s.pop_back();
      return s;
    }
    std::string operator()(const std::string& v) const { return v; }
    std::string operator()(const std::vector<std::string>& v) const {
      std::string s;
      for (const auto& item : v) s += (s.empty() ? "" : ",") + item;
      return s;
    }
  };
  return std::visit(Visitor{}, value);
}

std::vector<std::string> suggest_keys(Scope scope, std::string_view key) {
  std::vector<std::string_view> names;
  for (const ConfigDef* def : configs_of(scope)) names.push_back(def->key);
  return closest_names(key, names, 2);
}

std::string assignor_short_name(std::string_view name) {
  if (name == "org.apache.kafka.clients.consumer.RangeAssignor") return "range";
  if (name == "org.apache.kafka.clients.consumer.RoundRobinAssignor") return "roundrobin";
  if (name == "org.apache.kafka.clients.consumer.StickyAssignor") return "sticky";
  if (name == "org.apache.kafka.clients.consumer.CooperativeStickyAssignor") return "cooperative-sticky";
  return std::string(name);
}

}  // namespace kafkasim::config
