#include "sim/scenario/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include "sim/config/suggest.h"
#include "sim/core/duration.h"

namespace kafkasim::scenario {
namespace {

std::string join_allowed(const std::vector<std::string_view>& allowed) {
  std::string s;
  for (auto a : allowed) s += (s.empty() ? "" : ", ") + std::string(a);
  return s;
}

std::string_view kind_of(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Scalar: return "a value";
    default: return "nothing";
  }
}

}  // namespace

Location YamlReader::loc(const YAML::Node& node) const {
  const YAML::Mark m = node.Mark();
  if (m.is_null()) return Location{file_, 0, 0};
  Location l = loc_at(m.line, m.column);
  const auto pos = static_cast<std::size_t>(m.pos);
  if (!node.IsScalar() || pos >= text_.size()) return l;
  if (text_[pos] == '"' || text_[pos] == '\'') ++l.column;
  if (text_[pos] == '|' || text_[pos] == '>') {
    // A block scalar: its text starts on the next line, after the indentation.
    const auto eol = text_.find('\n', pos);
    if (eol == std::string_view::npos) return l;
    std::size_t i = eol + 1;
    while (i < text_.size() && text_[i] == ' ') ++i;
    return Location{file_, l.line + 1, static_cast<int>(i - eol)};
  }
  return l;
}

bool YamlReader::reported(const YAML::Node& node) const {
  if (!node.IsNull()) return false;
  const int pos = node.Mark().pos;
  return std::find(reported_null_positions_.begin(), reported_null_positions_.end(), pos) !=
         reported_null_positions_.end();
}

bool YamlReader::expect_map(const YAML::Node& node, std::string_view context, std::string_view example) {
  if (node.IsMap()) return true;
  if (reported(node)) return false;
  error(node, std::string(context) + " must be a mapping, got " + std::string(kind_of(node)),
        "a mapping such as " + std::string(example));
  return false;
}

bool YamlReader::expect_list(const YAML::Node& node, std::string_view context, std::string_view example) {
  if (node.IsSequence()) return true;
  if (reported(node)) return false;
  error(node, std::string(context) + " must be a list, got " + std::string(kind_of(node)),
        "a list such as " + std::string(example));
  return false;
}

bool YamlReader::check_keys(const YAML::Node& map, std::string_view context,
                            std::initializer_list<std::string_view> allowed) {
  return check_keys(map, context, std::vector<std::string_view>(allowed.begin(), allowed.end()));
}

bool YamlReader::check_keys(const YAML::Node& map, std::string_view context,
                            const std::vector<std::string_view>& names) {
  const std::size_t before = errors_.size();
  std::vector<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string("?");
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      error(it->first, "duplicate key '" + key + "' in " + std::string(context), "each key once");
      continue;
    }
    seen.push_back(key);
    if (std::find(names.begin(), names.end(), key) == names.end()) {
      error(it->first,
            "unknown key '" + key + "' in " + std::string(context) +
                config::did_you_mean(config::closest_names(key, names, 1)),
            "one of " + join_allowed(names));
      continue;
    }
    const YAML::Mark vm = it->second.Mark();
    if (it->second.IsNull() && (vm.is_null() || vm.line != it->first.Mark().line)) {
      // "name:" with nothing after it (yaml-cpp places the null at the next token: report at the key).
      error(it->first, "'" + key + "' has no value", "a value after '" + key + ":'");
      reported_null_positions_.push_back(vm.pos);
    }
  }
  return errors_.size() == before;
}

std::optional<std::string> YamlReader::text(const YAML::Node& node, std::string_view what) {
  if (node.IsScalar()) return node.Scalar();
  if (reported(node)) return std::nullopt;
  error(node, std::string(what) + " must be a single value, got " + std::string(kind_of(node)), "a value");
  return std::nullopt;
}

std::optional<std::int64_t> YamlReader::integer(const YAML::Node& node, std::string_view what, std::int64_t min,
                                                std::int64_t max) {
  const auto s = text(node, what);
  if (!s) return std::nullopt;
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  const std::string range = min == max ? "" : " from " + std::to_string(min) + (max == INT64_MAX ? " up" : " to " + std::to_string(max));
  if (ec != std::errc() || p != s->data() + s->size()) {
    error(node, "invalid " + std::string(what) + " '" + *s + "'", "an integer" + range);
    return std::nullopt;
  }
  if (v < min || v > max) {
    error(node, std::string(what) + " " + *s + " is out of range", "an integer" + range);
    return std::nullopt;
  }
  return v;
}

