#include <catch2/catch.hpp>

#include "tests/check/history_builder.h"

namespace kafkasim::check {
namespace {

using testing::Builder;
using testing::ids;

Report lossy_report() {
  Builder b;
  b.produce(0, 1, 0, 4);
  b.consume(100, "c1", 1, 0, 3);
  b.commit(200, "c1", 3);
  b.truncate(300, 3, 4, "unclean leader election of broker 2", 9, 290);
  b.final_log(ids(1, 3));
  b.final_commit(3);
  return b.check();
}

TEST_CASE("The JSON report has totals, per-topic rows, per-group objects and anomalies") {
  const nlohmann::json j = to_json(lossy_report());
  CHECK(j["produced"] == 4);
  CHECK(j["acked"] == 4);
  CHECK(j["lost_acked"] == 1);
  CHECK(j["duplicates"] == 0);
  CHECK(j["topics"][0]["topic"] == "orders");
  CHECK(j["groups"]["g"]["consumed"] == 3);
  CHECK(j["groups"]["g"]["semantics"] == "exactly-once");
  CHECK(j["anomalies"][0]["kind"] == "lost-write");
  CHECK(j["anomalies"][0]["cause_event"] == 9);
}

TEST_CASE("The text report is a delivery table followed by one line per anomaly") {
  const std::string text = render_text(lossy_report());
  CHECK(text.find("topic") == 0);
  CHECK(text.find("orders") != std::string::npos);
  CHECK(text.find("exactly-once") != std::string::npos);
  CHECK(text.find("lost-write        orders-0 offset 3 lost: unclean leader election of broker 2 at t=290ms "
                  "(event 9)") != std::string::npos);
}

TEST_CASE("Reports of the same history are identical") {
  CHECK(to_json(lossy_report()).dump() == to_json(lossy_report()).dump());
}

}  // namespace
}  // namespace kafkasim::check
