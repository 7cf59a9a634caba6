// The history checker's processor counts: inputs against committed outputs in the read_committed view of
// the final logs (checker.h, "Per processor").
#include <catch2/catch.hpp>

#include "history_builder.h"

namespace kafkasim::check {
namespace {

using testing::Builder;

// orders-0 holds inputs 1..n at offsets 0..n-1; the processor "enricher" (group enricher) writes invoices.
struct ProcessorFixture {
  Builder b;
  std::int64_t t = 100;
  ProcessorFixture(int n) {
    b.produce(1, 1, 0, n);
    b.final_log(testing::ids(1, n));
    b.f.processors.push_back(
        ProcessorFinal{b.h.intern("enricher"), b.h.intern("enricher"), b.h.intern("orders"), b.h.intern("invoices")});
  }
  // The processor sends output `out` derived from input `in`, with key.
  void output(std::uint64_t out, std::uint64_t in, const std::string& key = "k") {
    b.h.derive(out, in);
    b.h.append(Send{ms_to_us(++t), ++b.ev, out, b.h.intern("enricher"), b.tp("invoices", 0), b.h.intern(key),
                    b.h.intern("enricher-0")});
  }
  // invoices-0 final log: (record id, txn state) pairs at offsets 0...
  void invoices(const std::vector<std::pair<std::uint64_t, LogTxn>>& recs) {
    PartitionFinal& pf = b.f.partitions.emplace_back();
    pf.tp = b.tp("invoices", 0);
    for (const auto& [id, txn] : recs) {
      pf.records.push_back(ReadableRecord{static_cast<std::int64_t>(pf.records.size()), id, txn});
    }
    pf.high_watermark = static_cast<std::int64_t>(pf.records.size());
  }
  const ProcessorCounts& counts(const Report& r) {
    REQUIRE(r.processors.size() == 1);
    return r.processors[0];
  }
};

TEST_CASE("one committed output per committed input is exactly-once") {
  ProcessorFixture x(3);
  for (std::uint64_t i = 1; i <= 3; ++i) x.output(100 + i, i);
  x.invoices({{101, LogTxn::kCommitted}, {102, LogTxn::kCommitted}, {103, LogTxn::kCommitted}});
  x.b.final_commit(3, "enricher");
  const Report r = x.b.check();
  const ProcessorCounts& p = x.counts(r);
  CHECK(p.inputs == 3);
  CHECK(p.outputs == 3);
  CHECK(p.missing == 0);
  CHECK(p.duplicates == 0);
  CHECK(p.semantics == Semantics::kExactlyOnce);
  CHECK(render_text(r).find("enricher (orders->invoices)") != std::string::npos);
  CHECK(to_json(r)["processors"]["enricher"]["outputs"] == 3);
}

TEST_CASE("outputs of an aborted transaction do not count and their inputs are re-processed once") {
  ProcessorFixture x(2);
  x.output(101, 1);
  x.output(102, 2);
  x.output(103, 1);  // after the abort, again
  x.output(104, 2);
  x.invoices({{101, LogTxn::kAborted}, {102, LogTxn::kAborted}, {103, LogTxn::kCommitted}, {104, LogTxn::kCommitted}});
  x.b.final_commit(2, "enricher");
  const ProcessorCounts p = x.counts(x.b.check());
  CHECK(p.outputs == 2);
  CHECK(p.outputs_aborted == 2);
  CHECK(p.duplicates == 0);
  CHECK(p.semantics == Semantics::kExactlyOnce);
}

TEST_CASE("an input with two committed outputs is a processor duplicate") {
  ProcessorFixture x(2);
  x.output(101, 1);
  x.output(102, 2);
  x.output(103, 2);
  x.invoices({{101, LogTxn::kCommitted}, {102, LogTxn::kCommitted}, {103, LogTxn::kCommitted}});
  x.b.final_commit(2, "enricher");
  const Report r = x.b.check();
  const ProcessorCounts& p = x.counts(r);
  CHECK(p.duplicates == 1);
  CHECK(p.semantics == Semantics::kAtLeastOnce);
  bool found = false;
  for (const Anomaly& a : r.anomalies) {
    found |= a.kind == AnomalyKind::kDuplicate && a.group == "processor enricher" && a.first_offset == 1;
  }
  CHECK(found);
}

TEST_CASE("an input below the committed offset without a committed output is missing") {
  ProcessorFixture x(3);
  x.output(101, 1);
  x.output(102, 2);
  x.output(103, 3);
  x.invoices({{101, LogTxn::kCommitted}, {102, LogTxn::kOpen}, {103, LogTxn::kNone}});
  x.b.final_commit(2, "enricher");  // input 3 is above the committed offset: not yet an input
  const ProcessorCounts p = x.counts(x.b.check());
  CHECK(p.inputs == 2);
  CHECK(p.outputs == 2);  // kNone: a non-transactional write is read_committed-visible
  CHECK(p.outputs_open == 1);
  CHECK(p.missing == 1);
  CHECK(p.semantics == Semantics::kAtMostOnce);
}

TEST_CASE("outputs of one key that come out of input order are order violations") {
  ProcessorFixture x(2);
  x.output(101, 2, "a");
  x.output(102, 1, "a");
  x.invoices({{101, LogTxn::kCommitted}, {102, LogTxn::kCommitted}});
  x.b.final_commit(2, "enricher");
  const ProcessorCounts p = x.counts(x.b.check());
  CHECK(p.order_violation_count() == 1);
  CHECK(p.semantics == Semantics::kExactlyOnce);
}

TEST_CASE("the final log's markers decide a group's aborted reads over the history's transactions") {
  Builder b;
  b.send(1, 1, "orders", 0, "p1", "t1");
  b.ack(2, 1, 0);
  b.txn_end(3, "t1", true);  // the history says committed...
  PartitionFinal& pf = b.final_log({1});
  pf.records[0].txn = LogTxn::kAborted;  // ...but the log holds an ABORT marker
  b.consume(4, "m1", 1, 0, 1);
  b.final_commit(1);
  const Report r = b.check();
  REQUIRE(r.groups.size() == 1);
  CHECK(r.groups[0].aborted_seen == 1);
}

}  // namespace
}  // namespace kafkasim::check
