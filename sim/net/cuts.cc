#include "sim/net/cuts.h"

#include "sim/core/assert.h"

namespace kafkasim::net {

void Cuts::partition(const std::vector<std::vector<NodeId>>& groups) {
  group_of_.clear();
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (NodeId n : groups[g]) {
      const bool inserted = group_of_.emplace(n, static_cast<int>(g)).second;
      KS_ASSERT_MSG(inserted, "a node appears in two partition groups");
    }
  }
}

void Cuts::block(NodeId from, NodeId to) {
  blocked_.emplace(from, to);
}

void Cuts::isolate(NodeId node) {
  isolated_.insert(node);
}

void Cuts::heal() {
  group_of_.clear();
  blocked_.clear();
  isolated_.clear();
}

bool Cuts::can_reach(NodeId from, NodeId to) const {
  if (from == to) return true;
  if (isolated_.count(from) != 0 || isolated_.count(to) != 0) return false;
  if (blocked_.count({from, to}) != 0) return false;
  const auto f = group_of_.find(from);
  if (f == group_of_.end()) return true;
  const auto t = group_of_.find(to);
  return t == group_of_.end() || f->second == t->second;
}

std::vector<NodePair> Cuts::cut_links(const std::set<NodeId>& nodes) const {
  std::set<NodeId> all = nodes;
  for (const auto& [n, g] : group_of_) all.insert(n);
  for (const auto& [a, b] : blocked_) all.insert({a, b});
  all.insert(isolated_.begin(), isolated_.end());
  std::vector<NodePair> out;
  for (NodeId from : all) {
    for (NodeId to : all) {
      if (!can_reach(from, to)) out.emplace_back(from, to);
    }
  }
  return out;  // already sorted: both loops walk a std::set in order
}

std::string Cuts::describe(const std::vector<std::vector<NodeId>>& groups) {
  std::string out;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (g != 0) out += " | ";
    out += '{';
    for (std::size_t i = 0; i < groups[g].size(); ++i) {
      if (i != 0) out += ',';
      out += std::to_string(groups[g][i].value);
    }
    out += '}';
  }
  return out;
}

}  // namespace kafkasim::net
