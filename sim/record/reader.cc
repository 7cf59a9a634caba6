#include "sim/record/reader.h"

#include <sqlite3.h>

#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "sim/record/schema.h"
#include "sim/record/sqlite_db.h"

namespace kafkasim::record {
namespace {

Status pragma_int(Db& db, const char* pragma, std::int64_t* out) {
  Stmt st;
  if (Status s = db.prepare(fmt::format("PRAGMA {}", pragma), st); !s.ok()) return s;
  const int rc = st.step();
  if (rc != SQLITE_ROW) return db.error(fmt::format("cannot read PRAGMA {}", pragma), rc);
  *out = st.int64(0);
  return Status();
}

Status validate(Db& db, Recording* out) {
  std::int64_t app_id = 0;
  if (Status s = pragma_int(db, "application_id", &app_id); !s.ok()) {
    // SQLITE_NOTADB surfaces here for a file that is not an SQLite database at all.
    return Status::error(fmt::format("{}: not a kafkasim recording ({})", db.path(),
                                     s.message().substr(s.message().rfind(": ") + 2)));
  }
  if (app_id != kApplicationId) {
    return Status::error(
        fmt::format("{}: not a kafkasim recording (SQLite application_id is {:#x}, expected {:#x})",
                    db.path(), app_id, kApplicationId));
  }
  std::int64_t version = 0;
  if (Status s = pragma_int(db, "user_version", &version); !s.ok()) return s;
  if (version < kOldestSchemaVersionRead || version > kSchemaVersion) {
    return Status::error(
        fmt::format("{}: recording schema version {} is not supported (this kafkasim reads versions {} to {})",
                    db.path(), version, kOldestSchemaVersionRead, kSchemaVersion));
  }
  out->schema_version = static_cast<std::int32_t>(version);
  return Status();
}

// Runs a query and calls `row` for every result row.
template <typename Fn>
Status read_rows(Db& db, const char* sql, Fn row) {
  Stmt st;
  if (Status s = db.prepare(sql, st); !s.ok()) return s;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) row(st);
  return rc == SQLITE_DONE ? Status() : db.error("cannot read the recording", rc);
}

Status read_meta(Db& db, Recording* out) {
  return read_rows(db, "SELECT key, value FROM meta", [out](const Stmt& st) {
    const std::string key = st.text(0);
    const std::string value = st.text(1);
    if (key == "seed") out->info.seed = std::strtoull(value.c_str(), nullptr, 10);
    if (key == "recording_kind") {
      out->info.kind = value == to_string(RecordingKind::kSession) ? RecordingKind::kSession : RecordingKind::kRun;
    }
    if (key == "scenario_name") out->info.scenario_name = value;
    if (key == "scenario_text") out->info.scenario_text = value;
    if (key == "scenario_hash") out->info.scenario_hash = value;
    if (key == "kafkasim_version") out->info.version = value;
    if (key == "kafkasim_commit") out->info.commit = value;
    if (key == "command_line") out->info.command_line = value;
    if (key == "finished") out->finished = value == "1";
    if (key == "trace_hash") out->trace_hash = value;
    if (key == "events_executed") out->events_executed = std::strtoull(value.c_str(), nullptr, 10);
  });
}

check::AnomalyKind anomaly_kind(const std::string& name) {
  using check::AnomalyKind;
  for (AnomalyKind k :
       {AnomalyKind::kLostWrite, AnomalyKind::kDuplicate, AnomalyKind::kPollSkip,
        AnomalyKind::kNonmonotonicPoll, AnomalyKind::kNonmonotonicSend, AnomalyKind::kAbortedRead}) {
    if (name == check::to_string(k)) return k;
  }
  return AnomalyKind::kLostWrite;
}

// The commands a session applied (schema version 2; a version 1 recording has none).
Status read_commands(Db& db, Recording* out) {
  if (out->schema_version < 2) return Status();
  return read_rows(db, "SELECT event_number, time_us, command FROM commands ORDER BY rowid", [out](const Stmt& st) {
    out->commands.push_back(CommandRow{static_cast<std::uint64_t>(st.int64(0)), st.int64(1), st.text(2)});
  });
}

Status open_validated(const std::string& path, Db& db, Recording* out) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return Status::error(fmt::format("{}: cannot open: no such file", path));
  *out = Recording{};
  if (Status s = db.open(path, Db::Mode::kReadOnly); !s.ok()) return s;
  if (Status s = validate(db, out); !s.ok()) return s;
  if (Status s = read_meta(db, out); !s.ok()) return s;
  return read_commands(db, out);
}

}  // namespace

Status read_recording_info(const std::string& path, Recording* out) {
  Db db;
  return open_validated(path, db, out);
}

Status open_recording(const std::string& path, Recording* out) {
  Db db;
  if (Status s = open_validated(path, db, out); !s.ok()) return s;
  Status s = read_rows(
      db, "SELECT event_number, time_us, node, kind, details FROM events ORDER BY rowid",
      [&](const Stmt& st) {
        out->events.push_back(EventRow{static_cast<std::uint64_t>(st.int64(0)), st.int64(1),
                                       static_cast<std::int32_t>(st.int64(2)), st.text(3), st.text(4)});
      });
  if (!s.ok()) return s;
  s = read_rows(db, "SELECT time_us, event_number, what FROM faults ORDER BY rowid", [&](const Stmt& st) {
    out->faults.push_back(FaultRow{st.int64(0), static_cast<std::uint64_t>(st.int64(1)), st.text(2)});
  });
  if (!s.ok()) return s;
  s = read_rows(
      db,
      "SELECT kind, group_id, topic, partition, first_offset, last_offset, explanation, cause_event, "
      "cause_time_us, location, what, because FROM anomalies ORDER BY anomaly_id",
      [&](const Stmt& st) {
        check::Anomaly a;
        a.kind = anomaly_kind(st.text(0));
        a.group = st.text(1);
        a.topic = st.text(2);
        a.partition = static_cast<std::int32_t>(st.int64(3));
        a.first_offset = st.int64(4);
        a.last_offset = st.int64(5);
        a.explanation = st.text(6);
        a.cause_event = static_cast<std::uint64_t>(st.int64(7));
        a.cause_time_us = st.int64(8);
        a.where = st.text(9);
        a.what = st.text(10);
        a.because = st.text(11);
        out->anomalies.push_back(std::move(a));
      });
  if (!s.ok()) return s;
  return read_rows(db, "SELECT anomaly_id, record_id FROM anomaly_records ORDER BY rowid",
                   [&](const Stmt& st) {
                     const std::int64_t id = st.int64(0);
                     if (id >= 1 && id <= static_cast<std::int64_t>(out->anomalies.size())) {
                       out->anomalies[static_cast<std::size_t>(id - 1)].record_ids.push_back(
                           static_cast<std::uint64_t>(st.int64(1)));
                     }
                   });
}

}  // namespace kafkasim::record
