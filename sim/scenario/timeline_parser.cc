// Timeline parser: `timeline:` entries -> TimelineEvent, with node references checked against the
// scenario and times checked to be in order and within the duration. Grammar: docs/scenarios.md.
#include <algorithm>
#include <charconv>
#include <map>

#include "sim/scenario/expectation_check.h"
#include "sim/scenario/parser_internal.h"

namespace kafkasim::scenario {
namespace {

struct ActionDef {
  ActionKind kind;
  std::vector<std::string_view> params;  // keys besides at, the action, narrate, pause_point
};

const std::vector<ActionDef>& action_defs() {
  using K = ActionKind;
  static const std::vector<ActionDef> defs = {
      {K::kCrash, {}},          {K::kPowerLoss, {}},       {K::kRestart, {}},
      {K::kShutdown, {}},       {K::kPartition, {"for"}},  {K::kOneWay, {"for"}},
      {K::kIsolate, {"for"}},   {K::kHeal, {}},            {K::kLinkLatency, {"latency", "jitter", "for"}},
      {K::kLinkLoss, {"loss", "for"}},                     {K::kPause, {"for"}},
      {K::kResume, {}},         {K::kSlowDisk, {"delay", "for"}},                {K::kDiskFull, {"for"}},
      {K::kCorruptSegment, {}},     {K::kClockSkew, {"by"}},
      {K::kAddConsumer, {"member", "group.instance.id"}},  {K::kRemoveConsumer, {}},
      {K::kKillConsumer, {}},   {K::kSlowConsumer, {"processing_time", "for"}},
      {K::kStopProducer, {}},   {K::kStartProducer, {}},   {K::kAddPartitions, {"count"}},
      {K::kChangeConfig, {}},   {K::kNarrate, {}},
  };
  return defs;
}

// What the timeline knows so far: members added by add_consumer and partitions added by add_partitions.
struct TimelineState {
  std::map<std::string, std::vector<std::string>> members;  // group -> member names
  std::map<std::string, std::int32_t> partitions;           // topic -> count
};

enum NodeKinds : unsigned { kBrokers = 1, kProducers = 2, kProcessors = 4, kConsumers = 8, kAnyNode = 15 };

class TimelineParser {
 public:
  TimelineParser(YamlReader& r, Scenario& s) : r_(r), s_(s) {
    for (const auto& g : s.consumer_groups) {
      for (const auto& m : g.members) state_.members[g.group].push_back(m.name);
    }
    for (const auto& t : s.topics) state_.partitions[t.name] = t.partitions;
  }

  void entry(const YAML::Node& e) {
    if (!r_.expect_map(e, "a timeline entry", "{at: 10s, crash: broker 2}")) return;
    TimelineEvent ev;
    ev.loc = r_.loc(e);
    const ActionDef* def = find_action(e);
    if (def == nullptr) return;
    ev.kind = def->kind;
    std::vector<std::string_view> allowed = {"at", "narrate", "pause_point", action_name(def->kind)};
    allowed.insert(allowed.end(), def->params.begin(), def->params.end());
    r_.check_keys(e, "a " + std::string(action_name(def->kind)) + " entry", allowed);
    if (auto at = e["at"]; !at.IsDefined()) {
      r_.error(e, "timeline entry has no 'at'", "'at: 10s' (the sim time of the action)");
    } else if (auto t = r_.duration(at, "time")) {
      ev.at_us = *t;
      check_time(at, *t);
    }
    if (auto n = e["narrate"]) ev.narration = r_.text(n, "narrate").value_or("");
    if (auto n = e["pause_point"]) ev.pause_point = r_.boolean(n, "pause_point").value_or(false);
    if (auto n = e["for"]) ev.for_us = positive_duration(n, "for");
    const YAML::Node v = e[std::string(action_name(def->kind))];
    if (v.IsDefined()) action(def->kind, v, e, ev);
    s_.timeline.push_back(std::move(ev));
  }

 private:
  const ActionDef* find_action(const YAML::Node& e) {
    const ActionDef* found = nullptr;
    for (const auto& d : action_defs()) {
      if (d.kind == ActionKind::kNarrate || !e[std::string(action_name(d.kind))].IsDefined()) continue;
      if (found != nullptr) {
        r_.error(e[std::string(action_name(d.kind))],
                 "two actions in one timeline entry ('" + std::string(action_name(found->kind)) + "' and '" +
                     std::string(action_name(d.kind)) + "')",
                 "one action per entry (two entries may share the same 'at')");
        return nullptr;
      }
      found = &d;
    }
    if (found != nullptr) return found;
    if (e["narrate"].IsDefined() || e["pause_point"].IsDefined()) return &action_defs().back();
    std::vector<std::string_view> all = {"at", "narrate", "pause_point", "for"};
    for (const auto& d : action_defs()) {
      if (d.kind != ActionKind::kNarrate) all.push_back(action_name(d.kind));
    }
    if (!r_.check_keys(e, "a timeline entry", all)) return nullptr;  // e.g. a misspelt action
    r_.error(e, "timeline entry has no action", "an action such as 'crash: broker 2' (see docs/scenarios.md)");
    return nullptr;
  }

