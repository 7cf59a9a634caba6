#pragma once
// Run: one simulated run of a Scenario: builds the cluster (controller, brokers, topics), the clients
// (producers with their workloads, consumer groups, processors) and the network from the scenario, plays
// its timeline of faults and actions, applies commands (from the visualizer), records the history for the
// checker, and answers questions about the present (snapshot(), expectations).
//
// Lifecycle: construct -> start() -> advance with sim().run_until / step -> finish() (checker report,
// expectations at the end). A Run is deterministic: the same scenario, seed and commands give the same
// trace hash. Node ids: brokers use their broker.id; the controller is 1000 (kControllerId); producers
// 2000+, consumers 3000+, processors 4000+, in scenario order.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/check/checker.h"
#include "sim/check/history.h"
#include "sim/client/consumer.h"
#include "sim/client/producer.h"
#include "sim/cluster/broker.h"
#include "sim/cluster/controller.h"
#include "sim/core/simulation.h"
#include "sim/engine/command.h"
#include "sim/engine/snapshot.h"
#include "sim/net/network.h"
#include "sim/scenario/expectation.h"
#include "sim/scenario/scenario.h"

namespace kafkasim::engine {

inline constexpr std::int32_t kControllerId = 1000;

struct RunOptions {
  std::optional<std::uint64_t> seed;  // overrides the scenario's seed
  std::string data_dir;               // when set: every broker's disk is mirrored to DATA_DIR/broker-<id>/
};

struct ExpectationResult {
  std::string text;
  std::optional<TimeUs> at_us;
  bool evaluated = false;
  bool passed = false;
  std::string explanation;
  std::string location;  // file:line:column
};

// One applied timeline action or command, for reports, the GUI timeline and the recording.
struct AppliedFault {
  TimeUs time_us = 0;
  std::uint64_t event_number = 0;
  std::string what;  // "crash broker 2"
  bool from_command = false;
};

class ProducerWorkload;
class Processor;

// The producer's configuration from a scenario's ProducerSpec (Kafka names -> client::ProducerConfig).
client::ProducerConfig producer_config(const scenario::ProducerSpec& spec);
// The same from a config map (a processor's producer_configs), with client.id `client_id`.
client::ProducerConfig producer_config(const config::ConfigMap& m, const std::string& client_id);
// A consumer's Kafka configs from a config map (no group, client id or application mode set).
client::ConsumerConfig consumer_base_config(const config::ConfigMap& m);

class Run {
 public:
  Run(const scenario::Scenario& scenario, RunOptions options);
  ~Run();
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  // Starts every node and schedules the workloads and the timeline. Call once.
  void start();
  Simulation& sim() { return *sim_; }
  const Simulation& sim() const { return *sim_; }
  const scenario::Scenario& scenario() const { return scenario_; }
  std::uint64_t seed() const { return seed_; }
  TimeUs duration_us() const { return scenario_.duration_us; }

  // Applies a command now (at an event boundary), traces it and remembers it.
  void apply(const Command& command);
  const std::vector<AppliedFault>& faults() const { return faults_; }

  // The history checker's view of the run so far (reads the final logs; call at the end or any time).
  check::Report check_now();
  // Evaluates the end-of-run expectations (timed ones were evaluated when their time came).
  const std::vector<ExpectationResult>& finish();
  const std::vector<ExpectationResult>& expectations() const { return expectations_; }
  bool expectations_passed() const;

  Snapshot snapshot() const;
  check::History& history() { return history_; }
  const check::History& history() const { return history_; }
  net::Network& network() { return *net_; }
  cluster::Controller& controller() { return *controller_; }
  const cluster::Controller& controller() const { return *controller_; }
  const std::vector<cluster::Broker*>& brokers() const { return brokers_; }
  cluster::Broker* broker(std::int32_t id) const;
  const std::vector<client::Producer*>& producers() const { return producers_; }
  // Every consumer group member ever created (killed ones included), in creation order.
  std::vector<std::pair<std::string, const client::Consumer*>> consumers() const;
  // Errors each producer saw, by Kafka error name (the expectation errors(producer, CODE)).
  std::int64_t producer_errors(const std::string& producer, const std::string& code) const;
  std::string narration() const { return narration_; }
  TimeUs narration_us() const { return narration_us_; }

  // The expectation language's lookups (sim/scenario/expectation.h).
  scenario::LookupResult lookup(const scenario::Call& call);

  // (group, topics) of every consumer group, then of every processor's group (its input topic).
  std::vector<std::pair<std::string, std::vector<std::string>>> group_topics() const;
  // Crashes (every instance of) a processor now / restarts its crashed or fenced instances: what the
  // timeline's `crash: enricher` / `restart: enricher` do; noted as faults.
  void crash_processor(const std::string& id, CrashKind kind);
  void restart_processor(const std::string& id);
  // Processors (scenario `processors:`), in scenario order.
  const std::vector<std::unique_ptr<Processor>>& processors() const { return processors_; }
  const Processor* find_processor(const std::string& id) const;

