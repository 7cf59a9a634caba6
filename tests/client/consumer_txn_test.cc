// The consumer side of exactly-once against a FakeBroker: read_committed filtering of aborted
// transactions (as Kafka's CompletedFetch), OffsetFetch with require_stable and UNSTABLE_OFFSET_COMMIT
// retries, and the kTransactional processing mode (on_batch_processed / resume).
#include <catch2/catch.hpp>

#include <functional>
#include <string>

#include "sim/client/consumer.h"
#include "tests/client/fake_broker.h"

using namespace kafkasim;
using protocol::Api;
using protocol::ErrorCode;
using protocol::TopicPartition;
using testing::FakeBroker;

namespace {

const TopicPartition kTp{"in", 0};

// Appends a data batch of `n` records at `base` (record ids = offsets + 1000) to `out`.
void data_batch(std::vector<std::uint8_t>& out, std::int64_t base, int n, std::int64_t producer_id, bool transactional) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back(std::to_string(base + i + 1000));
  std::vector<RecordHeader> headers;
  for (const auto& id : ids) headers.push_back(RecordHeader{"kafkasim.id", std::string_view(id)});
  std::vector<RecordInput> records(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    records[static_cast<std::size_t>(i)].timestamp = 1;
    records[static_cast<std::size_t>(i)].value = std::string_view("v");
    records[static_cast<std::size_t>(i)].headers = std::span<const RecordHeader>(&headers[static_cast<std::size_t>(i)], 1);
  }
  BatchSpec spec;
  spec.base_offset = base;
  spec.transactional = transactional;
  spec.producer_id = producer_id;
  spec.producer_epoch = 0;
  spec.base_sequence = 0;
  encode_batch(spec, records, out);
}

void marker(std::vector<std::uint8_t>& out, std::int64_t offset, std::int64_t producer_id, ControlType type) {
  BatchSpec spec;
  spec.base_offset = offset;
  spec.producer_id = producer_id;
  spec.producer_epoch = 0;
  encode_control_batch(spec, type, 0, 1, out);
}

struct ConsumerRig {
  explicit ConsumerRig(client::ConsumerConfig cc) : sim(3), net(sim) {
    broker = &sim.add_node<FakeBroker>(NodeId(1), net);
    broker->topics["in"] = 1;
    sim.start_node(broker->id());
    consumer = &sim.add_node<client::Consumer>(NodeId(3000), net, std::vector<NodeId>{NodeId(1)}, cc);
    client::ConsumerHooks hooks;
    hooks.on_poll = [this](const client::ConsumedRecord& r) { polled.push_back(r.offset); };
    consumer->set_hooks(hooks);
    consumer->assign({kTp});
  }
  void start() { sim.start_node(consumer->id()); }
  void run_for(TimeUs d) { sim.run_until(sim.now() + d); }

  Simulation sim;
  net::Network net;
  FakeBroker* broker = nullptr;
  client::Consumer* consumer = nullptr;
  std::vector<std::int64_t> polled;
};

client::ConsumerConfig config(protocol::IsolationLevel isolation) {
  client::ConsumerConfig cc;
  cc.client_id = "reader";
  cc.isolation = isolation;
  cc.auto_offset_reset = client::OffsetReset::kEarliest;
  cc.enable_auto_commit = false;
  return cc;
}

// Producer 5: an aborted transaction [0, 2] with its ABORT marker at 3, then a committed one [4, 6] with its
// COMMIT marker at 7; a non-transactional batch [8, 9]; producer 11: an aborted transaction [10] and its
// marker at 11. The aborted-transaction list comes unordered.
void aborted_then_committed(FakeBroker& b) {
  auto bytes = std::make_shared<std::vector<std::uint8_t>>();
  data_batch(*bytes, 0, 3, 5, true);
  marker(*bytes, 3, 5, ControlType::kAbort);
  data_batch(*bytes, 4, 3, 5, true);
  marker(*bytes, 7, 5, ControlType::kCommit);
  data_batch(*bytes, 8, 2, 9, false);
  data_batch(*bytes, 10, 1, 11, true);
  marker(*bytes, 11, 11, ControlType::kAbort);
  b.fetch_bytes[kTp] = bytes;
  b.fetch_aborted[kTp] = {{11, 10}, {5, 0}};
}

}  // namespace

