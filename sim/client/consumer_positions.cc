// The consumer's positions and fetcher (Kafka's SubscriptionState, OffsetFetcher and Fetcher): committed
// offsets from OffsetFetch, auto.offset.reset through ListOffsets, seek(), close(), fetch requests to the
// partition leaders and decoding of the record batches they return.
#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "sim/client/consumer.h"
#include "sim/client/consumer_internal.h"
#include "sim/core/assert.h"
#include "sim/core/simulation.h"
#include "sim/log/record_batch.h"

namespace kafkasim::client {

using protocol::ErrorCode;
using protocol::TopicPartition;

void Consumer::seek(const TopicPartition& tp, std::int64_t offset) {
  auto it = assigned_.find(tp);
  KS_ASSERT_MSG(it != assigned_.end(), "seek() on a partition that is not assigned");
  PartitionState& st = *it->second;
  st.position = offset;
  st.fetch_offset = offset;
  st.buffer.clear();
  st.no_offset = false;
  if (hooks_.on_seek) hooks_.on_seek(tp, offset, "seek()");
}

void Consumer::close() {
  if (!is_up() || closed_) return;
  trace("consumer.close", fmt::format("member {} closes", member_id_.empty() ? "-" : member_id_));
  auto finish = [this](bool) {
    if (!subscription_.empty()) leave_group("the consumer is being closed");
    closed_ = true;
    const NodeId self = id();
    Simulation& s = sim();
    // The process exits once LeaveGroup is on the wire.
    after(ms_to_us(1), [&s, self] { s.crash_node(self); });
  };
  closed_ = true;  // the application loop stops; the commit below still runs
  if (auto_commit() && group_state_ == GroupState::kStable) {
    commit(true, finish);
  } else {
    finish(true);
  }
}

// ------------------------------------------------------------------------------------------ positions

void Consumer::rewind_to_committed() {
  for (auto& [tp, st] : assigned_) {
    st->position = -1;
    st->fetch_offset = -1;
    st->buffer.clear();
    st->no_offset = false;
  }
  trace("consumer.rewind", "the transaction aborted: every assigned partition goes back to its committed offset");
}

void Consumer::init_positions() {
  std::vector<TopicPartition> missing;
  for (const auto& [tp, st] : assigned_) {
    if (st->position < 0 && !st->initialising && !st->no_offset) missing.push_back(tp);
  }
  if (missing.empty()) return;
  if (config_.group_id.empty()) {
    for (const auto& tp : missing) reset_position(tp, "no group.id");
    return;
  }
  if (coordinator_ < 0) return ensure_coordinator();
  if (offset_fetch_pending_) return;
  offset_fetch_pending_ = true;
  auto req = std::make_shared<protocol::OffsetFetchRequest>();
  req->group_id = config_.group_id;
  req->partitions = missing;
  // KIP-447: a read_committed consumer must not start from offsets of a transaction still in doubt.
  req->require_stable = config_.isolation == protocol::IsolationLevel::kReadCommitted;
  request(coordinator_, req, [this](const protocol::KafkaMessage* m) {
    offset_fetch_pending_ = false;
    if (m == nullptr) return coordinator_lost("OffsetFetch got no answer");
    const auto& resp = static_cast<const protocol::OffsetFetchResponse&>(*m);
    if (resp.error != ErrorCode::kNone) {
      handle_group_error(resp.error, "OffsetFetch");
      return schedule_poll(ms_to_us(config_.retry_backoff_ms));
    }
    // Kafka's ConsumerCoordinator: any partition with UNSTABLE_OFFSET_COMMIT fails the whole fetch
    // (UnstableOffsetCommitException, retriable); it is sent again after retry.backoff.ms.
    for (const auto& p : resp.partitions) {
      if (p.error != ErrorCode::kUnstableOffsetCommit) continue;
      trace("consumer.unstable_offset",
            fmt::format("{} has a pending transactional offset commit (UNSTABLE_OFFSET_COMMIT): OffsetFetch again in "
                        "retry.backoff.ms={}",
                        p.tp.str(), config_.retry_backoff_ms));
      offset_fetch_pending_ = true;
      after(ms_to_us(config_.retry_backoff_ms), [this] {
        offset_fetch_pending_ = false;
        schedule_poll(0);
      });
      return;
    }
    for (const auto& p : resp.partitions) {
      auto it = assigned_.find(p.tp);
      if (it == assigned_.end() || it->second->position >= 0 || it->second->initialising) continue;
      PartitionState& st = *it->second;
      if (p.committed_offset >= 0) {
        st.position = p.committed_offset;
        st.fetch_offset = p.committed_offset;
        st.committed = p.committed_offset;
        trace("consumer.position", fmt::format("{} resumes at committed offset {}", p.tp.str(), p.committed_offset));
      } else {
        reset_position(p.tp, "no committed offset");
      }
    }
    send_fetches();
  });
}

void Consumer::reset_position(const TopicPartition& tp, const std::string& why) {
  auto it = assigned_.find(tp);
  if (it == assigned_.end()) return;
  PartitionState& st = *it->second;
  st.position = -1;
  st.buffer.clear();
  if (config_.auto_offset_reset == OffsetReset::kNone) {
    st.no_offset = true;
    trace("consumer.no_offset", fmt::format("{}: {} and auto.offset.reset=none (NoOffsetForPartitionException)",
                                            tp.str(), why));
    return;
  }
  const std::int32_t leader = leader_of(tp);
  if (leader < 0) return request_metadata();
  st.initialising = true;
  auto req = std::make_shared<protocol::ListOffsetsRequest>();
  req->isolation = config_.isolation;
  req->partitions.push_back({tp, config_.auto_offset_reset == OffsetReset::kEarliest ? protocol::kEarliestTimestamp
                                                                                    : protocol::kLatestTimestamp});
  request(leader, req, [this, tp, why](const protocol::KafkaMessage* m) {
    auto it2 = assigned_.find(tp);
    if (it2 == assigned_.end()) return;
    PartitionState& s = *it2->second;
    s.initialising = false;
    const auto* resp = static_cast<const protocol::ListOffsetsResponse*>(m);
    if (resp == nullptr || resp->partitions.empty() || resp->partitions[0].error != ErrorCode::kNone) {
      request_metadata();
      return schedule_poll(ms_to_us(config_.retry_backoff_ms));
    }
    s.position = resp->partitions[0].offset;
    s.fetch_offset = s.position;
    const std::string reason = fmt::format("auto.offset.reset={} ({})", to_string(config_.auto_offset_reset), why);
    trace("consumer.reset", fmt::format("{} reset to offset {} by {}", tp.str(), s.position, reason));
    if (hooks_.on_seek) hooks_.on_seek(tp, s.position, reason);
    send_fetches();
  });
}

// -------------------------------------------------------------------------------------------- fetcher

void Consumer::send_fetches() {
  if (!is_up() || closed_) return;
  std::map<std::int32_t, std::vector<TopicPartition>> by_leader;
  bool need_metadata = false;
  for (const auto& [tp, st] : assigned_) {
    if (st->position < 0 || st->in_flight || st->initialising || !st->buffer.empty()) continue;
    const std::int32_t leader = leader_of(tp);
    if (leader < 0) {
      need_metadata = true;
      continue;
    }
    if (fetching_from_.count(leader) == 0) by_leader[leader].push_back(tp);
  }
  for (const auto& [broker, tps] : by_leader) {
    auto req = std::make_shared<protocol::FetchRequest>();
    req->max_wait_ms = config_.fetch_max_wait_ms;
    req->min_bytes = config_.fetch_min_bytes;
    req->max_bytes = config_.fetch_max_bytes;
    req->isolation = config_.isolation;
    std::map<TopicPartition, std::int64_t> sent;
    for (const auto& tp : tps) {
      PartitionState& st = *assigned_.at(tp);
      protocol::FetchPartition fp;
      fp.tp = tp;
      fp.fetch_offset = st.fetch_offset;
      fp.current_leader_epoch = metadata_.at(tp.topic)[static_cast<std::size_t>(tp.partition)].second;
      fp.partition_max_bytes = config_.max_partition_fetch_bytes;
      req->partitions.push_back(fp);
      st.in_flight = true;
      sent[tp] = st.fetch_offset;
    }
    req->wire_bytes = 64 + 32 * static_cast<std::uint32_t>(req->partitions.size());
    fetching_from_.insert(broker);
    ++stats_.fetches;
    request(broker, req, [this, broker, sent](const protocol::KafkaMessage* m) {
      fetching_from_.erase(broker);
      for (const auto& [tp, off] : sent) {
        auto it = assigned_.find(tp);
        if (it != assigned_.end()) it->second->in_flight = false;
      }
      if (m == nullptr) {
        request_metadata();
        after(ms_to_us(config_.retry_backoff_ms), [this] { send_fetches(); });
        return;
      }
      handle_fetch(broker, static_cast<const protocol::FetchResponse&>(*m), sent);
      send_fetches();
    });
  }
  if (need_metadata) request_metadata();
}

namespace {
std::uint64_t record_id(const DecodedBatch& batch, const RecordView& r) {
  for (const RecordHeader& h : batch.headers_of(r)) {
    if (h.key != "kafkasim.id" || !h.value) continue;
    std::uint64_t id = 0;
    std::from_chars(h.value->data(), h.value->data() + h.value->size(), id);
    return id;
  }
  return 0;
}
}  // namespace

void Consumer::handle_fetch(std::int32_t broker, const protocol::FetchResponse& resp,
                            const std::map<TopicPartition, std::int64_t>& sent_offsets) {
  bool data = false;
  bool need_metadata = false;
  DecodedBatch decoded;
  for (const protocol::FetchPartitionResponse& pr : resp.partitions) {
    auto it = assigned_.find(pr.tp);
    auto sent = sent_offsets.find(pr.tp);
    if (it == assigned_.end() || sent == sent_offsets.end() || it->second->fetch_offset != sent->second) continue;
    PartitionState& st = *it->second;
    if (pr.error == ErrorCode::kOffsetOutOfRange) {
      reset_position(pr.tp, fmt::format("OFFSET_OUT_OF_RANGE at offset {} from broker {}", sent->second, broker));
      continue;
    }
    if (pr.error != ErrorCode::kNone) {
      need_metadata = true;  // NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, ...: the leader moved
      continue;
    }
    st.high_watermark = pr.high_watermark;
    st.log_end_offset = pr.log_end_offset;
    if (pr.records == nullptr) continue;
    // read_committed, as Kafka's CompletedFetch: the response's aborted transactions, ordered by first
    // offset, are consumed up to each batch's last offset into the aborted producer ids; an ABORT marker
    // takes its producer out again; a transactional batch of an aborted producer is skipped. Control
    // batches are never handed out, whatever the isolation level.
    const bool read_committed = config_.isolation == protocol::IsolationLevel::kReadCommitted;
    std::vector<protocol::AbortedTransaction> aborted = pr.aborted_transactions;
    std::stable_sort(aborted.begin(), aborted.end(),
                     [](const auto& a, const auto& b) { return a.first_offset < b.first_offset; });
    std::size_t next_aborted = 0;
    std::set<std::int64_t> aborted_producers;
    Bytes rest(*pr.records);
    while (!rest.empty()) {
      std::size_t size = 0;
      if (check_batch(rest, size) != BatchCheck::kOk) break;
      const Bytes one = rest.first(size);
      rest = rest.subspan(size);
      if (decode_batch(one, decoded) != DecodeError::kOk) break;
      const BatchHeader& h = decoded.header;
      bool skip = h.is_control();
      if (read_committed && h.producer_id != batch::kNoProducerId) {
        while (next_aborted < aborted.size() && aborted[next_aborted].first_offset <= h.last_offset()) {
          aborted_producers.insert(aborted[next_aborted++].producer_id);
        }
        if (h.is_control()) {
          const auto marker = decoded.records.empty() ? std::nullopt : parse_control_record(decoded.records.front());
          if (marker && marker->type == ControlType::kAbort) aborted_producers.erase(h.producer_id);
        } else if (h.is_transactional() && aborted_producers.count(h.producer_id) != 0) {
          skip = true;
        }
      }
      if (!skip) {
        for (const RecordView& r : decoded.records) {
          if (r.offset < st.fetch_offset) continue;
          ConsumedRecord cr;
          cr.id = record_id(decoded, r);
          cr.tp = pr.tp;
          cr.offset = r.offset;
          cr.timestamp_ms = r.timestamp;
          if (r.key) cr.key = std::string(*r.key);
          st.buffer.push_back(std::move(cr));
          data = true;
        }
      }
      st.fetch_offset = std::max(st.fetch_offset, h.next_offset());
    }
  }
  if (need_metadata) request_metadata();
  if (data && waiting_in_poll_) schedule_poll(0);
}

}  // namespace kafkasim::client