  void check_time(const YAML::Node& at, TimeUs t) {
    if (!s_.timeline.empty() && t < last_at_) {
      r_.error(at, "timeline out of order: " + format_time(t) + " comes after " + format_time(last_at_),
               "entries in ascending time order");
    }
    if (s_.duration_us > 0 && t > s_.duration_us) {
      r_.error(at, "time " + format_time(t) + " is after the end of the scenario (duration " +
                       format_time(s_.duration_us) + ")",
               "a time within the duration");
    }
    last_at_ = std::max(last_at_, t);
  }

  std::optional<TimeUs> positive_duration(const YAML::Node& n, std::string_view what) {
    auto d = r_.duration(n, what);
    if (d && *d <= 0) {
      r_.error(n, std::string(what) + " must be positive", "a duration such as 5s");
      return std::nullopt;
    }
    return d;
  }

  // "broker 2" / 2, a producer or processor id, or "group/member".
  std::optional<NodeRef> node(const YAML::Node& n, unsigned kinds) {
    const auto text = r_.text(n, "node");
    if (!text) return std::nullopt;
    NodeRef ref;
    ref.loc = r_.loc(n);
    std::string_view t = *text;
    const bool says_broker = t.starts_with("broker ");
    if (says_broker) t.remove_prefix(7);
    std::int32_t id = 0;
    const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), id);
    const bool numeric = ec == std::errc() && p == t.data() + t.size();
    if (says_broker || numeric) {
      if (!(kinds & kBrokers)) return bad_node(n, *text, kinds);
      if (!numeric || !s_.has_broker(id)) {
        r_.error(n, "unknown broker '" + *text + "'",
                 "a broker of the cluster, such as 'broker 1' (ids " + broker_ids() + ")");
        return std::nullopt;
      }
      ref.kind = NodeRef::Kind::kBroker;
      ref.broker = id;
      return ref;
    }
    if (const auto slash = t.find('/'); slash != std::string_view::npos) {
      if (!(kinds & kConsumers)) return bad_node(n, *text, kinds);
      ref.kind = NodeRef::Kind::kConsumer;
      ref.group = std::string(t.substr(0, slash));
      ref.name = std::string(t.substr(slash + 1));
      const auto it = state_.members.find(ref.group);
      if (it == state_.members.end()) {
        report_unknown(r_, n, "consumer group", ref.group, consumer_groups());
        return std::nullopt;
      }
      if (std::find(it->second.begin(), it->second.end(), ref.name) == it->second.end()) {
        report_unknown(r_, n, "member of group " + ref.group + ":", ref.name, it->second);
        return std::nullopt;
      }
      return ref;
    }
    ref.name = std::string(t);
    if ((kinds & kProducers) && s_.find_producer(ref.name) != nullptr) {
      ref.kind = NodeRef::Kind::kProducer;
      return ref;
    }
    if ((kinds & kProcessors) && s_.find_processor(ref.name) != nullptr) {
      ref.kind = NodeRef::Kind::kProcessor;
      return ref;
    }
    std::vector<std::string> known;
    if (kinds & kBrokers) for (const auto& b : s_.cluster.brokers) known.push_back("broker " + std::to_string(b.id));
    if (kinds & kProducers) for (const auto& x : s_.producers) known.push_back(x.id);
    if (kinds & kProcessors) for (const auto& x : s_.processors) known.push_back(x.id);
    report_unknown(r_, n, kinds == kProducers ? "producer" : "node", ref.name, known);
    return std::nullopt;
  }

  std::optional<NodeRef> bad_node(const YAML::Node& n, const std::string& text, unsigned kinds) {
    std::string expected;
    if (kinds & kBrokers) expected += "a broker ('broker 2')";
    if (kinds & kProducers) expected += std::string(expected.empty() ? "" : " or ") + "a producer id";
    if (kinds & kProcessors) expected += std::string(expected.empty() ? "" : " or ") + "a processor id";
    if (kinds & kConsumers) expected += std::string(expected.empty() ? "" : " or ") + "a consumer 'group/member'";
    r_.error(n, "'" + text + "' cannot be used here", expected);
    return std::nullopt;
  }

