// kafkasim bench core: events per second through Simulation's event loop, in a hold model (every event
// reschedules itself at now + a pseudo-random delay, so the number of pending events stays constant), with
// 1,000 and 100,000 pending events; beside it the same hold model on a bare std::priority_queue of
// (time, seq) entries, the ceiling. Goal: the Simulation reaches at least 50% of the bare heap's rate.
// Figures and the command go in docs/benchmarks.md.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <queue>
#include <utility>
#include <vector>

#include <time.h>

#include "cli/bench.h"
#include "cli/command.h"
#include "sim/core/simulation.h"
#include "sim/net/network.h"

namespace kafkasim::cli {
namespace {

constexpr std::uint64_t kDelayMaxUs = 1'000;

struct HoldResult {
  double events_per_sec = 0;
  std::uint64_t checksum = 0;  // final clock: keeps the work observable and shows both loops did the same
};

// One event of the hold model: draws a delay and reschedules itself.
struct Hold {
  Simulation* sim;
  Rng* rng;
  void operator()() const { sim->after(1 + static_cast<TimeUs>(rng->uniform(kDelayMaxUs)), Hold{*this}); }
};

// The process's CPU time, not the wall clock: the machine is shared, and time slices given to other
// processes must not count against either loop.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

HoldResult run_simulation(std::size_t pending, std::uint64_t events) {
  Simulation sim(1);
  Rng rng(7);
  for (std::size_t i = 0; i < pending; ++i) {
    sim.at(1 + static_cast<TimeUs>(rng.uniform(kDelayMaxUs)), Hold{&sim, &rng});
  }
  const double start = cpu_seconds();
  const std::uint64_t ran = sim.run_events(events);
  const double secs = cpu_seconds() - start;
  return {static_cast<double>(ran) / secs, static_cast<std::uint64_t>(sim.now())};
}

HoldResult run_bare_heap(std::size_t pending, std::uint64_t events) {
  struct Entry {
    TimeUs time;
    std::uint64_t seq;
    bool operator>(const Entry& o) const { return time != o.time ? time > o.time : seq > o.seq; }
  };
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
  Rng rng(7);
  std::uint64_t seq = 0;
  for (std::size_t i = 0; i < pending; ++i)
    heap.push({1 + static_cast<TimeUs>(rng.uniform(kDelayMaxUs)), seq++});
  TimeUs now = 0;
  const double start = cpu_seconds();
  for (std::uint64_t i = 0; i < events; ++i) {
    now = heap.top().time;
    heap.pop();
    heap.push({now + 1 + static_cast<TimeUs>(rng.uniform(kDelayMaxUs)), seq++});
  }
  const double secs = cpu_seconds() - start;
  return {static_cast<double>(events) / secs, static_cast<std::uint64_t>(now)};
}

// The network on top of the loop: nodes bounce every message they receive back on its connection, so
// the number of messages in flight stays constant. Default link: latency + jitter + bandwidth.
class BenchMessage : public net::Message {
 public:
  std::uint32_t size_bytes() const override { return 1'000; }
  std::string_view name() const override { return "Bench"; }
};

class Bouncer : public Node, public net::Endpoint {
 public:
  Bouncer(Simulation& sim, NodeId id, net::Network& net)
      : Node(sim, id, NodeKind::kOther, "bouncer"), net_(net) {
    net_.attach(id, this);
  }
  void on_message(net::ConnectionId conn, NodeId, net::MessagePtr msg) override {
    net_.send(conn, id(), std::move(msg));
  }
  void on_disconnect(net::ConnectionId, NodeId) override {}

 private:
  net::Network& net_;
};

double run_network(std::size_t in_flight, std::uint64_t events) {
  constexpr int kNodes = 10;
  Simulation sim(1);
  net::Network net(sim);
  for (int i = 1; i <= kNodes; ++i) sim.add_node<Bouncer>(NodeId{i}, net);
  for (int i = 1; i <= kNodes; ++i) sim.start_node(NodeId{i});
  std::vector<std::pair<net::ConnectionId, NodeId>> conns;
  for (int a = 1; a <= kNodes; ++a) {
    for (int b = a + 1; b <= kNodes; ++b) conns.emplace_back(net.connect(NodeId{a}, NodeId{b}), NodeId{a});
  }
  const auto payload = std::make_shared<const BenchMessage>();
  for (std::size_t i = 0; i < in_flight; ++i) {
    const auto& [conn, from] = conns[i % conns.size()];
    net.send(conn, from, payload);
  }
  const double start = cpu_seconds();
  const std::uint64_t before = net.stats().messages_delivered;
  sim.run_events(events);
  const double secs = cpu_seconds() - start;
  return static_cast<double>(net.stats().messages_delivered - before) / secs;
}

// Best of `repeat` runs of each loop, alternating the two so that a change in the machine's load (other
// processes) hits both alike.
std::pair<HoldResult, HoldResult> best_of(int repeat, std::size_t pending, std::uint64_t events) {
  HoldResult sim;
  HoldResult bare;
  for (int i = 0; i < repeat; ++i) {
    const HoldResult s = run_simulation(pending, events);
    const HoldResult b = run_bare_heap(pending, events);
    if (s.events_per_sec > sim.events_per_sec) sim = s;
    if (b.events_per_sec > bare.events_per_sec) bare = b;
  }
  return {sim, bare};
}

const BenchRegistrar kBenchCore(
    "core", "Event loop throughput (hold model) vs a bare std::priority_queue", [](CLI::App& app) {
      auto events = std::make_shared<std::uint64_t>(3'000'000);
      auto repeat = std::make_shared<int>(5);
      app.add_option("--events", *events, "Events per measured run")
          ->check(CLI::Range(1'000ULL, 1'000'000'000ULL));
      app.add_option("--repeat", *repeat, "Runs per figure; the best is kept")->check(CLI::Range(1, 100));
      return std::function<int()>([events, repeat] {
        std::printf(
            "kafkasim bench core: hold model, delays uniform in [1, %llu] us, %llu events per run, best of "
            "%d, events per CPU-second\n",
            static_cast<unsigned long long>(kDelayMaxUs), static_cast<unsigned long long>(*events), *repeat);
        std::printf("machine: %s\n", machine_description().c_str());
        std::printf("%10s %18s %18s %8s\n", "pending", "Simulation ev/s", "bare heap ev/s", "ratio");
        bool goal_met = true;
        for (const std::size_t pending : {std::size_t{1'000}, std::size_t{100'000}}) {
          const auto [sim, bare] = best_of(*repeat, pending, *events);
          const double ratio = sim.events_per_sec / bare.events_per_sec;
          goal_met = goal_met && ratio >= 0.5;
          std::printf("%10zu %18.0f %18.0f %7.1f%%\n", pending, sim.events_per_sec, bare.events_per_sec,
                      100.0 * ratio);
          if (sim.checksum != bare.checksum) {
            std::printf("  note: final clocks differ (%llu vs %llu)\n",
                        static_cast<unsigned long long>(sim.checksum),
                        static_cast<unsigned long long>(bare.checksum));
          }
        }
        std::printf("goal (Simulation >= 50%% of the bare heap): %s\n", goal_met ? "met" : "MISSED");
        double net_rate = 0;
        for (int i = 0; i < *repeat; ++i) net_rate = std::max(net_rate, run_network(1'000, *events));
        std::printf(
            "network: %.0f messages/s delivered (1,000 in flight over 45 connections, default link)\n",
            net_rate);
        return kExitOk;
      });
    });

}  // namespace
}  // namespace kafkasim::cli
