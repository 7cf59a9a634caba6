// Partitioners: murmur2 against Kafka's UtilsTest vectors, keyed partitioning, String.hashCode,
// the uniform sticky partitioner (KIP-794) and RoundRobinPartitioner.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "sim/assign/java_compat.h"
#include "sim/assign/partitioner.h"

using namespace kafkasim;
using namespace kafkasim::assign;

TEST_CASE("murmur2 matches Kafka's UtilsTest.testMurmur2 vectors") {
  CHECK(murmur2(std::string_view("21")) == -973932308);
  CHECK(murmur2(std::string_view("foobar")) == -790332482);
  CHECK(murmur2(std::string_view("a-little-bit-long-string")) == -985981536);
  CHECK(murmur2(std::string_view("a-little-bit-longer-string")) == -1486304829);
  CHECK(murmur2(std::string_view("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8")) == -58897971);
  const std::uint8_t abc[] = {'a', 'b', 'c'};
  CHECK(murmur2(std::span<const std::uint8_t>(abc)) == 479470107);
}

TEST_CASE("keys map to partitions as toPositive(murmur2) modulo the partition count") {
  // toPositive(-973932308) = 1173551340; toPositive(-790332482) = 1357151166.
  CHECK(to_positive(-973932308) == 1173551340);
  CHECK(partition_for_key("21", 3) == 1173551340 % 3);
  CHECK(partition_for_key("21", 10) == 0);
  CHECK(partition_for_key("foobar", 6) == 1357151166 % 6);
  CHECK(partition_for_key("abc", 7) == 479470107 % 7);
  CHECK(to_positive(INT32_MIN) == 0);  // unlike Math.abs
}

TEST_CASE("String.hashCode hashes UTF-16 code units, including non-ASCII and surrogate pairs") {
  CHECK(java_string_hash_code("hello") == 99162322);
  CHECK(java_string_hash_code("") == 0);
  CHECK(java_string_hash_code("\xC3\xA9") == 233);                    // "é" U+00E9
  CHECK(java_string_hash_code("\xE6\x97\xA5\xE6\x9C\xAC") == 835047);  // "日本" = 26085*31 + 26412
  CHECK(java_string_hash_code("\xF0\x9F\x98\x80") == 1772899);        // U+1F600 = D83D DE00
}

TEST_CASE("the offsets and transaction partitions use Utils.abs of hashCode, with its MIN_VALUE quirk") {
  CHECK(partition_for_string("hello", 50) == 99162322 % 50);
  // "polygenelubricants".hashCode() == Integer.MIN_VALUE; Utils.abs turns it into 0.
  CHECK(java_string_hash_code("polygenelubricants") == INT32_MIN);
  CHECK(java_utils_abs(INT32_MIN) == 0);
  CHECK(partition_for_string("polygenelubricants", 50) == 0);
  CHECK(java_utils_abs(-7) == 7);
}

TEST_CASE("String.compareTo orders by UTF-16 code units") {
  CHECK(java_string_compare("a", "b") < 0);
  CHECK(java_string_compare("consumer10", "consumer2") < 0);
  // U+FF61 (one unit 0xFF61) sorts after U+1F600 (units D83D DE00) in Java, before it by code point.
  CHECK(java_string_compare("\xEF\xBD\xA1", "\xF0\x9F\x98\x80") > 0);
}

TEST_CASE("the sticky partitioner keeps a partition until batch.size bytes were produced") {
  StickyPartitioner p({.batch_size_bytes = 100});
  Rng rng(42);
  const TopicPartitions topic{.num_partitions = 6, .available = {0, 1, 2, 3, 4, 5}};
  const std::int32_t first = p.partition("t", std::nullopt, topic, rng);
  p.on_append("t", 60, topic, SwitchPolicy::kAllowSwitch, rng);
  CHECK(p.partition("t", std::nullopt, topic, rng) == first);
  CHECK(p.produced_bytes("t") == 60);
  p.on_append("t", 40, topic, SwitchPolicy::kAllowSwitch, rng);
  CHECK(p.produced_bytes("t") == 0);  // switched (the new partition may be the same one by chance)
  // Keyed records ignore the sticky partition unless partitioner.ignore.keys.
  CHECK(p.partition("t", std::string_view("21"), topic, rng) == partition_for_key("21", 6));
  StickyPartitioner ignoring({.batch_size_bytes = 100, .ignore_keys = true});
  const std::int32_t sticky = ignoring.partition("t", std::nullopt, topic, rng);
  CHECK(ignoring.partition("t", std::string_view("21"), topic, rng) == sticky);
}

