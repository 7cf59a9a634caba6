// Transactions end to end on a 3-broker cluster with the transaction coordinator: what read_committed and
// read_uncommitted consumers see after commits, aborts, fencing by a second producer with the same
// transactional.id, and a producer crash in the middle of a transaction.
#include <catch2/catch.hpp>

#include <optional>
#include <set>

#include "tests/client/group_fixture.h"

using namespace kafkasim;
using client::TxnState;
using kafkasim::testing::consumer_config;
using kafkasim::testing::GroupFixture;
using protocol::ErrorCode;

namespace {

struct TxnCluster : GroupFixture {
  explicit TxnCluster(std::uint64_t seed) : GroupFixture(seed) {
    cluster::TopicConfig tc;
    tc.min_insync_replicas = 2;
    create_topic("out", 3, 3, tc);
    sim.run_until(sec_to_us(3));
  }

  client::Producer& txn_producer(const std::string& client_id, const std::string& transactional_id) {
    client::ProducerConfig pc;
    pc.client_id = client_id;
    pc.transactional_id = transactional_id;
    client::Producer& p = add_producer(pc);
    client::ProducerHooks hooks;  // add_producer's acked/failed bookkeeping plus the end of transactions
    hooks.on_ack = [this](std::uint64_t id, const protocol::TopicPartition& tp, std::int64_t off) {
      acked[id] = {tp, off};
    };
    hooks.on_error = [this](std::uint64_t id, const protocol::TopicPartition&, ErrorCode e, const std::string&,
                            bool final) {
      if (final) failed[id] = e;
    };
    hooks.on_txn_end = [this, &p](bool committed, std::int16_t epoch) {
      txn_ends.push_back({p.config().client_id, committed, epoch});
    };
    p.set_hooks(hooks);
    return p;
  }

  // Runs a transactional call until its done ran (at most 30 s of sim time); nullopt if it never did.
  std::optional<ErrorCode> call(const std::function<void(client::TxnDone)>& f) {
    std::optional<ErrorCode> result;
    f([&result](ErrorCode e) { result = e; });
    const TimeUs until = sim.now() + sec_to_us(30);
    while (!result && sim.now() < until) sim.run_until(sim.now() + ms_to_us(10));
    return result;
  }
  std::optional<ErrorCode> init(client::Producer& p) {
    return call([&](client::TxnDone d) { p.init_transactions(d); });
  }
  std::optional<ErrorCode> commit(client::Producer& p) {
    return call([&](client::TxnDone d) { p.commit_transaction(d); });
  }
  std::optional<ErrorCode> abort(client::Producer& p) {
    return call([&](client::TxnDone d) { p.abort_transaction(d); });
  }

  // Record ids the consumer `name` polled (it reads "out" from the earliest offset).
  std::set<std::uint64_t> read(const std::string& name, protocol::IsolationLevel isolation) {
    if (consumers.count(name) == 0) {
      client::ConsumerConfig cc = consumer_config(name, "readers-" + name);
      cc.isolation = isolation;
      add_consumer(cc, {"out"});
    }
    sim.run_until(sim.now() + sec_to_us(10));
    std::set<std::uint64_t> ids;
    for (const auto& r : logs[name].polled) ids.insert(r.id);
    return ids;
  }

  static std::set<std::uint64_t> range(std::uint64_t first, std::uint64_t last) {
    std::set<std::uint64_t> s;
    for (std::uint64_t i = first; i <= last; ++i) s.insert(i);
    return s;
  }

  struct TxnEnd {
    std::string producer;
    bool committed = false;
    std::int16_t epoch = -1;
  };
  std::vector<TxnEnd> txn_ends;
};

}  // namespace

