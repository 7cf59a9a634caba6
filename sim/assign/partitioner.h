#pragma once
// Kafka's producer partitioners, as the Java client (org.apache.kafka.clients.producer) computes them:
//  - keyed records: Utils.toPositive(Utils.murmur2(keyBytes)) % numPartitions (BuiltInPartitioner
//    .partitionForKey), unless partitioner.ignore.keys=true;
//  - unkeyed records: the KIP-794 uniform sticky partitioner of Kafka 3.3+ (BuiltInPartitioner): stick to
//    one partition until batch.size bytes were produced to it, then pick the next one at random, among
//    the available partitions, or weighted by queue sizes when adaptive partitioning has load stats;
//  - partitioner.class=org.apache.kafka.clients.producer.RoundRobinPartitioner: a per-topic counter;
//  - the coordinators' choice of a partition of __consumer_offsets / __transaction_state:
//    Utils.abs(id.hashCode()) % partitionCount.
// Lifecycle: one StickyPartitioner / RoundRobinPartitioner per producer (the sticky one keeps one state
// per topic, as Kafka keeps one BuiltInPartitioner per topic). Randomness comes only from the caller's
// kafkasim::Rng, passed to each call that may switch partitions.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/rng.h"

namespace kafkasim::assign {

// Kafka: org.apache.kafka.common.utils.Utils.murmur2 (seed 0x9747b28c, m 0x5bd1e995, r 24).
std::int32_t murmur2(std::span<const std::uint8_t> bytes);
std::int32_t murmur2(std::string_view bytes);
// Kafka: Utils.toPositive (number & 0x7fffffff; not Math.abs).
constexpr std::int32_t to_positive(std::int32_t n) { return n & 0x7fffffff; }
// Kafka: BuiltInPartitioner.partitionForKey. REQUIRES: num_partitions > 0.
std::int32_t partition_for_key(std::string_view key_bytes, std::int32_t num_partitions);

// Kafka: GroupCoordinator.partitionFor(groupId) = Utils.abs(groupId.hashCode) % offsets.topic.num.partitions,
// and TransactionStateManager.partitionFor(transactionalId) with transaction.state.log.num.partitions.
// REQUIRES: num_partitions > 0.
std::int32_t partition_for_string(std::string_view id, std::int32_t num_partitions);

// The producer's view of one topic when it picks a partition for an unkeyed record.
struct TopicPartitions {
  std::int32_t num_partitions = 0;       // Cluster.partitionsForTopic(topic).size()
  std::vector<std::int32_t> available;   // Cluster.availablePartitionsForTopic: partitions with a leader
};

// Adaptive partitioning input (Kafka: RecordAccumulator#partitionReady builds it). Partitions whose
// leader has been unready longer than partitioner.availability.timeout.ms are left out by the caller.
struct PartitionLoad {
  std::vector<std::int32_t> partition_ids;  // partitions with a leader, in the caller's order
  std::vector<std::int32_t> queue_sizes;    // batches queued per partition, same order
  std::int32_t num_partitions = 0;          // all partitions of the topic (queueSizes.length in Kafka)
};

// One partition's producer queue, as RecordAccumulator#partitionReady sees it when it builds the
// adaptive load stats: batches queued, whether the leader is known, and the leader's NodeLatencyStats
// (the last time it had data ready to send and the last time data was drained to it).
struct PartitionQueue {
  std::int32_t partition = 0;
  std::int32_t queued_batches = 0;
  bool leader_known = true;
  std::int64_t leader_ready_ms = 0;  // NodeLatencyStats.readyTimeMs
  std::int64_t leader_drain_ms = 0;  // NodeLatencyStats.drainTimeMs
};

// Kafka: RecordAccumulator#partitionReady's load collection. Partitions without a leader are left out;
// with partitioner.availability.timeout.ms > 0, so are partitions whose leader has had data ready for
// longer than the timeout without draining it (readyTimeMs - drainTimeMs > timeout).
PartitionLoad partition_load(const std::vector<PartitionQueue>& queues, std::int64_t availability_timeout_ms);

struct StickyPartitionerConfig {
  std::int32_t batch_size_bytes = 16384;               // Kafka: batch.size (the sticky switch size)
  bool adaptive_partitioning_enabled = true;           // Kafka: partitioner.adaptive.partitioning.enable
  std::int64_t availability_timeout_ms = 0;            // Kafka: partitioner.availability.timeout.ms
  bool ignore_keys = false;                            // Kafka: partitioner.ignore.keys
};

// May the sticky partitioner switch when batch.size is reached? Kafka's RecordAccumulator allows it only
// when every batch of the partition's queue is full (so partitions switch at batch boundaries); past
// 2 * batch.size it switches regardless.
enum class SwitchPolicy { kAllowSwitch, kBatchNotFull };

// Kafka: org.apache.kafka.clients.producer.internals.BuiltInPartitioner (KIP-794), one state per topic.
class StickyPartitioner {
 public:
  explicit StickyPartitioner(StickyPartitionerConfig config);

