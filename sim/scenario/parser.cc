// Scenario parser: top-level keys, cluster, topics, producers, consumer groups, processors and
// expectations. The timeline is in timeline_parser.cc. Grammar: docs/scenarios.md.
#include "sim/scenario/parser.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/config/suggest.h"
#include "sim/core/duration.h"
#include "sim/core/rng.h"
#include "sim/scenario/expectation_check.h"
#include "sim/scenario/parser_internal.h"

namespace kafkasim::scenario {
namespace {

constexpr std::int64_t kInt32Max = 2147483647;

bool valid_kafka_name(std::string_view name) {
  // Kafka: Topic.validate — legal characters [a-zA-Z0-9._-], at most 249, not "." or "..".
  if (name.empty() || name.size() > 249 || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

// True when `map` has a key that is a near miss of `key` (already reported as unknown with a did-you-mean).
bool has_close_key(const YAML::Node& map, std::string_view key) {
  if (!map.IsMap()) return false;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && config::edit_distance(it->first.Scalar(), key) <= 2) return true;
  }
  return false;
}

// Reads a required or optional field; reports a missing required one at the mapping.
YAML::Node field(YamlReader& r, const YAML::Node& map, const char* key, std::string_view context,
                 std::string_view example = {}) {
  YAML::Node n = map[key];
  if (!n.IsDefined() && !example.empty() && !has_close_key(map, key)) {
    r.error(map, std::string(context) + " has no '" + key + "'", "'" + std::string(key) + ": " + std::string(example) + "'");
  }
  return n;
}

void parse_network(YamlReader& r, const YAML::Node& node, NetworkSpec& net) {
  net.loc = r.loc(node);
  if (!r.expect_map(node, "cluster.network", "{latency: 1ms, jitter: 200us, bandwidth: 1Gbps}")) return;
  r.check_keys(node, "cluster.network", {"latency", "jitter", "bandwidth", "loss"});
  if (auto n = node["latency"]) net.latency_us = r.duration(n, "latency").value_or(net.latency_us);
  if (auto n = node["jitter"]) net.jitter_us = r.duration(n, "jitter").value_or(net.jitter_us);
  if (auto n = node["loss"]) net.loss_ppm = r.percent_ppm(n, "loss").value_or(0);
  if (auto n = node["bandwidth"]) {
    const auto s = r.text(n, "bandwidth");
    if (!s) return;
    static constexpr std::pair<std::string_view, std::int64_t> kUnits[] = {
        // bits per second -> bytes per second factor is applied below; "B/s" units are bytes.
        {"Gbps", 1'000'000'000}, {"Mbps", 1'000'000}, {"Kbps", 1'000}, {"bps", 1},
        {"GB/s", 8'000'000'000}, {"MB/s", 8'000'000}, {"KB/s", 8'000}, {"B/s", 8}};
    for (const auto& [unit, bits] : kUnits) {
      if (s->size() <= unit.size() || s->substr(s->size() - unit.size()) != unit) continue;
      const std::string digits = s->substr(0, s->size() - unit.size());
      std::int64_t v = 0;
      const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      if (ec == std::errc() && p == digits.data() + digits.size() && v > 0 && v <= 1'000'000) {
        net.bandwidth_bytes_per_sec = v * bits / 8;
        return;
      }
    }
    r.error(n, "invalid bandwidth '" + *s + "'", "a bandwidth such as 1Gbps, 100Mbps or 50MB/s");
  }
}

void parse_brokers(YamlReader& r, const YAML::Node& node, ClusterSpec& c) {
  if (node.IsScalar()) {
    const auto n = r.integer(node, "cluster.brokers", 1, 100);
    for (std::int32_t id = 1; n && id <= *n; ++id) c.brokers.push_back({id, "", r.loc(node)});
    return;
  }
  if (!r.expect_list(node, "cluster.brokers", "3, or [{id: 1, rack: a}, {id: 2, rack: b}]")) return;
  for (const auto& b : node) {
    BrokerSpec spec{0, "", r.loc(b)};
    // Never assign to a YAML::Node variable: yaml-cpp's operator= rewrites the node it refers to.
    if (b.IsMap()) {
      r.check_keys(b, "a broker", {"id", "rack"});
      if (auto rack = b["rack"]) spec.rack = r.text(rack, "rack").value_or("");
    }
    const YAML::Node id_node = b.IsMap() ? field(r, b, "id", "a broker", "1") : YAML::Node(b);
    if (!id_node.IsDefined()) continue;
    const auto id = r.integer(id_node, "broker id", 0, kInt32Max);
    if (!id) continue;
    spec.id = static_cast<std::int32_t>(*id);
    if (c.brokers.end() != std::find_if(c.brokers.begin(), c.brokers.end(), [&](auto& x) { return x.id == spec.id; })) {
      r.error(id_node, "duplicate broker id " + std::to_string(spec.id), "each broker id once");
      continue;
    }
    c.brokers.push_back(std::move(spec));
  }
  std::sort(c.brokers.begin(), c.brokers.end(), [](auto& a, auto& b) { return a.id < b.id; });
}

void parse_cluster(YamlReader& r, const YAML::Node& node, ClusterSpec& c) {
  c.loc = r.loc(node);
  if (!r.expect_map(node, "cluster", "{brokers: 3}")) return;
  r.check_keys(node, "cluster", {"brokers", "configs", "network"});
  if (auto b = field(r, node, "brokers", "cluster", "3")) parse_brokers(r, b, c);
  if (auto cfg = node["configs"]) r.configs(cfg, c.configs);
  if (auto net = node["network"]) parse_network(r, net, c.network);
}

void parse_topics(YamlReader& r, const YAML::Node& node, Scenario& s) {
  if (!r.expect_list(node, "topics", "[{name: orders, partitions: 3, replication.factor: 3}]")) return;
  const auto broker_count = static_cast<std::int64_t>(s.cluster.brokers.size());
  for (const auto& t : node) {
    if (!r.expect_map(t, "a topic", "{name: orders, partitions: 3, replication.factor: 3}")) continue;
    r.check_keys(t, "a topic", {"name", "partitions", "replication.factor", "configs"});
    TopicSpec spec;
    spec.loc = r.loc(t);
    spec.partitions = static_cast<std::int32_t>(s.cluster.configs.get_int("num.partitions"));
    spec.replication_factor = static_cast<std::int32_t>(s.cluster.configs.get_int("default.replication.factor"));
    if (auto n = field(r, t, "name", "a topic", "orders")) {
      spec.name = r.text(n, "topic name").value_or("");
      if (!valid_kafka_name(spec.name)) {
        r.error(n, "invalid topic name '" + spec.name + "'", "letters, digits, '.', '_' and '-' (Kafka's rule)");
      } else if (s.find_topic(spec.name) != nullptr) {
        r.error(n, "duplicate topic '" + spec.name + "'", "each topic once");
      }
    }
    if (auto n = t["partitions"]) spec.partitions = static_cast<std::int32_t>(r.integer(n, "partitions", 1, 10000).value_or(1));
    const YAML::Node rf_node = t["replication.factor"];
    if (rf_node) {
      spec.replication_factor = static_cast<std::int32_t>(r.integer(rf_node, "replication.factor", 1, 32767).value_or(1));
    }
    if (spec.replication_factor > broker_count && broker_count > 0) {
      r.error(rf_node ? rf_node : t,
              "replication.factor " + std::to_string(spec.replication_factor) + " is larger than the " +
                  std::to_string(broker_count) + " brokers (Kafka: INVALID_REPLICATION_FACTOR)",
              "at most " + std::to_string(broker_count) + " (set replication.factor or default.replication.factor)");
    }
    if (auto cfg = t["configs"]) r.configs(cfg, spec.configs);
    s.topics.push_back(std::move(spec));
  }
}

std::optional<Rate> parse_rate(YamlReader& r, const YAML::Node& node) {
  const auto s = r.text(node, "rate");
  if (!s) return std::nullopt;
  const std::string expected = "a rate such as 200/s, 5/ms, 1000/m or 50/100ms";
  const auto slash = s->find('/');
  std::int64_t count = 0;
  const auto [p, ec] = std::from_chars(s->data(), s->data() + (slash == std::string::npos ? s->size() : slash), count);
  if (slash == std::string::npos || ec != std::errc() || p != s->data() + slash || count <= 0) {
    r.error(node, "invalid rate '" + *s + "'", expected);
    return std::nullopt;
  }
  std::string per = s->substr(slash + 1);
  if (!per.empty() && (per[0] < '0' || per[0] > '9')) per = "1" + per;
  const DurationParse d = parse_duration(per);
  if (!d.value || *d.value <= 0) {
    r.error(node, "invalid rate '" + *s + "'", expected);
    return std::nullopt;
  }
  return Rate{count, *d.value};
}

KeySpec parse_keys(YamlReader& r, const YAML::Node& node) {
  KeySpec k;
  k.loc = r.loc(node);
  if (node.IsNull()) return k;
  if (node.IsMap()) r.check_keys(node, "keys", {"pattern", "order"});
  const YAML::Node pattern = node.IsMap() ? field(r, node, "pattern", "keys", "\"customer-{0..99}\"") : node;
  if (node.IsMap()) {
    if (auto o = node["order"]) {
      const auto order = r.text(o, "key order");
      if (order && *order != "sequential" && *order != "random") {
        r.error(o, "invalid key order '" + *order + "'", "sequential or random");
      }
      if (order == "random") k.mode = KeySpec::Mode::kRandom;
    }
    if (!pattern.IsDefined()) return k;
  }
  const auto text = r.text(pattern, "key pattern");
  if (!text) return k;
  const auto open = text->find('{');
  if (open == std::string::npos) {
    k.mode = KeySpec::Mode::kFixed;
    k.prefix = *text;
    return k;
  }
  const auto dots = text->find("..", open);
  const auto close = text->find('}', open);
  std::int64_t lo = 0, hi = -1;
  bool ok = dots != std::string::npos && close != std::string::npos && dots < close;
  if (ok) {
    const auto [p1, e1] = std::from_chars(text->data() + open + 1, text->data() + dots, lo);
    const auto [p2, e2] = std::from_chars(text->data() + dots + 2, text->data() + close, hi);
    ok = e1 == std::errc() && e2 == std::errc() && p1 == text->data() + dots && p2 == text->data() + close &&
         lo >= 0 && lo <= hi;
  }
  if (!ok) {
    r.error(pattern, "invalid key pattern '" + *text + "'", "a pattern such as \"customer-{0..99}\" (lo <= hi)");
    return k;
  }
  if (k.mode != KeySpec::Mode::kRandom) k.mode = KeySpec::Mode::kSequential;
  k.prefix = text->substr(0, open);
  k.suffix = text->substr(close + 1);
  k.lo = lo;
  k.hi = hi;
  return k;
}

// Resolves producer configs the way Kafka's ProducerConfig does; errors point at `at`.
void resolve_producer(YamlReader& r, const YAML::Node& at, config::ConfigMap& cfg,
                      std::vector<config::ConfigNote>& notes) {
  for (auto& note : config::resolve_producer_configs(cfg)) {
    if (note.severity == config::ConfigNote::Severity::kError) {
      r.error(at, "conflicting producer configs: " + note.message + " (Kafka: ConfigException)",
              "consistent settings for " + note.key + " and enable.idempotence");
    } else {
      notes.push_back(std::move(note));
    }
  }
}

// A config the scenario sets from its own keys (client.id from id, group.id from group) may repeat the value
// but not contradict it.
void check_named_config(YamlReader& r, const YAML::Node& configs_node, const config::ConfigMap& cfg,
                        std::string_view key, const std::string& value, std::string_view source) {
  if (!cfg.contains(key) || cfg.get_string(key) == value) return;
  r.error(configs_node, std::string(key) + " '" + cfg.get_string(key) + "' contradicts " + std::string(source) + " '" +
                            value + "'",
          "no " + std::string(key) + " in configs (it is set from " + std::string(source) + ")");
}

void check_unique_client(YamlReader& r, const YAML::Node& n, const Scenario& s, const std::string& id) {
  if (id.empty() || id.find('/') != std::string::npos) {
    r.error(n, "invalid id '" + id + "'", "a non-empty name without '/'");
  } else if (s.find_producer(id) != nullptr || s.find_processor(id) != nullptr) {
    r.error(n, "duplicate client id '" + id + "'", "each producer and processor id once");
  }
}

void check_topic(YamlReader& r, const YAML::Node& n, const Scenario& s, const std::string& topic) {
  if (s.find_topic(topic) == nullptr) report_unknown(r, n, "topic", topic, topic_names(s));
}

void parse_producers(YamlReader& r, const YAML::Node& node, Scenario& s) {
  if (!r.expect_list(node, "producers", "[{id: checkout, topic: orders, rate: 200/s}]")) return;
  for (const auto& p : node) {
    if (!r.expect_map(p, "a producer", "{id: checkout, topic: orders, rate: 200/s}")) continue;
    r.check_keys(p, "a producer",
                 {"id", "topic", "rate", "count", "start", "stop", "keys", "value_size", "headers", "configs"});
    ProducerSpec spec;
    spec.loc = r.loc(p);
    if (auto n = field(r, p, "id", "a producer", "checkout")) {
      spec.id = r.text(n, "producer id").value_or("");
      check_unique_client(r, n, s, spec.id);
    }
    if (auto n = field(r, p, "topic", "a producer", "orders")) {
      spec.topic = r.text(n, "topic").value_or("");
      check_topic(r, n, s, spec.topic);
    }
    if (auto n = p["rate"]) spec.rate = parse_rate(r, n);
    if (auto n = p["count"]) spec.count = r.integer(n, "count", 1, INT64_MAX);
    if (!p["rate"] && !p["count"]) {
      r.error(p, "producer '" + spec.id + "' has neither rate nor count", "'rate: 200/s' and/or 'count: 1000'");
    }
    if (auto n = p["start"]) spec.start_us = r.duration(n, "start").value_or(0);
    if (auto n = p["stop"]) {
      spec.stop_us = r.duration(n, "stop").value_or(kTimeNever);
      if (spec.stop_us <= spec.start_us) r.error(n, "stop is not after start", "a stop time later than start");
    }
    if (auto n = p["keys"]) spec.keys = parse_keys(r, n);
    if (auto n = p["value_size"]) spec.value_size_bytes = static_cast<std::int32_t>(r.integer(n, "value_size", 0, 1 << 24).value_or(100));
    if (auto n = p["headers"]; n && r.expect_map(n, "headers", "{source: web}")) {
      for (auto it = n.begin(); it != n.end(); ++it) {
        const auto k = r.text(it->first, "header name");
        const auto v = r.text(it->second, "header value");
        if (k && v) spec.headers[*k] = *v;
      }
    }
    if (auto n = p["configs"]) r.configs(n, spec.configs);
    check_named_config(r, p["configs"], spec.configs, "client.id", spec.id, "the producer id");
    spec.configs.set_value("client.id", spec.id);
    resolve_producer(r, p["configs"] ? p["configs"] : p, spec.configs, spec.config_notes);
    s.producers.push_back(std::move(spec));
  }
}

void parse_members(YamlReader& r, const YAML::Node& node, ConsumerGroupSpec& g) {
  if (node.IsScalar()) {
    const auto n = r.integer(node, "members", 0, 1000);
    for (std::int64_t i = 1; n && i <= *n; ++i) g.members.push_back({std::to_string(i), "", 0, r.loc(node)});
    return;
  }
  if (!r.expect_list(node, "members", "2, or [{id: a, group.instance.id: a-static}]")) return;
  for (const auto& m : node) {
    MemberSpec spec{std::to_string(g.members.size() + 1), "", 0, r.loc(m)};
    if (m.IsMap()) {
      r.check_keys(m, "a member", {"id", "group.instance.id", "start"});
      if (auto n = m["id"]) spec.name = r.text(n, "member id").value_or(spec.name);
      if (auto n = m["group.instance.id"]) spec.group_instance_id = r.text(n, "group.instance.id").value_or("");
      if (auto n = m["start"]) spec.start_us = r.duration(n, "start").value_or(0);
    } else if (auto name = r.text(m, "member id")) {
      spec.name = *name;
    }
    const bool dup = std::any_of(g.members.begin(), g.members.end(), [&](auto& x) { return x.name == spec.name; });
    if (dup || spec.name.empty() || spec.name.find('/') != std::string::npos) {
      r.error(m, "invalid or duplicate member id '" + spec.name + "'", "a unique name without '/'");
    }
    g.members.push_back(std::move(spec));
  }
}

std::optional<CommitStrategy> parse_commit(YamlReader& r, const YAML::Node& n) {
  const auto s = r.text(n, "commit");
  if (!s) return std::nullopt;
  for (auto c : {CommitStrategy::kAuto, CommitStrategy::kBeforeProcessing, CommitStrategy::kAfterProcessing,
                 CommitStrategy::kIdempotent}) {
    if (commit_strategy_name(c) == *s) return c;
  }
  r.error(n, "invalid commit '" + *s + "'", "auto, before-processing, after-processing or idempotent");
  return std::nullopt;
}

void parse_groups(YamlReader& r, const YAML::Node& node, Scenario& s) {
  if (!r.expect_list(node, "consumer_groups", "[{group: billing, topics: [orders], members: 2}]")) return;
  for (const auto& g : node) {
    if (!r.expect_map(g, "a consumer group", "{group: billing, topics: [orders]}")) continue;
    r.check_keys(g, "a consumer group", {"group", "topics", "members", "processing_time", "commit", "configs"});
    ConsumerGroupSpec spec;
    spec.loc = r.loc(g);
    if (auto n = field(r, g, "group", "a consumer group", "billing")) {
      spec.group = r.text(n, "group").value_or("");
      const auto groups = group_names(s);
      if (std::find(groups.begin(), groups.end(), spec.group) != groups.end()) {
        r.error(n, "duplicate group '" + spec.group + "'", "each group once");
      }
    }
    if (auto n = field(r, g, "topics", "a consumer group", "[orders]")) {
      spec.topics = r.string_list(n, "topics").value_or(std::vector<std::string>{});
      for (const auto& t : spec.topics) check_topic(r, n, s, t);
    }
    spec.members = {{"1", "", 0, spec.loc}};
    if (auto n = g["members"]) {
      spec.members.clear();
      parse_members(r, n, spec);
    }
    if (auto n = g["processing_time"]) spec.processing_time_us = r.duration(n, "processing_time").value_or(0);
    if (auto n = g["configs"]) r.configs(n, spec.configs);
    const bool auto_commit_given = spec.configs.contains("enable.auto.commit");
    if (auto n = g["commit"]) {
      spec.commit = parse_commit(r, n).value_or(CommitStrategy::kAuto);
      if (auto_commit_given && spec.configs.get_bool("enable.auto.commit") != (spec.commit == CommitStrategy::kAuto)) {
        r.error(n, "commit: " + std::string(commit_strategy_name(spec.commit)) + " contradicts enable.auto.commit",
                "enable.auto.commit=true only with commit: auto (or leave enable.auto.commit out)");
      }
    } else if (auto_commit_given && !spec.configs.get_bool("enable.auto.commit")) {
      spec.commit = CommitStrategy::kAfterProcessing;
    }
    spec.configs.set_value("enable.auto.commit", spec.commit == CommitStrategy::kAuto);
    check_named_config(r, g["configs"], spec.configs, "group.id", spec.group, "the group name");
    spec.configs.set_value("group.id", spec.group);
    s.consumer_groups.push_back(std::move(spec));
  }
}

void parse_processors(YamlReader& r, const YAML::Node& node, Scenario& s) {
  if (!r.expect_list(node, "processors", "[{id: enricher, input: orders, output: invoices}]")) return;
  for (const auto& p : node) {
    if (!r.expect_map(p, "a processor", "{id: enricher, input: orders, output: invoices}")) continue;
    r.check_keys(p, "a processor",
                 {"id", "input", "output", "group", "transactional.id", "instances", "processing_time",
                  "commit_interval", "producer_configs", "consumer_configs"});
    ProcessorSpec spec;
    spec.loc = r.loc(p);
    if (auto n = field(r, p, "id", "a processor", "enricher")) {
      spec.id = r.text(n, "processor id").value_or("");
      check_unique_client(r, n, s, spec.id);
    }
    if (auto n = field(r, p, "input", "a processor", "orders")) {
      spec.input = r.text(n, "input").value_or("");
      check_topic(r, n, s, spec.input);
    }
    if (auto n = field(r, p, "output", "a processor", "invoices")) {
      spec.output = r.text(n, "output").value_or("");
      check_topic(r, n, s, spec.output);
    }
    spec.group = spec.id;
    if (auto n = p["group"]) spec.group = r.text(n, "group").value_or(spec.id);
    const auto groups = group_names(s);
    if (std::find(groups.begin(), groups.end(), spec.group) != groups.end()) {
      r.error(p["group"] ? p["group"] : p, "duplicate group '" + spec.group + "'", "each group once");
    }
    spec.transactional_id = spec.id;
    if (auto n = p["transactional.id"]) spec.transactional_id = r.text(n, "transactional.id").value_or(spec.id);
    if (auto n = p["instances"]) spec.instances = static_cast<std::int32_t>(r.integer(n, "instances", 1, 100).value_or(1));
    if (auto n = p["processing_time"]) spec.processing_time_us = r.duration(n, "processing_time").value_or(0);
    if (auto n = p["commit_interval"]) spec.commit_interval_us = r.duration(n, "commit_interval").value_or(100'000);
    if (auto n = p["producer_configs"]) r.configs(n, spec.producer_configs);
    if (auto n = p["consumer_configs"]) r.configs(n, spec.consumer_configs);
    if (spec.consumer_configs.contains("isolation.level") &&
        spec.consumer_configs.get_string("isolation.level") != "read_committed") {
      r.error(p["consumer_configs"], "an exactly-once processor reads with isolation.level=read_committed",
              "isolation.level: read_committed, or leave it out");
    }
    spec.consumer_configs.set_value("isolation.level", std::string("read_committed"));
    spec.consumer_configs.set_value("enable.auto.commit", false);
    check_named_config(r, p["consumer_configs"], spec.consumer_configs, "group.id", spec.group, "the group name");
    check_named_config(r, p["producer_configs"], spec.producer_configs, "transactional.id", spec.transactional_id,
                       "the processor's transactional.id");
    spec.consumer_configs.set_value("group.id", spec.group);
    spec.producer_configs.set_value("transactional.id", spec.transactional_id);
    spec.producer_configs.set_value("client.id", spec.id);
    std::vector<config::ConfigNote> notes;
    resolve_producer(r, p["producer_configs"] ? p["producer_configs"] : p, spec.producer_configs, notes);
    s.processors.push_back(std::move(spec));
  }
}

Location expression_loc(YamlReader& r, const YAML::Node& n, std::size_t offset) {
  Location l = r.loc(n);
  l.column += static_cast<int>(offset);
  return l;
}

void parse_expectations(YamlReader& r, const YAML::Node& node, Scenario& s) {
  if (!r.expect_list(node, "expectations", "[\"lost_acked == 0\"]")) return;
  for (const auto& e : node) {
    Expectation x;
    if (e.IsMap()) r.check_keys(e, "an expectation", {"at", "expect"});
    const YAML::Node text_node = e.IsMap() ? field(r, e, "expect", "an expectation", "\"lost_acked == 0\"") : YAML::Node(e);
    if (e.IsMap()) {
      if (auto at = e["at"]) {
        x.at_us = r.duration(at, "at");
        if (x.at_us && *x.at_us > s.duration_us) {
          r.error(at, "expectation time " + format_time(*x.at_us) + " is after the end of the scenario (" +
                          format_time(s.duration_us) + ")",
                  "a time within duration");
        }
      }
      if (!text_node.IsDefined()) continue;
    }
    const auto text = r.text(text_node, "expectation");
    if (!text) continue;
    x.text = *text;
    x.loc = r.loc(text_node);
    ExprParse p = parse_expression(x.text);
    if (!p.expr) {
      r.error(expression_loc(r, text_node, p.offset), "in expectation: " + p.what, p.expected);
      continue;
    }
    x.root = std::move(*p.expr);
    for (const auto& issue : check_expression(x.root, s)) {
      r.error(expression_loc(r, text_node, issue.offset), "in expectation: " + issue.what, issue.expected);
    }
    s.expectations.push_back(std::move(x));
  }
}

void parse_document(YamlReader& r, const YAML::Node& root, Scenario& s) {
  if (root.IsNull()) {
    r.error(Location{r.file(), 1, 1}, "the scenario file is empty", "name:, duration: and cluster: at least");
    return;
  }
  if (!r.expect_map(root, "a scenario file", "name: ..., duration: 60s, cluster: {brokers: 3}")) return;
  r.check_keys(root, "the scenario",
               {"name", "description", "seed", "duration", "cluster", "topics", "producers", "consumer_groups",
                "processors", "timeline", "expectations"});
  if (auto n = field(r, root, "name", "the scenario", "\"acks=1 loses data\"")) s.name = r.text(n, "name").value_or("");
  if (auto n = root["description"]) s.description = r.text(n, "description").value_or("");
  if (auto n = root["seed"]) s.seed = static_cast<std::uint64_t>(r.integer(n, "seed", 0, INT64_MAX).value_or(1));
  if (auto n = field(r, root, "duration", "the scenario", "60s")) {
    const auto d = r.duration(n, "duration");
    s.duration_us = d.value_or(0);
    if (d && *d <= 0) r.error(n, "duration must be positive", "a duration such as 60s");
  }
  if (auto n = field(r, root, "cluster", "the scenario", "{brokers: 3}")) parse_cluster(r, n, s.cluster);
  if (auto n = root["topics"]) parse_topics(r, n, s);
  if (auto n = root["producers"]) parse_producers(r, n, s);
  if (auto n = root["consumer_groups"]) parse_groups(r, n, s);
  if (auto n = root["processors"]) parse_processors(r, n, s);
  if (auto n = root["timeline"]) parse_timeline(r, n, s);
  if (auto n = root["expectations"]) parse_expectations(r, n, s);
}

}  // namespace

void report_unknown(YamlReader& r, const YAML::Node& node, std::string_view kind, const std::string& name,
                    const std::vector<std::string>& known) {
  const std::vector<std::string_view> names(known.begin(), known.end());
  std::string list;
  for (std::size_t i = 0; i < known.size() && i < 8; ++i) list += (i ? ", " : "") + known[i];
  r.error(node, "unknown " + std::string(kind) + " '" + name + "'" + config::did_you_mean(config::closest_names(name, names)),
          known.empty() ? "a " + std::string(kind) + " defined in the scenario" : "one of " + list);
}

std::vector<std::string> topic_names(const Scenario& s) {
  std::vector<std::string> out;
  for (const auto& t : s.topics) out.push_back(t.name);
  return out;
}

std::vector<std::string> group_names(const Scenario& s) {
  std::vector<std::string> out;
  for (const auto& g : s.consumer_groups) out.push_back(g.group);
  for (const auto& p : s.processors) out.push_back(p.group);
  return out;
}

std::string ParseResult::error_text() const {
  std::string out;
  for (const auto& e : errors) out += e.str() + "\n";
  if (errors_dropped > 0) out += "... and " + std::to_string(errors_dropped) + " more errors\n";
  return out;
}

ParseResult parse_scenario_text(std::string_view text, const std::string& display_name) {
  YamlReader r(display_name, text);
  Scenario s;
  s.source_name = display_name;
  s.source_text = std::string(text);
  s.source_hash = fnv1a64(text);
  try {
    const YAML::Node root = YAML::Load(s.source_text);
    parse_document(r, root, s);
  } catch (const YAML::Exception& e) {
    const Location loc = e.mark.is_null() ? Location{display_name, 0, 0} : r.loc_at(e.mark.line, e.mark.column);
    r.error(loc, "YAML syntax error: " + e.msg, "well-formed YAML (check indentation, brackets and quotes)");
  } catch (const std::exception& e) {  // e.g. std::bad_alloc from a hostile file: still an error value
    r.error(Location{display_name, 0, 0}, std::string("cannot read the scenario: ") + e.what(), "");
  }
  ParseResult result;
  result.errors = r.errors().errors();
  std::stable_sort(result.errors.begin(), result.errors.end(), [](const ParseError& a, const ParseError& b) {
    return std::pair(a.loc.line, a.loc.column) < std::pair(b.loc.line, b.loc.column);
  });
  result.errors_dropped = r.errors().dropped();
  if (result.errors.empty()) result.scenario = std::move(s);
  return result;
}

ParseResult parse_scenario_file(const std::string& path) {
  std::error_code ec;
  const bool directory = std::filesystem::is_directory(path, ec);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  if (!directory && in) ss << in.rdbuf();
  if (directory || !in || in.bad()) {
    ParseResult result;
    result.errors.push_back({Location{path, 0, 0}, directory ? "is a directory" : "cannot open the file",
                             "a readable scenario file"});
    return result;
  }
  return parse_scenario_text(ss.str(), path);
}

}  // namespace kafkasim::scenario
