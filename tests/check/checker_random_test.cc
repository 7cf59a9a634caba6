// Randomized: a toy producer/consumer model whose ground truth is known by construction (how many acked
// records a truncation removed, how many records a crash lost or made re-read), checked against the
// checker's counts and semantics verdicts. Prints its seed.
#include <catch2/catch.hpp>

#include "sim/core/rng.h"
#include "tests/check/history_builder.h"

namespace kafkasim::check {
namespace {

using testing::Builder;

enum class Policy { kCommitThenProcess, kProcessThenCommit };

struct Truth {
  std::int64_t lost_acked = 0;
  std::int64_t group_lost = 0;
  std::int64_t group_duplicates = 0;
};

// Produces n records; maybe truncates a suffix and writes replacements; then one consumer at a time reads
// the final log in batches with `policy`, crashing mid-batch now and then; the next member resumes from
// the committed offset.
Truth simulate(Rng& rng, Builder& b, Policy policy) {
  Truth truth;
  const int n = static_cast<int>(rng.between(5, 60));
  b.produce(0, 1, 0, n);
  std::vector<std::uint64_t> log;
  for (int i = 0; i < n; ++i) log.push_back(static_cast<std::uint64_t>(1 + i));
  std::int64_t t = 1000;
  if (rng.chance_ppm(500'000)) {
    const int k = static_cast<int>(rng.between(0, n - 1));
    b.truncate(t, k, n, "unclean leader election of broker 2", 1, t - 1);
    truth.lost_acked = n - k;
    log.resize(static_cast<std::size_t>(k));
    const int m = static_cast<int>(rng.between(0, 5));
    for (int i = 0; i < m; ++i) {
      const std::uint64_t id = 1000 + static_cast<std::uint64_t>(i);
      b.send(++t, id);
      b.ack(t, id, static_cast<std::int64_t>(log.size()));
      log.push_back(id);
    }
  }
  b.final_log(log);
  std::int64_t committed = 0;
  int member = 0;
  std::string name = "c0";
  std::vector<int> times(log.size(), 0);
  while (committed < static_cast<std::int64_t>(log.size())) {
    const std::int64_t end =
        std::min<std::int64_t>(committed + rng.between(1, 8), static_cast<std::int64_t>(log.size()));
    const bool crash = rng.chance_ppm(300'000);
    const std::int64_t done = crash ? rng.between(committed, end - 1) : end;  // processed before a crash
    t += 10;
    for (std::int64_t o = committed; o < end; ++o) b.poll(t, name, log[o], o);
    if (policy == Policy::kCommitThenProcess) b.commit(++t, name, end);
    for (std::int64_t o = committed; o < done; ++o) {
      b.processed(++t, name, log[o], o);
      ++times[o];
    }
    if (!crash) {
      if (policy == Policy::kProcessThenCommit) b.commit(++t, name, end);
      committed = end;
      continue;
    }
    b.member(++t, name, MemberWhat::kCrashed);
    if (policy == Policy::kCommitThenProcess) committed = end;
    name = "c" + std::to_string(++member);
    b.member(++t, name, MemberWhat::kAssigned);
  }
  b.final_commit(committed);
  for (int c : times) {
    if (c == 0) ++truth.group_lost;
    if (c > 1) ++truth.group_duplicates;
  }
  return truth;
}

TEST_CASE("Randomized consumer crashes give the loss, duplicates and semantics the model implies") {
#ifdef __SANITIZE_ADDRESS__
  const int iterations = 100;
#else
  const int iterations = 1000;
#endif
  const std::uint64_t seed = 20261125;
  INFO("seed " << seed);
  std::printf("checker_random_test seed %llu\n", static_cast<unsigned long long>(seed));
  Rng rng = Rng::stream(seed, "checker-random-test");
  for (int i = 0; i < iterations; ++i) {
    const Policy policy = rng.chance_ppm(500'000) ? Policy::kCommitThenProcess : Policy::kProcessThenCommit;
    Builder b;
    const Truth truth = simulate(rng, b, policy);
    const Report r = b.check();
    INFO("iteration " << i << "\n" << render_text(r));
    REQUIRE(r.lost_acked == truth.lost_acked);
    REQUIRE(r.groups.size() == 1);
    const GroupCounts& g = r.groups[0];
    REQUIRE(g.lost == truth.group_lost);
    REQUIRE(g.duplicates == truth.group_duplicates);
    if (policy == Policy::kCommitThenProcess) REQUIRE(g.duplicates == 0);
    if (policy == Policy::kProcessThenCommit) REQUIRE(g.lost == 0);
    const Semantics expected = g.consumed == 0 && g.lost == 0 ? Semantics::kNoneYet
                               : truth.group_lost > 0         ? Semantics::kAtMostOnce
                               : truth.group_duplicates > 0   ? Semantics::kAtLeastOnce
                                                              : Semantics::kExactlyOnce;
    REQUIRE(g.semantics == expected);
    for (const Anomaly& a : r.anomalies) {
      REQUIRE(a.kind != AnomalyKind::kPollSkip);
      REQUIRE(a.kind != AnomalyKind::kNonmonotonicPoll);
      REQUIRE(a.explanation.find("cause unknown") == std::string::npos);
    }
  }
}

}  // namespace
}  // namespace kafkasim::check
