#pragma once
// Private to the transaction coordinator's .cc files: its per-id metadata and in-flight marker requests.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "sim/cluster/txn_coordinator.h"

namespace kafkasim::cluster {

// Kafka's TransactionMarkerChannelManager retries failed markers on its next poll; kafkasim after this.
inline constexpr std::int64_t kMarkerRetryBackoffMs = 100;

// Kafka's TransactionMetadata.
struct TransactionCoordinator::Txn {
  std::string id;
  std::int32_t partition = 0;  // of __transaction_state
  TxnLogValue v;               // the applied (replicated) state; producer_id -1 until the first write
  bool pending = false;        // a transition is being written
  // While PrepareCommit / PrepareAbort: partitions whose marker is not written yet, and those with a
  // WriteTxnMarkers request in flight.
  std::set<protocol::TopicPartition> markers_pending;
  std::set<protocol::TopicPartition> markers_in_flight;
  bool retry_scheduled = false;
};

// One WriteTxnMarkers request to one broker for one transaction.
struct TransactionCoordinator::MarkerRequest {
  std::string id;
  std::int32_t broker = -1;
  std::vector<protocol::TopicPartition> partitions;
  net::ConnectionId conn{};  // invalid for partitions led by this broker (appended directly)
  TimerId timeout;
};

}  // namespace kafkasim::cluster