TEST_CASE("the sticky partitioner waits for twice batch.size while the batch is not full") {
  StickyPartitioner p({.batch_size_bytes = 100});
  Rng rng(7);
  const TopicPartitions topic{.num_partitions = 3, .available = {0, 1, 2}};
  p.partition("t", std::nullopt, topic, rng);
  p.on_append("t", 150, topic, SwitchPolicy::kBatchNotFull, rng);
  CHECK(p.produced_bytes("t") == 150);
  p.on_append("t", 50, topic, SwitchPolicy::kBatchNotFull, rng);
  CHECK(p.produced_bytes("t") == 0);
}

TEST_CASE("the sticky partitioner spreads partitions uniformly over the available ones") {
  const std::uint64_t seed = 1234;
  INFO("seed " << seed);
  StickyPartitioner p({.batch_size_bytes = 1});
  Rng rng(seed);
  const TopicPartitions topic{.num_partitions = 4, .available = {0, 2, 3}};  // partition 1 has no leader
  std::map<std::int32_t, int> counts;
  for (int i = 0; i < 3000; ++i) {
    counts[p.partition("t", std::nullopt, topic, rng)]++;
    p.on_append("t", 1, topic, SwitchPolicy::kAllowSwitch, rng);
  }
  CHECK(counts.count(1) == 0);
  for (std::int32_t q : {0, 2, 3}) CHECK(counts[q] > 800);
}

TEST_CASE("adaptive partitioning weights partitions by inverted queue sizes") {
  const std::uint64_t seed = 99;
  INFO("seed " << seed);
  StickyPartitioner p({.batch_size_bytes = 1});
  Rng rng(seed);
  const TopicPartitions topic{.num_partitions = 3, .available = {0, 1, 2}};
  // Kafka's example: queue sizes 0 3 1 -> weights 4 1 3 -> CFT 4 5 8.
  p.update_load("t", PartitionLoad{.partition_ids = {0, 1, 2}, .queue_sizes = {0, 3, 1}, .num_partitions = 3});
  std::map<std::int32_t, int> counts;
  for (int i = 0; i < 8000; ++i) {
    counts[p.partition("t", std::nullopt, topic, rng)]++;
    p.on_append("t", 1, topic, SwitchPolicy::kAllowSwitch, rng);
  }
  CHECK(counts[0] > 3500);
  CHECK(counts[1] < 1400);
  CHECK(counts[2] > 2500);
  // Disabled adaptive partitioning ignores the load.
  StickyPartitioner off({.batch_size_bytes = 1, .adaptive_partitioning_enabled = false});
  off.update_load("t", PartitionLoad{.partition_ids = {0}, .queue_sizes = {0}, .num_partitions = 3});
  std::set<std::int32_t> seen;
  for (int i = 0; i < 200; ++i) {
    seen.insert(off.partition("t", std::nullopt, topic, rng));
    off.on_append("t", 1, topic, SwitchPolicy::kAllowSwitch, rng);
  }
  CHECK(seen.size() == 3);
}

TEST_CASE("RoundRobinPartitioner counts per topic over the available partitions") {
  RoundRobinPartitioner rr;
  const TopicPartitions topic{.num_partitions = 4, .available = {0, 1, 2, 3}};
  const TopicPartitions other{.num_partitions = 2, .available = {0, 1}};
  CHECK(rr.partition("a", topic) == 0);
  CHECK(rr.partition("b", other) == 0);
  CHECK(rr.partition("a", topic) == 1);
  CHECK(rr.partition("a", topic) == 2);
  CHECK(rr.partition("b", other) == 1);
  const TopicPartitions degraded{.num_partitions = 4, .available = {1, 3}};
  CHECK(rr.partition("a", degraded) == 3);  // counter 3 % 2 = 1 -> available[1]
}

