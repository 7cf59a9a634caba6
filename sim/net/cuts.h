#pragma once
// Cuts: which directed node pairs the network currently refuses to carry (network.h applies them).
//
// Three kinds of cut, combined: a partition (nodes in different groups cannot talk; nodes named in no
// group are unaffected; a new partition() replaces the previous one), one-way blocks (from -> to), and
// isolated nodes (cut from everyone, both ways). heal() removes all of them. A node always reaches itself.
// Plain data with std::set/std::map only, so every listing is in a fixed order. Owned by Network.
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/ids.h"

namespace kafkasim::net {

using NodePair = std::pair<NodeId, NodeId>;

class Cuts {
 public:
  // REQUIRES: no node appears in two groups.
  void partition(const std::vector<std::vector<NodeId>>& groups);
  void block(NodeId from, NodeId to);
  void isolate(NodeId node);
  void heal();

  bool empty() const { return group_of_.empty() && blocked_.empty() && isolated_.empty(); }
  bool can_reach(NodeId from, NodeId to) const;
  // Every directed pair among `nodes` (and the nodes named by the cuts) that cannot talk, sorted.
  std::vector<NodePair> cut_links(const std::set<NodeId>& nodes) const;

  // "{1,2} | {3}": for trace records.
  static std::string describe(const std::vector<std::vector<NodeId>>& groups);

 private:
  std::map<NodeId, int> group_of_;  // the current partition: node -> group index
  std::set<NodePair> blocked_;
  std::set<NodeId> isolated_;
};

}  // namespace kafkasim::net
