// The registry table: Kafka 3.7/3.8 config keys, defaults and validators, transcribed from Kafka's
// documentation (https://kafka.apache.org/documentation/#configuration) and ConfigDef declarations in
// KafkaConfig / LogConfig (TopicConfig) / ProducerConfig / ConsumerConfig.
#include "sim/config/config_table.h"

#include <cstdint>

namespace kafkasim::config {
namespace {

constexpr std::int64_t kIntMax = 2147483647;
constexpr const char* kLongMaxText = "9223372036854775807";

ConfigDef num(std::string_view key, Scope s, ConfigType t, const char* def, std::int64_t lo, std::int64_t hi,
              std::string_view doc) {
  return ConfigDef{key, s, t, def, lo, hi, {}, doc};
}
ConfigDef i32(std::string_view key, Scope s, const char* def, std::int64_t lo, std::string_view doc) {
  return num(key, s, ConfigType::kInt, def, lo, kIntMax, doc);
}
ConfigDef i64(std::string_view key, Scope s, const char* def, std::int64_t lo, std::string_view doc) {
  return num(key, s, ConfigType::kLong, def, lo, INT64_MAX, doc);
}
// Milliseconds: an integer, or a duration written with a unit ("5s").
ConfigDef ms32(std::string_view key, Scope s, const char* def, std::int64_t lo, std::string_view doc) {
  return num(key, s, ConfigType::kDurationMs, def, lo, kIntMax, doc);
}
ConfigDef ms64(std::string_view key, Scope s, const char* def, std::int64_t lo, std::string_view doc) {
  return num(key, s, ConfigType::kDurationMs, def, lo, INT64_MAX, doc);
}
ConfigDef boolean(std::string_view key, Scope s, const char* def, std::string_view doc) {
  return ConfigDef{key, s, ConfigType::kBool, def, 0, 0, {}, doc};
}
ConfigDef str(std::string_view key, Scope s, const char* def, std::string_view doc) {
  return ConfigDef{key, s, ConfigType::kString, def, 0, 0, {}, doc};
}
ConfigDef one_of(std::string_view key, Scope s, const char* def, std::string_view allowed, std::string_view doc) {
  return ConfigDef{key, s, ConfigType::kEnum, def, 0, 0, allowed, doc};
}
ConfigDef list_of(std::string_view key, Scope s, const char* def, std::string_view allowed, std::string_view doc) {
  return ConfigDef{key, s, ConfigType::kList, def, 0, 0, allowed, doc};
}
ConfigDef ratio(std::string_view key, Scope s, const char* def, std::string_view doc) {
  return ConfigDef{key, s, ConfigType::kDouble, def, 0, 1, {}, doc};
}

constexpr Scope B = Scope::kBroker;
constexpr Scope T = Scope::kTopic;
constexpr Scope P = Scope::kProducer;
constexpr Scope C = Scope::kConsumer;

constexpr std::string_view kAssignors =
    "range|roundrobin|sticky|cooperative-sticky|org.apache.kafka.clients.consumer.RangeAssignor|"
    "org.apache.kafka.clients.consumer.RoundRobinAssignor|org.apache.kafka.clients.consumer.StickyAssignor|"
    "org.apache.kafka.clients.consumer.CooperativeStickyAssignor";

std::vector<ConfigDef> build_table() {
  return {
      // ---- broker (KafkaConfig) ----
      str("broker.rack", B, nullptr, "Rack of the broker, used by rack-aware replica assignment."),
      i32("num.partitions", B, "1", 1, "Default number of partitions of an auto-created topic."),
      i32("default.replication.factor", B, "1", 1, "Default replication factor of an auto-created topic."),
      i32("min.insync.replicas", B, "1", 1,
          "Minimum ISR size for an acks=all write to succeed (else NOT_ENOUGH_REPLICAS)."),
      boolean("unclean.leader.election.enable", B, "false",
              "Allow an out-of-sync replica to become leader when no ISR member is alive (may lose data)."),
      boolean("auto.create.topics.enable", B, "true", "Create a topic on first metadata request for it."),
      boolean("auto.leader.rebalance.enable", B, "true", "Move leadership back to preferred replicas."),
      i64("leader.imbalance.check.interval.seconds", B, "300", 1, "How often the preferred-leader check runs."),
      i32("leader.imbalance.per.broker.percentage", B, "10", 0, "Imbalance ratio that triggers a rebalance."),
      boolean("delete.topic.enable", B, "true", "Allow topics to be deleted."),
      ms64("replica.lag.time.max.ms", B, "30000", 0,
           "A follower that has not caught up to the leader's LEO for this long is removed from the ISR."),
      ms32("replica.fetch.wait.max.ms", B, "500", 0, "Max wait of a follower's fetch request."),
      i32("replica.fetch.min.bytes", B, "1", 0, "Min bytes a follower's fetch waits for."),
      i32("replica.fetch.max.bytes", B, "1048576", 0, "Bytes a follower fetches per partition."),
      ms32("replica.fetch.backoff.ms", B, "1000", 0, "Follower back-off after a fetch error."),
      ms64("replica.high.watermark.checkpoint.interval.ms", B, "5000", 0,
           "How often the high watermark is checkpointed to disk."),
      ms32("replica.socket.timeout.ms", B, "30000", 1, "Socket timeout of follower fetches."),
      i32("num.replica.fetchers", B, "1", 1, "Fetcher threads per source broker."),
      i32("message.max.bytes", B, "1048588", 0, "Largest record batch the broker accepts."),
      one_of("compression.type", B, "producer", "uncompressed|zstd|lz4|snappy|gzip|producer",
             "Final compression of topic data; 'producer' keeps the producer's codec."),
      i32("offsets.topic.num.partitions", B, "50", 1, "Partitions of __consumer_offsets."),
      num("offsets.topic.replication.factor", B, ConfigType::kInt, "3", 1, 32767,
          "Replication factor of __consumer_offsets."),
      i32("offsets.retention.minutes", B, "10080", 1, "Committed offsets of an empty group are kept this long."),
      ms32("offsets.commit.timeout.ms", B, "5000", 1, "Offset commit waits this long for replication."),
      i32("transaction.state.log.num.partitions", B, "50", 1, "Partitions of __transaction_state."),
      num("transaction.state.log.replication.factor", B, ConfigType::kInt, "3", 1, 32767,
          "Replication factor of __transaction_state."),
      i32("transaction.state.log.min.isr", B, "2", 1, "min.insync.replicas of __transaction_state."),
      ms32("transaction.max.timeout.ms", B, "900000", 1, "Largest transaction.timeout.ms a producer may ask."),
      ms32("transactional.id.expiration.ms", B, "604800000", 1,
           "A transactional id without activity for this long expires."),
      ms32("transaction.remove.expired.transaction.cleanup.interval.ms", B, "3600000", 1,
           "How often expired transactional ids are removed."),
      ms32("transaction.abort.timed.out.transaction.cleanup.interval.ms", B, "10000", 1,
           "How often timed-out transactions are aborted."),
      ms32("producer.id.expiration.ms", B, "86400000", 1,
           "Producer id state is kept this long after the producer's last write (KIP-854)."),
      ms32("broker.session.timeout.ms", B, "9000", 1,
           "KRaft: a broker without a heartbeat for this long is fenced by the controller."),
      ms32("broker.heartbeat.interval.ms", B, "2000", 1, "KRaft: broker-to-controller heartbeat period."),
      ms32("controller.quorum.election.timeout.ms", B, "1000", 1, "KRaft: election timeout."),
      ms32("controller.quorum.fetch.timeout.ms", B, "2000", 1, "KRaft: follower fetch timeout."),
      ms32("group.initial.rebalance.delay.ms", B, "3000", 0,
           "Delay of the first rebalance of a new group, to let more members join."),
      ms32("group.min.session.timeout.ms", B, "6000", 1, "Smallest session.timeout.ms a consumer may ask."),
      ms32("group.max.session.timeout.ms", B, "1800000", 1, "Largest session.timeout.ms a consumer may ask."),
      i32("group.max.size", B, "2147483647", 1, "Max members of one consumer group."),
      i64("log.flush.interval.messages", B, kLongMaxText, 1, "fsync a partition after this many messages."),
      ms64("log.flush.interval.ms", B, nullptr, 1,
           "fsync a partition after this long; null: log.flush.scheduler.interval.ms."),
      ms64("log.flush.scheduler.interval.ms", B, kLongMaxText, 1, "How often the flusher checks logs."),
      i32("log.retention.hours", B, "168", -1, "Retention in hours (retention.ms wins when set)."),
      i32("log.retention.minutes", B, nullptr, -1, "Retention in minutes (overrides hours)."),
      ms64("log.retention.ms", B, nullptr, -1, "Retention in ms (overrides minutes); -1: no time limit."),
      i64("log.retention.bytes", B, "-1", INT64_MIN, "Max size of a partition before old segments go; negative (-1): no limit."),
      ms64("log.retention.check.interval.ms", B, "300000", 1, "How often retention runs."),
      num("log.segment.bytes", B, ConfigType::kInt, "1073741824", 14, kIntMax, "Size of one log segment file."),
      i32("log.roll.hours", B, "168", 1, "Roll a new segment after this many hours."),
      ms64("log.roll.ms", B, nullptr, 1, "Roll a new segment after this long (overrides hours)."),
      list_of("log.cleanup.policy", B, "delete", "compact|delete", "delete, compact, or both."),
      boolean("log.cleaner.enable", B, "true", "Run the log cleaner (compaction)."),
      ratio("log.cleaner.min.cleanable.ratio", B, "0.5", "Dirty ratio that makes a log eligible for cleaning."),
      ms64("log.cleaner.backoff.ms", B, "15000", 0, "Cleaner sleep when there is nothing to clean."),
      ms64("log.cleaner.delete.retention.ms", B, "86400000", 0, "How long tombstones are kept."),
      ms64("log.cleaner.min.compaction.lag.ms", B, "0", 0, "Minimum age of a message before compaction."),
      ms64("log.cleaner.max.compaction.lag.ms", B, kLongMaxText, 1, "Maximum time a message stays uncompacted."),
      i32("log.index.interval.bytes", B, "4096", 0, "Bytes between offset-index entries."),
      i32("log.index.size.max.bytes", B, "10485760", 4, "Max size of an offset index file."),
      one_of("log.message.timestamp.type", B, "CreateTime", "CreateTime|LogAppendTime",
             "Timestamp of stored records: producer's or broker's append time."),

      // ---- topic (LogConfig / TopicConfig) ----
      list_of("cleanup.policy", T, "delete", "compact|delete", "delete, compact, or both (compact,delete)."),
      one_of("compression.type", T, "producer", "uncompressed|zstd|lz4|snappy|gzip|producer",
             "Final compression of this topic; 'producer' keeps the producer's codec."),
      ms64("delete.retention.ms", T, "86400000", 0, "How long tombstones of a compacted topic are kept."),
      ms64("file.delete.delay.ms", T, "60000", 0, "Delay before a deleted segment file is removed."),
      i64("flush.messages", T, kLongMaxText, 1, "fsync after this many messages."),
      ms64("flush.ms", T, kLongMaxText, 0, "fsync after this long."),
      i32("index.interval.bytes", T, "4096", 0, "Bytes between offset-index entries."),
      ms64("max.compaction.lag.ms", T, kLongMaxText, 1, "Maximum time a message stays uncompacted."),
      i32("max.message.bytes", T, "1048588", 0, "Largest record batch this topic accepts."),
      one_of("message.timestamp.type", T, "CreateTime", "CreateTime|LogAppendTime",
             "Timestamp of stored records: producer's or broker's append time."),
      ratio("min.cleanable.dirty.ratio", T, "0.5", "Dirty ratio that makes the log eligible for cleaning."),
      ms64("min.compaction.lag.ms", T, "0", 0, "Minimum age of a message before it may be compacted."),
      i32("min.insync.replicas", T, "1", 1,
          "Minimum ISR size for an acks=all write to succeed (else NOT_ENOUGH_REPLICAS)."),
      boolean("preallocate", T, "false", "Preallocate segment files."),
      i64("retention.bytes", T, "-1", INT64_MIN, "Max size of a partition before old segments go; negative (-1): no limit."),
      ms64("retention.ms", T, "604800000", -1, "How long a segment is kept; -1: no time limit."),
      num("segment.bytes", T, ConfigType::kInt, "1073741824", 14, kIntMax, "Size of one log segment file."),
      i32("segment.index.bytes", T, "10485760", 4, "Max size of an offset index file."),
      ms64("segment.jitter.ms", T, "0", 0, "Random jitter subtracted from segment.ms."),
      ms64("segment.ms", T, "604800000", 1, "Roll a new segment after this long even if it is not full."),
      boolean("unclean.leader.election.enable", T, "false",
              "Allow an out-of-sync replica to become leader when no ISR member is alive (may lose data)."),

      // ---- producer (ProducerConfig) ----
      one_of("acks", P, "all", "all|-1|0|1",
             "Acknowledgements the leader waits for: 0 none, 1 leader only, all (-1) the full ISR."),
      i32("batch.size", P, "16384", 0, "Bytes of a batch per partition."),
      i64("buffer.memory", P, "33554432", 0, "Bytes of records waiting to be sent."),
      str("client.id", P, "", "Name of the producer in logs and metrics (the scenario's producer id)."),
      one_of("compression.type", P, "none", "none|gzip|snappy|lz4|zstd", "Compression codec of batches."),
      ms32("delivery.timeout.ms", P, "120000", 0, "Upper bound on the time to report success or failure of a send."),
      boolean("enable.idempotence", P, "true",
              "Sequence numbers make retries duplicate-free (on by default since 3.0, KIP-679)."),
      ms64("linger.ms", P, "0", 0, "Wait this long for more records before sending a batch (5 in Kafka 4.0)."),
      ms64("max.block.ms", P, "60000", 0, "How long send() blocks when the buffer is full."),
      i32("max.in.flight.requests.per.connection", P, "5", 1, "Unacknowledged requests per connection."),
      i32("max.request.size", P, "1048576", 0, "Largest produce request."),
      ms64("metadata.max.age.ms", P, "300000", 0, "Refresh metadata at least this often."),
      ConfigDef{"partitioner.class", P, ConfigType::kClass, nullptr, 0, 0,
                "org.apache.kafka.clients.producer.RoundRobinPartitioner|"
                "org.apache.kafka.clients.producer.UniformStickyPartitioner|"
                "org.apache.kafka.clients.producer.internals.DefaultPartitioner",
                "null: the built-in partitioner (murmur2 of the key; sticky/adaptive for null keys, KIP-794)."},
      boolean("partitioner.ignore.keys", P, "false", "Ignore keys when choosing a partition."),
      boolean("partitioner.adaptive.partitioning.enable", P, "true",
              "Send more records to faster brokers (KIP-794)."),
      ms64("partitioner.availability.timeout.ms", P, "0", 0,
           "Skip a partition whose broker has not accepted a batch for this long; 0: off."),
      ms32("request.timeout.ms", P, "30000", 0, "How long to wait for a response before retrying."),
      i32("retries", P, "2147483647", 0, "Retries of a failed batch (bounded by delivery.timeout.ms)."),
      ms64("retry.backoff.ms", P, "100", 0, "Wait before retrying a failed request."),
      ms64("retry.backoff.max.ms", P, "1000", 0, "Cap of the exponential retry back-off (KIP-580)."),
      ms64("reconnect.backoff.ms", P, "50", 0, "Wait before reconnecting to a broker."),
      ms64("reconnect.backoff.max.ms", P, "1000", 0, "Cap of the reconnect back-off."),
      str("transactional.id", P, nullptr, "Enables transactions; requires idempotence."),
      ms32("transaction.timeout.ms", P, "60000", 1,
           "The coordinator aborts a transaction open longer than this."),

      // ---- consumer (ConsumerConfig) ----
      one_of("auto.offset.reset", C, "latest", "latest|earliest|none",
             "Where to start without a committed offset (or when it is out of range)."),
      ms32("auto.commit.interval.ms", C, "5000", 0, "Period of auto-commit."),
      boolean("allow.auto.create.topics", C, "true", "Subscribing may auto-create the topic."),
      boolean("check.crcs", C, "true", "Verify the CRC of fetched batches."),
      str("client.id", C, "", "Name of the consumer in logs and metrics."),
      ms32("default.api.timeout.ms", C, "60000", 0, "Timeout of blocking consumer calls."),
      boolean("enable.auto.commit", C, "true", "Commit the positions returned by poll() periodically."),
      i32("fetch.max.bytes", C, "52428800", 0, "Max bytes of one fetch response."),
      ms32("fetch.max.wait.ms", C, "500", 0, "How long the broker may wait for fetch.min.bytes."),
      i32("fetch.min.bytes", C, "1", 0, "Bytes the broker waits for before answering a fetch."),
      str("group.id", C, nullptr, "The consumer group (set by the scenario's group)."),
      str("group.instance.id", C, nullptr, "Static membership id (KIP-345): a restart does not rebalance."),
      one_of("group.protocol", C, "classic", "classic|consumer", "Rebalance protocol (consumer: KIP-848)."),
      ms32("heartbeat.interval.ms", C, "3000", 1, "Heartbeat period to the group coordinator."),
      one_of("isolation.level", C, "read_uncommitted", "read_uncommitted|read_committed",
             "read_committed hides aborted and open transactions (reads up to the LSO)."),
      i32("max.partition.fetch.bytes", C, "1048576", 0, "Max bytes per partition in a fetch."),
      ms32("max.poll.interval.ms", C, "300000", 1, "A member that does not poll for this long leaves the group."),
      i32("max.poll.records", C, "500", 1, "Max records returned by one poll()."),
      list_of("partition.assignment.strategy", C,
              "org.apache.kafka.clients.consumer.RangeAssignor,"
              "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
              kAssignors, "Assignors in preference order (class names or range|roundrobin|sticky|cooperative-sticky)."),
      ms64("reconnect.backoff.ms", C, "50", 0, "Wait before reconnecting to a broker."),
      ms64("reconnect.backoff.max.ms", C, "1000", 0, "Cap of the reconnect back-off."),
      ms32("request.timeout.ms", C, "30000", 0, "How long to wait for a response."),
      ms64("retry.backoff.ms", C, "100", 0, "Wait before retrying a failed request."),
      ms32("session.timeout.ms", C, "45000", 1,
           "A member without a heartbeat for this long is removed from the group."),
  };
}

}  // namespace

const std::vector<ConfigDef>& config_table() {
  static const std::vector<ConfigDef> table = build_table();
  return table;
}

}  // namespace kafkasim::config
