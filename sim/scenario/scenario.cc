#include "sim/scenario/scenario.h"

#include <algorithm>

namespace kafkasim::scenario {

std::string Location::str() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string ParseError::str() const {
  std::string s = loc.str() + ": error: " + what;
  if (!expected.empty()) s += "; expected " + expected;
  return s;
}

void ErrorList::add(const Location& loc, std::string what, std::string expected) {
  if (errors_.size() >= kMax) {
    ++dropped_;
    return;
  }
  errors_.push_back({loc, std::move(what), std::move(expected)});
}

std::string_view commit_strategy_name(CommitStrategy s) {
  switch (s) {
    case CommitStrategy::kAuto: return "auto";
    case CommitStrategy::kBeforeProcessing: return "before-processing";
    case CommitStrategy::kAfterProcessing: return "after-processing";
    case CommitStrategy::kIdempotent: return "idempotent";
  }
  return "?";
}

std::string_view action_name(ActionKind kind) {
  switch (kind) {
    case ActionKind::kCrash: return "crash";
    case ActionKind::kPowerLoss: return "power_loss";
    case ActionKind::kRestart: return "restart";
    case ActionKind::kShutdown: return "shutdown";
    case ActionKind::kPartition: return "partition";
    case ActionKind::kOneWay: return "one_way";
    case ActionKind::kIsolate: return "isolate";
    case ActionKind::kHeal: return "heal";
    case ActionKind::kLinkLatency: return "link_latency";
    case ActionKind::kLinkLoss: return "link_loss";
    case ActionKind::kPause: return "pause";
    case ActionKind::kResume: return "resume";
    case ActionKind::kSlowDisk: return "slow_disk";
    case ActionKind::kDiskFull: return "disk_full";
    case ActionKind::kCorruptSegment: return "corrupt_segment";
    case ActionKind::kClockSkew: return "clock_skew";
    case ActionKind::kAddConsumer: return "add_consumer";
    case ActionKind::kRemoveConsumer: return "remove_consumer";
    case ActionKind::kKillConsumer: return "kill_consumer";
    case ActionKind::kSlowConsumer: return "slow_consumer";
    case ActionKind::kStopProducer: return "stop_producer";
    case ActionKind::kStartProducer: return "start_producer";
    case ActionKind::kAddPartitions: return "add_partitions";
    case ActionKind::kChangeConfig: return "change_config";
    case ActionKind::kNarrate: return "narrate";
  }
  return "?";
}

std::string NodeRef::describe() const {
  switch (kind) {
    case Kind::kBroker: return "broker " + std::to_string(broker);
    case Kind::kProducer: return "producer " + name;
    case Kind::kProcessor: return "processor " + name;
    case Kind::kConsumer: return "consumer " + group + "/" + name;
  }
  return "?";
}

namespace {
template <typename T, typename F>
const T* find_in(const std::vector<T>& v, F pred) {
  const auto it = std::find_if(v.begin(), v.end(), pred);
  return it == v.end() ? nullptr : &*it;
}
}  // namespace

const TopicSpec* Scenario::find_topic(std::string_view n) const {
  return find_in(topics, [&](const TopicSpec& t) { return t.name == n; });
}
const ConsumerGroupSpec* Scenario::find_group(std::string_view g) const {
  return find_in(consumer_groups, [&](const ConsumerGroupSpec& x) { return x.group == g; });
}
const ProducerSpec* Scenario::find_producer(std::string_view id) const {
  return find_in(producers, [&](const ProducerSpec& p) { return p.id == id; });
}
const ProcessorSpec* Scenario::find_processor(std::string_view id) const {
  return find_in(processors, [&](const ProcessorSpec& p) { return p.id == id; });
}
bool Scenario::has_broker(std::int32_t id) const {
  return find_in(cluster.brokers, [&](const BrokerSpec& b) { return b.id == id; }) != nullptr;
}

}  // namespace kafkasim::scenario