  // --- for the clients the Run builds (workloads, groups, processors) ---
  // Hooks that record a producer's sends, acks and errors in the history as client `name`.
  client::ProducerHooks producer_hooks(const std::string& name, const std::string& transactional_id);
  // Hooks that record a consumer's polls, commits, seeks and membership as member `member` of `group`.
  client::ConsumerHooks consumer_hooks(const std::string& group, const std::string& member);
  std::vector<NodeId> bootstrap() const;
  // The next run-unique record id (header kafkasim.id).
  std::uint64_t take_record_id() { return next_record_id_++; }

 private:
  void build();
  void schedule_timeline();
  void apply_action(const scenario::TimelineEvent& ev);
  void revert_action(const scenario::TimelineEvent& ev);
  void apply_config_change(const scenario::ConfigChange& change);
  void apply_client_config_change(const scenario::ConfigChange& change);
  void apply_consumer_action(const scenario::TimelineEvent& ev);
  void apply_consumer_command(const Command& command);
  void apply_consumer_config_change(const scenario::ConfigChange& change);
  scenario::LookupResult lookup_group(const scenario::Call& call);
  void add_group_final_state(check::FinalState& fs);
  void add_group_views(Snapshot& s) const;
  void note_fault(const std::string& what, bool from_command);
  NodeId node_of(const scenario::NodeRef& ref) const;
  // Every node a ref names: one, or every producer and consumer of a processor's instances.
  std::vector<NodeId> nodes_of(const scenario::NodeRef& ref) const;
  void build_processors();
  Processor* processor_of(const scenario::NodeRef& ref);
  void restart_refs(const std::vector<scenario::NodeRef>& refs);
  scenario::LookupResult lookup_processor(const scenario::Call& call, const check::Report& rep);

  void crash_broker(std::int32_t id, CrashKind kind);
  void restart_broker(std::int32_t id);
  check::FinalState final_state();
  const cluster::Replica* readable_replica(const protocol::TopicPartition& tp) const;
  void evaluate_expectation(std::size_t index);
  cluster::TopicConfig topic_config(const scenario::TopicSpec& spec) const;

  scenario::Scenario scenario_;
  RunOptions options_;
  std::uint64_t seed_;
  std::unique_ptr<Simulation> sim_;
  std::unique_ptr<net::Network> net_;
  cluster::BrokerConfig broker_config_;
  cluster::Controller* controller_ = nullptr;
  std::vector<cluster::Broker*> brokers_;
  std::vector<client::Producer*> producers_;
  std::vector<std::unique_ptr<ProducerWorkload>> workloads_;
  // Consumer group members, in creation order ("group/name" names them in the timeline).
  struct Member {
    std::string group;
    std::string name;
    client::Consumer* consumer = nullptr;
  };
  std::vector<Member> members_;
  std::map<std::string, std::shared_ptr<std::set<std::uint64_t>>> dedup_stores_;
  std::int32_t next_consumer_node_ = 3000;
  std::vector<std::unique_ptr<Processor>> processors_;
  void build_groups();
  client::Consumer* add_member(const scenario::ConsumerGroupSpec& spec, const std::string& name,
                               const std::string& instance_id, TimeUs start_us);
  const Member* find_member(const std::string& group, const std::string& name) const;
  std::map<std::string, cluster::TopicConfig> topic_configs_;
  check::History history_;
  // The latest leader change per partition (the cause of a later truncation).
  struct LeaderChangeCause {
    std::int32_t leader = -1;
    bool unclean = false;
    std::uint64_t event_number = 0;
    TimeUs time_us = 0;
  };
  std::map<protocol::TopicPartition, LeaderChangeCause> last_leader_change_;
  struct TruncationView {
    std::int64_t from = -1;
    std::int64_t to = -1;
    TimeUs time_us = -1;
  };
  std::map<std::pair<std::int32_t, protocol::TopicPartition>, TruncationView> last_truncation_;
  // The latest power loss per broker (the cause of a recovery truncation).
  std::map<std::int32_t, std::pair<std::uint64_t, TimeUs>> last_power_loss_;
  std::map<std::pair<std::string, std::string>, std::int64_t> producer_errors_;
  std::vector<AppliedFault> faults_;
  std::vector<ExpectationResult> expectations_;
  std::optional<check::Report> last_report_;
  std::string narration_;
  TimeUs narration_us_ = -1;
  std::uint64_t next_record_id_ = 1;
  bool started_ = false;
  bool finished_ = false;
};

}  // namespace kafkasim::engine

namespace kafkasim::engine {
// The kafka-consumer-groups.sh --describe tables of every group (empty when there are no groups).
std::string render_group_tables(const Run& run);
}  // namespace kafkasim::engine
