// The transactional producer against a scripted FakeBroker: the state machine, the order and content of
// the transactional requests, retries of coordinator errors, fencing, abortable errors and crashes.
#include <catch2/catch.hpp>

#include <optional>

#include "sim/client/producer.h"
#include "tests/client/fake_broker.h"

using namespace kafkasim;
using client::TxnState;
using protocol::Api;
using protocol::ErrorCode;
using protocol::TopicPartition;
using testing::FakeBroker;

namespace {

client::ProducerConfig txn_config() {
  client::ProducerConfig pc;
  pc.client_id = "tx-producer";
  pc.transactional_id = "tx-1";
  pc.transaction_timeout_ms = 30000;
  return pc;
}

struct TxnRig {
  explicit TxnRig(client::ProducerConfig pc = txn_config()) : sim(1), net(sim) {
    broker = &sim.add_node<FakeBroker>(NodeId(1), net);
    broker->topics["out"] = 4;
    sim.start_node(broker->id());
    producer = &sim.add_node<client::Producer>(NodeId(2000), net, std::vector<NodeId>{NodeId(1)}, pc);
    client::ProducerHooks hooks;
    hooks.on_ack = [this](std::uint64_t id, const TopicPartition&, std::int64_t) { acked.push_back(id); };
    hooks.on_error = [this](std::uint64_t id, const TopicPartition&, ErrorCode e, const std::string&, bool final) {
      if (final) failed[id] = e;
    };
    hooks.on_txn_end = [this](bool committed, std::int16_t epoch) { ends.push_back({committed, epoch}); };
    producer->set_hooks(hooks);
    sim.start_node(producer->id());
  }

  // Runs a transactional call and the simulation until its done ran (at most 10 s of sim time).
  std::optional<ErrorCode> call(const std::function<void(client::TxnDone)>& f) {
    std::optional<ErrorCode> result;
    f([&result](ErrorCode e) { result = e; });
    const TimeUs until = sim.now() + sec_to_us(10);
    while (!result && sim.now() < until) sim.run_until(sim.now() + ms_to_us(5));
    return result;
  }
  std::optional<ErrorCode> init() { return call([&](client::TxnDone d) { producer->init_transactions(d); }); }
  std::optional<ErrorCode> commit() { return call([&](client::TxnDone d) { producer->commit_transaction(d); }); }
  std::optional<ErrorCode> abort() { return call([&](client::TxnDone d) { producer->abort_transaction(d); }); }

  void send(int n, const std::string& key_prefix = "k") {
    for (int i = 0; i < n; ++i) {
      client::ProducerRecord r;
      r.id = next_id++;
      r.topic = "out";
      r.key = key_prefix + std::to_string(r.id);
      r.value = "v";
      producer->send(std::move(r));
    }
  }
  void run_for(TimeUs d) { sim.run_until(sim.now() + d); }

  Simulation sim;
  net::Network net;
  FakeBroker* broker = nullptr;
  client::Producer* producer = nullptr;
  std::uint64_t next_id = 1;
  std::vector<std::uint64_t> acked;
  std::map<std::uint64_t, ErrorCode> failed;
  std::vector<std::pair<bool, std::int16_t>> ends;
};

std::size_t index_of_last(const std::vector<Api>& v, Api api) {
  for (std::size_t i = v.size(); i > 0; --i) {
    if (v[i - 1] == api) return i - 1;
  }
  return v.size();
}

}  // namespace

TEST_CASE("a transactional producer fails records sent outside a transaction with INVALID_TXN_STATE") {
  TxnRig rig;
  rig.run_for(ms_to_us(100));
  CHECK(rig.producer->txn_state() == TxnState::kUninitialized);
  CHECK(rig.producer->begin_transaction() == ErrorCode::kInvalidTxnState);
  rig.send(1);
  REQUIRE(rig.init() == ErrorCode::kNone);
  rig.send(1);  // kReady: no transaction begun
  rig.run_for(ms_to_us(100));
  CHECK(rig.failed.at(1) == ErrorCode::kInvalidTxnState);
  CHECK(rig.failed.at(2) == ErrorCode::kInvalidTxnState);
  CHECK(rig.broker->count(Api::kProduce) == 0);
  // A transactional producer asks for its producer id only through init_transactions.
  CHECK(rig.broker->inits.size() == 1);
}

TEST_CASE("init_transactions finds the transaction coordinator, then gets a producer id and epoch") {
  TxnRig rig;
  REQUIRE(rig.init() == ErrorCode::kNone);
  CHECK(rig.producer->txn_state() == TxnState::kReady);
  CHECK(rig.producer->producer_id() == 7);
  CHECK(rig.producer->producer_epoch() == 0);
  CHECK(index_of_last(rig.broker->received, Api::kFindCoordinator) <
        index_of_last(rig.broker->received, Api::kInitProducerId));
  REQUIRE(rig.broker->inits.size() == 1);
  CHECK(rig.broker->inits[0].transactional_id == "tx-1");
  CHECK(rig.broker->inits[0].transaction_timeout_ms == 30000);
  CHECK(rig.broker->inits[0].producer_epoch == -1);
}

