#pragma once
// Big-endian field codec for the records of Kafka's internal topics (__consumer_offsets,
// __transaction_state): int16/int32/int64, strings as int16 length + UTF-8 (nullable: length -1), bytes
// as int32 length, and Kafka's (topic, int32 array) arrays. The Reader never crashes on malformed input:
// it sets ok() false and returns zeros.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/protocol/topic_partition.h"

namespace kafkasim::cluster::wire {

using protocol::TopicPartition;

class Writer {
 public:
  void i8(std::int8_t v) { out.push_back(static_cast<std::uint8_t>(v)); }
  void i16(std::int16_t v) { be(static_cast<std::uint64_t>(static_cast<std::uint16_t>(v)), 2); }
  void i32(std::int32_t v) { be(static_cast<std::uint64_t>(static_cast<std::uint32_t>(v)), 4); }
  void i64(std::int64_t v) { be(static_cast<std::uint64_t>(v), 8); }
  void str(std::string_view s) {
    i16(static_cast<std::int16_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
  }
  void nullable(const std::optional<std::string>& s) {
    if (s) str(*s);
    else i16(-1);
  }
  void bytes(const std::vector<std::uint8_t>& b) {
    i32(static_cast<std::int32_t>(b.size()));
    out.insert(out.end(), b.begin(), b.end());
  }
  // (topic, int32 array) array, grouping consecutive partitions of one topic.
  void topic_partitions(const std::vector<TopicPartition>& tps) {
    std::vector<std::pair<std::string, std::vector<std::int32_t>>> grouped;
    for (const auto& tp : tps) {
      if (grouped.empty() || grouped.back().first != tp.topic) grouped.push_back({tp.topic, {}});
      grouped.back().second.push_back(tp.partition);
    }
    i32(static_cast<std::int32_t>(grouped.size()));
    for (const auto& [topic, parts] : grouped) {
      str(topic);
      i32(static_cast<std::int32_t>(parts.size()));
      for (std::int32_t p : parts) i32(p);
    }
  }
  std::vector<std::uint8_t> out;

 private:
  void be(std::uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
};

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  bool ok() const { return ok_; }
  bool done() const { return pos_ == b_.size(); }
  std::int8_t i8() { return static_cast<std::int8_t>(be(1)); }
  std::int16_t i16() { return static_cast<std::int16_t>(be(2)); }
  std::int32_t i32() { return static_cast<std::int32_t>(be(4)); }
  std::int64_t i64() { return static_cast<std::int64_t>(be(8)); }
  std::optional<std::string> nullable() {
    const std::int16_t n = i16();
    if (n < 0) return std::nullopt;
    return take(static_cast<std::size_t>(n));
  }
  std::string str() {
    auto s = nullable();
    if (!s) ok_ = false;
    return s.value_or("");
  }
  std::string bytes() {
    const std::int32_t n = i32();
    if (n < 0) return {};
    return take(static_cast<std::size_t>(n));
  }
  std::vector<TopicPartition> topic_partitions() {
    std::vector<TopicPartition> out;
    const std::int32_t topics = i32();
    for (std::int32_t t = 0; ok_ && t < topics; ++t) {
      const std::string topic = str();
      const std::int32_t n = i32();
      for (std::int32_t i = 0; ok_ && i < n; ++i) out.push_back(TopicPartition{topic, i32()});
    }
    return out;
  }

 private:
  std::uint64_t be(int n) {
    if (!ok_ || b_.size() - pos_ < static_cast<std::size_t>(n)) {
      ok_ = false;
      return 0;
    }
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<std::uint8_t>(b_[pos_++]);
    return v;
  }
  std::string take(std::size_t n) {
    if (!ok_ || b_.size() - pos_ < n) {
      ok_ = false;
      return {};
    }
    std::string s(b_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  std::string_view b_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace kafkasim::cluster::wire
