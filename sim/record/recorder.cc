#include "sim/record/recorder.h"

#include <sqlite3.h>

#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "sim/core/assert.h"
#include "sim/record/reader.h"
#include "sim/record/schema.h"

namespace kafkasim::record {
namespace {

struct TableSpec {
  const char* name;
  const char* columns;
};

// In the order of Recorder::Table.
constexpr TableSpec kTables[] = {
    {"events", "event_number, time_us, node, kind, details"},
    {"sends", "record_id, time_us, event_number, producer, topic, partition, record_key, transactional_id"},
    {"acks", "record_id, time_us, event_number, topic, partition, log_offset"},
    {"send_failures", "record_id, time_us, event_number, error, gave_up"},
    {"consumes", "stage, time_us, event_number, group_id, member, record_id, topic, partition, log_offset"},
    {"commits", "time_us, event_number, group_id, member, topic, partition, committed_offset, ok, error"},
    {"seeks", "time_us, event_number, group_id, member, topic, partition, position, reason"},
    {"truncations",
     "time_us, event_number, topic, partition, broker, from_offset, to_offset, cause, cause_event, "
     "cause_time_us"},
    {"leader_changes", "time_us, event_number, topic, partition, leader, leader_epoch, unclean, isr"},
    {"txn_ends",
     "time_us, event_number, transactional_id, producer_id, producer_epoch, committed, partitions"},
    {"member_events", "time_us, event_number, group_id, member, what, partitions, generation"},
    {"faults", "time_us, event_number, what"},
    {"replica_offsets",
     "time_us, topic, partition, broker, log_start_offset, log_end_offset, high_watermark"},
    {"group_offsets", "time_us, group_id, topic, partition, committed_offset, log_end_offset, lag"},
    {"generations", "time_us, group_id, generation, protocol, member, partitions"},
    {"check_topics",
     "topic, produced, acked, failed, lost_acked, duplicates_in_log, unacked_written, removed, "
     "order_violations"},
    {"check_groups",
     "group_id, consumed, duplicates, lost, poll_skips, nonmonotonic_polls, aborted_seen, semantics"},
    {"anomalies",
     "anomaly_id, kind, group_id, topic, partition, first_offset, last_offset, explanation, cause_event, "
     "cause_time_us, location, what, because"},
    {"anomaly_records", "anomaly_id, record_id"},
    {"commands", "event_number, time_us, command"},
    {"meta", "key, value"},
};

std::string insert_sql(const TableSpec& t) {
  std::string marks = "?";
  for (const char* c = t.columns; *c != '\0'; ++c) {
    if (*c == ',') marks += ", ?";
  }
  return fmt::format("INSERT OR REPLACE INTO {} ({}) VALUES ({})", t.name, t.columns, marks);
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::int64_t sum_counts(const std::vector<check::PartitionCount>& v) {
  std::int64_t n = 0;
  for (const auto& p : v) n += p.count;
  return n;
}

// Removes an existing recording (and its -wal / -shm files). Anything else at `path` is an error.
Status clear_old_recording(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status();
  if (std::filesystem::is_regular_file(path, ec) && std::filesystem::file_size(path, ec) > 0) {
    Recording old;
    Status s = read_recording_info(path, &old);
    if (!s.ok())
      return Status::error(
          fmt::format("{}: exists and is not a kafkasim recording; not overwriting it", path));
  } else if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::error(fmt::format("{}: exists and is not a regular file", path));
  }
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path + suffix, ec);
    if (ec)
      return Status::error(
          fmt::format("{}{}: cannot remove the old recording: {}", path, suffix, ec.message()));
  }
  return Status();
}

}  // namespace

const char* to_string(RecordingKind kind) { return kind == RecordingKind::kSession ? "session" : "run"; }

Recorder::~Recorder() {
  if (db_.is_open()) flush();
}

Status Recorder::open(const std::string& path, const RunInfo& info, RecorderOptions options) {
  KS_ASSERT(!db_.is_open());
  KS_ASSERT(options.rows_per_batch > 0);
  options_ = options;
  status_ = clear_old_recording(path);
  if (status_.ok()) status_ = db_.open(path, Db::Mode::kCreate);
  if (status_.ok()) status_ = create(info);
  if (!status_.ok()) db_.close();
  return status_;
}

