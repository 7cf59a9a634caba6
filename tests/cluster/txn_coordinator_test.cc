// The transaction coordinator at the protocol level: a raw client node sends Kafka's transaction requests
// to the brokers and checks the answers, the markers in the partition logs and __transaction_state.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "sim/cluster/coordinator_util.h"
#include "sim/cluster/txn_coordinator.h"
#include "sim/cluster/txn_records.h"
#include "sim/log/record_batch.h"
#include "tests/cluster/cluster_fixture.h"
#include "tests/cluster/raw_client.h"

using namespace kafkasim;
using kafkasim::testing::ClusterFixture;
using kafkasim::testing::RawClient;
using protocol::ErrorCode;
using protocol::TopicPartition;

namespace {

struct TxnFixture {
  explicit TxnFixture(std::uint64_t seed, cluster::BrokerConfig config = {}) : c(seed, 3, config) {
    cluster::TopicConfig tc;
    tc.min_insync_replicas = 2;
    c.create_topic("orders", 2, 3, tc);
    client = &c.sim.add_node<RawClient>(NodeId(2500), c.net);
    c.sim.start_node(client->id());
    c.sim.run_until(sec_to_us(3));
  }

  // FindCoordinator(TRANSACTION), retried while the topic is being created and loaded.
  std::int32_t coordinator(const std::string& id) {
    for (int attempt = 0; attempt < 40; ++attempt) {
      auto req = std::make_shared<protocol::FindCoordinatorRequest>();
      req->key = id;
      req->key_type = 1;
      auto resp = client->call<protocol::FindCoordinatorResponse>(1, req);
      if (resp && resp->error == ErrorCode::kNone) return resp->node_id;
      c.sim.run_until(c.sim.now() + ms_to_us(200));
    }
    return -1;
  }
  std::shared_ptr<const protocol::InitProducerIdResponse> init(std::int32_t coord, const std::string& id,
                                                               std::int32_t timeout_ms = 60000) {
    for (int attempt = 0; attempt < 40; ++attempt) {
      auto req = std::make_shared<protocol::InitProducerIdRequest>();
      req->transactional_id = id;
      req->transaction_timeout_ms = timeout_ms;
      auto resp = client->call<protocol::InitProducerIdResponse>(coord, req);
      if (resp && resp->error != ErrorCode::kCoordinatorLoadInProgress &&
          resp->error != ErrorCode::kConcurrentTransactions) {
        return resp;
      }
      c.sim.run_until(c.sim.now() + ms_to_us(100));
    }
    return nullptr;
  }
  ErrorCode add(std::int32_t coord, const std::string& id, std::int64_t pid, std::int16_t epoch, TopicPartition tp) {
    auto req = std::make_shared<protocol::AddPartitionsToTxnRequest>();
    req->transactional_id = id;
    req->producer_id = pid;
    req->producer_epoch = epoch;
    req->partitions = {tp};
    auto resp = client->call<protocol::AddPartitionsToTxnResponse>(coord, req);
    return resp ? resp->error() : ErrorCode::kRequestTimedOut;
  }
  ErrorCode end(std::int32_t coord, const std::string& id, std::int64_t pid, std::int16_t epoch, bool commit) {
    auto req = std::make_shared<protocol::EndTxnRequest>();
    req->transactional_id = id;
    req->producer_id = pid;
    req->producer_epoch = epoch;
    req->committed = commit;
    auto resp = client->call<protocol::EndTxnResponse>(coord, req);
    return resp ? resp->error : ErrorCode::kRequestTimedOut;
  }
  // Produces `n` transactional records to the partition's leader.
  ErrorCode produce(const std::string& id, std::int64_t pid, std::int16_t epoch, std::int32_t seq, TopicPartition tp,
                    int n) {
    std::vector<std::string> values;
    values.reserve(static_cast<std::size_t>(n));  // the inputs view these strings: no reallocation
    std::vector<RecordInput> inputs(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      values.push_back(fmt::format("v{}", seq + i));
      inputs[static_cast<std::size_t>(i)].value = values.back();
    }
    BatchSpec spec;
    spec.transactional = true;
    spec.producer_id = pid;
    spec.producer_epoch = epoch;
    spec.base_sequence = seq;
    auto bytes = std::make_shared<std::vector<std::uint8_t>>();
    encode_batch(spec, inputs, *bytes);
    auto req = std::make_shared<protocol::ProduceRequest>();
    req->transactional_id = id;
    req->partitions.push_back({tp, bytes});
    auto resp = client->call<protocol::ProduceResponse>(c.partition(tp.topic, tp.partition).leader, req);
    return resp ? resp->partitions.at(0).error : ErrorCode::kRequestTimedOut;
  }
  // InitProducerId for `id`, then a transaction on `tp` holding `n` records; returns the producer id/epoch.
  std::shared_ptr<const protocol::InitProducerIdResponse> open_transaction(std::int32_t coord, const std::string& id,
                                                                         const TopicPartition& tp, int n) {
    auto init_resp = init(coord, id);
    REQUIRE(init_resp);
    REQUIRE(add(coord, id, init_resp->producer_id, init_resp->producer_epoch, tp) == ErrorCode::kNone);
    REQUIRE(produce(id, init_resp->producer_id, init_resp->producer_epoch, 0, tp, n) == ErrorCode::kNone);
    return init_resp;
  }
  // Crashes coordinator `coord`; once the controller moved its leaderships (broker.session.timeout.ms),
  // returns the new coordinator of `id`.
  std::int32_t fail_over(std::int32_t coord, const std::string& id) {
    c.sim.crash_node(NodeId(coord));
    c.sim.run_until(c.sim.now() + sec_to_us(12));
    const std::int32_t next = coordinator(id);
    REQUIRE(next >= 1);
    REQUIRE(next != coord);
    return next;
  }
  const cluster::Replica& leader_replica(const TopicPartition& tp) {
    return *c.broker(c.partition(tp.topic, tp.partition).leader).replica(tp);
  }
  std::optional<cluster::TxnDescription> describe(std::int32_t coord, const std::string& id) {
    for (const auto& d : c.broker(coord).transaction_coordinator().transactions()) {
      if (d.transactional_id == id) return d;
    }
    return std::nullopt;
  }
  // The control batches (type, producer id) in a replica's log, in offset order.
  std::vector<std::pair<ControlType, std::int64_t>> markers(const TopicPartition& tp) {
    std::vector<std::pair<ControlType, std::int64_t>> out;
    auto& r = const_cast<cluster::Replica&>(leader_replica(tp));
    cluster::scan_log(r.log(), r.log_start_offset(), r.log_end_offset(), [&](const DecodedBatch& b) {
      if (!b.header.is_control() || b.records.empty()) return;
      auto m = parse_control_record(b.records.front());
      if (m) out.emplace_back(m->type, b.header.producer_id);
    });
    return out;
  }

