#include "sim/scenario/expectation_check.h"

#include <algorithm>
#include <charconv>

#include "sim/config/suggest.h"
#include "sim/scenario/expectation_functions.h"

namespace kafkasim::scenario {
namespace {

using config::closest_names;
using config::did_you_mean;

class Checker {
 public:
  explicit Checker(const Scenario& s) : s_(s) {}

  ValueType type_of(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::kBool: return ValueType::kBool;
      case Expr::Kind::kInt: return ValueType::kInt;
      case Expr::Kind::kString:
      case Expr::Kind::kIdent: return ValueType::kString;
      case Expr::Kind::kList: return ValueType::kList;
      case Expr::Kind::kCall: return check_call(e);
      case Expr::Kind::kCompare: return check_compare(e);
      case Expr::Kind::kAnd:
      case Expr::Kind::kOr:
      case Expr::Kind::kNot:
        for (const Expr& c : e.children) {
          const ValueType t = type_of(c);
          if (t != ValueType::kBool && t != ValueType::kUnknown) {
            add(c.begin, "'and', 'or' and 'not' combine conditions, got " + std::string(value_type_name(t)),
                "a comparison such as lost_acked == 0");
          }
        }
        return ValueType::kBool;
    }
    return ValueType::kUnknown;
  }

  std::vector<ExprIssue> issues;

 private:
  void add(std::size_t offset, std::string what, std::string expected) {
    issues.push_back({offset, std::move(what), std::move(expected)});
  }

  ValueType check_compare(const Expr& e) {
    const Expr& l = e.children[0];
    const Expr& r = e.children[1];
    const ValueType lt = type_of(l);
    const ValueType rt = type_of(r);
    if (lt == ValueType::kUnknown || rt == ValueType::kUnknown) return ValueType::kBool;
    if (lt != rt) {
      // A misspelt zero-argument function reads as a name: say so rather than "cannot compare".
      for (const Expr* side : {&l, &r}) {
        if (side->kind == Expr::Kind::kIdent && !function_suggestions(side->text).empty()) {
          add(side->begin, "unknown function '" + side->text + "'" + did_you_mean(function_suggestions(side->text)),
              "a function such as lost_acked, acked or isr(orders-0) (see docs/scenarios.md)");
          return ValueType::kBool;
        }
      }
      add(e.begin, "cannot compare " + std::string(value_type_name(lt)) + " with " + std::string(value_type_name(rt)),
          "both sides of the same type");
      return ValueType::kBool;
    }
    if (e.op != CompareOp::kEq && e.op != CompareOp::kNe && lt != ValueType::kInt) {
      add(e.begin, "'" + std::string(compare_op_text(e.op)) + "' on " + std::string(value_type_name(lt)),
          "integers on both sides (names and lists compare with == and !=)");
    }
    return ValueType::kBool;
  }

  std::vector<std::string> function_suggestions(std::string_view name) {
    std::vector<std::string_view> names;
    for (const auto& f : all_functions()) names.push_back(f.name);
    return closest_names(name, names, 2);
  }

  ValueType check_call(const Expr& e) {
    const Call& c = e.call;
    const FunctionDef* f = find_function(c.function);
    if (f == nullptr) {
      add(e.begin, "unknown function '" + c.function + "'" + did_you_mean(function_suggestions(c.function)),
          "a function such as lost_acked, duplicates(group=...), isr(topic-0) (see docs/scenarios.md)");
      return ValueType::kUnknown;
    }
    check_args(e, *f);
    if (f->members.empty()) {
      if (!c.member.empty()) add(e.begin, c.function + " has no member '." + c.member + "'", "no member");
      return f->result;
    }
    std::vector<std::string_view> names;
    for (const auto& m : f->members) {
      if (m.name == c.member) return m.type;
      names.push_back(m.name);
    }
    std::string list;
    for (auto n : names) list += (list.empty() ? "." : ", .") + std::string(n);
    if (c.member.empty()) {
      add(e.end, c.str() + " needs a member", "one of " + list);
    } else {
      add(e.begin, "unknown member '." + c.member + "' of " + c.function + did_you_mean(closest_names(c.member, names)),
          "one of " + list);
    }
    return ValueType::kUnknown;
  }

  void check_args(const Expr& e, const FunctionDef& f) {
    const Call& c = e.call;
    std::vector<const CallArg*> bound(f.params.size(), nullptr);
    std::size_t next = 0;
    std::string signature = std::string(f.name) + "(";
    for (std::size_t i = 0; i < f.params.size(); ++i) {
      signature += (i ? ", " : "") + std::string(i >= f.required ? "[" : "") + std::string(arg_kind_name(f.params[i])) +
                   (i >= f.required ? "]" : "");
    }
    signature += ")";
    for (const CallArg& a : c.args) {
      std::size_t slot = f.params.size();
      if (a.name.empty()) {
        while (next < f.params.size() && bound[next] != nullptr) ++next;
        slot = next;
      } else {
        for (std::size_t i = 0; i < f.params.size(); ++i) {
          if (arg_kind_name(f.params[i]) == a.name) slot = i;
        }
        if (slot == f.params.size()) {
          add(a.offset, "unknown argument name '" + a.name + "' for " + std::string(f.name), signature);
          continue;
        }
      }
      if (slot >= f.params.size()) {
        add(a.offset, "too many arguments to " + std::string(f.name), signature);
        return;
      }
      if (bound[slot] != nullptr) {
        add(a.offset, "argument '" + std::string(arg_kind_name(f.params[slot])) + "' given twice", signature);
        continue;
      }
      bound[slot] = &a;
      check_reference(f.params[slot], a);
    }
    for (std::size_t i = 0; i < f.required; ++i) {
      if (bound[i] == nullptr) {
        add(e.begin, std::string(f.name) + " is missing its " + std::string(arg_kind_name(f.params[i])) + " argument",
            signature);
        return;
      }
    }
  }