Status Recorder::create(const RunInfo& info) {
  // WAL: a writer killed mid-batch leaves the last committed state readable (docs/recording.md).
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA wal_autocheckpoint=16384"}) {
    if (Status s = db_.exec(pragma); !s.ok()) return s;
  }
  if (Status s = db_.exec(fmt::format("PRAGMA application_id={}; PRAGMA user_version={}; BEGIN;",
                                      kApplicationId, kSchemaVersion));
      !s.ok()) {
    return s;
  }
  if (Status s = db_.exec(kSchemaSql); !s.ok()) return s;
  for (int t = 0; t < kTableCount; ++t) {
    if (Status s = db_.prepare(insert_sql(kTables[t]), stmts_[t]); !s.ok()) return s;
  }
  put_meta("schema_version", std::to_string(kSchemaVersion));
  put_meta("recording_kind", to_string(info.kind));
  put_meta("seed", std::to_string(info.seed));
  put_meta("scenario_name", info.scenario_name);
  put_meta("scenario_text", info.scenario_text);
  put_meta("scenario_hash", info.scenario_hash);
  put_meta("kafkasim_version", info.version);
  put_meta("kafkasim_commit", info.commit);
  put_meta("command_line", info.command_line);
  put_meta("finished", "0");
  if (!status_.ok()) return status_;
  if (Status s = db_.exec("COMMIT"); !s.ok()) return s;
  return Status();
}

void Recorder::put_meta(const std::string& key, const std::string& value) {
  stmts_[kMeta].bind_all(key, value);
  if (const int rc = stmts_[kMeta].step_done(); rc != SQLITE_OK) fail(db_.error("cannot write meta", rc));
}

void Recorder::fail(Status status) {
  if (!status_.ok()) return;
  status_ = std::move(status);
  if (in_batch_) db_.exec("ROLLBACK");
  in_batch_ = false;
  rows_in_batch_ = 0;
}

template <typename... Args>
void Recorder::insert(Table table, const Args&... args) {
  if (!status_.ok() || !db_.is_open()) return;
  if (!in_batch_) {
    if (Status s = db_.exec("BEGIN"); !s.ok()) return fail(std::move(s));
    in_batch_ = true;
  }
  Stmt& st = stmts_[table];
  st.bind_all(args...);
  if (const int rc = st.step_done(); rc != SQLITE_OK) {
    return fail(db_.error(fmt::format("cannot write to table {}", kTables[table].name), rc));
  }
  if (++rows_in_batch_ >= options_.rows_per_batch) flush();
}

Status Recorder::flush() {
  if (!status_.ok() || !in_batch_) return status_;
  if (Status s = db_.exec("COMMIT"); !s.ok()) {
    fail(std::move(s));
    return status_;
  }
  in_batch_ = false;
  rows_committed_ += rows_in_batch_;
  rows_in_batch_ = 0;
  return status_;
}

void Recorder::on_trace(const TraceRecord& r) {
  insert(kEvents, r.event_number, r.time, r.node.value, r.kind, r.details);
}

void Recorder::on_op(const check::History& h, const check::OpView& op) {
  using namespace check;
  auto s = [&h](NameId id) { return std::string_view(h.str(id)); };
  auto opt = [&h](NameId id) -> std::optional<std::string_view> {
    if (id == kNoName) return std::nullopt;
    return std::string_view(h.str(id));
  };
  auto tps = [&h](const std::vector<TopicPartition>& v) {
    std::vector<std::string> names;
    for (const TopicPartition& tp : v) names.push_back(h.tp_name(tp));
    return join(names);
  };
  auto consume = [&](const char* stage, const Consume& c) {
    insert(kConsumes, stage, c.time_us, c.event_number, s(c.group), s(c.member), c.record_id, s(c.tp.topic),
           c.tp.partition, c.offset);
  };
  if (auto* x = std::get_if<const Send*>(&op)) {
    const Send& o = **x;
    insert(kSends, o.record_id, o.time_us, o.event_number, s(o.producer), s(o.tp.topic), o.tp.partition,
           opt(o.key), opt(o.transactional_id));
  } else if (auto* a = std::get_if<const Ack*>(&op)) {
    const Ack& o = **a;
    insert(kAcks, o.record_id, o.time_us, o.event_number, s(o.tp.topic), o.tp.partition, o.offset);
  } else if (auto* f = std::get_if<const SendFailed*>(&op)) {
    const SendFailed& o = **f;
    insert(kSendFailures, o.record_id, o.time_us, o.event_number, s(o.error), o.gave_up == GaveUp::kYes);
  } else if (auto* p = std::get_if<const Poll*>(&op)) {
    consume("poll", **p);
  } else if (auto* pr = std::get_if<const Processed*>(&op)) {
    consume("processed", **pr);
  } else if (auto* c = std::get_if<const Commit*>(&op)) {
    const Commit& o = **c;
    insert(kCommits, o.time_us, o.event_number, s(o.group), s(o.member), s(o.tp.topic), o.tp.partition,
           o.offset, o.ok, opt(o.error));
  } else if (auto* sk = std::get_if<const Seek*>(&op)) {
    const Seek& o = **sk;
    insert(kSeeks, o.time_us, o.event_number, s(o.group), s(o.member), s(o.tp.topic), o.tp.partition,
           o.offset, opt(o.reason));
  } else if (auto* t = std::get_if<const Truncation*>(&op)) {
    const Truncation& o = **t;
    insert(kTruncations, o.time_us, o.event_number, s(o.tp.topic), o.tp.partition, o.broker, o.from_offset,
           o.to_offset, opt(o.cause), o.cause_event, o.cause_time_us);
  } else if (auto* l = std::get_if<const LeaderChange*>(&op)) {
    const LeaderChange& o = **l;
    insert(kLeaderChanges, o.time_us, o.event_number, s(o.tp.topic), o.tp.partition, o.leader, o.epoch,
           o.unclean, fmt::format("{}", fmt::join(o.isr, ",")));
  } else if (auto* e = std::get_if<const TxnEnd*>(&op)) {
    const TxnEnd& o = **e;
    insert(kTxnEnds, o.time_us, o.event_number, s(o.transactional_id), o.producer_id, o.epoch, o.committed,
           tps(o.partitions));
  } else if (auto* m = std::get_if<const MemberEvent*>(&op)) {
    const MemberEvent& o = **m;
    insert(kMemberEvents, o.time_us, o.event_number, s(o.group), s(o.member), to_string(o.what),
           tps(o.partitions), o.generation);
  } else if (auto* fa = std::get_if<const Fault*>(&op)) {
    const Fault& o = **fa;
    insert(kFaults, o.time_us, o.event_number, s(o.what));
  }
}