  std::string broker_ids() const {
    std::string s;
    for (const auto& b : s_.cluster.brokers) s += (s.empty() ? "" : ", ") + std::to_string(b.id);
    return s;
  }
  std::vector<std::string> consumer_groups() const {
    std::vector<std::string> out;
    for (const auto& [g, m] : state_.members) out.push_back(g);
    return out;
  }

  void push_node(TimelineEvent& ev, const YAML::Node& n, unsigned kinds) {
    if (auto ref = node(n, kinds)) ev.nodes.push_back(std::move(*ref));
  }

  // One node, or a list of nodes.
  std::vector<NodeRef> node_group(const YAML::Node& n) {
    std::vector<NodeRef> out;
    if (n.IsSequence()) {
      for (const auto& item : n) {
        if (auto ref = node(item, kAnyNode)) out.push_back(std::move(*ref));
      }
    } else if (auto ref = node(n, kAnyNode)) {
      out.push_back(std::move(*ref));
    }
    return out;
  }

  YAML::Node required(const YAML::Node& e, const char* key, std::string_view action, std::string_view example) {
    YAML::Node n = e[key];
    if (!n.IsDefined()) {
      r_.error(e, std::string(action) + " needs '" + key + "'", "'" + std::string(key) + ": " + std::string(example) + "'");
    }
    return n;
  }

  void action(ActionKind kind, const YAML::Node& v, const YAML::Node& e, TimelineEvent& ev);
  void partition_action(const YAML::Node& v, TimelineEvent& ev);
  void link_action(ActionKind kind, const YAML::Node& v, const YAML::Node& e, TimelineEvent& ev);
  void corrupt_action(const YAML::Node& v, const YAML::Node& e, TimelineEvent& ev);
  void consumer_action(ActionKind kind, const YAML::Node& v, const YAML::Node& e, TimelineEvent& ev);
  void add_partitions_action(const YAML::Node& v, const YAML::Node& e, TimelineEvent& ev);
  void change_config_action(const YAML::Node& v, TimelineEvent& ev);

  YamlReader& r_;
  Scenario& s_;
  TimelineState state_;
  TimeUs last_at_ = 0;
};

void TimelineParser::action(ActionKind kind, const YAML::Node& v, const YAML::Node& e, TimelineEvent& ev) {
  using K = ActionKind;
  switch (kind) {
    case K::kCrash:
    case K::kPowerLoss:
    case K::kRestart: push_node(ev, v, kBrokers | kProcessors); return;  // a processor: every instance
    case K::kShutdown:
    case K::kDiskFull: push_node(ev, v, kBrokers); return;
    case K::kSlowDisk:
      push_node(ev, v, kBrokers);
      if (auto n = required(e, "delay", "slow_disk", "20ms")) ev.delay_us = positive_duration(n, "delay").value_or(0);
      return;
    case K::kIsolate:
    case K::kPause:
    case K::kResume: push_node(ev, v, kAnyNode); return;
    case K::kClockSkew:
      push_node(ev, v, kAnyNode);
      if (auto n = required(e, "by", "clock_skew", "-5s")) {
        ev.delay_us = r_.duration(n, "clock skew", YamlReader::Sign::kSigned).value_or(0);
      }
      return;
    case K::kHeal:
      if (r_.boolean(v, "heal") == false) r_.error(v, "heal: false does nothing", "heal: true");
      return;
    case K::kPartition:
    case K::kOneWay: partition_action(v, ev); return;
    case K::kLinkLatency:
    case K::kLinkLoss: link_action(kind, v, e, ev); return;
    case K::kCorruptSegment: corrupt_action(v, e, ev); return;
    case K::kAddConsumer:
    case K::kRemoveConsumer:
    case K::kKillConsumer:
    case K::kSlowConsumer: consumer_action(kind, v, e, ev); return;
    case K::kStopProducer:
    case K::kStartProducer: push_node(ev, v, kProducers); return;
    case K::kAddPartitions: add_partitions_action(v, e, ev); return;
    case K::kChangeConfig: change_config_action(v, ev); return;
    case K::kNarrate: return;  // narrate was read with the common keys
  }
}