TEST_CASE("a committed transaction becomes visible to a read_committed consumer") {
  TxnCluster c(61);
  auto& p = c.txn_producer("enricher-0", "enricher-tx-0");
  REQUIRE(c.init(p) == ErrorCode::kNone);
  REQUIRE(p.begin_transaction() == ErrorCode::kNone);
  c.produce(p, "out", 30);
  REQUIRE(c.commit(p) == ErrorCode::kNone);
  CHECK(c.acked.size() == 30);
  REQUIRE(c.txn_ends.size() == 1);
  CHECK(c.txn_ends[0].committed);
  CHECK(c.read("rc", protocol::IsolationLevel::kReadCommitted) == TxnCluster::range(1, 30));
}

TEST_CASE("an aborted transaction is hidden from read_committed but read_uncommitted sees it") {
  TxnCluster c(62);
  auto& p = c.txn_producer("enricher-0", "enricher-tx-0");
  REQUIRE(c.init(p) == ErrorCode::kNone);
  REQUIRE(p.begin_transaction() == ErrorCode::kNone);
  c.produce(p, "out", 20);
  c.sim.run_until(c.sim.now() + ms_to_us(500));  // the batches are written (acked) before the abort
  REQUIRE(c.acked.size() == 20);
  REQUIRE(c.abort(p) == ErrorCode::kNone);
  REQUIRE(p.begin_transaction() == ErrorCode::kNone);
  c.produce(p, "out", 20);
  REQUIRE(c.commit(p) == ErrorCode::kNone);
  CHECK(c.read("rc", protocol::IsolationLevel::kReadCommitted) == TxnCluster::range(21, 40));
  CHECK(c.read("ru", protocol::IsolationLevel::kReadUncommitted) == TxnCluster::range(1, 40));
  CHECK(p.stats().txn_aborted == 1);
  CHECK(p.stats().txn_committed == 1);
}

TEST_CASE("a second producer with the same transactional.id fences the first, whose later writes stay invisible") {
  TxnCluster c(63);
  auto& zombie = c.txn_producer("enricher-0", "enricher-tx-0");
  REQUIRE(c.init(zombie) == ErrorCode::kNone);
  REQUIRE(zombie.begin_transaction() == ErrorCode::kNone);
  c.produce(zombie, "out", 10);  // ids 1..10, in the zombie's open transaction
  c.sim.run_until(c.sim.now() + ms_to_us(500));
  auto& successor = c.txn_producer("enricher-0b", "enricher-tx-0");
  REQUIRE(c.init(successor) == ErrorCode::kNone);  // aborts the open transaction, bumps the epoch
  CHECK(successor.producer_epoch() > zombie.producer_epoch());
  c.produce(zombie, "out", 10);  // ids 11..20
  CHECK(c.commit(zombie) == ErrorCode::kProducerFenced);
  CHECK(zombie.txn_state() == TxnState::kFatalError);
  for (std::uint64_t id = 11; id <= 20; ++id) {
    INFO("record " << id);
    CHECK(c.failed.count(id) == 1);
    CHECK(c.acked.count(id) == 0);
  }
  REQUIRE(successor.begin_transaction() == ErrorCode::kNone);
  c.produce(successor, "out", 10);  // ids 21..30
  REQUIRE(c.commit(successor) == ErrorCode::kNone);
  CHECK(c.read("rc", protocol::IsolationLevel::kReadCommitted) == TxnCluster::range(21, 30));
  CHECK(zombie.begin_transaction() == ErrorCode::kProducerFenced);
}

TEST_CASE("a producer crash in a transaction: the restarted producer's init_transactions aborts it") {
  TxnCluster c(64);
  auto& p = c.txn_producer("enricher-0", "enricher-tx-0");
  REQUIRE(c.init(p) == ErrorCode::kNone);
  const std::int16_t epoch = p.producer_epoch();
  REQUIRE(p.begin_transaction() == ErrorCode::kNone);
  c.produce(p, "out", 15);
  c.sim.run_until(c.sim.now() + ms_to_us(500));
  c.sim.crash_node(p.id());
  c.sim.run_until(c.sim.now() + sec_to_us(1));
  c.sim.restart_node(p.id());
  REQUIRE(c.init(p) == ErrorCode::kNone);
  CHECK(p.producer_epoch() > epoch);
  REQUIRE(p.begin_transaction() == ErrorCode::kNone);
  c.produce(p, "out", 5);  // ids 16..20
  REQUIRE(c.commit(p) == ErrorCode::kNone);
  CHECK(c.read("rc", protocol::IsolationLevel::kReadCommitted) == TxnCluster::range(16, 20));
  CHECK(c.read("ru", protocol::IsolationLevel::kReadUncommitted).size() >= 5);
}

