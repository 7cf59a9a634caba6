#include "sim/cluster/broker.h"
#include "sim/cluster/broker_internal.h"
#include "sim/cluster/group_coordinator.h"
#include "sim/cluster/txn_coordinator.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/core/assert.h"
#include "sim/core/simulation.h"

namespace kafkasim::cluster {

using protocol::ErrorCode;
using protocol::TopicPartition;

namespace {
// log.cleaner.backoff.ms, at least 1 ms (0 would make the simulated cleaner spin at one instant).
TimeUs cleaner_backoff_us(const BrokerConfig& c) {
  return ms_to_us(std::max<std::int64_t>(c.log_cleaner_backoff_ms, 1));
}
}  // namespace

Broker::Broker(Simulation& sim, NodeId id, net::Network& net, NodeId controller, BrokerConfig config)
    : Node(sim, id, NodeKind::kBroker, fmt::format("broker {}", id.value)),
      net_(net),
      controller_(controller),
      config_(std::move(config)),
      rng_(sim.rng(fmt::format("broker.{}", id.value))) {
  net_.attach(id, this);
  group_coordinator_ = std::make_unique<GroupCoordinator>(*this);
  txn_coordinator_ = std::make_unique<TransactionCoordinator>(*this);
  topic_configs_[std::string(kTransactionStateTopic)] = transaction_state_topic_config(config_);
}

Broker::~Broker() = default;

const Replica* Broker::replica(const TopicPartition& tp) const {
  auto it = replicas_.find(tp);
  return it == replicas_.end() ? nullptr : it->second.get();
}

void Broker::set_topic_config(const std::string& topic, const TopicConfig& config) {
  topic_configs_[topic] = config;
  for (auto& [tp, r] : replicas_) {
    if (tp.topic == topic) {
      r->set_config(config);
      r->log().set_config(log_config_for(config));
    }
  }
}

std::string Broker::log_dir(const TopicPartition& tp) const { return tp.str(); }

// ------------------------------------------------------------------------------------------- lifecycle

void Broker::on_start() {
  shutting_down_ = false;
  recover_logs();
  power_lost_at_us_ = -1;
  connect_controller();
  after(ms_to_us(config_.broker_heartbeat_interval_ms), [this] { heartbeat_tick(); });
  after(ms_to_us(std::max<std::int64_t>(config_.replica_lag_time_max_ms / 2, 1)), [this] { isr_check_tick(); });
  after(ms_to_us(std::min<std::int64_t>(config_.log_retention_check_interval_ms, 3600000)),
        [this] { retention_tick(); });
  // Kafka starts the LogCleaner only with log.cleaner.enable; its thread first finds nothing to clean
  // and sleeps log.cleaner.backoff.ms.
  if (config_.log_cleaner_enable) after(cleaner_backoff_us(config_), [this] { cleaner_tick(); });
  if (config_.os_writeback_ms > 0) after(ms_to_us(config_.os_writeback_ms), [this] { writeback_tick(); });
  txn_coordinator_->start();
}

void Broker::on_crash() {
  leo_at_crash_.clear();
  for (const auto& [tp, r] : replicas_) leo_at_crash_[tp] = r->log_end_offset();
  controller_conn_ = {};
  broker_epoch_ = -1;
  fenced_ = true;
  replicas_.clear();  // the logs on disk survive; in-memory state does not
  live_brokers_.clear();
  metadata_cache_.clear();
  producer_ids_left_ = 0;
  delayed_produces_.clear();
  delayed_fetches_.clear();
  delayed_markers_.clear();
  fetchers_.clear();
  group_coordinator_->reset();
  txn_coordinator_->reset();
}

void Broker::on_power_loss() {
  power_lost_at_us_ = sim().now();
  Rng rng = sim().rng(fmt::format("broker.{}.power_loss.{}", broker_id(), incarnation()));
  const PowerLossReport report = disk_.power_loss(rng);
  sim().trace_event(id(), "disk.power_loss",
                    fmt::format("broker {} lost {} unsynced bytes in {} files ({} torn bytes kept, {} directory "
                                "entries reverted)",
                                broker_id(), report.bytes_lost, report.files_reverted, report.torn_bytes_kept,
                                report.entries_reverted));
}

void Broker::controlled_shutdown() {
  if (!is_up() || shutting_down_) return;
  shutting_down_ = true;
  sim().trace_event(id(), "broker.controlled_shutdown", fmt::format("broker {} begins a controlled shutdown", broker_id()));
  heartbeat_tick();
}

namespace {
// Kafka's offset checkpoint files (recovery-point-offset-checkpoint, log-start-offset-checkpoint):
// "0\n<count>\n<topic> <partition> <offset>\n..." in the log directory.
std::map<TopicPartition, std::int64_t> read_checkpoint(const Disk& disk, std::string_view path) {
  std::map<TopicPartition, std::int64_t> out;
  auto bytes = disk.read_all(path);
  if (!bytes.ok()) return out;
  std::string text(bytes.value.begin(), bytes.value.end());
  std::size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    const std::size_t end = text.find('\n', pos);
    const std::string line = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? text.size() : end + 1;
    if (line_no++ < 2) continue;
    const std::size_t a = line.find(' ');
    const std::size_t b = line.rfind(' ');
    if (a == std::string::npos || b == a) continue;
    out[TopicPartition{line.substr(0, a), std::atoi(line.c_str() + a + 1)}] = std::atoll(line.c_str() + b + 1);
  }
  return out;
}
}  // namespace