void TimelineParser::partition_action(const YAML::Node& v, TimelineEvent& ev) {
  if (ev.kind == ActionKind::kOneWay) {
    if (!r_.expect_map(v, "one_way", "{from: [1], to: [2, 3]}")) return;
    r_.check_keys(v, "one_way", {"from", "to"});
    for (const char* key : {"from", "to"}) {
      if (auto n = required(v, key, "one_way", "[1]")) ev.groups.push_back(node_group(n));
    }
    return;
  }
  if (!r_.expect_list(v, "partition", "[[1], [2, 3]]")) return;
  for (const auto& g : v) ev.groups.push_back(node_group(g));
  if (ev.groups.size() < 2) r_.error(v, "a partition needs at least two groups", "[[1], [2, 3]]");
  std::vector<std::string> seen;
  for (const auto& g : ev.groups) {
    for (const auto& ref : g) {
      const std::string d = ref.describe();
      if (std::find(seen.begin(), seen.end(), d) != seen.end()) {
        r_.error(Location{ref.loc}, d + " is in two groups of the partition", "each node in one group");
      }
      seen.push_back(d);
    }
  }
}

void TimelineParser::link_action(ActionKind kind, const YAML::Node& v, const YAML::Node& e, TimelineEvent& ev) {
  const std::string name(action_name(kind));
  if (!r_.expect_list(v, name, "[1, 2] (the two ends of the link)")) return;
  if (v.size() != 2) {
    r_.error(v, name + " needs exactly two ends", "[1, 2], or [1, [2, 3]]");
    return;
  }
  ev.groups.push_back(node_group(v[0]));
  ev.groups.push_back(node_group(v[1]));
  if (kind == ActionKind::kLinkLatency) {
    if (auto n = required(e, "latency", name, "50ms")) ev.delay_us = r_.duration(n, "latency").value_or(0);
    if (auto n = e["jitter"]) ev.jitter_us = r_.duration(n, "jitter").value_or(0);
  } else if (auto n = required(e, "loss", name, "10%")) {
    ev.loss_ppm = r_.percent_ppm(n, "loss").value_or(0);
  }
}

void TimelineParser::corrupt_action(const YAML::Node& v, const YAML::Node& e, TimelineEvent& ev) {
  (void)e;
  if (!r_.expect_map(v, "corrupt_segment", "{broker: 1, partition: orders-0, position: random}")) return;
  r_.check_keys(v, "corrupt_segment", {"broker", "partition", "position"});
  if (auto n = required(v, "broker", "corrupt_segment", "1")) push_node(ev, n, kBrokers);
  if (auto n = required(v, "partition", "corrupt_segment", "orders-0")) {
    const auto text = r_.text(n, "partition");
    const auto tp = text ? split_topic_partition(*text) : std::nullopt;
    if (text && !tp) {
      r_.error(n, "'" + *text + "' is not a topic-partition", "<topic>-<partition>, such as orders-0");
    } else if (tp && state_.partitions.count(tp->first) == 0) {
      report_unknown(r_, n, "topic", tp->first, topic_names(s_));
    } else if (tp && (tp->second < 0 || tp->second >= state_.partitions[tp->first])) {
      r_.error(n, "topic '" + tp->first + "' has no partition " + std::to_string(tp->second),
               "a partition from 0 to " + std::to_string(state_.partitions[tp->first] - 1));
    } else if (tp) {
      ev.topic = tp->first;
      ev.partition = tp->second;
    }
  }
  if (auto n = v["position"]; n.IsDefined() && !(n.IsScalar() && n.Scalar() == "random")) {
    ev.position = r_.integer(n, "position (or random)", 0, INT64_MAX);
  }
}

void TimelineParser::consumer_action(ActionKind kind, const YAML::Node& v, const YAML::Node& e,
                                     TimelineEvent& ev) {
  if (kind != ActionKind::kAddConsumer) {
    push_node(ev, v, kConsumers);
    if (kind == ActionKind::kSlowConsumer) {
      if (auto n = required(e, "processing_time", "slow_consumer", "50ms")) {
        ev.delay_us = r_.duration(n, "processing_time").value_or(0);
      }
    }
    return;
  }
  const auto group = r_.text(v, "group");
  if (!group) return;
  const auto it = state_.members.find(*group);
  if (it == state_.members.end()) {
    report_unknown(r_, v, "consumer group", *group, consumer_groups());
    return;
  }
  ev.group = *group;
  ev.member = std::to_string(it->second.size() + 1);
  while (std::find(it->second.begin(), it->second.end(), ev.member) != it->second.end()) ev.member += "+";
  if (auto n = e["member"]) {
    ev.member = r_.text(n, "member").value_or(ev.member);
    if (std::find(it->second.begin(), it->second.end(), ev.member) != it->second.end() ||
        ev.member.find('/') != std::string::npos) {
      r_.error(n, "member '" + ev.member + "' already exists in " + *group, "a new member name without '/'");
    }
  }
  if (auto n = e["group.instance.id"]) ev.group_instance_id = r_.text(n, "group.instance.id").value_or("");
  it->second.push_back(ev.member);
}