TEST_CASE("begin_transaction twice fails the second time with INVALID_TXN_STATE") {
  TxnRig rig;
  REQUIRE(rig.init() == ErrorCode::kNone);
  CHECK(rig.producer->begin_transaction() == ErrorCode::kNone);
  CHECK(rig.producer->txn_state() == TxnState::kInTransaction);
  CHECK(rig.producer->begin_transaction() == ErrorCode::kInvalidTxnState);
  CHECK(rig.producer->txn_state() == TxnState::kInTransaction);
  CHECK(rig.init() == ErrorCode::kInvalidTxnState);
}

TEST_CASE("a committed transaction adds its partitions before their first batch and ends with EndTxn(commit)") {
  TxnRig rig;
  REQUIRE(rig.init() == ErrorCode::kNone);
  REQUIRE(rig.producer->begin_transaction() == ErrorCode::kNone);
  rig.send(40);
  rig.run_for(ms_to_us(50));
  rig.send(40);
  REQUIRE(rig.commit() == ErrorCode::kNone);
  CHECK(rig.producer->txn_state() == TxnState::kReady);
  CHECK(rig.acked.size() == 80);
  CHECK(rig.failed.empty());
  CHECK(rig.broker->produce_before_add == 0);
  std::set<TopicPartition> added;
  for (const auto& req : rig.broker->added) added.insert(req.begin(), req.end());
  CHECK(added == std::set<TopicPartition>(rig.broker->produced_tps.begin(), rig.broker->produced_tps.end()));
  // Every batch is transactional with the producer's id and epoch; sequences start at 0 per partition.
  std::map<TopicPartition, std::int32_t> next_seq;
  for (std::size_t i = 0; i < rig.broker->produced.size(); ++i) {
    const BatchHeader& h = rig.broker->produced[i];
    CHECK(h.is_transactional());
    CHECK(h.producer_id == 7);
    CHECK(h.producer_epoch == 0);
    auto& seq = next_seq[rig.broker->produced_tps[i]];
    CHECK(h.base_sequence == seq);
    seq += h.last_offset_delta + 1;
  }
  CHECK(rig.broker->end_txns == std::vector<bool>{true});
  CHECK(index_of_last(rig.broker->received, Api::kProduce) < index_of_last(rig.broker->received, Api::kEndTxn));
  CHECK(rig.ends == std::vector<std::pair<bool, std::int16_t>>{{true, 0}});
  CHECK(rig.producer->stats().txn_committed == 1);
}

TEST_CASE("the first batches of several new partitions wait for one AddPartitionsToTxn") {
  TxnRig rig;
  REQUIRE(rig.init() == ErrorCode::kNone);
  REQUIRE(rig.producer->begin_transaction() == ErrorCode::kNone);
  rig.send(40);  // keyed: spread over the 4 partitions
  rig.run_for(ms_to_us(100));
  REQUIRE(rig.broker->added.size() == 1);
  CHECK(rig.broker->added[0].size() == 4);
  CHECK(rig.broker->produce_before_add == 0);
  CHECK(rig.acked.size() == 40);
}

TEST_CASE("init_transactions retries coordinator errors and CONCURRENT_TRANSACTIONS until it gets an epoch") {
  TxnRig rig;
  rig.broker->fail_next(Api::kFindCoordinator, ErrorCode::kCoordinatorNotAvailable);
  rig.broker->fail_next(Api::kInitProducerId, ErrorCode::kConcurrentTransactions);
  rig.broker->fail_next(Api::kInitProducerId, ErrorCode::kNotCoordinator);
  rig.broker->fail_next(Api::kInitProducerId, ErrorCode::kCoordinatorLoadInProgress);
  REQUIRE(rig.init() == ErrorCode::kNone);
  CHECK(rig.broker->count(Api::kInitProducerId) == 4);
  CHECK(rig.broker->count(Api::kFindCoordinator) == 3);  // failed, found, found again after NOT_COORDINATOR
  CHECK(rig.producer->producer_epoch() == 0);
}

