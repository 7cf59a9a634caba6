// Tests of sim/net/cuts.h: reachability under partitions, blocks and isolation.
#include <catch2/catch.hpp>

#include "sim/net/cuts.h"

namespace kafkasim::net {
namespace {

TEST_CASE("nodes named in no partition group reach everyone") {
  Cuts cuts;
  cuts.partition({{NodeId{1}}, {NodeId{2}}});
  CHECK_FALSE(cuts.can_reach(NodeId{1}, NodeId{2}));
  CHECK(cuts.can_reach(NodeId{1}, NodeId{5}));
  CHECK(cuts.can_reach(NodeId{5}, NodeId{2}));
  CHECK(cuts.can_reach(NodeId{1}, NodeId{1}));
}

TEST_CASE("a new partition replaces the previous one but keeps blocks") {
  Cuts cuts;
  cuts.partition({{NodeId{1}}, {NodeId{2}}});
  cuts.block(NodeId{3}, NodeId{4});
  cuts.partition({{NodeId{1}, NodeId{2}}, {NodeId{3}}});
  CHECK(cuts.can_reach(NodeId{1}, NodeId{2}));
  CHECK_FALSE(cuts.can_reach(NodeId{2}, NodeId{3}));
  CHECK_FALSE(cuts.can_reach(NodeId{3}, NodeId{4}));
  cuts.heal();
  CHECK(cuts.empty());
  CHECK(cuts.can_reach(NodeId{3}, NodeId{4}));
}

TEST_CASE("cut_links lists every cut direction in sorted order, including nodes named only by cuts") {
  Cuts cuts;
  cuts.block(NodeId{9}, NodeId{1});
  cuts.isolate(NodeId{2});
  const std::vector<NodePair> want{{NodeId{1}, NodeId{2}},
                                   {NodeId{2}, NodeId{1}},
                                   {NodeId{2}, NodeId{9}},
                                   {NodeId{9}, NodeId{1}},
                                   {NodeId{9}, NodeId{2}}};
  CHECK(cuts.cut_links({NodeId{1}}) == want);
}

TEST_CASE("a partition is described for the trace") {
  CHECK(Cuts::describe({{NodeId{1}, NodeId{2}}, {NodeId{3}}}) == "{1,2} | {3}");
}

}  // namespace
}  // namespace kafkasim::net