LogConfig log_config_for(const TopicConfig& c) {
  LogConfig lc;
  lc.segment_bytes = c.segment_bytes;
  lc.segment_ms = c.segment_ms;
  lc.retention_ms = c.retention_ms;
  lc.retention_bytes = c.retention_bytes;
  lc.index_interval_bytes = c.index_interval_bytes;
  lc.cleanup_policy = c.cleanup_policy == "compact"           ? CleanupPolicy::kCompact
                      : c.cleanup_policy == "delete"          ? CleanupPolicy::kDelete
                                                              : CleanupPolicy::kCompactDelete;
  lc.delete_retention_ms = c.delete_retention_ms;
  lc.min_compaction_lag_ms = c.min_compaction_lag_ms;
  lc.min_cleanable_dirty_ratio_permille = c.min_cleanable_dirty_ratio_permille;
  lc.message_timestamp_type = c.log_append_time ? TimestampType::kLogAppendTime : TimestampType::kCreateTime;
  lc.flush_messages = c.flush_messages;
  return lc;
}

void Broker::recover_logs() {
  const auto recovery_points = read_checkpoint(disk_, "recovery-point-offset-checkpoint");
  const auto start_offsets = read_checkpoint(disk_, "log-start-offset-checkpoint");
  for (const std::string& dir : disk_.list_dirs("")) {
    const auto dash = dir.rfind('-');
    if (dash == std::string::npos) continue;
    TopicPartition tp{dir.substr(0, dash), std::atoi(dir.c_str() + dash + 1)};
    auto rp = recovery_points.find(tp);
    auto so = start_offsets.find(tp);
    open_replica(tp, rp == recovery_points.end() ? 0 : rp->second, so == start_offsets.end() ? 0 : so->second);
  }
}

void Broker::write_checkpoints() {
  std::string rp = fmt::format("0\n{}\n", replicas_.size());
  std::string so = rp;
  for (const auto& [tp, r] : replicas_) {
    rp += fmt::format("{} {} {}\n", tp.topic, tp.partition, r->log().recovery_point());
    so += fmt::format("{} {} {}\n", tp.topic, tp.partition, r->log_start_offset());
  }
  disk_.write_file_atomic("recovery-point-offset-checkpoint",
                          std::span(reinterpret_cast<const std::uint8_t*>(rp.data()), rp.size()));
  disk_.write_file_atomic("log-start-offset-checkpoint",
                          std::span(reinterpret_cast<const std::uint8_t*>(so.data()), so.size()));
}

