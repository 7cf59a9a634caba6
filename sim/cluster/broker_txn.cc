// The broker's side of transaction markers (Kafka's KafkaApis.handleWriteTxnMarkersRequest): each
// COMMIT/ABORT marker is appended as a control batch by the partition's leader (origin COORDINATOR, so
// only the transaction coordinator can write one) and answered when the HW covers it, or with the error
// (NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS, INVALID_PRODUCER_EPOCH, ...) the coordinator retries on.
// A marker on a __consumer_offsets partition also completes the group's transactional offset commits
// (Kafka: GroupCoordinator.scheduleHandleTxnCompletion) once it is replicated.
#include <fmt/format.h>

#include "sim/cluster/broker.h"
#include "sim/cluster/broker_internal.h"
#include "sim/cluster/group_coordinator.h"
#include "sim/core/simulation.h"

namespace kafkasim::cluster {

using protocol::ErrorCode;
using protocol::TopicPartition;

void Broker::handle_write_txn_markers(net::ConnectionId conn, const protocol::WriteTxnMarkersRequest& req) {
  const std::int32_t corr = req.correlation_id;
  write_txn_markers(req, [this, conn, corr](std::shared_ptr<protocol::WriteTxnMarkersResponse> resp) {
    resp->correlation_id = corr;
    send(conn, std::move(resp));
  });
}

void Broker::write_txn_markers(const protocol::WriteTxnMarkersRequest& req, MarkersDone done) {
  auto resp = std::make_shared<protocol::WriteTxnMarkersResponse>();
  auto pending = std::make_unique<DelayedMarkers>();
  std::uint32_t bytes = 64;
  for (std::size_t m = 0; m < req.markers.size(); ++m) {
    const protocol::WritableTxnMarker& marker = req.markers[m];
    protocol::WritableTxnMarkerResult result;
    result.producer_id = marker.producer_id;
    for (std::size_t i = 0; i < marker.partitions.size(); ++i) {
      const TopicPartition& tp = marker.partitions[i];
      ErrorCode error = ErrorCode::kNone;
      auto it = replicas_.find(tp);
      if (it == replicas_.end() || it->second->role() != ReplicaRole::kLeader) {
        error = ErrorCode::kNotLeaderOrFollower;
      } else {
        Replica& r = *it->second;
        const Replica::LeaderAppend a = r.append_marker(marker.producer_id, marker.producer_epoch, marker.committed,
                                                        marker.coordinator_epoch, wall_clock_ms());
        error = a.error;
        if (a.error == ErrorCode::kNone) {
          sim().trace_event(id(), "txn.marker",
                            fmt::format("broker {} wrote {} marker for producer {} (epoch {}) at {} offset {}",
                                        broker_id(), marker.committed ? "COMMIT" : "ABORT", marker.producer_id,
                                        marker.producer_epoch, tp.str(), a.base_offset));
          ++stats_.records_appended;
          stats_.bytes_appended += batch::kControlMarkerBatchBytes;
          on_leader_append(tp);
          if (r.maybe_advance_hw()) on_hw_advanced(tp);
          pending->waiting.push_back({m, i, a.last_offset + 1, marker.committed});
        } else {
          sim().trace_event(id(), "txn.marker_failed",
                            fmt::format("broker {} refused the {} marker for producer {} at {}: {} ({})", broker_id(),
                                        marker.committed ? "COMMIT" : "ABORT", marker.producer_id, tp.str(),
                                        protocol::error_name(a.error), a.error_message));
        }
      }
      result.partitions.emplace_back(tp, error);
      bytes += 16;
    }
    resp->markers.push_back(std::move(result));
  }
  resp->wire_bytes = bytes;
  pending->response = std::move(resp);
  pending->done = std::move(done);
  const std::uint64_t id = next_delayed_id_++;
  pending->timeout = after(ms_to_us(config_.replica_socket_timeout_ms), [this, id] { complete_markers(id, true); });
  delayed_markers_[id] = std::move(pending);
  // Every marker may already be replicated (a single-replica ISR): answer in a fresh event anyway, so the
  // caller never sees its callback run inside its own call.
  after(0, [this, id] {
    auto it = delayed_markers_.find(id);
    if (it == delayed_markers_.end()) return;
    for (const DelayedMarkers::Slot& s : it->second->waiting) {
      const TopicPartition& tp = it->second->response->markers[s.marker].partitions[s.partition].first;
      const Replica* r = replica(tp);
      if (r == nullptr || r->role() != ReplicaRole::kLeader || r->high_watermark() < s.required_hw) return;
    }
    complete_markers(id, false);
  });
}

void Broker::try_complete_markers(const TopicPartition& tp, bool leadership_lost) {
  std::vector<std::uint64_t> done;
  for (const auto& [id, d] : delayed_markers_) {
    bool touches = false;
    bool complete = true;
    for (const DelayedMarkers::Slot& s : d->waiting) {
      const TopicPartition& stp = d->response->markers[s.marker].partitions[s.partition].first;
      if (stp == tp) touches = true;
      const Replica* r = replica(stp);
      if (r != nullptr && r->role() == ReplicaRole::kLeader && r->high_watermark() < s.required_hw) complete = false;
    }
    if (touches && (complete || leadership_lost)) done.push_back(id);
  }
  for (std::uint64_t id : done) complete_markers(id, false);
}

void Broker::complete_markers(std::uint64_t id, bool timed_out) {
  auto it = delayed_markers_.find(id);
  if (it == delayed_markers_.end()) return;
  std::unique_ptr<DelayedMarkers> d = std::move(it->second);
  delayed_markers_.erase(it);
  sim().cancel(d->timeout);
  for (const DelayedMarkers::Slot& s : d->waiting) {
    auto& [tp, error] = d->response->markers[s.marker].partitions[s.partition];
    const Replica* r = replica(tp);
    if (r == nullptr || r->role() != ReplicaRole::kLeader) {
      error = ErrorCode::kNotLeaderOrFollower;
    } else if (r->high_watermark() < s.required_hw) {
      error = timed_out ? ErrorCode::kRequestTimedOut : ErrorCode::kNotEnoughReplicasAfterAppend;
    } else if (tp.topic == kOffsetsTopic) {
      group_coordinator_->on_txn_marker(tp.partition, d->response->markers[s.marker].producer_id, s.committed);
    }
  }
  d->done(std::move(d->response));
}

}  // namespace kafkasim::cluster
