// Broker request handling (Kafka's KafkaApis / ReplicaManager paths) and the follower fetch sessions.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/cluster/broker.h"
#include "sim/cluster/broker_internal.h"
#include "sim/cluster/group_coordinator.h"
#include "sim/cluster/txn_coordinator.h"
#include "sim/core/assert.h"
#include "sim/core/simulation.h"

namespace kafkasim::cluster {

using protocol::ErrorCode;
using protocol::TopicPartition;

// ------------------------------------------------------------------------------------------- Metadata

void Broker::handle_metadata(net::ConnectionId conn, const protocol::MetadataRequest& req) {
  auto resp = std::make_shared<protocol::MetadataResponse>();
  resp->correlation_id = req.correlation_id;
  resp->brokers = live_brokers_;
  resp->controller_id = controller_.value;
  // A broker answers from its metadata cache: the partition states the controller sent it. Brokers keep
  // the state of partitions they do not host too (metadata_cache_).
  for (const auto& [tp, st] : metadata_cache_) {
    if (!req.topics.empty() && std::find(req.topics.begin(), req.topics.end(), tp.topic) == req.topics.end()) {
      continue;
    }
    protocol::PartitionMetadata pm;
    pm.tp = tp;
    pm.leader = st.leader;
    pm.leader_epoch = st.leader_epoch;
    pm.replicas = st.replicas;
    pm.isr = st.isr;
    pm.error = st.leader < 0 ? ErrorCode::kLeaderNotAvailable : ErrorCode::kNone;
    resp->partitions.push_back(std::move(pm));
  }
  resp->wire_bytes = 64 + 40 * static_cast<std::uint32_t>(resp->partitions.size());
  send(conn, resp);
}

// -------------------------------------------------------------------------------------------- Produce

void Broker::handle_produce(net::ConnectionId conn, const protocol::ProduceRequest& req) {
  ++stats_.produce_requests;
  const TimeUs io_delay = disk_.io_delay_us();
  auto pending = std::make_unique<DelayedProduce>();
  pending->conn = conn;
  pending->correlation_id = req.correlation_id;
  bool must_wait = false;
  for (const protocol::ProducePartitionData& pd : req.partitions) {
    protocol::ProducePartitionResponse pr;
    pr.tp = pd.tp;
    std::int64_t required = -1;
    auto it = replicas_.find(pd.tp);
    if (it == replicas_.end() || it->second->role() != ReplicaRole::kLeader) {
      pr.error = metadata_cache_.count(pd.tp) ? ErrorCode::kNotLeaderOrFollower : ErrorCode::kUnknownTopicOrPartition;
    } else {
      Replica& r = *it->second;
      const Replica::LeaderAppend a = r.append_as_leader(*pd.records, req.acks, wall_clock_ms());
      pr.error = a.error;
      pr.error_message = a.error_message;
      pr.base_offset = a.base_offset;
      pr.log_append_time_ms = a.log_append_time_ms;
      pr.log_start_offset = r.log_start_offset();
      if (a.error == ErrorCode::kNone) {
        if (!a.duplicate) {
          stats_.records_appended += static_cast<std::uint64_t>(a.last_offset - a.base_offset + 1);
          stats_.bytes_appended += pd.records->size();
          on_leader_append(pd.tp);
          if (r.maybe_advance_hw()) on_hw_advanced(pd.tp);
        }
        if (req.acks == -1 && r.high_watermark() <= a.last_offset) {
          required = a.last_offset + 1;
          must_wait = true;
        }
      } else {
        ++stats_.produce_errors;
      }
    }
    pending->results.push_back(std::move(pr));
    pending->required_offset.push_back(required);
  }
  if (req.acks == 0) return;  // acks=0: no response at all
  if (!must_wait) {
    auto resp = std::make_shared<protocol::ProduceResponse>();
    resp->correlation_id = req.correlation_id;
    resp->partitions = std::move(pending->results);
    resp->wire_bytes = 64 + 32 * static_cast<std::uint32_t>(resp->partitions.size());
    if (io_delay > 0) {
      after(io_delay, [this, conn, resp] { send(conn, resp); });
    } else {
      send(conn, resp);
    }
    return;
  }
  // acks=all: wait in the purgatory until the HW passes every appended batch, or the request timeout.
  const std::uint64_t pid = next_delayed_id_++;
  pending->timeout = after(ms_to_us(req.timeout_ms), [this, pid] { complete_produce(pid, true); });
  delayed_produces_[pid] = std::move(pending);
}

void Broker::complete_produce(std::uint64_t pid, bool timed_out) {
  auto it = delayed_produces_.find(pid);
  if (it == delayed_produces_.end()) return;
  DelayedProduce& d = *it->second;
  auto resp = std::make_shared<protocol::ProduceResponse>();
  resp->correlation_id = d.correlation_id;
  for (std::size_t i = 0; i < d.results.size(); ++i) {
    protocol::ProducePartitionResponse pr = d.results[i];
    const std::int64_t required = d.required_offset[i];
    if (required >= 0) {
      auto rit = replicas_.find(pr.tp);
      const Replica* r = rit == replicas_.end() ? nullptr : rit->second.get();
      if (r == nullptr || r->role() != ReplicaRole::kLeader) {
        pr.error = ErrorCode::kNotLeaderOrFollower;
      } else if (r->high_watermark() >= required) {
        pr.error = ErrorCode::kNone;
      } else if (timed_out) {
        // Kafka: the ISR shrank below min.insync.replicas after the append, or followers are too slow.
        if (static_cast<std::int32_t>(r->isr().size()) < r->config().min_insync_replicas) {
          pr.error = ErrorCode::kNotEnoughReplicasAfterAppend;
          pr.error_message = fmt::format("ISR={} < min.insync.replicas={} after the append",
                                         r->isr().size(), r->config().min_insync_replicas);
        } else {
          pr.error = ErrorCode::kRequestTimedOut;
          pr.error_message = fmt::format("the HW did not reach offset {} within the produce timeout", required);
        }
        pr.base_offset = -1;
      }
    }
    resp->partitions.push_back(std::move(pr));
  }
  resp->wire_bytes = 64 + 32 * static_cast<std::uint32_t>(resp->partitions.size());
  sim().cancel(d.timeout);
  const net::ConnectionId conn = d.conn;
  delayed_produces_.erase(it);
  send(conn, resp);
}

void Broker::try_complete_produces(const TopicPartition& tp) {
  std::vector<std::uint64_t> done;
  for (auto& [pid, d] : delayed_produces_) {
    bool complete = true;
    bool touches = false;
    for (std::size_t i = 0; i < d->results.size(); ++i) {
      if (d->required_offset[i] < 0) continue;
      const TopicPartition& ptp = d->results[i].tp;
      if (ptp == tp) touches = true;
      auto rit = replicas_.find(ptp);
      if (rit == replicas_.end() || rit->second->role() != ReplicaRole::kLeader) continue;  // answered as error
      if (rit->second->high_watermark() < d->required_offset[i]) complete = false;
    }
    if (touches && complete) done.push_back(pid);
  }
  for (std::uint64_t pid : done) complete_produce(pid, false);
}

void Broker::fail_delayed_for(const TopicPartition& tp) {
  // Leadership moved: delayed produces on tp complete now (with NOT_LEADER_OR_FOLLOWER where unmet).
  std::vector<std::uint64_t> produces;
  for (auto& [pid, d] : delayed_produces_) {
    for (const auto& r : d->results) {
      if (r.tp == tp) produces.push_back(pid);
    }
  }
  for (std::uint64_t pid : produces) complete_produce(pid, false);
  try_complete_markers(tp, true);
  std::vector<std::uint64_t> fetches;
  for (auto& [fid, d] : delayed_fetches_) {
    for (const auto& p : d->request->partitions) {
      if (p.tp == tp) fetches.push_back(fid);
    }
  }
  for (std::uint64_t fid : fetches) complete_fetch(fid);
}

void Broker::on_hw_advanced(const TopicPartition& tp) {
  try_complete_produces(tp);
  try_complete_fetches(tp, false);
  try_complete_markers(tp, false);
  if (tp.topic == kOffsetsTopic) group_coordinator_->on_hw_advanced(tp.partition);
  if (tp.topic == kTransactionStateTopic) txn_coordinator_->on_hw_advanced(tp.partition);
}

void Broker::on_leader_append(const TopicPartition& tp) { try_complete_fetches(tp, true); }

// ---------------------------------------------------------------------------------------------- Fetch

void Broker::handle_fetch(net::ConnectionId conn, NodeId from, std::shared_ptr<const protocol::FetchRequest> req) {
  ++stats_.fetch_requests;
  const bool follower = req->replica_id >= 0;
  if (follower) {
    // Kafka updates the follower's fetch state on every fetch (it is how the leader learns its LEO).
    for (const protocol::FetchPartition& fp : req->partitions) {
      auto it = replicas_.find(fp.tp);
      if (it == replicas_.end() || it->second->role() != ReplicaRole::kLeader) continue;
      if (fp.current_leader_epoch != it->second->leader_epoch()) continue;
      if (it->second->on_follower_fetch(req->replica_id, fp.fetch_offset, sim().now())) on_hw_advanced(fp.tp);
      maybe_alter_isr(*it->second);
    }
  }
  auto resp = std::make_shared<protocol::FetchResponse>();
  resp->correlation_id = req->correlation_id;
  const std::uint32_t bytes = build_fetch_response(*req, *resp);
  bool has_error = false;
  for (const auto& p : resp->partitions) has_error = has_error || p.error != ErrorCode::kNone || p.diverging_epoch >= 0;
  if (bytes >= static_cast<std::uint32_t>(std::max(req->min_bytes, 1)) || has_error || req->max_wait_ms <= 0) {
    resp->wire_bytes = 64 + bytes + 48 * static_cast<std::uint32_t>(resp->partitions.size());
    send(conn, resp);
    return;
  }
  // Long poll: wait for data (fetch.min.bytes) or fetch.max.wait.ms.
  auto d = std::make_unique<DelayedFetch>();
  d->conn = conn;
  d->from = from;
  d->request = std::move(req);
  const std::uint64_t fid = next_delayed_id_++;
  d->timeout = after(ms_to_us(d->request->max_wait_ms), [this, fid] { complete_fetch(fid); });
  delayed_fetches_[fid] = std::move(d);
}

std::uint32_t Broker::build_fetch_response(const protocol::FetchRequest& req, protocol::FetchResponse& resp) {
  const bool follower = req.replica_id >= 0;
  std::uint32_t total = 0;
  for (const protocol::FetchPartition& fp : req.partitions) {
    protocol::FetchPartitionResponse pr;
    pr.tp = fp.tp;
    auto it = replicas_.find(fp.tp);
    if (it == replicas_.end() || it->second->role() != ReplicaRole::kLeader) {
      pr.error = metadata_cache_.count(fp.tp) ? ErrorCode::kNotLeaderOrFollower : ErrorCode::kUnknownTopicOrPartition;
      resp.partitions.push_back(std::move(pr));
      continue;
    }
    Replica& r = *it->second;
    pr.high_watermark = r.high_watermark();
    pr.last_stable_offset = r.last_stable_offset();
    pr.log_start_offset = r.log_start_offset();
    pr.log_end_offset = r.log_end_offset();
    if (fp.current_leader_epoch >= 0 && fp.current_leader_epoch < r.leader_epoch()) {
      pr.error = ErrorCode::kFencedLeaderEpoch;
    } else if (fp.current_leader_epoch > r.leader_epoch()) {
      pr.error = ErrorCode::kUnknownLeaderEpoch;
    }
    if (pr.error != ErrorCode::kNone) {
      resp.partitions.push_back(std::move(pr));
      continue;
    }
    if (follower && fp.last_fetched_epoch >= 0) {
      // KIP-320: is the follower's log a prefix of ours? Look up where its last epoch ends here.
      const EpochEndOffset eo = r.log().end_offset_for_epoch(fp.last_fetched_epoch);
      if (eo.epoch < 0 || eo.end_offset < fp.fetch_offset || eo.epoch < fp.last_fetched_epoch) {
        pr.diverging_epoch = eo.epoch;
        pr.diverging_end_offset = eo.epoch < 0 ? r.log_start_offset() : std::min(eo.end_offset, fp.fetch_offset);
        resp.partitions.push_back(std::move(pr));
        continue;
      }
    }
    if (fp.fetch_offset < r.log_start_offset() || fp.fetch_offset > r.log_end_offset()) {
      pr.error = ErrorCode::kOffsetOutOfRange;
      resp.partitions.push_back(std::move(pr));
      continue;
    }
    // Consumers read below the HW (read_uncommitted) or the LSO (read_committed); followers to the LEO.
    const std::int64_t limit = follower ? r.log_end_offset()
                               : req.isolation == protocol::IsolationLevel::kReadCommitted ? r.last_stable_offset()
                                                                                            : r.high_watermark();
    if (fp.fetch_offset < limit) {
      const std::int32_t max_bytes =
          std::max<std::int32_t>(1, std::min<std::int32_t>(fp.partition_max_bytes,
                                                           req.max_bytes - static_cast<std::int32_t>(total)));
      auto rr = r.log().read(fp.fetch_offset, static_cast<std::size_t>(max_bytes), limit);
      if (!rr.ok() || (rr.value.bytes.empty() && rr.value.corrupt_offset)) {
        ++stats_.corrupt_batches;
        pr.error = ErrorCode::kKafkaStorageError;
        sim().trace_event(id(), "log.corruption",
                          fmt::format("broker {} {}: corrupt data at offset {} detected on read", broker_id(),
                                      fp.tp.str(), fp.fetch_offset));
      } else if (!rr.value.bytes.empty()) {
        total += static_cast<std::uint32_t>(rr.value.bytes.size());
        pr.records = std::make_shared<const std::vector<std::uint8_t>>(std::move(rr.value.bytes));
      }
      if (!follower && req.isolation == protocol::IsolationLevel::kReadCommitted) {
        pr.aborted_transactions = r.aborted_transactions(fp.fetch_offset, limit);
      }
    }
    resp.partitions.push_back(std::move(pr));
    if (total >= static_cast<std::uint32_t>(req.max_bytes)) break;
  }
  return total;
}

void Broker::complete_fetch(std::uint64_t fid) {
  auto it = delayed_fetches_.find(fid);
  if (it == delayed_fetches_.end()) return;
  std::unique_ptr<DelayedFetch> d = std::move(it->second);
  delayed_fetches_.erase(it);
  sim().cancel(d->timeout);
  auto resp = std::make_shared<protocol::FetchResponse>();
  resp->correlation_id = d->request->correlation_id;
  const std::uint32_t bytes = build_fetch_response(*d->request, *resp);
  resp->wire_bytes = 64 + bytes + 48 * static_cast<std::uint32_t>(resp->partitions.size());
  send(d->conn, resp);
}

void Broker::try_complete_fetches(const TopicPartition& tp, bool followers_only) {
  std::vector<std::uint64_t> ready;
  for (auto& [fid, d] : delayed_fetches_) {
    const bool follower = d->request->replica_id >= 0;
    if (followers_only && !follower) continue;
    for (const auto& p : d->request->partitions) {
      if (p.tp == tp) {
        ready.push_back(fid);
        break;
      }
    }
  }
  for (std::uint64_t fid : ready) complete_fetch(fid);
}

// ---------------------------------------------------------------------------------------- ListOffsets

void Broker::handle_list_offsets(net::ConnectionId conn, const protocol::ListOffsetsRequest& req) {
  auto resp = std::make_shared<protocol::ListOffsetsResponse>();
  resp->correlation_id = req.correlation_id;
  for (const auto& [tp, ts] : req.partitions) {
    protocol::ListOffsetsPartitionResponse pr;
    pr.tp = tp;
    auto it = replicas_.find(tp);
    if (it == replicas_.end() || it->second->role() != ReplicaRole::kLeader) {
      pr.error = ErrorCode::kNotLeaderOrFollower;
    } else {
      const Replica& r = *it->second;
      pr.leader_epoch = r.leader_epoch();
      if (ts == protocol::kEarliestTimestamp) {
        pr.offset = r.log_start_offset();
      } else if (ts == protocol::kLatestTimestamp) {
        pr.offset = req.isolation == protocol::IsolationLevel::kReadCommitted ? r.last_stable_offset()
                                                                              : r.high_watermark();
      } else {
        const auto found = r.log().offset_for_timestamp(ts);
        pr.offset = found ? std::min(found->offset, r.high_watermark()) : r.high_watermark();
      }
    }
    resp->partitions.push_back(pr);
  }
  send(conn, resp);
}

// ------------------------------------------------------------------------------------- InitProducerId

void Broker::handle_init_producer_id(net::ConnectionId conn, const protocol::InitProducerIdRequest& req) {
  if (!req.transactional_id.empty()) {
    txn_coordinator_->handle_init_producer_id(conn, req);  // answers itself, maybe later
    return;
  }
  auto resp = std::make_shared<protocol::InitProducerIdResponse>();
  resp->correlation_id = req.correlation_id;
  resp->producer_id = allocate_producer_id();
  resp->producer_epoch = 0;
  send(conn, resp);
}

std::int64_t Broker::allocate_producer_id() {
  // Kafka brokers take blocks of 1000 producer ids from the controller; kafkasim gives each broker its own
  // id space and keeps the next block durably on the broker's disk so a restart never reuses an id.
  if (producer_ids_left_ == 0) {
    std::int64_t block = 0;
    auto bytes = disk_.read_all("producer-id-block");
    if (bytes.ok() && bytes.value.size() == 8) {
      for (std::uint8_t b : bytes.value) block = (block << 8) | b;
    }
    std::vector<std::uint8_t> next(8);
    for (int i = 0; i < 8; ++i) next[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>((block + 1) >> (56 - 8 * i));
    disk_.write_file_atomic("producer-id-block", next);
    next_producer_id_ = static_cast<std::int64_t>(broker_id()) * 1'000'000'000LL + block * 1000;
    producer_ids_left_ = 1000;
  }
  --producer_ids_left_;
  return next_producer_id_++;
}

// ------------------------------------------------------------------------------ follower fetch sessions

void Broker::sync_fetchers() {
  // One session per leader broker that leads a partition we follow.
  std::set<std::int32_t> leaders;
  for (const auto& [tp, r] : replicas_) {
    if (r->role() == ReplicaRole::kFollower && r->leader() >= 0) leaders.insert(r->leader());
  }
  for (auto it = fetchers_.begin(); it != fetchers_.end();) {
    if (leaders.count(it->first) == 0) {
      if (it->second->conn.valid()) net_.close(it->second->conn, id());
      sim().cancel(it->second->timeout);
      sim().cancel(it->second->backoff);
      it = fetchers_.erase(it);
    } else {
      ++it;
    }
  }
  for (std::int32_t leader : leaders) {
    auto& s = fetchers_[leader];
    if (!s) {
      s = std::make_unique<FetchSession>();
      s->leader = leader;
    }
    if (!s->in_flight && !s->backing_off) send_follower_fetch(leader);
  }
}

void Broker::send_follower_fetch(std::int32_t leader) {
  auto it = fetchers_.find(leader);
  if (it == fetchers_.end()) return;
  FetchSession& s = *it->second;
  if (s.in_flight || !is_up()) return;
  auto req = std::make_shared<protocol::FetchRequest>();
  req->replica_id = broker_id();
  req->max_wait_ms = config_.replica_fetch_wait_max_ms;
  req->min_bytes = config_.replica_fetch_min_bytes;
  for (const auto& [tp, r] : replicas_) {
    if (r->role() != ReplicaRole::kFollower || r->leader() != leader) continue;
    protocol::FetchPartition fp;
    fp.tp = tp;
    fp.fetch_offset = r->log_end_offset();
    fp.current_leader_epoch = r->leader_epoch();
    fp.last_fetched_epoch = r->log().latest_epoch().value_or(-1);
    fp.partition_max_bytes = config_.replica_fetch_max_bytes;
    req->partitions.push_back(fp);
  }
  if (req->partitions.empty()) return;
  req->wire_bytes = 64 + 32 * static_cast<std::uint32_t>(req->partitions.size());
  if (!s.conn.valid() || !net_.is_open(s.conn)) s.conn = net_.connect(id(), NodeId(leader));
  req->correlation_id = next_correlation_++;
  s.correlation_id = req->correlation_id;
  s.in_flight = true;
  net_.send(s.conn, id(), req);
  // replica.socket.timeout.ms: no answer means a dead connection; reconnect after the fetch backoff.
  s.timeout = after(ms_to_us(config_.replica_socket_timeout_ms), [this, leader] {
    auto f = fetchers_.find(leader);
    if (f == fetchers_.end() || !f->second->in_flight) return;
    net_.close(f->second->conn, id());
    on_disconnect(f->second->conn, NodeId(leader));
  });
}

void Broker::handle_follower_fetch_response(std::int32_t leader, const protocol::FetchResponse& resp) {
  FetchSession& s = *fetchers_.at(leader);
  s.in_flight = false;
  sim().cancel(s.timeout);
  bool error = false;
  for (const protocol::FetchPartitionResponse& pr : resp.partitions) {
    auto it = replicas_.find(pr.tp);
    if (it == replicas_.end() || it->second->role() != ReplicaRole::kFollower || it->second->leader() != leader) continue;
    Replica& r = *it->second;
    if (pr.diverging_epoch >= 0 || pr.diverging_end_offset >= 0) {
      const std::int64_t from = pr.diverging_end_offset;
      const std::int64_t leo = r.log_end_offset();
      if (from < leo) {
        const std::int64_t removed_to = leo;
        r.truncate_to(from);
        note_truncation(pr.tp, from, removed_to,
                        fmt::format("leader-epoch truncation: leader {} has epoch {} ending at offset {}", leader,
                                    pr.diverging_epoch, pr.diverging_end_offset));
      }
      continue;
    }
    if (pr.error == ErrorCode::kOffsetOutOfRange) {
      // Our log is ahead of the leader's (it lost data) or behind its log start: truncate or reset.
      if (r.log_end_offset() > pr.log_end_offset && pr.log_end_offset >= 0) {
        const std::int64_t leo = r.log_end_offset();
        r.truncate_to(pr.log_end_offset);
        note_truncation(pr.tp, pr.log_end_offset, leo, fmt::format("log end offset above leader {}'s", leader));
      } else if (pr.log_start_offset > r.log_end_offset()) {
        r.log().truncate_fully_and_start_at(pr.log_start_offset);
      }
      continue;
    }
    if (pr.error != ErrorCode::kNone) {
      error = true;
      continue;
    }
    if (r.append_as_follower(pr.records, pr.high_watermark) != ErrorCode::kNone) {
      ++stats_.corrupt_batches;
      error = true;
    } else if (pr.records != nullptr) {
      stats_.bytes_appended += pr.records->size();
    }
  }
  if (error) {
    s.backing_off = true;
    s.backoff = after(ms_to_us(config_.replica_fetch_backoff_ms), [this, leader] {
      auto f = fetchers_.find(leader);
      if (f == fetchers_.end()) return;
      f->second->backing_off = false;
      send_follower_fetch(leader);
    });
    return;
  }
  send_follower_fetch(leader);
}

}  // namespace kafkasim::cluster
