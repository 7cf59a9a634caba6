#pragma once
// The broker and topic configs kafkasim's cluster code reads, with Kafka's names and defaults (Kafka 3.7).
// The engine fills them from a scenario's config maps (sim/config validates keys and values).
#include <cstdint>
#include <string>

namespace kafkasim::cluster {

struct TopicConfig {
  std::int32_t min_insync_replicas = 1;             // Kafka: min.insync.replicas
  bool unclean_leader_election_enable = false;      // Kafka: unclean.leader.election.enable
  std::int64_t retention_ms = 604800000;            // Kafka: retention.ms
  std::int64_t retention_bytes = -1;                // Kafka: retention.bytes
  std::int64_t segment_bytes = 1073741824;          // Kafka: segment.bytes
  std::int64_t segment_ms = 604800000;              // Kafka: segment.ms
  std::string cleanup_policy = "delete";            // Kafka: cleanup.policy (delete | compact | compact,delete)
  std::int64_t delete_retention_ms = 86400000;      // Kafka: delete.retention.ms
  std::int64_t min_compaction_lag_ms = 0;           // Kafka: min.compaction.lag.ms
  // Kafka: min.cleanable.dirty.ratio (broker default log.cleaner.min.cleanable.ratio), in thousandths.
  std::int32_t min_cleanable_dirty_ratio_permille = 500;
  std::int64_t flush_messages = INT64_MAX;          // Kafka: flush.messages (log.flush.interval.messages)
  std::int64_t flush_ms = INT64_MAX;                // Kafka: flush.ms (log.flush.interval.ms)
  bool log_append_time = false;                     // Kafka: message.timestamp.type=LogAppendTime
  std::int32_t index_interval_bytes = 4096;         // Kafka: index.interval.bytes
};

struct BrokerConfig {
  std::int64_t broker_session_timeout_ms = 9000;     // Kafka: broker.session.timeout.ms
  std::int64_t broker_heartbeat_interval_ms = 2000;  // Kafka: broker.heartbeat.interval.ms
  std::int64_t replica_lag_time_max_ms = 30000;      // Kafka: replica.lag.time.max.ms
  std::int32_t replica_fetch_wait_max_ms = 500;      // Kafka: replica.fetch.wait.max.ms
  std::int32_t replica_fetch_min_bytes = 1;          // Kafka: replica.fetch.min.bytes
  std::int32_t replica_fetch_max_bytes = 1048576;    // Kafka: replica.fetch.max.bytes
  std::int64_t replica_fetch_backoff_ms = 1000;      // Kafka: replica.fetch.backoff.ms
  std::int32_t replica_socket_timeout_ms = 30000;    // Kafka: replica.socket.timeout.ms
  std::int64_t log_retention_check_interval_ms = 300000;  // Kafka: log.retention.check.interval.ms
  bool log_cleaner_enable = true;                    // Kafka: log.cleaner.enable
  std::int64_t log_cleaner_backoff_ms = 15000;       // Kafka: log.cleaner.backoff.ms
  std::int64_t log_flush_scheduler_interval_ms = INT64_MAX;  // Kafka: log.flush.scheduler.interval.ms
  std::int32_t offsets_topic_num_partitions = 50;    // Kafka: offsets.topic.num.partitions
  std::int32_t offsets_topic_replication_factor = 3; // Kafka: offsets.topic.replication.factor
  std::int32_t transaction_state_log_num_partitions = 50;  // Kafka: transaction.state.log.num.partitions
  std::int32_t transaction_state_log_replication_factor = 3;  // Kafka: transaction.state.log.replication.factor
  std::int32_t transaction_state_log_min_isr = 2;     // Kafka: transaction.state.log.min.isr
  std::int32_t transaction_max_timeout_ms = 900000;   // Kafka: transaction.max.timeout.ms
  // Kafka: transaction.abort.timed.out.transaction.cleanup.interval.ms
  std::int64_t transaction_abort_timed_out_cleanup_interval_ms = 10000;
  std::int64_t transactional_id_expiration_ms = 604800000;  // Kafka: transactional.id.expiration.ms (7 days)
  // Kafka: transaction.remove.expired.transaction.cleanup.interval.ms (1 hour)
  std::int64_t transaction_remove_expired_cleanup_interval_ms = 3600000;
  std::int64_t group_initial_rebalance_delay_ms = 3000;    // Kafka: group.initial.rebalance.delay.ms
  // The OS writes dirty pages back on its own (Linux vm.dirty_expire_centisecs = 3000): kafkasim flushes
  // every log this often, so a power loss loses at most about this much unreplicated data.
  std::int64_t os_writeback_ms = 30000;              // kafkasim: os.writeback.ms (not a Kafka key)
  std::string rack;                                  // Kafka: broker.rack
  TopicConfig topic_defaults;                        // log.* / default topic configs
};

}  // namespace kafkasim::cluster