  ClusterFixture c;
  RawClient* client = nullptr;
};

}  // namespace

TEST_CASE("__transaction_state records round-trip in Kafka's TransactionLog v0 layout") {
  cluster::TxnLogValue v;
  v.producer_id = 4000000123;
  v.producer_epoch = 7;
  v.transaction_timeout_ms = 60000;
  v.state = cluster::TxnState::kPrepareCommit;
  v.partitions = {{"orders", 0}, {"orders", 3}, {"__consumer_offsets", 12}};
  v.last_update_timestamp_ms = 1700000000123;
  v.start_timestamp_ms = 1700000000001;
  const auto bytes = cluster::encode_txn_value(v);
  // version(2) pid(8) epoch(2) timeout(4) status(1) array(4) + 2 topics + 2 timestamps(16)
  CHECK(bytes.size() == 2 + 8 + 2 + 4 + 1 + 4 + (2 + 6 + 4 + 8) + (2 + 18 + 4 + 4) + 16);
  CHECK(bytes[16] == 2);  // transaction_status PrepareCommit
  const auto back = cluster::decode_txn_value(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  REQUIRE(back.has_value());
  CHECK(*back == v);
  const auto key = cluster::encode_txn_key("enricher-0");
  CHECK(cluster::decode_txn_key(std::string_view(reinterpret_cast<const char*>(key.data()), key.size())) == "enricher-0");
  CHECK_FALSE(cluster::decode_txn_value(std::string_view("\x00\x00\x01", 3)).has_value());
}

TEST_CASE("the first FindCoordinator(TRANSACTION) creates __transaction_state and names its leader") {
  TxnFixture f(1);
  CHECK(f.c.controller->topic_partition_count("__transaction_state") == 0);
  const std::int32_t coord = f.coordinator("app-1");
  REQUIRE(coord >= 1);
  CHECK(f.c.controller->topic_partition_count("__transaction_state") == 50);
  const std::int32_t p = f.c.broker(1).transaction_coordinator().partition_for("app-1");
  CHECK(coord == f.c.partition("__transaction_state", p).leader);
}

TEST_CASE("InitProducerId bumps the epoch and the older epoch is fenced") {
  TxnFixture f(2);
  const std::int32_t coord = f.coordinator("app");
  auto first = f.init(coord, "app");
  REQUIRE(first);
  REQUIRE(first->error == ErrorCode::kNone);
  CHECK(first->producer_epoch == 0);
  auto second = f.init(coord, "app");
  REQUIRE(second);
  CHECK(second->producer_id == first->producer_id);
  CHECK(second->producer_epoch == 1);
  CHECK(f.add(coord, "app", first->producer_id, first->producer_epoch, {"orders", 0}) == ErrorCode::kProducerFenced);
  CHECK(f.add(coord, "app", second->producer_id, second->producer_epoch, {"orders", 0}) == ErrorCode::kNone);
  CHECK(f.describe(coord, "app")->state == "Ongoing");
}

TEST_CASE("a committed transaction gets a COMMIT marker on every partition and moves the LSO past it") {
  TxnFixture f(3);
  const std::int32_t coord = f.coordinator("app");
  auto init = f.init(coord, "app");
  REQUIRE(init);
  const std::int64_t pid = init->producer_id;
  const std::int16_t epoch = init->producer_epoch;
  const TopicPartition t0{"orders", 0}, t1{"orders", 1};
  REQUIRE(f.add(coord, "app", pid, epoch, t0) == ErrorCode::kNone);
  REQUIRE(f.add(coord, "app", pid, epoch, t1) == ErrorCode::kNone);
  REQUIRE(f.produce("app", pid, epoch, 0, t0, 3) == ErrorCode::kNone);
  REQUIRE(f.produce("app", pid, epoch, 0, t1, 2) == ErrorCode::kNone);
  // Open: read_committed readers are held at the transaction's first offset.
  CHECK(f.leader_replica(t0).last_stable_offset() == 0);
  CHECK(f.leader_replica(t0).high_watermark() == 3);
  REQUIRE(f.end(coord, "app", pid, epoch, true) == ErrorCode::kNone);
  f.c.sim.run_until(f.c.sim.now() + sec_to_us(1));
  for (const auto& tp : {t0, t1}) {
    const auto m = f.markers(tp);
    REQUIRE(m.size() == 1);
    CHECK(m[0].first == ControlType::kCommit);
    CHECK(m[0].second == pid);
    const auto& r = f.leader_replica(tp);
    CHECK(r.last_stable_offset() == r.log_end_offset());
    CHECK(r.aborted_transactions(0, r.log_end_offset()).empty());
  }
  CHECK(f.describe(coord, "app")->state == "CompleteCommit");
  // A retried EndTxn(commit) is answered OK; EndTxn(abort) now is INVALID_TXN_STATE.
  CHECK(f.end(coord, "app", pid, epoch, true) == ErrorCode::kNone);
  CHECK(f.end(coord, "app", pid, epoch, false) == ErrorCode::kInvalidTxnState);
}

TEST_CASE("an aborted transaction is listed as aborted for read_committed fetches") {
  TxnFixture f(4);
  const std::int32_t coord = f.coordinator("app");
  auto init = f.init(coord, "app");
  REQUIRE(init);
  const TopicPartition t0{"orders", 0};
  REQUIRE(f.add(coord, "app", init->producer_id, init->producer_epoch, t0) == ErrorCode::kNone);
  REQUIRE(f.produce("app", init->producer_id, init->producer_epoch, 0, t0, 4) == ErrorCode::kNone);
  REQUIRE(f.end(coord, "app", init->producer_id, init->producer_epoch, false) == ErrorCode::kNone);
  f.c.sim.run_until(f.c.sim.now() + sec_to_us(1));
  const auto m = f.markers(t0);
  REQUIRE(m.size() == 1);
  CHECK(m[0].first == ControlType::kAbort);
  const auto& r = f.leader_replica(t0);
  const auto aborted = r.aborted_transactions(0, r.log_end_offset());
  REQUIRE(aborted.size() == 1);
  CHECK(aborted[0].producer_id == init->producer_id);
  CHECK(aborted[0].first_offset == 0);
  CHECK(f.describe(coord, "app")->state == "CompleteAbort");
}

TEST_CASE("a transaction open longer than transaction.timeout.ms is aborted and its producer fenced") {
  TxnFixture f(5);
  const std::int32_t coord = f.coordinator("slow");
  auto init = f.init(coord, "slow", 2000);
  REQUIRE(init);
  const TopicPartition t1{"orders", 1};
  REQUIRE(f.add(coord, "slow", init->producer_id, init->producer_epoch, t1) == ErrorCode::kNone);
  REQUIRE(f.produce("slow", init->producer_id, init->producer_epoch, 0, t1, 2) == ErrorCode::kNone);
  // The sweep runs every transaction.abort.timed.out.transaction.cleanup.interval.ms (10 s).
  f.c.sim.run_until(f.c.sim.now() + sec_to_us(12));
  const auto d = f.describe(coord, "slow");
  REQUIRE(d);
  CHECK(d->state == "CompleteAbort");
  CHECK(d->producer_epoch == init->producer_epoch + 1);
  const auto m = f.markers(t1);
  REQUIRE(m.size() == 1);
  CHECK(m[0].first == ControlType::kAbort);
  // The zombie's next write is refused at the partition leader and at the coordinator.
  CHECK(f.produce("slow", init->producer_id, init->producer_epoch, 2, t1, 1) == ErrorCode::kInvalidProducerEpoch);
  CHECK(f.end(coord, "slow", init->producer_id, init->producer_epoch, true) == ErrorCode::kProducerFenced);
}

TEST_CASE("InitProducerId during an open transaction aborts it with a bumped epoch (zombie fencing)") {
  TxnFixture f(6);
  const std::int32_t coord = f.coordinator("app");
  auto old = f.init(coord, "app");
  REQUIRE(old);
  const TopicPartition t0{"orders", 0};
  REQUIRE(f.add(coord, "app", old->producer_id, old->producer_epoch, t0) == ErrorCode::kNone);
  REQUIRE(f.produce("app", old->producer_id, old->producer_epoch, 0, t0, 2) == ErrorCode::kNone);
  auto fresh = f.init(coord, "app");  // retried through CONCURRENT_TRANSACTIONS until the abort completed
  REQUIRE(fresh);
  REQUIRE(fresh->error == ErrorCode::kNone);
  CHECK(fresh->producer_epoch == old->producer_epoch + 2);  // +1 for the abort, +1 for the new producer
  const auto m = f.markers(t0);
  REQUIRE(m.size() == 1);
  CHECK(m[0].first == ControlType::kAbort);
  CHECK(f.produce("app", old->producer_id, old->producer_epoch, 2, t0, 1) == ErrorCode::kInvalidProducerEpoch);
}

TEST_CASE("a new coordinator after a crash recovers an open transaction from __transaction_state") {
  TxnFixture f(7);
  const std::string id = "app";
  const std::int32_t coord = f.coordinator(id);
  const TopicPartition t0{"orders", 0};
  auto init = f.open_transaction(coord, id, t0, 2);
  const std::int32_t next = f.fail_over(coord, id);
  const auto d = f.describe(next, id);
  REQUIRE(d);
  CHECK(d->state == "Ongoing");
  CHECK(d->producer_id == init->producer_id);
  CHECK(d->partitions == std::vector<TopicPartition>{t0});
  REQUIRE(f.end(next, id, init->producer_id, init->producer_epoch, true) == ErrorCode::kNone);
  f.c.sim.run_until(f.c.sim.now() + sec_to_us(1));
  const auto m = f.markers(t0);
  REQUIRE(m.size() == 1);
  CHECK(m[0].first == ControlType::kCommit);
  CHECK(f.describe(next, id)->state == "CompleteCommit");
}

namespace {
// The last value written for `id` to its __transaction_state partition on broker `coord`: nullopt for a
// tombstone (or when there is no record).
std::optional<std::vector<std::uint8_t>> last_txn_record(TxnFixture& f, std::int32_t coord, const std::string& id) {
  const std::int32_t p = f.c.broker(coord).transaction_coordinator().partition_for(id);
  auto& r = const_cast<cluster::Replica&>(*f.c.broker(coord).replica({"__transaction_state", p}));
  std::optional<std::vector<std::uint8_t>> last;
  cluster::scan_log(r.log(), r.log_start_offset(), r.log_end_offset(), [&](const DecodedBatch& b) {
    for (const RecordView& rv : b.records) {
      if (!rv.key || cluster::decode_txn_key(*rv.key) != id) continue;
      last = rv.value ? std::optional<std::vector<std::uint8_t>>(std::vector<std::uint8_t>(rv.value->begin(), rv.value->end()))
                      : std::nullopt;
    }
  });
  return last;
}

cluster::BrokerConfig short_expiration() {
  cluster::BrokerConfig config;
  config.transactional_id_expiration_ms = 10000;
  config.transaction_remove_expired_cleanup_interval_ms = 1000;
  return config;
}
}  // namespace

TEST_CASE("a transactional id idle for transactional.id.expiration.ms is expired with a tombstone and comes back with a new producer id") {
  TxnFixture f(8, short_expiration());
  const std::string id = "app";
  const std::int32_t coord = f.coordinator(id);
  auto init = f.open_transaction(coord, id, {"orders", 0}, 2);
  REQUIRE(f.end(coord, id, init->producer_id, init->producer_epoch, true) == ErrorCode::kNone);
  f.c.sim.run_until(f.c.sim.now() + sec_to_us(1));
  REQUIRE(f.describe(coord, id)->state == "CompleteCommit");
  f.c.sim.run_until(f.c.sim.now() + sec_to_us(7));  // not idle long enough yet
  CHECK(f.describe(coord, id));
  CHECK(last_txn_record(f, coord, id).has_value());
  f.c.sim.run_until(f.c.sim.now() + sec_to_us(4));  // 10 s since the last update, plus one sweep
  CHECK_FALSE(f.describe(coord, id));
  CHECK_FALSE(last_txn_record(f, coord, id).has_value());  // the tombstone
  // The tombstone is replicated: a new coordinator does not load the id either.
  const std::int32_t next = f.fail_over(coord, id);
  CHECK_FALSE(f.describe(next, id));
  // InitProducerId starts the id again: a new producer id at epoch 0 (Kafka: a fresh TransactionMetadata).
  auto again = f.init(next, id);
  REQUIRE(again);
  REQUIRE(again->error == ErrorCode::kNone);
  CHECK(again->producer_id != init->producer_id);
  CHECK(again->producer_epoch == 0);
}

TEST_CASE("an open transaction is never expired by transactional.id.expiration.ms") {
  TxnFixture f(9, short_expiration());
  const std::string id = "app";
  const std::int32_t coord = f.coordinator(id);
  auto init = f.init(coord, id, 600000);  // transaction.timeout.ms 10 min
  REQUIRE(init);
  REQUIRE(f.add(coord, id, init->producer_id, init->producer_epoch, {"orders", 0}) == ErrorCode::kNone);
  f.c.sim.run_until(f.c.sim.now() + sec_to_us(30));
  const auto d = f.describe(coord, id);
  REQUIRE(d);
  CHECK(d->state == "Ongoing");
  CHECK(d->producer_id == init->producer_id);
}