TEST_CASE("RoundRobinPartitioner skips a partition per new batch in Kafka 3.x (KAFKA-9965)") {
  // Every record needs a new batch: partition(), onNewBatch(), partition() again.
  const TopicPartitions topic{.num_partitions = 4, .available = {0, 1, 2, 3}};
  const auto run = [&](RoundRobinNewBatch mode) {
    RoundRobinPartitioner rr(mode);
    std::vector<std::int32_t> used;
    for (int i = 0; i < 4; ++i) {
      const std::int32_t aborted = rr.partition("t", topic);
      rr.on_new_batch("t", aborted);
      used.push_back(rr.partition("t", topic));
    }
    return used;
  };
  CHECK(run(RoundRobinNewBatch::kSkipsPartition) == std::vector<std::int32_t>{1, 3, 1, 3});
  CHECK(run(RoundRobinNewBatch::kRemembersPartition) == std::vector<std::int32_t>{0, 1, 2, 3});
}

TEST_CASE("adaptive load leaves out leaderless partitions and leaders stuck past partitioner.availability.timeout.ms") {
  const std::vector<PartitionQueue> queues{{.partition = 0, .queued_batches = 2},
                                           {.partition = 1, .queued_batches = 0, .leader_known = false},
                                           {.partition = 2, .queued_batches = 1, .leader_ready_ms = 900, .leader_drain_ms = 100},
                                           {.partition = 3, .queued_batches = 5, .leader_ready_ms = 500, .leader_drain_ms = 450}};
  const PartitionLoad with_timeout = partition_load(queues, 100);
  CHECK(with_timeout.partition_ids == std::vector<std::int32_t>{0, 3});
  CHECK(with_timeout.queue_sizes == std::vector<std::int32_t>{2, 5});
  CHECK(with_timeout.num_partitions == 4);
  CHECK(partition_load(queues, 0).partition_ids == std::vector<std::int32_t>{0, 2, 3});  // 0 disables the check

  const std::uint64_t seed = 5;
  INFO("seed " << seed);
  StickyPartitioner p({.batch_size_bytes = 1, .availability_timeout_ms = 100});
  Rng rng(seed);
  const TopicPartitions topic{.num_partitions = 4, .available = {0, 2, 3}};
  p.update_load("t", with_timeout);
  std::set<std::int32_t> seen;
  for (int i = 0; i < 300; ++i) {
    seen.insert(p.partition("t", std::nullopt, topic, rng));
    p.on_append("t", 1, topic, SwitchPolicy::kAllowSwitch, rng);
  }
  CHECK(seen == std::set<std::int32_t>{0, 3});
}

TEST_CASE("String.hashCode of malformed UTF-8 matches Java's decoder (values from JDK 17)") {
  const auto h = [](std::initializer_list<int> bytes) {
    std::string s;
    for (int b : bytes) s.push_back(static_cast<char>(b));
    return java_string_hash_code(s);
  };
  CHECK(h({0x61, 0xE6, 0x97, 0x62}) == 2124838);     // truncated 3-byte sequence: one U+FFFD
  CHECK(h({0xF0, 0x9F, 0x98}) == 65533);             // truncated at the end
  CHECK(h({0xED, 0xA0, 0x80}) == 65533);             // encoded surrogate: one U+FFFD for 3 bytes
  CHECK(h({0xED, 0xA0, 0x41}) == 2031588);           // ... or for 2 bytes when cut short
  CHECK(h({0xC0, 0xAF, 0x41}) == 65008801);          // overlong: one U+FFFD per byte
  CHECK(h({0xE0, 0x80, 0x80}) == 65074269);
  CHECK(h({0xF4, 0x90, 0x80, 0x80}) == 2017367872);  // above U+10FFFF
  CHECK(h({0xFF, 0x41}) == 2031588);
  CHECK(h({0xED, 0x9F, 0xBF}) == 55295);             // U+D7FF is fine
}