TEST_CASE("a producer fenced at AddPartitionsToTxn fails its records and every later call with PRODUCER_FENCED") {
  TxnRig rig;
  REQUIRE(rig.init() == ErrorCode::kNone);
  REQUIRE(rig.producer->begin_transaction() == ErrorCode::kNone);
  ++rig.broker->epoch;  // another producer with the same transactional.id called InitProducerId
  rig.send(5);
  rig.run_for(ms_to_us(100));
  CHECK(rig.producer->txn_state() == TxnState::kFatalError);
  REQUIRE(rig.failed.size() == 5);
  for (const auto& [id, e] : rig.failed) CHECK(e == ErrorCode::kProducerFenced);
  CHECK(rig.broker->count(Api::kProduce) == 0);
  CHECK(rig.commit() == ErrorCode::kProducerFenced);
  CHECK(rig.abort() == ErrorCode::kProducerFenced);
  CHECK(rig.producer->begin_transaction() == ErrorCode::kProducerFenced);
  rig.send(1);
  CHECK(rig.failed.at(6) == ErrorCode::kProducerFenced);
}

TEST_CASE("a Produce answered INVALID_PRODUCER_EPOCH fences the producer with PRODUCER_FENCED") {
  client::ProducerConfig pc = txn_config();
  pc.linger_ms = 100;
  TxnRig rig(pc);
  REQUIRE(rig.init() == ErrorCode::kNone);
  REQUIRE(rig.producer->begin_transaction() == ErrorCode::kNone);
  rig.send(3, "same-key-");
  rig.run_for(ms_to_us(20));  // the partition is added; the batch lingers
  REQUIRE(rig.broker->added.size() == 1);
  ++rig.broker->epoch;
  rig.run_for(ms_to_us(200));
  CHECK(rig.broker->count(Api::kProduce) == 1);
  REQUIRE(rig.failed.size() == 3);
  for (const auto& [id, e] : rig.failed) CHECK(e == ErrorCode::kProducerFenced);
  CHECK(rig.producer->txn_state() == TxnState::kFatalError);
  CHECK(rig.commit() == ErrorCode::kProducerFenced);
  CHECK(rig.broker->count(Api::kEndTxn) == 0);
}

TEST_CASE("a failed batch makes the transaction abortable: commit fails, abort succeeds and bumps the epoch") {
  TxnRig rig;
  REQUIRE(rig.init() == ErrorCode::kNone);
  REQUIRE(rig.producer->begin_transaction() == ErrorCode::kNone);
  rig.broker->fail_next(Api::kProduce, ErrorCode::kMessageTooLarge);
  rig.send(1);
  CHECK(rig.commit() == ErrorCode::kMessageTooLarge);
  CHECK(rig.producer->txn_state() == TxnState::kAbortableError);
  CHECK(rig.failed.at(1) == ErrorCode::kMessageTooLarge);
  CHECK(rig.broker->count(Api::kEndTxn) == 0);
  CHECK(rig.producer->begin_transaction() == ErrorCode::kMessageTooLarge);
  rig.send(1);  // failIfNotReadyForSend: the last error
  CHECK(rig.failed.at(2) == ErrorCode::kMessageTooLarge);
  REQUIRE(rig.abort() == ErrorCode::kNone);
  CHECK(rig.broker->end_txns == std::vector<bool>{false});
  // KIP-360: InitProducerId with the current id and epoch after the abort; sequences restart.
  REQUIRE(rig.broker->inits.size() == 2);
  CHECK(rig.broker->inits[1].producer_id == 7);
  CHECK(rig.broker->inits[1].producer_epoch == 0);
  CHECK(rig.producer->producer_epoch() == 1);
  CHECK(rig.producer->txn_state() == TxnState::kReady);
  REQUIRE(rig.producer->begin_transaction() == ErrorCode::kNone);
  rig.send(1);
  REQUIRE(rig.commit() == ErrorCode::kNone);
  CHECK(rig.broker->produced.back().producer_epoch == 1);
  CHECK(rig.broker->produced.back().base_sequence == 0);
}

TEST_CASE("abort_transaction fails unsent batches and sends EndTxn(abort)") {
  client::ProducerConfig pc = txn_config();
  pc.linger_ms = 5000;
  TxnRig rig(pc);
  REQUIRE(rig.init() == ErrorCode::kNone);
  REQUIRE(rig.producer->begin_transaction() == ErrorCode::kNone);
  rig.send(3, "same-key-");
  rig.run_for(ms_to_us(50));
  REQUIRE(rig.broker->added.size() == 1);
  REQUIRE(rig.abort() == ErrorCode::kNone);
  CHECK(rig.failed.size() == 3);
  CHECK(rig.broker->count(Api::kProduce) == 0);
  CHECK(rig.broker->end_txns == std::vector<bool>{false});
  CHECK(rig.ends == std::vector<std::pair<bool, std::int16_t>>{{false, 0}});
  CHECK(rig.broker->inits.size() == 1);  // no epoch bump after a plain abort
  CHECK(rig.producer->txn_state() == TxnState::kReady);
}