TEST_CASE("read_committed drops aborted transactions but not a later committed transaction of the same producer") {
  ConsumerRig rig(config(protocol::IsolationLevel::kReadCommitted));
  aborted_then_committed(*rig.broker);
  rig.start();
  rig.run_for(sec_to_us(2));
  CHECK(rig.polled == std::vector<std::int64_t>{4, 5, 6, 8, 9});
  // As Kafka's Fetcher: the position moves past the skipped aborted batch and the trailing ABORT marker.
  CHECK(rig.consumer->positions().at(kTp) == 12);
}

TEST_CASE("read_uncommitted hands out aborted records and never control records") {
  ConsumerRig rig(config(protocol::IsolationLevel::kReadUncommitted));
  aborted_then_committed(*rig.broker);
  rig.start();
  rig.run_for(sec_to_us(2));
  CHECK(rig.polled == std::vector<std::int64_t>{0, 1, 2, 4, 5, 6, 8, 9, 10});
}

TEST_CASE("a read_committed consumer asks for stable offsets and retries UNSTABLE_OFFSET_COMMIT") {
  client::ConsumerConfig cc = config(protocol::IsolationLevel::kReadCommitted);
  cc.group_id = "g";
  ConsumerRig rig(cc);
  rig.broker->fail_next(Api::kOffsetFetch, ErrorCode::kUnstableOffsetCommit);
  rig.broker->fail_next(Api::kOffsetFetch, ErrorCode::kUnstableOffsetCommit);
  aborted_then_committed(*rig.broker);
  rig.start();
  rig.run_for(sec_to_us(2));
  REQUIRE(rig.broker->offset_fetches.size() == 3);
  for (const auto& req : rig.broker->offset_fetches) CHECK(req.require_stable);
  CHECK(rig.polled == std::vector<std::int64_t>{4, 5, 6, 8, 9});
}

TEST_CASE("a read_uncommitted consumer does not ask for stable offsets") {
  client::ConsumerConfig cc = config(protocol::IsolationLevel::kReadUncommitted);
  cc.group_id = "g";
  ConsumerRig rig(cc);
  rig.start();
  rig.run_for(sec_to_us(1));
  REQUIRE(!rig.broker->offset_fetches.empty());
  CHECK(!rig.broker->offset_fetches[0].require_stable);
}

TEST_CASE("in transactional mode the consumer polls again only after resume, and resume(false) rewinds") {
  client::ConsumerConfig cc = config(protocol::IsolationLevel::kReadCommitted);
  cc.group_id = "g";
  cc.mode = client::ProcessingMode::kTransactional;
  cc.enable_auto_commit = true;  // ignored: the processor commits through its producer
  ConsumerRig rig(cc);
  std::vector<std::function<void(bool)>> resumes;
  client::ConsumerHooks hooks;
  hooks.on_poll = [&rig](const client::ConsumedRecord& r) { rig.polled.push_back(r.offset); };
  hooks.on_batch_processed = [&resumes](std::function<void(bool)> resume) { resumes.push_back(std::move(resume)); };
  rig.consumer->set_hooks(hooks);
  aborted_then_committed(*rig.broker);
  rig.start();
  rig.run_for(sec_to_us(2));
  REQUIRE(resumes.size() == 1);
  CHECK(rig.polled.size() == 5);
  CHECK(rig.consumer->positions().at(kTp) == 12);
  CHECK(rig.consumer->group_metadata().group_id == "g");
  CHECK(rig.broker->count(Api::kOffsetCommit) == 0);
  rig.run_for(sec_to_us(10));  // no resume: no poll (and no auto-commit)
  CHECK(resumes.size() == 1);
  CHECK(rig.broker->offset_fetches.size() == 1);
  CHECK(rig.broker->count(Api::kOffsetCommit) == 0);
  resumes[0](false);  // the transaction aborted: back to the committed offset (none: earliest)
  resumes[0](false);  // a repeated resume is ignored
  rig.run_for(sec_to_us(2));
  CHECK(rig.broker->offset_fetches.size() == 2);
  REQUIRE(resumes.size() == 2);
  CHECK(rig.polled == std::vector<std::int64_t>{4, 5, 6, 8, 9, 4, 5, 6, 8, 9});
  resumes[1](true);
  rig.run_for(sec_to_us(2));
  CHECK(rig.broker->offset_fetches.size() == 2);
  CHECK(rig.polled.size() == 10);
}