void Recorder::sample_offsets(TimeUs time_us, const std::vector<ReplicaOffsets>& replicas) {
  for (const ReplicaOffsets& r : replicas) {
    insert(kReplicaOffsets, time_us, r.topic, r.partition, r.broker, r.log_start_offset, r.log_end_offset,
           r.high_watermark);
  }
}

void Recorder::sample_group_offsets(TimeUs time_us, const std::vector<GroupOffsetSample>& groups) {
  for (const GroupOffsetSample& g : groups) {
    const std::int64_t lag = g.log_end_offset - std::max<std::int64_t>(g.committed_offset, 0);
    insert(kGroupOffsets, time_us, g.group, g.topic, g.partition, g.committed_offset, g.log_end_offset, lag);
  }
}

void Recorder::record_generation(TimeUs time_us, const std::string& group, std::int32_t generation,
                                 const std::string& protocol,
                                 const std::vector<MemberAssignment>& assignment) {
  for (const MemberAssignment& m : assignment) {
    insert(kGenerations, time_us, group, generation, protocol, m.member, join(m.partitions));
  }
}

void Recorder::record_command(const CommandRow& c) {
  insert(kCommands, c.event_number, c.time_us, c.command);
}

void Recorder::write_report(const check::Report& r) {
  for (const check::TopicCounts& t : r.topics) {
    insert(kCheckTopics, t.topic, t.produced, t.acked, t.failed, t.lost_acked, t.duplicates_in_log,
           t.unacked_written, t.removed, sum_counts(t.order_violations));
  }
  for (const check::GroupCounts& g : r.groups) {
    insert(kCheckGroups, g.group, g.consumed, g.duplicates, g.lost, g.poll_skips, g.nonmonotonic_polls,
           g.aborted_seen, to_string(g.semantics));
  }
  std::int64_t id = 0;
  for (const check::Anomaly& a : r.anomalies) {
    ++id;
    insert(kAnomalies, id, to_string(a.kind), a.group, a.topic, a.partition, a.first_offset, a.last_offset,
           a.explanation, a.cause_event, a.cause_time_us, a.where, a.what, a.because);
    for (std::uint64_t rec : a.record_ids) insert(kAnomalyRecords, id, rec);
  }
}

Status Recorder::finish(std::uint64_t trace_hash, std::uint64_t events_executed,
                        const check::Report& report) {
  if (!db_.is_open()) return status_.ok() ? Status::error("recording is not open") : status_;
  write_report(report);
  insert(kMeta, std::string("trace_hash"), format_hash(trace_hash));
  insert(kMeta, std::string("events_executed"), std::to_string(events_executed));
  insert(kMeta, std::string("finished"), std::string("1"));
  flush();
  if (status_.ok()) {
    if (Status s = db_.exec(kIndexSql); !s.ok()) fail(std::move(s));
  }
  return close();
}

Status Recorder::close() {
  if (!db_.is_open()) return status_.ok() ? Status::error("recording is not open") : status_;
  flush();
  for (Stmt& st : stmts_) st = Stmt();
  db_.close();
  return status_;
}

Status write_session_recording(const std::string& path, RunInfo info, const std::vector<CommandRow>& commands) {
  info.kind = RecordingKind::kSession;
  Recorder recorder;
  if (Status s = recorder.open(path, info); !s.ok()) return s;
  for (const CommandRow& c : commands) recorder.record_command(c);
  return recorder.close();
}

}  // namespace kafkasim::record