Replica* Broker::open_replica(const TopicPartition& tp, std::int64_t recovery_point, std::int64_t log_start) {
  auto cit = topic_configs_.find(tp.topic);
  const TopicConfig tc = cit == topic_configs_.end() ? config_.topic_defaults : cit->second;
  RecoveryReport report;
  LogOpenOptions options;
  options.recovery_point = recovery_point;
  options.log_start_offset = log_start;
  options.now_ms = wall_clock_ms();
  auto opened = PartitionLog::open(disk_, log_dir(tp), log_config_for(tc), options, &report);
  if (!opened.ok()) {
    sim().trace_event(id(), "log.open_failed",
                      fmt::format("broker {} cannot open the log of {}: {}", broker_id(), tp.str(), to_string(opened.error)));
    return nullptr;
  }
  if (report.truncated_bytes > 0 || report.segments_removed > 0) {
    ++stats_.corrupt_batches;
    sim().trace_event(id(), "log.recovery",
                      fmt::format("broker {} {}: recovery removed {} bytes and {} segments after an invalid batch "
                                  "({}); log end offset now {}",
                                  broker_id(), tp.str(), report.truncated_bytes, report.segments_removed,
                                  to_string(report.first_invalid), opened.value->log_end_offset()));
  }
  auto replica = std::make_unique<Replica>(tp, std::move(opened.value), tc);
  replica->rebuild_producer_state();
  auto before = leo_at_crash_.find(tp);
  if (before != leo_at_crash_.end() && before->second > replica->log_end_offset()) {
    note_truncation(tp, replica->log_end_offset(), before->second,
                    power_lost_at_us_ >= 0
                        ? fmt::format("power loss of broker {} at t={}", broker_id(), format_time(power_lost_at_us_))
                        : std::string("log recovery after a crash"));
  }
  if (before != leo_at_crash_.end()) leo_at_crash_.erase(before);
  Replica* raw = replica.get();
  replicas_[tp] = std::move(replica);
  return raw;
}

Replica* Broker::ensure_replica(const TopicPartition& tp) {
  auto it = replicas_.find(tp);
  if (it != replicas_.end()) return it->second.get();
  return open_replica(tp, 0, 0);
}

// ------------------------------------------------------------------------------------ controller link

void Broker::connect_controller() {
  controller_conn_ = net_.connect(id(), controller_);
  auto req = std::make_shared<protocol::BrokerRegistrationRequest>();
  req->correlation_id = next_correlation_++;
  req->broker_id = broker_id();
  req->rack = config_.rack;
  net_.send(controller_conn_, id(), req);
}

void Broker::heartbeat_tick() {
  if (!controller_conn_.valid() || !net_.is_open(controller_conn_)) {
    broker_epoch_ = -1;
    connect_controller();
  } else if (broker_epoch_ >= 0) {
    auto req = std::make_shared<protocol::BrokerHeartbeatRequest>();
    req->correlation_id = next_correlation_++;
    req->broker_id = broker_id();
    req->broker_epoch = broker_epoch_;
    req->want_shut_down = shutting_down_;
    net_.send(controller_conn_, id(), req);
  }
  after(ms_to_us(config_.broker_heartbeat_interval_ms), [this] { heartbeat_tick(); });
}

void Broker::handle_metadata_update(const protocol::MetadataUpdate& update) {
  live_brokers_ = update.live_brokers;
  for (const protocol::PartitionState& state : update.partitions) {
    metadata_cache_[state.tp] = state;
    const bool hosted = std::find(state.replicas.begin(), state.replicas.end(), broker_id()) != state.replicas.end();
    if (!hosted) continue;
    Replica* rp = ensure_replica(state.tp);
    if (rp == nullptr) continue;
    Replica& r = *rp;
    const std::int32_t old_epoch = r.leader_epoch();
    const Replica::Transition t = r.apply_state(state, broker_id(), sim().now());
    if (t.became_leader) {
      sim().trace_event(id(), "replica.leader",
                        fmt::format("broker {} is leader of {} at epoch {} (LEO {}, HW {})", broker_id(),
                                    state.tp.str(), state.leader_epoch, r.log_end_offset(), r.high_watermark()));
    }
    if (t.leader_changed || old_epoch != r.leader_epoch()) {
      // Requests waiting on this partition cannot complete here any more (or must be re-evaluated).
      if (!t.became_leader && r.role() != ReplicaRole::kLeader) fail_delayed_for(state.tp);
    }
    if (r.role() == ReplicaRole::kLeader && r.maybe_advance_hw()) on_hw_advanced(state.tp);
    if (state.tp.topic == kOffsetsTopic) {
      group_coordinator_->on_partition_role(state.tp.partition, r.role() == ReplicaRole::kLeader, r.leader_epoch());
    } else if (state.tp.topic == kTransactionStateTopic) {
      txn_coordinator_->on_partition_role(state.tp.partition, r.role() == ReplicaRole::kLeader, r.leader_epoch());
    }
  }
  sync_fetchers();
}