void TimelineParser::add_partitions_action(const YAML::Node& v, const YAML::Node& e, TimelineEvent& ev) {
  const auto topic = r_.text(v, "topic");
  if (!topic) return;
  if (state_.partitions.count(*topic) == 0) {
    report_unknown(r_, v, "topic", *topic, topic_names(s_));
    return;
  }
  ev.topic = *topic;
  if (auto n = required(e, "count", "add_partitions", "6")) {
    const std::int32_t now = state_.partitions[*topic];
    const auto count = r_.integer(n, "count", 1, 10000);
    if (count && *count <= now) {
      r_.error(n, "add_partitions count " + std::to_string(*count) + " does not grow " + *topic + " (it has " +
                      std::to_string(now) + ")",
               "the new total number of partitions, more than " + std::to_string(now) + " (Kafka cannot shrink)");
    } else if (count) {
      ev.count = static_cast<std::int32_t>(*count);
      state_.partitions[*topic] = ev.count;
    }
  }
}

// change_config: {topic: orders, retention.ms: 1000} -> one event per config key.
void TimelineParser::change_config_action(const YAML::Node& v, TimelineEvent& ev) {
  if (!r_.expect_map(v, "change_config", "{topic: orders, retention.ms: 60000}")) return;
  std::optional<config::Scope> scope;
  std::optional<YAML::Node> target_node;  // optional: assigning a YAML::Node would rewrite its referent
  for (auto it = v.begin(); it != v.end(); ++it) {
    const auto key = r_.text(it->first, "key");
    if (!key) return;
    if (auto sc = config::parse_scope(*key)) {
      if (scope) {
        r_.error(it->first, "change_config names two targets", "one of broker, topic, producer, consumer");
        return;
      }
      scope = sc;
      target_node.emplace(it->second);
    }
  }
  if (!scope) {
    r_.error(v, "change_config has no target", "broker: 2 (or all), topic: orders, producer: checkout or consumer: billing");
    return;
  }
  const auto target = r_.text(*target_node, "target");
  if (!target) return;
  switch (*scope) {
    case config::Scope::kBroker:
      if (*target != "all") {
        std::int32_t id = 0;
        const auto [p, ec] = std::from_chars(target->data(), target->data() + target->size(), id);
        if (ec != std::errc() || p != target->data() + target->size() || !s_.has_broker(id)) {
          r_.error(*target_node, "unknown broker '" + *target + "'", "a broker id (" + broker_ids() + ") or all");
        }
      }
      break;
    case config::Scope::kTopic:
      if (s_.find_topic(*target) == nullptr) report_unknown(r_, *target_node, "topic", *target, topic_names(s_));
      break;
    case config::Scope::kProducer:
      if (s_.find_producer(*target) == nullptr) {
        std::vector<std::string> ids;
        for (const auto& p : s_.producers) ids.push_back(p.id);
        report_unknown(r_, *target_node, "producer", *target, ids);
      }
      break;
    case config::Scope::kConsumer:
      if (state_.members.count(*target) == 0) report_unknown(r_, *target_node, "consumer group", *target, consumer_groups());
      break;
  }
  const TimelineEvent base = ev;
  bool first = true;
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (config::parse_scope(key)) continue;
    config::ConfigMap probe(*scope);
    std::string text;
    if (it->second.IsSequence()) {
      for (const auto& item : it->second) text += (text.empty() ? "" : ",") + (item.IsScalar() ? item.Scalar() : "");
    } else if (const auto t = r_.text(it->second, key)) {
      text = *t;
    } else {
      continue;
    }
    if (auto err = probe.set(key, text)) {
      r_.error(config::find_config(*scope, key) ? it->second : it->first, err->what, err->expected);
      continue;
    }
    TimelineEvent one = base;
    one.change = ConfigChange{*scope, *target == "all" ? "" : *target, key, *probe.find(key), text};
    if (first) {
      ev = std::move(one);
      first = false;
    } else {
      s_.timeline.push_back(std::move(one));  // same time, right before `ev` is appended
    }
  }
  if (first) r_.error(v, "change_config changes nothing", "at least one config, such as retention.ms: 60000");
}

}  // namespace

void parse_timeline(YamlReader& r, const YAML::Node& node, Scenario& s) {
  if (!r.expect_list(node, "timeline", "[{at: 10s, crash: broker 2}]")) return;
  TimelineParser p(r, s);
  for (const auto& e : node) p.entry(e);
}

}  // namespace kafkasim::scenario
