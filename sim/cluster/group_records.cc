#include "sim/cluster/group_records.h"

#include "sim/cluster/wire_codec.h"

namespace kafkasim::cluster {

using protocol::TopicPartition;
using wire::Reader;
using wire::Writer;

namespace {

std::vector<std::uint8_t> encode_subscription(const protocol::ConsumerSubscription& s) {
  Writer w;
  w.i16(1);
  w.i32(static_cast<std::int32_t>(s.topics.size()));
  for (const auto& t : s.topics) w.str(t);
  w.i32(-1);  // userData: null
  w.topic_partitions(s.owned_partitions);
  return w.out;
}

std::vector<std::uint8_t> encode_assignment(const std::vector<TopicPartition>& a) {
  Writer w;
  w.i16(0);
  w.topic_partitions(a);
  w.i32(-1);  // userData: null
  return w.out;
}

}  // namespace

std::vector<std::uint8_t> encode_key(const OffsetCommitKey& k) {
  Writer w;
  w.i16(1);
  w.str(k.group);
  w.str(k.tp.topic);
  w.i32(k.tp.partition);
  return w.out;
}

std::vector<std::uint8_t> encode_key(const GroupMetadataKey& k) {
  Writer w;
  w.i16(2);
  w.str(k.group);
  return w.out;
}

std::vector<std::uint8_t> encode_value(const OffsetCommitValue& v) {
  Writer w;
  w.i16(3);
  w.i64(v.offset);
  w.i32(v.leader_epoch);
  w.str(v.metadata);
  w.i64(v.commit_timestamp_ms);
  return w.out;
}

std::vector<std::uint8_t> encode_value(const GroupMetadataValue& v) {
  Writer w;
  w.i16(3);
  w.str(v.protocol_type);
  w.i32(v.generation);
  w.nullable(v.protocol);
  w.nullable(v.leader);
  w.i64(v.current_state_timestamp_ms);
  w.i32(static_cast<std::int32_t>(v.members.size()));
  for (const StoredMember& m : v.members) {
    w.str(m.member_id);
    w.nullable(m.group_instance_id);
    w.str(m.client_id);
    w.str(m.client_host);
    w.i32(m.rebalance_timeout_ms);
    w.i32(m.session_timeout_ms);
    w.bytes(encode_subscription(m.subscription));
    w.bytes(encode_assignment(m.assignment));
  }
  return w.out;
}

std::optional<GroupRecordKey> decode_key(std::string_view bytes) {
  Reader r(bytes);
  const std::int16_t version = r.i16();
  if (version == 0 || version == 1) {
    OffsetCommitKey k;
    k.group = r.str();
    k.tp.topic = r.str();
    k.tp.partition = r.i32();
    if (r.ok() && r.done()) return GroupRecordKey{k};
  } else if (version == 2) {
    GroupMetadataKey k;
    k.group = r.str();
    if (r.ok() && r.done()) return GroupRecordKey{k};
  }
  return std::nullopt;
}

std::optional<OffsetCommitValue> decode_offset_value(std::string_view bytes) {
  Reader r(bytes);
  if (r.i16() != 3) return std::nullopt;
  OffsetCommitValue v;
  v.offset = r.i64();
  v.leader_epoch = r.i32();
  v.metadata = r.str();
  v.commit_timestamp_ms = r.i64();
  if (!r.ok() || !r.done()) return std::nullopt;
  return v;
}

std::optional<GroupMetadataValue> decode_group_value(std::string_view bytes) {
  Reader r(bytes);
  if (r.i16() != 3) return std::nullopt;
  GroupMetadataValue v;
  v.protocol_type = r.str();
  v.generation = r.i32();
  v.protocol = r.nullable();
  v.leader = r.nullable();
  v.current_state_timestamp_ms = r.i64();
  const std::int32_t n = r.i32();
  for (std::int32_t i = 0; r.ok() && i < n; ++i) {
    StoredMember m;
    m.member_id = r.str();
    m.group_instance_id = r.nullable();
    m.client_id = r.str();
    m.client_host = r.str();
    m.rebalance_timeout_ms = r.i32();
    m.session_timeout_ms = r.i32();
    const std::string sub_bytes = r.bytes();
    const std::string asg_bytes = r.bytes();
    Reader sub(sub_bytes);
    if (sub.i16() >= 0) {
      const std::int32_t topics = sub.i32();
      for (std::int32_t t = 0; sub.ok() && t < topics; ++t) m.subscription.topics.push_back(sub.str());
      sub.bytes();
      m.subscription.owned_partitions = sub.topic_partitions();
    }
    Reader asg(asg_bytes);
    if (asg.i16() >= 0) m.assignment = asg.topic_partitions();
    if (!sub.ok() || !asg.ok()) return std::nullopt;
    v.members.push_back(std::move(m));
  }
  if (!r.ok() || !r.done()) return std::nullopt;
  return v;
}

}  // namespace kafkasim::cluster