void Broker::handle_alter_partition_response(const protocol::AlterPartitionResponse& resp) {
  auto it = replicas_.find(resp.tp);
  if (it == replicas_.end()) return;
  Replica& r = *it->second;
  r.on_alter_result(resp);
  if (r.role() == ReplicaRole::kLeader && r.maybe_advance_hw()) on_hw_advanced(resp.tp);
}

void Broker::maybe_alter_isr(Replica& r) {
  if (r.role() != ReplicaRole::kLeader || r.alter_pending() || broker_epoch_ < 0) return;
  std::string reason;
  auto wanted = r.isr_change_wanted(sim().now(), ms_to_us(config_.replica_lag_time_max_ms), reason, &live_brokers_);
  if (!wanted) return;
  if (!controller_conn_.valid() || !net_.is_open(controller_conn_)) return;
  auto req = std::make_shared<protocol::AlterPartitionRequest>();
  req->correlation_id = next_correlation_++;
  req->broker_id = broker_id();
  req->broker_epoch = broker_epoch_;
  req->tp = r.tp();
  req->leader_epoch = r.leader_epoch();
  req->partition_epoch = r.partition_epoch();
  req->new_isr = *wanted;
  req->reason = reason;
  r.set_alter_pending(true, *wanted);
  sim().trace_event(id(), "replica.alter_isr",
                    fmt::format("broker {} proposes ISR {} for {} ({})", broker_id(), *wanted, r.tp().str(), reason));
  net_.send(controller_conn_, id(), req);
  // An unanswered proposal is dropped after a while so the leader can propose again.
  const TopicPartition tp = r.tp();
  after(ms_to_us(config_.replica_socket_timeout_ms), [this, tp] {
    auto it = replicas_.find(tp);
    if (it != replicas_.end() && it->second->alter_pending()) it->second->set_alter_pending(false);
  });
}

void Broker::isr_check_tick() {
  // Kafka's isr-expiration task runs every replica.lag.time.max.ms / 2.
  for (auto& [tp, r] : replicas_) maybe_alter_isr(*r);
  after(ms_to_us(std::max<std::int64_t>(config_.replica_lag_time_max_ms / 2, 1)), [this] { isr_check_tick(); });
}

// ------------------------------------------------------------------------------------------ log upkeep

void Broker::trace_maintenance(const TopicPartition& tp, const Replica& r, const MaintenanceReport& rep) {
  if (rep.segments_deleted > 0) {
    sim().trace_event(id(), "log.retention",
                      fmt::format("broker {} {}: retention deleted {} segments ({} bytes); log start offset now {}",
                                  broker_id(), tp.str(), rep.segments_deleted, rep.bytes_deleted,
                                  r.log_start_offset()));
  }
  if (rep.records_compacted_away > 0 || rep.tombstones_removed > 0) {
    sim().trace_event(id(), "log.compaction",
                      fmt::format("broker {} {}: the cleaner removed {} superseded records and {} tombstones",
                                  broker_id(), tp.str(), rep.records_compacted_away, rep.tombstones_removed));
  }
}

void Broker::retention_tick() {
  // Kafka's LogManager retention task (kafka-log-retention, every log.retention.check.interval.ms):
  // cleanupLogs deletes old segments of the logs that are not compacted; compacted logs
  // (cleanup.policy compact or compact,delete) are left to the cleaner thread (LogCleanerManager
  // .pauseCleaningForNonCompactedPartitions / deletableLogs). Without the cleaner they are not deleted.
  const std::int64_t now_ms = wall_clock_ms();
  for (auto& [tp, r] : replicas_) {
    if (r->log().config().compact()) continue;
    // Retention never deletes above the HW on a leader (Kafka: deletable segments end below the HW).
    const auto res = r->log().delete_old_segments(now_ms, r->high_watermark());
    if (res.ok()) trace_maintenance(tp, *r, res.value);
  }
  after(ms_to_us(std::min<std::int64_t>(config_.log_retention_check_interval_ms, 3600000)),
        [this] { retention_tick(); });
}

