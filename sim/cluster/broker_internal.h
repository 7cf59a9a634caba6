#pragma once
// Private to the Broker's .cc files: the purgatory entries and follower fetch sessions.
#include <cstdint>
#include <memory>
#include <vector>

#include "sim/cluster/broker.h"

namespace kafkasim::cluster {

// Kafka's DelayedProduce: an acks=all produce waiting for the HW to pass its last offset.
struct Broker::DelayedProduce {
  net::ConnectionId conn;
  std::int32_t correlation_id = 0;
  std::vector<protocol::ProducePartitionResponse> results;
  std::vector<std::int64_t> required_offset;  // HW needed per partition; -1 when already answered
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
