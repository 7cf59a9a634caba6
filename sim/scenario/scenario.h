#pragma once
// Scenario: the plain-data model of one scenario file (docs/scenarios.md is the reference of the YAML).
// A scenario names a cluster (brokers, broker configs, network), topics, producers, consumer groups,
// exactly-once processors, a timeline of faults and actions at sim times, narration and pause points for
// teaching, and expectations checked at the end or at a time. The engine turns it into a run; this folder
// only parses and validates (parser.h). Every element keeps the Location it came from so later messages
// (engine warnings, failed expectations) can point back into the file.
//
// Units: all times and durations are TimeUs (microseconds of sim time); sizes in bytes; Kafka configs are
// config::ConfigMap under Kafka's names and defaults.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/config/config_map.h"
#include "sim/core/time.h"
#include "sim/scenario/expectation.h"
#include "sim/scenario/location.h"

namespace kafkasim::scenario {

struct BrokerSpec {
  std::int32_t id = 0;  // Kafka: node.id / broker.id
  std::string rack;     // Kafka: broker.rack ("" when unset)
  Location loc;
};

struct NetworkSpec {
  TimeUs latency_us = 500;               // one-way latency of every link
  TimeUs jitter_us = 0;                  // uniform extra delay in [0, jitter]
  std::int64_t bandwidth_bytes_per_sec = 125'000'000;  // 1Gbps
  std::uint32_t loss_ppm = 0;            // messages dropped per million
  Location loc;
};

struct ClusterSpec {
  std::vector<BrokerSpec> brokers;  // ascending ids
  config::ConfigMap configs{config::Scope::kBroker};
  NetworkSpec network;
  Location loc;
};

struct TopicSpec {
  std::string name;
  std::int32_t partitions = 1;          // Kafka: num.partitions when omitted (the broker's value)
  std::int32_t replication_factor = 1;  // Kafka: default.replication.factor when omitted
  config::ConfigMap configs{config::Scope::kTopic};
  Location loc;
};

// How a producer chooses record keys. Pattern "customer-{0..99}" gives customer-0 .. customer-99.
struct KeySpec {
  enum class Mode : std::uint8_t { kNull, kFixed, kSequential, kRandom };
  Mode mode = Mode::kNull;
  std::string prefix;  // text before {lo..hi} (kFixed: the whole key)
  std::string suffix;  // text after }
  std::int64_t lo = 0;
  std::int64_t hi = 0;
  Location loc;
};

// A send rate of `count` records every `per_us` ("200/s" -> {200, 1s}); exact integers, no floats.
struct Rate {
  std::int64_t count = 0;
  TimeUs per_us = 0;
};

struct ProducerSpec {
  std::string id;  // Kafka: client.id
  std::string topic;
  std::optional<Rate> rate;          // records per time; absent: as fast as allowed
  std::optional<std::int64_t> count; // total records; absent: until stop/end
  TimeUs start_us = 0;
  TimeUs stop_us = kTimeNever;
  KeySpec keys;
  std::int32_t value_size_bytes = 100;
  std::map<std::string, std::string> headers;
  config::ConfigMap configs{config::Scope::kProducer};  // after resolve_producer_configs
  std::vector<config::ConfigNote> config_notes;         // info notes of the resolution (e.g. idempotence off)
  Location loc;
};

// When the consumer commits offsets relative to processing (what decides at-most/at-least-once).
enum class CommitStrategy : std::uint8_t {
  kAuto,              // Kafka: enable.auto.commit=true, every auto.commit.interval.ms
  kBeforeProcessing,  // commitSync before processing a batch: at-most-once
  kAfterProcessing,   // commitSync after processing a batch: at-least-once
  kIdempotent,        // after processing, with an idempotent sink that drops duplicates
};
std::string_view commit_strategy_name(CommitStrategy s);

struct MemberSpec {
  std::string name;               // "1", "2", ... or given; referenced as "<group>/<name>"
  std::string group_instance_id;  // Kafka: group.instance.id (static membership, KIP-345); "" = dynamic
  TimeUs start_us = 0;
  Location loc;
};

struct ConsumerGroupSpec {
  std::string group;  // Kafka: group.id
  std::vector<std::string> topics;
  std::vector<MemberSpec> members;
  TimeUs processing_time_us = 0;  // per record
  CommitStrategy commit = CommitStrategy::kAuto;
  config::ConfigMap configs{config::Scope::kConsumer};
  Location loc;
};

// An exactly-once consume-transform-produce loop (Kafka Streams processing.guarantee=exactly_once_v2
// shape): read `input` in group `group` with isolation.level=read_committed, write `output` and the
// offsets in one transaction with transactional.id.
struct ProcessorSpec {
  std::string id;
  std::string input;
  std::string output;
  std::string group;
  std::string transactional_id;      // Kafka: transactional.id
  std::int32_t instances = 1;
  TimeUs processing_time_us = 0;     // per record
  TimeUs commit_interval_us = 100'000;  // Kafka Streams: commit.interval.ms = 100 under exactly-once
  config::ConfigMap producer_configs{config::Scope::kProducer};
  config::ConfigMap consumer_configs{config::Scope::kConsumer};
  Location loc;
};

// A simulated process named in the timeline: "broker 2" (or 2), a producer id, a processor id, or a
// consumer "group/member".
struct NodeRef {
  enum class Kind : std::uint8_t { kBroker, kProducer, kProcessor, kConsumer };
  Kind kind = Kind::kBroker;
  std::int32_t broker = -1;
  std::string name;    // producer or processor id; consumer member name
  std::string group;   // consumer group
  Location loc;
  std::string describe() const;  // "broker 2", "producer checkout", "consumer billing/1"
};

enum class ActionKind : std::uint8_t {
  kCrash,           // broker: process dies, unflushed page cache survives (OS alive)
  kPowerLoss,       // broker: machine loses power, bytes not fsynced are lost
  kRestart,         // broker
  kShutdown,        // broker: controlled shutdown (leadership moved away first)
  kPartition,       // groups of nodes that cannot reach each other
  kOneWay,          // from -> to blocked, the other direction works
  kIsolate,         // node cut from everyone
  kHeal,            // all network faults removed
  kLinkLatency,     // latency (and jitter) between from and to (both ways)
  kLinkLoss,        // message loss between from and to (both ways)
  kPause,           // node stops (GC pause / SIGSTOP); `for` resumes it
  kResume,          // node
  kSlowDisk,        // broker's disk: each write/fsync takes `delay` more
  kDiskFull,        // broker's disk refuses writes
  kCorruptSegment,  // flip a byte in a broker's segment of topic-partition
  kClockSkew,       // node's wall clock offset by skew (timestamps, not sim time)
  kAddConsumer,     // new member in group
  kRemoveConsumer,  // member leaves gracefully (LeaveGroup)
  kKillConsumer,    // member crashes (no LeaveGroup; found by session.timeout.ms)
  kSlowConsumer,    // member's processing_time changes
  kStopProducer,
  kStartProducer,
  kAddPartitions,   // topic grows to `count` partitions
  kChangeConfig,    // dynamic config change (kafka-configs.sh --alter)
  kNarrate,         // narration only (pause_point may be set)
};
std::string_view action_name(ActionKind kind);  // the YAML key: "crash", "power_loss", ...

struct ConfigChange {
  config::Scope scope = config::Scope::kBroker;
  std::string target;  // broker id as text (empty: cluster-wide default), topic, producer id, or group
  std::string key;
  config::ConfigValue value;
  std::string value_text;
};

// One timeline entry: an action at a time, with optional narration and pause point.
struct TimelineEvent {
  TimeUs at_us = 0;
  ActionKind kind = ActionKind::kNarrate;
  std::vector<NodeRef> nodes;                    // crash..shutdown, isolate, pause, resume, slow/kill...: 1
  std::vector<std::vector<NodeRef>> groups;      // kPartition: each group; kOneWay/link: {from}, {to}
  std::optional<TimeUs> for_us;                  // reverts after this long (pause, partition, disks, links)
  TimeUs delay_us = 0;                           // kSlowDisk: extra per I/O; kLinkLatency: latency;
                                                 // kClockSkew: skew (may be negative); kSlowConsumer: per record
  TimeUs jitter_us = 0;                          // kLinkLatency
  std::uint32_t loss_ppm = 0;                    // kLinkLoss
  std::string topic;                             // kCorruptSegment, kAddPartitions
  std::int32_t partition = -1;                   // kCorruptSegment
  std::optional<std::int64_t> position;          // kCorruptSegment: byte position; nullopt = random
  std::int32_t count = 0;                        // kAddPartitions: the new total
  std::string group;                             // kAddConsumer
  std::string member;                            // kAddConsumer: the new member's name
  std::string group_instance_id;                 // kAddConsumer: static membership id, "" = dynamic
  ConfigChange change;                           // kChangeConfig
  std::string narration;
  bool pause_point = false;
  Location loc;
};

struct Scenario {
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  TimeUs duration_us = 0;
  ClusterSpec cluster;
  std::vector<TopicSpec> topics;
  std::vector<ProducerSpec> producers;
  std::vector<ConsumerGroupSpec> consumer_groups;
  std::vector<ProcessorSpec> processors;
  std::vector<TimelineEvent> timeline;  // ascending at_us (file order among equal times)
  std::vector<Expectation> expectations;

  std::string source_name;    // file path or display name
  std::string source_text;    // the file as read (the recorder stores it)
  std::uint64_t source_hash = 0;  // fnv1a64(source_text)

  const TopicSpec* find_topic(std::string_view name) const;
  const ConsumerGroupSpec* find_group(std::string_view group) const;  // consumer groups only
  const ProducerSpec* find_producer(std::string_view id) const;
  const ProcessorSpec* find_processor(std::string_view id) const;
  bool has_broker(std::int32_t id) const;
};

}  // namespace kafkasim::scenario