void Broker::cleaner_tick() {
  // Kafka's LogCleaner with its default single thread (log.cleaner.threads=1): CleanerThread.doWork cleans
  // the filthiest compacted log whose dirty ratio is above min.cleanable.dirty.ratio
  // (LogCleanerManager.grabFilthiestCompactedLog), then runs deleteOldSegments on every compacted log
  // (deletableLogs), and loops at once; only when no log qualifies does it sleep log.cleaner.backoff.ms.
  // A cleaning pass takes no simulated time here, so one wake-up cleans every qualifying log, filthiest
  // first (ties in partition order), which is the order and the instant Kafka's loop would reach; each log
  // is cleaned at most once per wake-up, and the thread then sleeps the backoff.
  const std::int64_t now_ms = wall_clock_ms();
  std::vector<std::pair<CleanableLog, Replica*>> dirty;
  for (auto& [tp, r] : replicas_) {
    const CleanableLog c = r->log().cleanable(now_ms, r->high_watermark());
    if (c.needs_cleaning(r->log().config().min_cleanable_dirty_ratio_permille)) dirty.emplace_back(c, r.get());
  }
  std::stable_sort(dirty.begin(), dirty.end(), [](const auto& a, const auto& b) { return a.first.dirtier_than(b.first); });
  for (auto& [c, r] : dirty) {
    const auto res = r->log().clean(now_ms, r->high_watermark());
    if (res.ok()) trace_maintenance(r->tp(), *r, res.value);
  }
  for (auto& [tp, r] : replicas_) {
    if (!r->log().config().compact()) continue;
    const auto res = r->log().delete_old_segments(now_ms, r->high_watermark());
    if (res.ok()) trace_maintenance(tp, *r, res.value);
  }
  after(cleaner_backoff_us(config_), [this] { cleaner_tick(); });
}

void Broker::writeback_tick() {
  // The OS writes dirty pages back (Kafka itself does not fsync by default: flush.messages=Long.MAX).
  for (auto& [tp, r] : replicas_) r->log().flush(r->log_end_offset());
  write_checkpoints();
  after(ms_to_us(config_.os_writeback_ms), [this] { writeback_tick(); });
}

void Broker::note_truncation(const TopicPartition& tp, std::int64_t from, std::int64_t to, const std::string& cause) {
  ++stats_.truncations;
  stats_.offsets_truncated += static_cast<std::uint64_t>(to - from);
  sim().trace_event(id(), "replica.truncate",
                    fmt::format("broker {} truncated {} offsets {}..{} ({})", broker_id(), tp.str(), from, to - 1, cause));
  if (hooks_.on_truncate) hooks_.on_truncate(broker_id(), tp, from, to, cause);
}

// ------------------------------------------------------------------------------------------ dispatch

void Broker::send(net::ConnectionId conn, std::shared_ptr<protocol::KafkaMessage> msg) {
  net_.send(conn, id(), std::move(msg));
}