std::optional<bool> YamlReader::boolean(const YAML::Node& node, std::string_view what) {
  const auto s = text(node, what);
  if (!s) return std::nullopt;
  if (*s == "true") return true;
  if (*s == "false") return false;
  error(node, "invalid " + std::string(what) + " '" + *s + "'", "true or false");
  return std::nullopt;
}

std::optional<TimeUs> YamlReader::duration(const YAML::Node& node, std::string_view what, Sign sign) {
  const auto s = text(node, what);
  if (!s) return std::nullopt;
  std::string_view body = *s;
  bool negative = false;
  if (sign == Sign::kSigned && !body.empty() && (body[0] == '-' || body[0] == '+')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  const DurationParse d = parse_duration(body);
  if (!d.value) {
    error(node, "invalid " + std::string(what) + " '" + *s + "'", d.error);
    return std::nullopt;
  }
  return negative ? -*d.value : *d.value;
}

std::optional<std::uint32_t> YamlReader::percent_ppm(const YAML::Node& node, std::string_view what) {
  const auto s = text(node, what);
  if (!s) return std::nullopt;
  const std::string expected = "a percentage from 0% to 100%, such as 1% or 0.5%";
  if (s->empty() || s->back() != '%') {
    error(node, "invalid " + std::string(what) + " '" + *s + "'", expected);
    return std::nullopt;
  }
  // Exact decimal parse into parts per million (1% = 10,000 ppm): no floating point.
  std::int64_t whole = 0, frac = 0, scale = 10000;
  std::size_t i = 0;
  const std::string_view n(s->data(), s->size() - 1);
  bool ok = !n.empty();
  for (; i < n.size() && n[i] != '.'; ++i) {
    if (n[i] < '0' || n[i] > '9' || whole > 100) ok = false;
    else whole = whole * 10 + (n[i] - '0');
  }
  if (i < n.size()) {
    for (++i; i < n.size(); ++i) {
      if (n[i] < '0' || n[i] > '9' || scale == 1) ok = false;
      else frac += (n[i] - '0') * (scale /= 10);
    }
  }
  const std::int64_t ppm = whole * 10000 + frac;
  if (!ok || ppm > 1'000'000) {
    error(node, "invalid " + std::string(what) + " '" + *s + "'", expected);
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(ppm);
}

std::optional<std::vector<std::string>> YamlReader::string_list(const YAML::Node& node, std::string_view what) {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
    return out;
  }
  if (!node.IsSequence()) {
    error(node, std::string(what) + " must be a name or a list of names, got " + std::string(kind_of(node)),
          "a list such as [orders, payments]");
    return std::nullopt;
  }
  for (const auto& item : node) {
    auto s = text(item, what);
    if (!s) return std::nullopt;
    out.push_back(*s);
  }
  return out;
}

void YamlReader::configs(const YAML::Node& node, config::ConfigMap& out) {
  const std::string scope(config::scope_name(out.scope()));
  if (!expect_map(node, scope + " configs", "{min.insync.replicas: 2}")) return;
  std::vector<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const auto key = text(it->first, "a config key");
    if (!key) continue;
    if (std::find(seen.begin(), seen.end(), *key) != seen.end()) {
      error(it->first, "duplicate config '" + *key + "'", "each config once");
      continue;
    }
    seen.push_back(*key);
    std::string value;
    if (it->second.IsSequence()) {  // partition.assignment.strategy: [range, sticky]
      const auto items = string_list(it->second, *key);
      if (!items) continue;
      for (const auto& v : *items) value += (value.empty() ? "" : ",") + v;
    } else if (it->second.IsNull()) {
      error(it->first, "config '" + *key + "' has no value", "a value after '" + *key + ":'");
      continue;
    } else {
      const auto v = text(it->second, *key);
      if (!v) continue;
      value = *v;
    }
    if (auto err = out.set(*key, value)) {
      if (config::find_config(out.scope(), *key) == nullptr) {
        error(it->first, err->what, err->expected);
      } else {
        error(it->second, err->what, err->expected);
      }
    }
  }
}

}  // namespace kafkasim::scenario