TEST_CASE("committed transactions are read exactly once and aborted ones never, across broker crashes") {
#ifdef __SANITIZE_ADDRESS__
  const std::uint64_t seeds = 2;
#else
  const std::uint64_t seeds = 8;
#endif
  for (std::uint64_t seed = 70; seed < 70 + seeds; ++seed) {
    INFO("seed " << seed);
    TxnCluster c(seed);
    Rng rng(seed * 13);
    auto& p = c.txn_producer("enricher-0", "enricher-tx-0");
    REQUIRE(c.init(p) == ErrorCode::kNone);
    std::set<std::uint64_t> committed;
    std::set<std::uint64_t> aborted;
    cluster::Broker* down = nullptr;
    for (int txn = 0; txn < 12; ++txn) {
      REQUIRE(p.begin_transaction() == ErrorCode::kNone);
      const std::uint64_t first = c.next_record_id;
      c.produce(p, "out", 10);
      c.sim.run_until(c.sim.now() + ms_to_us(rng.between(0, 400)));
      // One broker at a time crashes (any of them may lead partitions or coordinate the transaction).
      if (down == nullptr && rng.uniform(3) == 0) {
        down = c.brokers[rng.uniform(c.brokers.size())];
        c.sim.crash_node(down->id());
      } else if (down != nullptr && rng.uniform(2) == 0) {
        c.sim.restart_node(down->id());
        down = nullptr;
      }
      const bool want_commit = rng.uniform(4) != 0;
      std::optional<ErrorCode> r = want_commit ? c.commit(p) : c.abort(p);
      REQUIRE(r.has_value());
      bool ok = want_commit && *r == ErrorCode::kNone;
      if (want_commit && !ok) {
        INFO("commit failed with " << protocol::error_name(*r));
        REQUIRE(p.txn_state() == TxnState::kAbortableError);
        REQUIRE(c.abort(p) == ErrorCode::kNone);
      } else if (!want_commit) {
        REQUIRE(*r == ErrorCode::kNone);
      }
      for (std::uint64_t id = first; id < c.next_record_id; ++id) (ok ? committed : aborted).insert(id);
    }
    if (down != nullptr) c.sim.restart_node(down->id());
    c.sim.run_until(c.sim.now() + sec_to_us(20));
    CHECK(!committed.empty());
    CHECK(c.read("rc", protocol::IsolationLevel::kReadCommitted) == committed);
    std::map<std::uint64_t, int> times;
    for (const auto& r : c.logs["rc"].polled) ++times[r.id];
    for (const auto& [id, n] : times) CHECK(n == 1);
  }
}

TEST_CASE("the same seed gives the same trace hash with transactions, a fence and a broker crash") {
  auto run = [](std::uint64_t seed) {
    TxnCluster c(seed);
    auto& p = c.txn_producer("enricher-0", "enricher-tx-0");
    REQUIRE(c.init(p) == ErrorCode::kNone);
    for (int txn = 0; txn < 3; ++txn) {
      REQUIRE(p.begin_transaction() == ErrorCode::kNone);
      c.produce(p, "out", 10);
      if (txn == 1) c.sim.crash_node(c.brokers[0]->id());
      REQUIRE(c.commit(p).has_value());
    }
    auto& successor = c.txn_producer("enricher-0b", "enricher-tx-0");
    REQUIRE(c.init(successor) == ErrorCode::kNone);
    c.read("rc", protocol::IsolationLevel::kReadCommitted);
    return c.sim.trace().hash();
  };
  CHECK(run(81) == run(81));
}
