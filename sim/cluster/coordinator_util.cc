#include "sim/cluster/coordinator_util.h"

namespace kafkasim::cluster {

using protocol::ErrorCode;

ErrorCode coordinator_append_error(ErrorCode e) {
  switch (e) {
    case ErrorCode::kNone:
    case ErrorCode::kNotCoordinator:
    case ErrorCode::kCoordinatorNotAvailable:
    case ErrorCode::kCoordinatorLoadInProgress:
      return e;
    case ErrorCode::kUnknownTopicOrPartition:
    case ErrorCode::kNotEnoughReplicas:
    case ErrorCode::kNotEnoughReplicasAfterAppend:
    case ErrorCode::kRequestTimedOut:
      return ErrorCode::kCoordinatorNotAvailable;
    case ErrorCode::kNotLeaderOrFollower:
    case ErrorCode::kKafkaStorageError:
      return ErrorCode::kNotCoordinator;
    default:
      return ErrorCode::kUnknownServerError;
  }
}

void scan_log(PartitionLog& log, std::int64_t from, std::int64_t end,
              const std::function<void(const DecodedBatch&)>& visit) {
  std::int64_t offset = from;
  DecodedBatch decoded;
  while (offset < end) {
    auto rr = log.read(offset, 1 << 20, end);
    if (!rr.ok() || rr.value.bytes.empty()) return;
    Bytes rest(rr.value.bytes);
    std::int64_t next = offset;
    while (!rest.empty()) {
      std::size_t size = 0;
      if (check_batch(rest, size) != BatchCheck::kOk) return;
      if (decode_batch(rest.first(size), decoded) == DecodeError::kOk) visit(decoded);
      next = parse_batch_header(rest.data()).next_offset();
      rest = rest.subspan(size);
    }
    if (next <= offset) return;
    offset = next;
  }
}

}  // namespace kafkasim::cluster
