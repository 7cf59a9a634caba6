#pragma once
// Consumer lag in the shape of `kafka-consumer-groups.sh --describe --group G`:
//   GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID
// one row per partition of the subscribed topics that the group has a committed offset for or a member
// owns. As in Kafka's ConsumerGroupCommand, CURRENT-OFFSET is the committed offset ("-" when none),
// LOG-END-OFFSET is what ListOffsets(latest) answers (the HW for read_uncommitted), LAG = LOG-END-OFFSET -
// CURRENT-OFFSET ("-" without a committed offset), and unowned partitions show "-" as consumer, host and
// client. Pure functions over plain data; the engine gathers the inputs from the coordinator and leaders.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/protocol/group_messages.h"

namespace kafkasim::client {

struct LagRow {
  std::string group;
  protocol::TopicPartition tp;
  std::int64_t current_offset = -1;  // committed; -1: none
  std::int64_t log_end_offset = -1;  // -1: unknown (no leader)
  std::int64_t lag = -1;             // -1: unknown
  std::string consumer_id = "-";
  std::string host = "-";
  std::string client_id = "-";
};

// Rows sorted by (topic, partition). `log_end_offsets` covers the partitions to show: every partition of
// the group's topics (partitions of other topics in `committed` are shown too).
std::vector<LagRow> describe_lag(const protocol::GroupDescription& group,
                                 const std::map<protocol::TopicPartition, std::int64_t>& committed,
                                 const std::map<protocol::TopicPartition, std::int64_t>& log_end_offsets);

// Total lag over the rows with a known lag.
std::int64_t total_lag(const std::vector<LagRow>& rows);

// The table as kafka-consumer-groups.sh prints it (columns padded, "-" for unknowns), ending in '\n'.
std::string format_lag_table(const std::vector<LagRow>& rows);

}  // namespace kafkasim::client
