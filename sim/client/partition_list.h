#pragma once
// partition_list: "[orders-0, orders-1]", how the clients' trace events name a set of partitions.
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/protocol/topic_partition.h"

namespace kafkasim::client {

inline std::string partition_list(const std::vector<protocol::TopicPartition>& tps) {
  std::vector<std::string> s;
  for (const auto& tp : tps) s.push_back(tp.str());
  return fmt::format("[{}]", fmt::join(s, ", "));
}

}  // namespace kafkasim::client
