#include "sim/cluster/coordinator_util.h"

#include "sim/cluster/broker.h"
#include "sim/cluster/replica.h"
#include "sim/core/assert.h"
#include "sim/core/simulation.h"

namespace kafkasim::cluster {

using protocol::ErrorCode;
using protocol::TopicPartition;

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

// ------------------------------------------------------------------------------ InternalTopicWriter

InternalTopicWriter::InternalTopicWriter(Broker& broker, std::string_view topic, std::int64_t timeout_ms)
    : broker_(broker), topic_(topic), timeout_ms_(timeout_ms) {
  KS_ASSERT(timeout_ms_ > 0);
  KS_ASSERT(!topic_.empty());
}

InternalTopicWriter::~InternalTopicWriter() = default;

void InternalTopicWriter::reject(Done done, ErrorCode error) {
  broker_.after(0, [done = std::move(done), error] { done(error, -1); });
}

std::int64_t InternalTopicWriter::append(Write w) {
  KS_ASSERT(w.done);
  const TopicPartition tp{topic_, w.partition};
  auto hosted = broker_.replicas_.find(tp);
  Replica* r = hosted == broker_.replicas_.end() ? nullptr : hosted->second.get();
  if (r == nullptr || r->role() != ReplicaRole::kLeader ||
      (w.leader_epoch && *w.leader_epoch != r->leader_epoch())) {
    reject(std::move(w.done), ErrorCode::kNotCoordinator);
    return -1;
  }
  std::vector<RecordInput> inputs(w.records.size());
  const std::int64_t now_ms = broker_.wall_clock_ms();
  for (std::size_t i = 0; i < w.records.size(); ++i) {
    inputs[i].timestamp = now_ms;
    inputs[i].key = as_view(w.records[i].first);
    if (w.records[i].second) inputs[i].value = as_view(*w.records[i].second);
  }
  std::vector<std::uint8_t> batch;
  encode_batch(w.spec, inputs, batch);
  const Replica::LeaderAppend a = r->append_as_leader(batch, -1, now_ms);
  if (a.error != ErrorCode::kNone) {
    reject(std::move(w.done), coordinator_append_error(a.error));
    return -1;
  }
  const std::uint64_t id = next_id_++;
  Pending& p = pending_[id];
  p.partition = w.partition;
  p.base_offset = a.base_offset;
  p.required_hw = a.last_offset + 1;
  p.settled = std::move(w.settled);
  p.done = std::move(w.done);
  p.timeout = broker_.after(ms_to_us(timeout_ms_), [this, id] { finish(id, ErrorCode::kRequestTimedOut); });
  // As Broker::handle_produce after a leader append. May complete the write at once (a single in-sync
  // replica advances the HW here).
  broker_.stats_.records_appended += static_cast<std::uint64_t>(a.last_offset - a.base_offset + 1);
  broker_.stats_.bytes_appended += batch.size();
  broker_.on_leader_append(tp);
  if (r->maybe_advance_hw()) broker_.on_hw_advanced(tp);
  return a.base_offset;
}

void InternalTopicWriter::finish(std::uint64_t id, ErrorCode error) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  Pending p = std::move(it->second);
  pending_.erase(it);
  broker_.sim().cancel(p.timeout);
  const ErrorCode e = coordinator_append_error(error);
  if (p.settled) p.settled(e);
  // Answer in a fresh event: the caller may be in the middle of an append or a metadata update.
  broker_.after(0, [done = std::move(p.done), e, base = p.base_offset] { done(e, base); });
}

void InternalTopicWriter::on_hw_advanced(std::int32_t partition) {
  const Replica* r = broker_.replica(TopicPartition{topic_, partition});
  if (r == nullptr) return;
  std::vector<std::uint64_t> done;
  for (const auto& [id, p] : pending_) {
    if (p.partition == partition && r->high_watermark() >= p.required_hw) done.push_back(id);
  }
  for (std::uint64_t id : done) finish(id, ErrorCode::kNone);
}

void InternalTopicWriter::fail_partition(std::int32_t partition, ErrorCode error) {
  KS_ASSERT(error != ErrorCode::kNone);
  std::vector<std::uint64_t> failed;
  for (const auto& [id, p] : pending_) {
    if (p.partition == partition) failed.push_back(id);
  }
  for (std::uint64_t id : failed) finish(id, error);
}

void InternalTopicWriter::reset() { pending_.clear(); }

}  // namespace kafkasim::cluster
