#include <catch2/catch.hpp>

#include "sim/client/lag.h"

using namespace kafkasim;

TEST_CASE("the lag table has kafka-consumer-groups.sh columns and dashes for unknowns") {
  protocol::GroupDescription g;
  g.group_id = "billing";
  protocol::GroupMemberDescription m;
  m.member_id = "c1-abc";
  m.client_id = "c1";
  m.client_host = "/10.0.0.7";
  m.assignment = {{"orders", 0}};
  g.members.push_back(m);
  const auto rows = client::describe_lag(g, {{{"orders", 0}, 40}}, {{{"orders", 0}, 100}, {{"orders", 1}, 5}});
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].lag == 60);
  CHECK(rows[0].consumer_id == "c1-abc");
  CHECK(rows[1].current_offset == -1);
  CHECK(rows[1].lag == -1);
  CHECK(rows[1].consumer_id == "-");
  CHECK(client::total_lag(rows) == 60);
  const std::string table = client::format_lag_table(rows);
  CHECK(table.rfind("GROUP   TOPIC  PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST      CLIENT-ID\n", 0) == 0);
  CHECK(table.find("billing orders 1         -              5              -   -           -         -\n") !=
        std::string::npos);
}
