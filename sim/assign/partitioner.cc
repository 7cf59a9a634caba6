#include "sim/assign/partitioner.h"

#include <algorithm>

#include "sim/assign/java_compat.h"
#include "sim/core/assert.h"

namespace kafkasim::assign {

std::int32_t murmur2(std::span<const std::uint8_t> data) {
  // Kafka: Utils.murmur2. Java int arithmetic = uint32 with wrap-around; >>> = logical shift.
  const auto length = static_cast<std::uint32_t>(data.size());
  const std::uint32_t seed = 0x9747b28c;
  const std::uint32_t m = 0x5bd1e995;
  const int r = 24;
  std::uint32_t h = seed ^ length;
  const std::uint32_t length4 = length / 4;
  for (std::uint32_t i = 0; i < length4; ++i) {
    const std::uint32_t i4 = i * 4;
    std::uint32_t k = data[i4 + 0] | (data[i4 + 1] << 8) | (data[i4 + 2] << 16) |
                      (static_cast<std::uint32_t>(data[i4 + 3]) << 24);
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  const std::uint32_t tail = length & ~3u;
  switch (length % 4) {
    case 3:
      h ^= static_cast<std::uint32_t>(data[tail + 2]) << 16;
      [[fallthrough]];
    case 2:
      h ^= static_cast<std::uint32_t>(data[tail + 1]) << 8;
      [[fallthrough]];
    case 1:
      h ^= data[tail];
      h *= m;
      break;
    default:
      break;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<std::int32_t>(h);
}

std::int32_t murmur2(std::string_view bytes) {
  return murmur2(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

std::int32_t partition_for_key(std::string_view key_bytes, std::int32_t num_partitions) {
  KS_ASSERT(num_partitions > 0);
  return to_positive(murmur2(key_bytes)) % num_partitions;
}

std::int32_t partition_for_string(std::string_view id, std::int32_t num_partitions) {
  KS_ASSERT(num_partitions > 0);
  return java_utils_abs(java_string_hash_code(id)) % num_partitions;
}

// ---- StickyPartitioner (Kafka: BuiltInPartitioner) ----

StickyPartitioner::StickyPartitioner(StickyPartitionerConfig config) : config_(config) {
  KS_ASSERT(config_.batch_size_bytes >= 1);  // Kafka: "stickyBatchSize must be >= 1"
}

std::int32_t StickyPartitioner::next_partition(const TopicState& state, const TopicPartitions& topic,
                                               Rng& rng) const {
  // Kafka: Utils.toPositive(ThreadLocalRandom.current().nextInt()).
  const auto random = to_positive(static_cast<std::int32_t>(static_cast<std::uint32_t>(rng.next_u64())));
  if (state.cumulative_frequency.empty()) {
    if (!topic.available.empty()) {
      return topic.available[static_cast<std::size_t>(random) % topic.available.size()];
    }
    return random % topic.num_partitions;
  }
  // Weighted by the inverted queue sizes: the first table entry strictly greater than the draw.
  const std::int32_t weighted = random % state.cumulative_frequency.back();
  const auto it = std::upper_bound(state.cumulative_frequency.begin(), state.cumulative_frequency.end(), weighted);
  KS_ASSERT(it != state.cumulative_frequency.end());
  return state.load_partition_ids[static_cast<std::size_t>(it - state.cumulative_frequency.begin())];
}

std::int32_t StickyPartitioner::partition(std::string_view topic_name, std::optional<std::string_view> key,
                                          const TopicPartitions& topic, Rng& rng) {
  KS_ASSERT(topic.num_partitions > 0);
  if (key.has_value() && !config_.ignore_keys) return partition_for_key(*key, topic.num_partitions);
  auto it = topics_.find(topic_name);
  if (it == topics_.end()) it = topics_.emplace(std::string(topic_name), TopicState{}).first;
  TopicState& state = it->second;
  if (!state.partition.has_value()) {
    state.partition = next_partition(state, topic, rng);
    state.produced_bytes = 0;
  }
  return *state.partition;
}

void StickyPartitioner::on_append(std::string_view topic_name, std::int32_t appended_bytes,
                                  const TopicPartitions& topic, SwitchPolicy policy, Rng& rng) {
  auto it = topics_.find(topic_name);
  if (it == topics_.end() || !it->second.partition.has_value()) return;  // keyed record: not ours
  TopicState& state = it->second;
  state.produced_bytes += appended_bytes;
  const std::int64_t batch = config_.batch_size_bytes;
  if ((state.produced_bytes >= batch && policy == SwitchPolicy::kAllowSwitch) ||
      state.produced_bytes >= 2 * batch) {
    state.partition = next_partition(state, topic, rng);
    state.produced_bytes = 0;
  }
}

void StickyPartitioner::update_load(std::string_view topic_name, const std::optional<PartitionLoad>& load) {
  auto it = topics_.find(topic_name);
  if (it == topics_.end()) it = topics_.emplace(std::string(topic_name), TopicState{}).first;
  TopicState& state = it->second;
  state.cumulative_frequency.clear();
  state.load_partition_ids.clear();
  if (!config_.adaptive_partitioning_enabled || !load.has_value()) return;
  const auto& sizes = load->queue_sizes;
  KS_ASSERT(sizes.size() == load->partition_ids.size());
  const std::size_t length = sizes.size();
  if (length < 1 || load->num_partitions < 2) return;
  std::int32_t max_plus1 = sizes[0];
  bool all_equal = true;
  for (std::size_t i = 1; i < length; ++i) {
    if (sizes[i] != max_plus1) all_equal = false;
    max_plus1 = std::max(max_plus1, sizes[i]);
  }
  ++max_plus1;
  if (all_equal && static_cast<std::int32_t>(length) == load->num_partitions) return;
  std::int32_t running = 0;
  for (std::size_t i = 0; i < length; ++i) {
    running += max_plus1 - sizes[i];
    state.cumulative_frequency.push_back(running);
  }
  state.load_partition_ids = load->partition_ids;
}

std::optional<std::int32_t> StickyPartitioner::current(std::string_view topic_name) const {
  auto it = topics_.find(topic_name);
  return it == topics_.end() ? std::nullopt : it->second.partition;
}

std::int32_t StickyPartitioner::produced_bytes(std::string_view topic_name) const {
  auto it = topics_.find(topic_name);
  return it == topics_.end() ? 0 : it->second.produced_bytes;
}

PartitionLoad partition_load(const std::vector<PartitionQueue>& queues, std::int64_t availability_timeout_ms) {
  PartitionLoad load;
  load.num_partitions = static_cast<std::int32_t>(queues.size());
  for (const auto& q : queues) {
    if (!q.leader_known) continue;
    if (availability_timeout_ms > 0 && q.leader_ready_ms - q.leader_drain_ms > availability_timeout_ms) continue;
    load.partition_ids.push_back(q.partition);
    load.queue_sizes.push_back(q.queued_batches);
  }
  return load;
}

// ---- RoundRobinPartitioner ----

RoundRobinPartitioner::RoundRobinPartitioner(RoundRobinNewBatch mode) : mode_(mode) {}

std::int32_t RoundRobinPartitioner::partition(std::string_view topic_name, const TopicPartitions& topic) {
  KS_ASSERT(topic.num_partitions > 0);
  auto rem = remembered_.find(topic_name);
  if (rem != remembered_.end() && !rem->second.empty()) {
    const std::int32_t p = rem->second.front();
    rem->second.erase(rem->second.begin());
    return p;
  }
  auto it = counters_.find(topic_name);
  if (it == counters_.end()) it = counters_.emplace(std::string(topic_name), 0).first;
  const std::int32_t next_value = it->second;
  it->second = static_cast<std::int32_t>(static_cast<std::uint32_t>(next_value) + 1u);  // AtomicInteger wraps
  if (!topic.available.empty()) {
    return topic.available[static_cast<std::size_t>(to_positive(next_value)) % topic.available.size()];
  }
  return to_positive(next_value) % topic.num_partitions;
}

void RoundRobinPartitioner::on_new_batch(std::string_view topic_name, std::int32_t prev_partition) {
  if (mode_ == RoundRobinNewBatch::kSkipsPartition) return;
  auto it = remembered_.find(topic_name);
  if (it == remembered_.end()) it = remembered_.emplace(std::string(topic_name), std::vector<std::int32_t>{}).first;
  it->second.push_back(prev_partition);
}

}  // namespace kafkasim::assign
