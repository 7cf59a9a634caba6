#pragma once
// Internals of FakeDriver (test only): the scripted world the fake snapshot is computed from.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/engine/snapshot.h"
#include "tests/gui/fake_driver.h"

namespace kafkasim::gui::testing {

using engine::CommandKind;
using engine::MarkKind;
using engine::NodeStatus;

constexpr std::int32_t kControllerNode = 1000;  // node ids as in sim/engine/run.h
constexpr std::int32_t kFirstProducerNode = 2000;
constexpr std::int32_t kFirstConsumerNode = 3000;
constexpr TimeUs kSec = 1'000'000;
constexpr TimeUs kEventUs = 1000;  // one event per millisecond
constexpr TimeUs kRebalanceUs = 600'000;

inline TimeUs s(double seconds) { return static_cast<TimeUs>(std::llround(seconds * 1e6)); }

inline std::uint64_t mix(std::uint64_t x) {  // splitmix64 finaliser: stable pseudo-random jitter
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

struct Topic {
  std::string name;
  int partitions = 0;
  double rate_per_partition = 0;  // records per second
  std::string cleanup = "delete";
};

// A period when a broker's replicas stop fetching: frozen in [from, to), catching up until caught_up.
struct Outage {
  std::int32_t broker = 0;
  TimeUs from = 0;
  TimeUs to = 0;
  TimeUs caught_up = 0;
  int topic_mask = 0;  // 0: every topic; else bit per topic index
};

struct GroupScript {
  std::string id;
  bool cooperative = false;
  std::vector<std::pair<std::string, TimeUs>> joins;   // member, time
  std::vector<std::pair<std::string, TimeUs>> deaths;  // member, time
  std::vector<TimeUs> rebalances;
};

// Everything derived from the configuration and the commands, valid for one snapshot build.
struct World {
  explicit World(const FakeConfig& c) : config(c) {}
  const FakeConfig& config;
  TimeUs now = 0;
  std::vector<Topic> topics;
  std::vector<NodeStatus> status;  // index broker-1
  std::vector<bool> isolated;
  std::vector<engine::CutLink> cuts;
  std::vector<Outage> outages;
  std::vector<GroupScript> groups;
  std::vector<bool> producer_running{true, true};

  bool up(std::int32_t b) const { return status[static_cast<std::size_t>(b - 1)] == NodeStatus::kUp; }
  bool cut(std::int32_t a, std::int32_t b) const {
    return std::any_of(cuts.begin(), cuts.end(), [&](const engine::CutLink& c) { return c.from == a && c.to == b; });
  }
  std::vector<std::int32_t> replicas(int p) const {
    std::vector<std::int32_t> r;
    for (int k = 0; k < 3; ++k) r.push_back((p + k) % config.brokers + 1);
    return r;
  }
  double rate(std::size_t topic, int p) const { return topics[topic].rate_per_partition * (1.0 + 0.15 * (p % 4)); }
  std::int64_t leo_full(std::size_t topic, int p, TimeUs t) const {
    return static_cast<std::int64_t>(rate(topic, p) * static_cast<double>(std::max<TimeUs>(t, 0)) / 1e6);
  }
  std::int64_t replica_leo(std::size_t topic, int p, std::int32_t b, TimeUs t) const {
    std::int64_t leo = leo_full(topic, p, t) - (b + p) % 3;
    for (const Outage& o : outages) {
      if (o.broker != b || o.from > t || (o.topic_mask != 0 && (o.topic_mask & (1 << topic)) == 0)) continue;
      const std::int64_t frozen = leo_full(topic, p, o.from) - 1;
      if (t < o.to) return std::max<std::int64_t>(frozen, 0);
      if (t < o.caught_up) {
        const double f = static_cast<double>(t - o.to) / static_cast<double>(o.caught_up - o.to);
        leo = frozen + static_cast<std::int64_t>(f * static_cast<double>(leo - frozen));
      }
    }
    return std::max<std::int64_t>(leo, 0);
  }
  bool in_isr(std::size_t topic, int p, std::int32_t b, TimeUs t) const {
    if (!up(b)) return false;
    for (const Outage& o : outages) {
      if (o.broker == b && (o.topic_mask == 0 || (o.topic_mask & (1 << topic)) != 0) && o.from + 200'000 <= t &&
          t < o.caught_up) {
        return false;
      }
    }
    (void)p;
    return true;
  }
};

struct Narration {
  TimeUs at;
  const char* text;
};
inline constexpr Narration kNarrations[] = {
    {0, "Five brokers; orders has 6 partitions with replication factor 3. Watch the high watermark follow the "
        "slowest in-sync replica."},
    {8 * kSec, "Broker 3 crashes. Which partitions lose their leader, and what happens to the records it had not "
           "replicated yet?"},
    {20 * kSec, "The network cuts broker 5 off from brokers 1 and 2. payments needs min.insync.replicas=2: watch "
            "the producer errors."},
    {28 * kSec, "A third consumer joins analytics. Cooperative rebalancing moves only the partitions that change "
            "owner."},
};

World make_world(const FakeConfig& config, TimeUs now, const std::vector<std::pair<TimeUs, engine::Command>>& commands);
// Consumer groups, producers, delivery counts, anomalies, requests in flight and narration.
using LeaderMap = std::map<std::pair<std::size_t, int>, std::int32_t>;  // (topic index, partition) -> leader
void fill_clients(engine::Snapshot& snap, const World& world, const LeaderMap& leaders);

}  // namespace kafkasim::gui::testing