  // The partition for a record. Keyed records (key != nullopt and !ignore_keys) hash with murmur2;
  // otherwise the topic's current sticky partition (choosing one with `rng` if there is none yet).
  // REQUIRES: topic.num_partitions > 0.
  std::int32_t partition(std::string_view topic_name, std::optional<std::string_view> key,
                         const TopicPartitions& topic, Rng& rng);

  // After appending `appended_bytes` of an unkeyed record to the sticky partition: counts the bytes and
  // switches (Kafka: updatePartitionInfo) once batch.size was produced (2 * batch.size if the policy
  // says the batch is not full yet).
  void on_append(std::string_view topic_name, std::int32_t appended_bytes, const TopicPartitions& topic,
                 SwitchPolicy policy, Rng& rng);

  // Kafka: updatePartitionLoadStats. nullopt, adaptive partitioning disabled, fewer than 2 partitions or
  // all queues equal (with none excluded) mean "uniform" (no load stats).
  void update_load(std::string_view topic_name, const std::optional<PartitionLoad>& load);

  // The current sticky partition of a topic, if one was chosen.
  std::optional<std::int32_t> current(std::string_view topic_name) const;
  std::int32_t produced_bytes(std::string_view topic_name) const;

 private:
  struct TopicState {
    std::optional<std::int32_t> partition;
    std::int32_t produced_bytes = 0;
    // Cumulative frequency table (Kafka: PartitionLoadStats); empty = uniform.
    std::vector<std::int32_t> cumulative_frequency;
    std::vector<std::int32_t> load_partition_ids;
  };
  std::int32_t next_partition(const TopicState& state, const TopicPartitions& topic, Rng& rng) const;

  StickyPartitionerConfig config_;
  std::map<std::string, TopicState, std::less<>> topics_;
};

// Which Kafka version's RoundRobinPartitioner to model when the producer creates a new batch.
enum class RoundRobinNewBatch {
  // Kafka 3.0-3.8: KafkaProducer aborts the append when a new batch is needed, calls onNewBatch (a no-op
  // here) and then partition() again, so the counter advances twice and a partition is skipped
  // (KAFKA-9965; with an even partition count and one record per batch only every other partition is used).
  kSkipsPartition,
  // Kafka 3.9 / 4.0 (KAFKA-17632): onNewBatch remembers the aborted partition and the next partition()
  // call returns it again, so no partition is skipped.
  kRemembersPartition,
};

// Kafka: org.apache.kafka.clients.producer.RoundRobinPartitioner (partitioner.class), keys ignored.
class RoundRobinPartitioner {
 public:
  explicit RoundRobinPartitioner(RoundRobinNewBatch mode = RoundRobinNewBatch::kSkipsPartition);
  // Kafka: partition(): counter = topicCounterMap[topic]++; toPositive(counter) % available.size()
  // (or % numPartitions when none is available). REQUIRES: topic.num_partitions > 0.
  std::int32_t partition(std::string_view topic_name, const TopicPartitions& topic);
  // Kafka: onNewBatch(topic, cluster, prevPartition). The producer calls it when partition()'s choice
  // needs a new batch (RecordAccumulator abortForNewBatch), then calls partition() again and uses that.
  void on_new_batch(std::string_view topic_name, std::int32_t prev_partition);
 private:
  RoundRobinNewBatch mode_;
  std::map<std::string, std::int32_t, std::less<>> counters_;
  std::map<std::string, std::vector<std::int32_t>, std::less<>> remembered_;
};

}  // namespace kafkasim::assign