void Broker::on_message(net::ConnectionId conn, NodeId from, net::MessagePtr msg) {
  const auto& km = static_cast<const protocol::KafkaMessage&>(*msg);
  if (km.is_response) {
    switch (km.api) {
      case protocol::Api::kBrokerRegistration: {
        const auto& r = static_cast<const protocol::BrokerRegistrationResponse&>(km);
        if (conn == controller_conn_ && r.error == ErrorCode::kNone) {
          broker_epoch_ = r.broker_epoch;
          heartbeat_tick_now();
        }
        break;
      }
      case protocol::Api::kBrokerHeartbeat: {
        const auto& r = static_cast<const protocol::BrokerHeartbeatResponse&>(km);
        if (r.error == ErrorCode::kStaleBrokerEpoch) {
          broker_epoch_ = -1;
          net_.close(controller_conn_, id());
          controller_conn_ = {};
          break;
        }
        fenced_ = r.is_fenced;
        if (r.should_shut_down && shutting_down_) {
          sim().trace_event(id(), "broker.stopped", fmt::format("broker {} completed its controlled shutdown", broker_id()));
          // Flush every log (a clean shutdown writes everything out), then stop.
          for (auto& [tp, rep] : replicas_) rep->log().flush(rep->log_end_offset());
          write_checkpoints();
          const NodeId self = id();
          Simulation& s = sim();
          s.after(0, [&s, self] { s.crash_node(self); });
        }
        break;
      }
      case protocol::Api::kAlterPartition:
        handle_alter_partition_response(static_cast<const protocol::AlterPartitionResponse&>(km));
        break;
      case protocol::Api::kWriteTxnMarkers:
        txn_coordinator_->handle_markers_response(conn, static_cast<const protocol::WriteTxnMarkersResponse&>(km));
        break;
      case protocol::Api::kFetch: {
        auto it = fetchers_.find(from.value);
        if (it != fetchers_.end() && it->second->conn == conn && km.correlation_id == it->second->correlation_id) {
          handle_follower_fetch_response(from.value, static_cast<const protocol::FetchResponse&>(km));
        }
        break;
      }
      default:
        break;
    }
    return;
  }
  switch (km.api) {
    case protocol::Api::kMetadataUpdate:
      if (from == controller_) handle_metadata_update(static_cast<const protocol::MetadataUpdate&>(km));
      break;
    case protocol::Api::kMetadata:
      handle_metadata(conn, static_cast<const protocol::MetadataRequest&>(km));
      break;
    case protocol::Api::kProduce:
      handle_produce(conn, static_cast<const protocol::ProduceRequest&>(km));
      break;
    case protocol::Api::kFetch:
      handle_fetch(conn, from, std::static_pointer_cast<const protocol::FetchRequest>(msg));
      break;
    case protocol::Api::kListOffsets:
      handle_list_offsets(conn, static_cast<const protocol::ListOffsetsRequest&>(km));
      break;
    case protocol::Api::kInitProducerId:
      handle_init_producer_id(conn, static_cast<const protocol::InitProducerIdRequest&>(km));
      break;
    case protocol::Api::kFindCoordinator:
      if (static_cast<const protocol::FindCoordinatorRequest&>(km).key_type == 1) {
        txn_coordinator_->handle_find_coordinator(conn, static_cast<const protocol::FindCoordinatorRequest&>(km));
      } else {
        group_coordinator_->handle(conn, from, km);
      }
      break;
    case protocol::Api::kAddPartitionsToTxn:
      txn_coordinator_->handle_add_partitions(conn, static_cast<const protocol::AddPartitionsToTxnRequest&>(km));
      break;
    case protocol::Api::kAddOffsetsToTxn:
      txn_coordinator_->handle_add_offsets(conn, static_cast<const protocol::AddOffsetsToTxnRequest&>(km));
      break;
    case protocol::Api::kEndTxn:
      txn_coordinator_->handle_end_txn(conn, static_cast<const protocol::EndTxnRequest&>(km));
      break;
    case protocol::Api::kWriteTxnMarkers:
      handle_write_txn_markers(conn, static_cast<const protocol::WriteTxnMarkersRequest&>(km));
      break;
    default:
      if (GroupCoordinator::handles(km.api)) {
        group_coordinator_->handle(conn, from, km);
      } else if (request_handler_) {
        request_handler_(conn, from, msg);
      }
      break;
  }
}

void Broker::heartbeat_tick_now() {
  auto req = std::make_shared<protocol::BrokerHeartbeatRequest>();
  req->correlation_id = next_correlation_++;
  req->broker_id = broker_id();
  req->broker_epoch = broker_epoch_;
  req->want_shut_down = shutting_down_;
  net_.send(controller_conn_, id(), req);
}

void Broker::on_disconnect(net::ConnectionId conn, NodeId peer) {
  txn_coordinator_->on_disconnect(conn);
  if (conn == controller_conn_) {
    controller_conn_ = {};
    broker_epoch_ = -1;
    return;
  }
  auto it = fetchers_.find(peer.value);
  if (it != fetchers_.end() && it->second->conn == conn) {
    FetchSession& s = *it->second;
    s.conn = {};
    s.in_flight = false;
    sim().cancel(s.timeout);
    s.backing_off = true;
    const std::int32_t leader = s.leader;
    s.backoff = after(ms_to_us(config_.replica_fetch_backoff_ms), [this, leader] {
      auto f = fetchers_.find(leader);
      if (f == fetchers_.end()) return;
      f->second->backing_off = false;
      send_follower_fetch(leader);
    });
  }
  // Delayed requests of that connection are answered into the void; drop them now.
  for (auto pit = delayed_produces_.begin(); pit != delayed_produces_.end();) {
    if (pit->second->conn == conn) {
      sim().cancel(pit->second->timeout);
      pit = delayed_produces_.erase(pit);
    } else {
      ++pit;
    }
  }
  for (auto fit = delayed_fetches_.begin(); fit != delayed_fetches_.end();) {
    if (fit->second->conn == conn) {
      sim().cancel(fit->second->timeout);
      fit = delayed_fetches_.erase(fit);
    } else {
      ++fit;
    }
  }
}

}  // namespace kafkasim::cluster