  void unknown(const CallArg& a, const std::string& kind, const std::vector<std::string>& known) {
    std::vector<std::string_view> names(known.begin(), known.end());
    std::string list;
    for (std::size_t i = 0; i < known.size() && i < 8; ++i) list += (i ? ", " : "") + known[i];
    add(a.offset, "unknown " + kind + " '" + a.value + "'" + did_you_mean(closest_names(a.value, names)),
        known.empty() ? "a " + kind + " defined in the scenario" : "one of " + list);
  }

  void check_reference(ArgKind kind, const CallArg& a) {
    switch (kind) {
      case ArgKind::kGroup: {
        std::vector<std::string> groups;
        for (const auto& g : s_.consumer_groups) groups.push_back(g.group);
        for (const auto& p : s_.processors) groups.push_back(p.group);
        if (std::find(groups.begin(), groups.end(), a.value) == groups.end()) unknown(a, "group", groups);
        return;
      }
      case ArgKind::kProducer: {
        std::vector<std::string> ids;
        for (const auto& p : s_.producers) ids.push_back(p.id);
        for (const auto& p : s_.processors) ids.push_back(p.id);
        if (std::find(ids.begin(), ids.end(), a.value) == ids.end()) unknown(a, "producer", ids);
        return;
      }
      case ArgKind::kBroker: {
        std::int32_t id = 0;
        const auto [p, ec] = std::from_chars(a.value.data(), a.value.data() + a.value.size(), id);
        if (ec != std::errc() || p != a.value.data() + a.value.size() || !s_.has_broker(id)) {
          add(a.offset, "unknown broker '" + a.value + "'",
              "a broker id of the cluster (1.." + std::to_string(s_.cluster.brokers.size()) + ")");
        }
        return;
      }
      case ArgKind::kErrorCode: {
        const auto names = kafka_error_names();
        if (std::find(names.begin(), names.end(), a.value) == names.end()) {
          add(a.offset, "unknown Kafka error code '" + a.value + "'" + did_you_mean(closest_names(a.value, names)),
              "a Kafka error name such as NOT_ENOUGH_REPLICAS or NOT_LEADER_OR_FOLLOWER");
        }
        return;
      }
      case ArgKind::kTopicPartition: check_topic_partition(a); return;
    }
  }

  void check_topic_partition(const CallArg& a) {
    const auto tp = split_topic_partition(a.value);
    if (!tp) {
      add(a.offset, "'" + a.value + "' is not a topic-partition", "<topic>-<partition>, such as orders-0");
      return;
    }
    if (s_.find_topic(tp->first) == nullptr) {
      std::vector<std::string> topics;
      for (const auto& t : s_.topics) topics.push_back(t.name);
      CallArg topic_only{a.name, tp->first, a.offset};
      unknown(topic_only, "topic", topics);
      return;
    }
    const std::int32_t n = max_partitions(s_, tp->first);
    if (tp->second < 0 || tp->second >= n) {
      add(a.offset, "topic '" + tp->first + "' has no partition " + std::to_string(tp->second),
          "a partition from 0 to " + std::to_string(n - 1));
    }
  }

  const Scenario& s_;
};

}  // namespace

std::optional<std::pair<std::string, std::int32_t>> split_topic_partition(std::string_view text) {
  const auto dash = text.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == text.size()) return std::nullopt;
  std::int32_t p = 0;
  const auto digits = text.substr(dash + 1);
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), p);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
  return std::make_pair(std::string(text.substr(0, dash)), p);
}

std::int32_t max_partitions(const Scenario& scenario, std::string_view topic) {
  const TopicSpec* t = scenario.find_topic(topic);
  std::int32_t n = t ? t->partitions : 0;
  for (const auto& ev : scenario.timeline) {
    if (ev.kind == ActionKind::kAddPartitions && ev.topic == topic) n = std::max(n, ev.count);
  }
  return n;
}

std::vector<ExprIssue> check_expression(const Expr& root, const Scenario& scenario) {
  Checker c(scenario);
  const ValueType t = c.type_of(root);
  if (t != ValueType::kBool && t != ValueType::kUnknown) {
    c.issues.push_back({root.begin, "an expectation must be a condition, got " + std::string(value_type_name(t)),
                        "a comparison such as lost_acked == 0 or group(billing).state == Stable"});
  }
  return std::move(c.issues);
}

}  // namespace kafkasim::scenario
