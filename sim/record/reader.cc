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
  if (version != kSchemaVersion) {
    return Status::error(
        fmt::format("{}: recording schema version {} is not supported (this kafkasim reads version {})",
                    db.path(), version, kSchemaVersion));
  }
  out->schema_version = static_cast<std::int32_t>(version);
  return Status();
}

Status read_meta(Db& db, Recording* out) {
  Stmt st;
  if (Status s = db.prepare("SELECT key, value FROM meta", st); !s.ok()) return s;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    const std::string key = st.text(0);
    const std::string value = st.text(1);
    if (key == "seed") out->info.seed = std::strtoull(value.c_str(), nullptr, 10);
    if (key == "scenario_name") out->info.scenario_name = value;
    if (key == "scenario_text") out->info.scenario_text = value;
    if (key == "scenario_hash") out->info.scenario_hash = value;
    if (key == "kafkasim_version") out->info.version = value;
    if (key == "kafkasim_commit") out->info.commit = value;
    if (key == "command_line") out->info.command_line = value;
    if (key == "finished") out->finished = value == "1";
    if (key == "trace_hash") out->trace_hash = value;
    if (key == "events_executed") out->events_executed = std::strtoull(value.c_str(), nullptr, 10);
  }
  return rc == SQLITE_DONE ? Status() : db.error("cannot read table meta", rc);
}

Status open_validated(const std::string& path, Db& db, Recording* out) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return Status::error(fmt::format("{}: cannot open: no such file", path));
  *out = Recording{};
  if (Status s = db.open(path, Db::Mode::kReadOnly); !s.ok()) return s;
  if (Status s = validate(db, out); !s.ok()) return s;
  return read_meta(db, out);
}

}  // namespace

Status read_recording_info(const std::string& path, Recording* out) {
  Db db;
  return open_validated(path, db, out);
}

Status open_recording(const std::string& path, Recording* out) {
  Db db;
  if (Status s = open_validated(path, db, out); !s.ok()) return s;
  Stmt st;
  if (Status s =
          db.prepare("SELECT event_number, time_us, node, kind, details FROM events ORDER BY rowid", st);
      !s.ok()) {
    return s;
  }
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    out->events.push_back(EventRow{static_cast<std::uint64_t>(st.int64(0)), st.int64(1),
                                   static_cast<std::int32_t>(st.int64(2)), st.text(3), st.text(4)});
  }
  return rc == SQLITE_DONE ? Status() : db.error("cannot read table events", rc);
}

}  // namespace kafkasim::record
