#pragma once
// Private to the Broker's .cc files: the purgatory entries and follower fetch sessions.
#include <cstdint>
#include <memory>
#include <vector>

#include "sim/cluster/broker.h"
#include "sim/protocol/txn_messages.h"

namespace kafkasim::cluster {

// Kafka's DelayedProduce: an acks=all produce waiting for the HW to pass its last offset.
struct Broker::DelayedProduce {
  net::ConnectionId conn;
  std::int32_t correlation_id = 0;
  std::vector<protocol::ProducePartitionResponse> results;
  std::vector<std::int64_t> required_offset;  // HW needed per partition; -1 when already answered
  TimerId timeout;
};

// A WriteTxnMarkers request whose appended markers wait for the HW (Kafka appends them with
// requiredAcks=-1 through the produce purgatory).
struct Broker::DelayedMarkers {
  std::shared_ptr<protocol::WriteTxnMarkersResponse> response;
  struct Slot {
    std::size_t marker = 0;     // index in response->markers
    std::size_t partition = 0;  // index in its partitions
    std::int64_t required_hw = -1;
    bool committed = false;
  };
  std::vector<Slot> waiting;
  MarkersDone done;
  TimerId timeout;
};

// Kafka's DelayedFetch: a fetch waiting for fetch.min.bytes or fetch.max.wait.ms.
struct Broker::DelayedFetch {
  net::ConnectionId conn;
  NodeId from;
  std::shared_ptr<const protocol::FetchRequest> request;
  TimerId timeout;
};

// One follower fetch session towards a leader broker (Kafka's ReplicaFetcherThread).
struct Broker::FetchSession {
  std::int32_t leader = -1;
  net::ConnectionId conn{};
  bool in_flight = false;
  std::int32_t correlation_id = -1;
  TimerId timeout;
  TimerId backoff;
  bool backing_off = false;
};

}  // namespace kafkasim::cluster