TEST_CASE("a transaction that added nothing commits without EndTxn") {
  TxnRig rig;
  REQUIRE(rig.init() == ErrorCode::kNone);
  REQUIRE(rig.producer->begin_transaction() == ErrorCode::kNone);
  REQUIRE(rig.commit() == ErrorCode::kNone);
  CHECK(rig.broker->count(Api::kEndTxn) == 0);
  CHECK(rig.ends.empty());
  CHECK(rig.producer->txn_state() == TxnState::kReady);
}

TEST_CASE("send_offsets_to_transaction sends AddOffsetsToTxn, then TxnOffsetCommit with the group metadata") {
  TxnRig rig;
  REQUIRE(rig.init() == ErrorCode::kNone);
  REQUIRE(rig.producer->begin_transaction() == ErrorCode::kNone);
  const TopicPartition in{"in", 2};
  const auto r = rig.call([&](client::TxnDone d) {
    rig.producer->send_offsets_to_transaction({{in, 42}}, client::GroupMetadata{"g", 5, "m-1", std::nullopt}, d);
  });
  REQUIRE(r == ErrorCode::kNone);
  CHECK(index_of_last(rig.broker->received, Api::kAddOffsetsToTxn) <
        index_of_last(rig.broker->received, Api::kTxnOffsetCommit));
  CHECK(rig.broker->count(Api::kFindCoordinator) == 2);  // the transaction's, then the group's
  REQUIRE(rig.broker->offset_commits.size() == 1);
  const auto& req = rig.broker->offset_commits[0];
  CHECK(req.group_id == "g");
  CHECK(req.generation_id == 5);
  CHECK(req.member_id == "m-1");
  CHECK(req.producer_id == 7);
  CHECK(req.offsets == std::vector<std::pair<TopicPartition, std::int64_t>>{{in, 42}});
  REQUIRE(rig.commit() == ErrorCode::kNone);
  CHECK(rig.broker->end_txns == std::vector<bool>{true});  // the offsets alone make the transaction
}

TEST_CASE("TxnOffsetCommit answered ILLEGAL_GENERATION makes the transaction abortable") {
  TxnRig rig;
  REQUIRE(rig.init() == ErrorCode::kNone);
  REQUIRE(rig.producer->begin_transaction() == ErrorCode::kNone);
  rig.broker->fail_next(Api::kTxnOffsetCommit, ErrorCode::kIllegalGeneration);
  const auto r = rig.call([&](client::TxnDone d) {
    rig.producer->send_offsets_to_transaction({{TopicPartition{"in", 0}, 1}}, client::GroupMetadata{"g", 1, "m", {}}, d);
  });
  CHECK(r == ErrorCode::kIllegalGeneration);
  CHECK(rig.producer->txn_state() == TxnState::kAbortableError);
  CHECK(rig.commit() == ErrorCode::kIllegalGeneration);
  REQUIRE(rig.abort() == ErrorCode::kNone);
  CHECK(rig.broker->end_txns == std::vector<bool>{false});
  CHECK(rig.broker->inits.size() == 1);
}

TEST_CASE("a crashed transactional producer starts uninitialized and gets a new epoch from init_transactions") {
  TxnRig rig;
  REQUIRE(rig.init() == ErrorCode::kNone);
  REQUIRE(rig.producer->begin_transaction() == ErrorCode::kNone);
  rig.send(5);
  std::optional<ErrorCode> never;
  rig.producer->commit_transaction([&never](ErrorCode e) { never = e; });
  rig.sim.crash_node(rig.producer->id());
  rig.run_for(ms_to_us(100));
  rig.sim.restart_node(rig.producer->id());
  CHECK(rig.producer->txn_state() == TxnState::kUninitialized);
  CHECK(rig.producer->producer_id() == -1);
  REQUIRE(rig.init() == ErrorCode::kNone);
  CHECK(rig.producer->producer_epoch() == 1);
  CHECK(!never.has_value());  // the application died: its commit never completes
}

TEST_CASE("init_transactions times out after max.block.ms, goes on, and a later call picks up its result") {
  client::ProducerConfig pc = txn_config();
  pc.max_block_ms = 1000;
  TxnRig rig(pc);
  for (int i = 0; i < 15; ++i) rig.broker->fail_next(Api::kInitProducerId, ErrorCode::kConcurrentTransactions);
  std::optional<ErrorCode> first;
  rig.producer->init_transactions([&first](ErrorCode e) { first = e; });
  rig.run_for(ms_to_us(1100));
  CHECK(first == ErrorCode::kRequestTimedOut);
  CHECK(rig.producer->txn_state() == TxnState::kInitializing);
  rig.run_for(sec_to_us(2));
  CHECK(rig.producer->txn_state() == TxnState::kReady);
  CHECK(rig.broker->count(Api::kInitProducerId) == 16);
  CHECK(rig.init() == ErrorCode::kNone);
  CHECK(rig.broker->count(Api::kInitProducerId) == 16);
}
