#include <catch2/catch.hpp>

#include "sim/cluster/group_records.h"

using namespace kafkasim;
using namespace kafkasim::cluster;

namespace {
std::string_view view(const std::vector<std::uint8_t>& b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }
}  // namespace

TEST_CASE("an offset commit key has Kafka's OffsetCommitKey v1 bytes") {
  const auto bytes = encode_key(OffsetCommitKey{"g", protocol::TopicPartition{"t", 3}});
  const std::vector<std::uint8_t> expected{0, 1, 0, 1, 'g', 0, 1, 't', 0, 0, 0, 3};
  REQUIRE(bytes == expected);
  auto key = decode_key(view(bytes));
  REQUIRE(key.has_value());
  const auto& k = std::get<OffsetCommitKey>(*key);
  CHECK(k.group == "g");
  CHECK(k.tp.topic == "t");
  CHECK(k.tp.partition == 3);
}

TEST_CASE("offset commit values and group metadata values round-trip") {
  OffsetCommitValue v;
  v.offset = 42;
  v.leader_epoch = 7;
  v.metadata = "m";
  v.commit_timestamp_ms = 123456;
  const auto ov = decode_offset_value(view(encode_value(v)));
  REQUIRE(ov.has_value());
  CHECK(ov->offset == 42);
  CHECK(ov->leader_epoch == 7);
  CHECK(ov->commit_timestamp_ms == 123456);

  GroupMetadataValue g;
  g.generation = 5;
  g.protocol = "range";
  g.leader = "c-1";
  StoredMember m;
  m.member_id = "c-1";
  m.group_instance_id = "i1";
  m.client_id = "c";
  m.client_host = "/10.0.0.1";
  m.subscription.topics = {"orders"};
  m.subscription.owned_partitions = {{"orders", 0}};
  m.assignment = {{"orders", 0}, {"orders", 2}};
  g.members.push_back(m);
  const auto gv = decode_group_value(view(encode_value(g)));
  REQUIRE(gv.has_value());
  CHECK(gv->generation == 5);
  CHECK(gv->protocol == std::optional<std::string>("range"));
  REQUIRE(gv->members.size() == 1);
  CHECK(gv->members[0].group_instance_id == std::optional<std::string>("i1"));
  CHECK(gv->members[0].assignment == m.assignment);
  CHECK(gv->members[0].subscription.owned_partitions == m.subscription.owned_partitions);
}

TEST_CASE("truncated group records are rejected, not misread") {
  const auto bytes = encode_key(GroupMetadataKey{"group"});
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    CHECK_FALSE(decode_key(view(bytes).substr(0, n)).has_value());
  }
  auto value = encode_value(GroupMetadataValue{});
  value.pop_back();
  CHECK_FALSE(decode_group_value(view(value)).has_value());
}
