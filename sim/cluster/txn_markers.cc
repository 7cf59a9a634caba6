// The transaction coordinator's marker channel and its durable side: WriteTxnMarkers to the leaders of a
// transaction's partitions (Kafka's TransactionMarkerChannelManager: one request per broker, failed
// partitions retried with the leader they have then), and loading / unloading __transaction_state
// partitions on leadership changes (TransactionStateManager.loadTransactionsForTxnTopicPartition).
#include <fmt/format.h>

#include "sim/cluster/broker.h"
#include "sim/cluster/coordinator_util.h"
#include "sim/cluster/txn_coordinator.h"
#include "sim/cluster/txn_internal.h"
#include "sim/core/simulation.h"
#include "sim/log/record_batch.h"

namespace kafkasim::cluster {

using protocol::ErrorCode;
using protocol::TopicPartition;

// ----------------------------------------------------------------------------------------------- markers

void TransactionCoordinator::send_markers(const std::string& id) {
  Txn* t = find(id);
  if (t == nullptr) return;
  t->retry_scheduled = false;
  if (t->v.state != TxnState::kPrepareCommit && t->v.state != TxnState::kPrepareAbort) return;
  if (t->markers_pending.empty()) {
    complete_transaction(id);
    return;
  }
  auto led = led_.find(t->partition);
  if (led == led_.end()) return;  // no longer the coordinator: the next one resends
  // Group the partitions that need a marker and have none in flight by their current leader.
  std::map<std::int32_t, std::vector<TopicPartition>> by_leader;
  bool waiting_for_leader = false;
  for (const TopicPartition& tp : t->markers_pending) {
    if (t->markers_in_flight.count(tp) != 0) continue;
    const auto& cache = broker_.metadata_cache();
    auto it = cache.find(tp);
    if (it == cache.end()) {
      // Kafka: a deleted topic's partitions need no marker.
      broker_.after(0, [this, id, tp] { on_marker_result(id, tp, ErrorCode::kNone); });
      t->markers_in_flight.insert(tp);
      continue;
    }
    if (it->second.leader < 0) {
      waiting_for_leader = true;
      continue;
    }
    by_leader[it->second.leader].push_back(tp);
  }
  const bool commit = t->v.state == TxnState::kPrepareCommit;
  for (auto& [leader, tps] : by_leader) {
    auto req = std::make_shared<protocol::WriteTxnMarkersRequest>();
    protocol::WritableTxnMarker m;
    m.producer_id = t->v.producer_id;
    m.producer_epoch = t->v.producer_epoch;
    m.committed = commit;
    m.partitions = tps;
    m.coordinator_epoch = led->second;
    req->markers.push_back(std::move(m));
    req->wire_bytes = 64 + 16 * static_cast<std::uint32_t>(tps.size());
    const std::int32_t corr = next_correlation_++;
    req->correlation_id = corr;
    for (const TopicPartition& tp : tps) t->markers_in_flight.insert(tp);
    auto mr = std::make_unique<MarkerRequest>();
    mr->id = id;
    mr->broker = leader;
    mr->partitions = tps;
    mr->timeout = broker_.after(ms_to_us(broker_.config().replica_socket_timeout_ms), [this, corr] {
      auto it = marker_requests_.find(corr);
      if (it == marker_requests_.end()) return;
      if (it->second->conn.valid()) broker_.net_.close(it->second->conn, broker_.id());
      protocol::WriteTxnMarkersResponse timed_out;
      timed_out.correlation_id = corr;
      handle_markers_response(it->second->conn, timed_out);
    });
    if (leader == broker_.broker_id()) {
      marker_requests_[corr] = std::move(mr);
      broker_.write_txn_markers(*req, [this, corr](std::shared_ptr<protocol::WriteTxnMarkersResponse> resp) {
        resp->correlation_id = corr;
        handle_markers_response(net::ConnectionId{}, *resp);
      });
      continue;
    }
    auto conn = broker_conns_.find(leader);
    if (conn == broker_conns_.end() || !broker_.net_.is_open(conn->second)) {
      broker_conns_[leader] = broker_.net_.connect(broker_.id(), NodeId(leader));
    }
    mr->conn = broker_conns_[leader];
    marker_requests_[corr] = std::move(mr);
    broker_.net_.send(broker_conns_[leader], broker_.id(), req);
  }
  if (waiting_for_leader && !t->retry_scheduled) {
    t->retry_scheduled = true;
    broker_.after(ms_to_us(kMarkerRetryBackoffMs), [this, id] { send_markers(id); });
  }
}

void TransactionCoordinator::handle_markers_response(net::ConnectionId, const protocol::WriteTxnMarkersResponse& resp) {
  auto it = marker_requests_.find(resp.correlation_id);
  if (it == marker_requests_.end()) return;
  std::unique_ptr<MarkerRequest> mr = std::move(it->second);
  marker_requests_.erase(it);
  broker_.sim().cancel(mr->timeout);
  std::map<TopicPartition, ErrorCode> results;
  for (const auto& m : resp.markers) {
    for (const auto& [tp, e] : m.partitions) results[tp] = e;
  }
  for (const TopicPartition& tp : mr->partitions) {
    auto r = results.find(tp);
    // No answer for a partition (timeout, broken connection): retry it.
    on_marker_result(mr->id, tp, r == results.end() ? ErrorCode::kNetworkException : r->second);
  }
}

void TransactionCoordinator::on_disconnect(net::ConnectionId conn) {
  std::vector<std::int32_t> broken;
  for (const auto& [corr, mr] : marker_requests_) {
    if (mr->conn.valid() && mr->conn == conn) broken.push_back(corr);
  }
  for (auto it = broker_conns_.begin(); it != broker_conns_.end();) {
    it = it->second == conn ? broker_conns_.erase(it) : std::next(it);
  }
  for (std::int32_t corr : broken) {
    protocol::WriteTxnMarkersResponse none;
    none.correlation_id = corr;
    handle_markers_response(conn, none);
  }
}

void TransactionCoordinator::on_marker_result(const std::string& id, const TopicPartition& tp, ErrorCode error) {
  Txn* t = find(id);
  if (t == nullptr || t->markers_in_flight.erase(tp) == 0) return;
  switch (error) {
    case ErrorCode::kNone:
      t->markers_pending.erase(tp);
      break;
    case ErrorCode::kInvalidProducerEpoch:
    case ErrorCode::kTransactionCoordinatorFenced:
    case ErrorCode::kUnknownTopicOrPartition:
      // Kafka: the producer or coordinator epoch moved on (or the topic is gone): this partition needs no
      // marker from us any more.
      broker_.sim().trace_event(broker_.id(), "txn.marker_dropped",
                                fmt::format("{}: no marker for {} ({})", id, tp.str(), protocol::error_name(error)));
      t->markers_pending.erase(tp);
      break;
    default:  // NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS, timeouts, broken connections: retry
      if (!t->retry_scheduled) {
        t->retry_scheduled = true;
        broker_.after(ms_to_us(kMarkerRetryBackoffMs), [this, id] { send_markers(id); });
      }
      return;
  }
  if (t->markers_pending.empty() && t->markers_in_flight.empty()) {
    complete_transaction(id);
  } else if (t->markers_in_flight.empty() && !t->retry_scheduled) {
    send_markers(id);
  }
}

// ------------------------------------------------------------------------------------ load / unload

void TransactionCoordinator::on_partition_role(std::int32_t partition, bool leader, std::int32_t leader_epoch) {
  apply_partition_role(led_, partition, leader, leader_epoch, [&] { load_partition(partition, leader_epoch); },
                       [&] { unload_partition(partition); });
}


void TransactionCoordinator::load_partition(std::int32_t partition, std::int32_t leader_epoch) {
  led_[partition] = leader_epoch;
  loading_.insert(partition);
  // Loading reads the partition from disk: one disk I/O delay plus 1 ms, as the group coordinator.
  const TimeUs delay = ms_to_us(1) + broker_.disk().io_delay_us();
  broker_.after(delay, [this, partition, leader_epoch] {
    auto led = led_.find(partition);
    if (led == led_.end() || led->second != leader_epoch || loading_.count(partition) == 0) return;
    auto rit = broker_.replicas_.find(TopicPartition{std::string(kTransactionStateTopic), partition});
    if (rit == broker_.replicas_.end()) return;
    Replica& r = *rit->second;
    std::map<std::string, TxnLogValue> values;
    std::uint64_t records = 0;
    const std::int64_t from = r.log_start_offset();
    scan_log(r.log(), from, r.log_end_offset(), [&](const DecodedBatch& b) {
      if (b.header.is_control()) return;
      for (const RecordView& rv : b.records) {
        if (rv.offset < from || !rv.key) continue;
        auto id = decode_txn_key(*rv.key);
        if (!id) continue;
        ++records;
        auto v = rv.value ? decode_txn_value(*rv.value) : std::nullopt;
        if (v) values[*id] = *v;
        else values.erase(*id);  // a tombstone: the id expired
      }
    });
    loading_.erase(partition);
    std::vector<std::string> to_complete;
    for (auto& [id, v] : values) {
      if (partition_for(id) != partition) continue;
      auto t = std::make_unique<Txn>();
      t->id = id;
      t->partition = partition;
      t->v = v;
      if (v.state == TxnState::kPrepareCommit || v.state == TxnState::kPrepareAbort) {
        t->markers_pending.insert(v.partitions.begin(), v.partitions.end());
        to_complete.push_back(id);
      }
      txns_[id] = std::move(t);
    }
    broker_.sim().trace_event(broker_.id(), "txn.load",
                              fmt::format("broker {} loaded {}-{} (coordinator epoch {}): {} records, {} transactional "
                                          "ids, {} to complete",
                                          broker_.broker_id(), kTransactionStateTopic, partition, leader_epoch, records,
                                          values.size(), to_complete.size()));
    for (const std::string& id : to_complete) send_markers(id);
  });
}

void TransactionCoordinator::unload_partition(std::int32_t partition) {
  led_.erase(partition);
  loading_.erase(partition);
  for (auto it = txns_.begin(); it != txns_.end();) {
    it = it->second->partition == partition ? txns_.erase(it) : std::next(it);
  }
  writer_.fail_partition(partition, ErrorCode::kNotLeaderOrFollower);
  // Marker requests in flight for unloaded ids are ignored when they answer (the id is gone).
  broker_.sim().trace_event(broker_.id(), "txn.unload",
                            fmt::format("broker {} unloaded {}-{}", broker_.broker_id(), kTransactionStateTopic, partition));
}

}  // namespace kafkasim::cluster
