#pragma once
// Private to the Consumer's .cc files.
#include <cstdint>
#include <deque>
#include <map>

#include "sim/client/consumer.h"

namespace kafkasim::client {

// A broker connection, possibly waiting out reconnect.backoff.ms (Kafka: ConsumerNetworkClient's unsent
// requests wait until NetworkClient.ready(node)).
struct Consumer::Connection : BrokerLink {
  struct Pending {
    Callback cb;
    TimerId timeout{};
  };
  std::map<std::int32_t, Pending> in_flight;  // by correlation id
};

// Kafka's SubscriptionState.TopicPartitionState plus the fetcher's completed-fetch buffer.
struct Consumer::PartitionState {
  std::int64_t position = -1;       // next offset poll() hands out
  std::int64_t fetch_offset = -1;   // next offset to fetch (position + buffered records)
  std::int64_t committed = -1;
  std::int64_t high_watermark = -1;
  std::int64_t log_end_offset = -1;
  bool initialising = false;        // OffsetFetch / ListOffsets in flight
  bool in_flight = false;           // part of a fetch in flight
  bool no_offset = false;           // auto.offset.reset=none and no committed offset
  std::deque<ConsumedRecord> buffer;
};

}  // namespace kafkasim::client
