#pragma once
// What the group coordinator and the transaction coordinator share: both keep their state in an internal
// topic (__consumer_offsets, __transaction_state), load it when this broker becomes a partition's leader,
// unload it when leadership moves, and map the errors of their log appends to coordinator errors.
#include <cstdint>
#include <functional>
#include <map>
#include <string_view>
#include <vector>

#include "sim/log/partition_log.h"
#include "sim/log/record_batch.h"
#include "sim/protocol/error_code.h"

namespace kafkasim::cluster {

// Kafka (GroupMetadataManager / TransactionStateManager): a failed append to the internal topic becomes
// COORDINATOR_NOT_AVAILABLE (not enough replicas, timeout: retry), NOT_COORDINATOR (leadership moved: find
// the coordinator again) or UNKNOWN_SERVER_ERROR; coordinator errors pass through.
protocol::ErrorCode coordinator_append_error(protocol::ErrorCode e);

inline std::string_view as_view(const std::vector<std::uint8_t>& b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Decodes every batch of `log` in [from, end) in offset order and calls visit(batch) (records below `from`
// of a first batch that straddles it are included: callers skip rv.offset < from). Stops at the first
// corrupt batch. How the coordinators load their internal topics (Kafka reads up to the log end offset).
void scan_log(PartitionLog& log, std::int64_t from, std::int64_t end,
              const std::function<void(const DecodedBatch&)>& visit);

// A coordinator's reaction to this broker's role for one of its internal topic's partitions: `led` maps
// the partitions it leads to their leader epoch. Becoming leader (or a new epoch) loads, losing leadership
// unloads; a re-announcement of the same epoch changes nothing.
template <typename Load, typename Unload>
void apply_partition_role(const std::map<std::int32_t, std::int32_t>& led, std::int32_t partition, bool leader,
                          std::int32_t leader_epoch, Load load, Unload unload) {
  auto it = led.find(partition);
  if (leader) {
    if (it != led.end() && it->second == leader_epoch) return;
    if (it != led.end()) unload();
    load();
  } else if (it != led.end()) {
    unload();
  }
}

}  // namespace kafkasim::cluster
