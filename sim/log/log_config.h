#pragma once
// LogConfig: the Kafka topic-level configs the log engine obeys, with Kafka's names and defaults
// (org.apache.kafka.common.config.TopicConfig / LogConfig, Kafka 3.x). Times are in ms of the simulated
// clock, sizes in bytes. A plain value type: the broker builds one per partition from its topic config.
#include <cstdint>

#include "sim/log/record_batch.h"

namespace kafkasim {

enum class CleanupPolicy : std::uint8_t { kDelete, kCompact, kCompactDelete };
const char* to_string(CleanupPolicy p);  // "delete", "compact", "compact,delete"

struct LogConfig {
  std::int64_t segment_bytes = 1024 * 1024 * 1024;      // Kafka: segment.bytes (1 GiB)
  std::int64_t segment_ms = 604800000;                  // Kafka: segment.ms (7 days)
  std::int64_t retention_ms = 604800000;                // Kafka: retention.ms (7 days; -1 = forever)
  std::int64_t retention_bytes = -1;                    // Kafka: retention.bytes (-1 = unlimited)
  std::int32_t index_interval_bytes = 4096;             // Kafka: index.interval.bytes
  std::int32_t segment_index_bytes = 10 * 1024 * 1024;  // Kafka: segment.index.bytes (index capacity)
  std::int32_t max_message_bytes = 1048588;             // Kafka: max.message.bytes (largest batch)
  CleanupPolicy cleanup_policy = CleanupPolicy::kDelete;  // Kafka: cleanup.policy
  std::int64_t delete_retention_ms = 86400000;          // Kafka: delete.retention.ms (tombstones, 1 day)
  std::int64_t min_compaction_lag_ms = 0;               // Kafka: min.compaction.lag.ms
  std::int32_t min_cleanable_dirty_ratio_permille = 500;  // Kafka: min.cleanable.dirty.ratio (0.5)
  TimestampType message_timestamp_type = TimestampType::kCreateTime;  // Kafka: message.timestamp.type
  std::int64_t flush_messages = INT64_MAX;              // Kafka: flush.messages (fsync every N records)

  bool compact() const { return cleanup_policy != CleanupPolicy::kDelete; }
  bool delete_retention() const { return cleanup_policy != CleanupPolicy::kCompact; }
};

}  // namespace kafkasim
