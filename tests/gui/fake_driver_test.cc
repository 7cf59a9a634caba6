#include <catch2/catch.hpp>

#include "tests/gui/fake_driver.h"

namespace kafkasim::gui::testing {
namespace {

TEST_CASE("the fake driver's snapshot depends only on the time it is seeked to") {
  FakeDriver driver;
  driver.seek(21'000'000);
  const engine::Snapshot first = driver.snapshot();
  driver.seek(50'000'000);
  driver.seek(21'000'000);
  const engine::Snapshot& again = driver.snapshot();
  CHECK(again.trace_hash == first.trace_hash);
  CHECK(again.partitions.size() == first.partitions.size());
  CHECK(again.partitions[2].high_watermark == first.partitions[2].high_watermark);
  CHECK(again.in_flight.size() == first.in_flight.size());
}

TEST_CASE("the fake story has a broker down, a cut link and NOT_ENOUGH_REPLICAS at 21 s") {
  FakeDriver driver;
  driver.seek(21'000'000);
  const auto& snap = driver.snapshot();
  CHECK(snap.brokers.size() == 5);
  CHECK(snap.brokers[2].status == engine::NodeStatus::kDown);
  CHECK_FALSE(snap.cut_links.empty());
  CHECK(snap.groups.size() == 2);
  REQUIRE(snap.producers.size() == 2);
  CHECK(snap.producers[1].last_error.rfind("NOT_ENOUGH_REPLICAS", 0) == 0);
  CHECK_FALSE(snap.anomalies.empty());
  for (const auto& p : snap.partitions) {
    CHECK(p.high_watermark <= p.log_end_offset);
    CHECK(p.replicas.size() == 3);
  }
}

TEST_CASE("the large fake cluster has the benchmark size") {
  FakeDriver driver(FakeConfig::large());
  driver.seek(10'000'000);
  const auto& snap = driver.snapshot();
  CHECK(snap.brokers.size() == 12);
  std::size_t replicas = 0;
  for (const auto& p : snap.partitions) replicas += p.replica_views.size();
  CHECK(replicas == 300);
  CHECK(snap.groups.size() == 4);
}

TEST_CASE("the fake driver steps to the next notable mark and lists recent events") {
  FakeDriver driver;
  CHECK(driver.next_pause_point_us() == 8'000'000);
  driver.step_notable();
  CHECK(driver.now_us() > 8'000'000);
  const auto events = driver.recent_events(50, "");
  CHECK(events.size() == 50);
  CHECK(events.back().number == driver.snapshot().events_executed);
}

}  // namespace
}  // namespace kafkasim::gui::testing
