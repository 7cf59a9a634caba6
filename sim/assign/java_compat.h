#pragma once
// Java semantics that Kafka's client and coordinator code relies on, reproduced bit for bit so that
// kafkasim picks the same partitions and the same assignments as a real Kafka:
//  - String.hashCode over UTF-16 code units (GroupCoordinator.partitionFor, TransactionStateManager),
//  - String.compareTo (UTF-16 code unit order; Collections.sort / TreeSet of member ids and topics),
//  - org.apache.kafka.common.utils.Utils.abs, including its Integer.MIN_VALUE quirk (returns 0),
//  - TopicPartition.hashCode,
//  - the iteration order of a java.util.HashMap / HashSet (bucket = spread(hash) & (capacity - 1),
//    insertion order inside a bucket), which decides several tie-breaks in Kafka's assignors.
// Pure functions; no state. Strings are UTF-8 here and converted to UTF-16 as Java holds them
// (malformed UTF-8 bytes become U+FFFD, as Java's UTF-8 decoder does by default).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kafkasim::assign {

std::u16string utf8_to_utf16(std::string_view utf8);

// java.lang.String#hashCode: s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units, int32 wrap-around.
std::int32_t java_string_hash_code(std::string_view utf8);

// java.lang.String#compareTo: <0, 0, >0 comparing UTF-16 code units.
int java_string_compare(std::string_view a, std::string_view b);
inline bool java_string_less(std::string_view a, std::string_view b) { return java_string_compare(a, b) < 0; }

// Kafka: org.apache.kafka.common.utils.Utils.abs. abs(Integer.MIN_VALUE) is 0 (Math.abs would stay
// negative), so a group id whose hashCode is MIN_VALUE maps to partition 0.
std::int32_t java_utils_abs(std::int32_t n);

// Kafka: TopicPartition.hashCode = 31 * (31 + partition) + topic.hashCode().
std::int32_t topic_partition_hash_code(std::string_view topic, std::int32_t partition);

// java.util.HashMap's capacity after inserting `count` keys into a map created with `new HashMap<>()`
// (16, doubled whenever size exceeds 0.75 * capacity).
std::size_t java_hash_map_capacity(std::size_t count);

// Bucket index of a key hash in a table of `capacity` (HashMap.hash: h ^ (h >>> 16), then & (cap-1)).
std::size_t java_hash_bucket(std::int32_t hash, std::size_t capacity);

// The order in which a default java.util.HashMap (or HashSet) iterates keys with these hashes, given
// in insertion order: returns indices into `hashes`. Ignores treeified bins (8+ keys in one bucket of
// a 64+ table), which never happen with the group sizes kafkasim models.
std::vector<std::size_t> java_hash_map_order(const std::vector<std::int32_t>& hashes);

// Convenience: the iteration order of a HashMap<String, ?> filled with `keys` in this order.
std::vector<std::size_t> java_string_map_order(const std::vector<std::string>& keys);

}  // namespace kafkasim::assign
