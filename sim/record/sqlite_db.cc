#include "sim/record/sqlite_db.h"

#include <sqlite3.h>

#include <fmt/format.h>

namespace kafkasim::record {

Stmt::~Stmt() {
  sqlite3_finalize(s_);
}

Stmt& Stmt::operator=(Stmt&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(s_);
    s_ = other.s_;
    other.s_ = nullptr;
  }
  return *this;
}

void Stmt::bind(int index, std::int64_t v) {
  sqlite3_bind_int64(s_, index, v);
}

void Stmt::bind(int index, std::string_view v) {
  // SQLITE_STATIC: callers keep the text alive until the statement has stepped (Recorder::insert does).
  sqlite3_bind_text64(s_, index, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8);
}

void Stmt::bind(int index, const std::optional<std::string_view>& v) {
  if (v) {
    bind(index, *v);
  } else {
    sqlite3_bind_null(s_, index);
  }
}

int Stmt::step_done() {
  const int rc = sqlite3_step(s_);
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int Stmt::step() {
  return sqlite3_step(s_);
}

std::int64_t Stmt::int64(int column) const {
  return sqlite3_column_int64(s_, column);
}

std::string Stmt::text(int column) const {
  const unsigned char* t = sqlite3_column_text(s_, column);
  const int n = sqlite3_column_bytes(s_, column);
  return t == nullptr ? std::string()
                      : std::string(reinterpret_cast<const char*>(t), static_cast<std::size_t>(n));
}

void Stmt::reset() {
  sqlite3_reset(s_);
}

Db::~Db() {
  close();
}

void Db::close() {
  sqlite3_close_v2(db_);
  db_ = nullptr;
}

Status Db::open(const std::string& path, Mode mode) {
  close();
  path_ = path;
  const int flags = mode == Mode::kCreate ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status s = db_ ? error("cannot open")
                   : Status::error(fmt::format("{}: cannot open: {}", path, sqlite3_errstr(rc)));
    close();
    return s;
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 2000);
  return Status();
}

Status Db::exec(std::string_view sql) {
  char* msg = nullptr;
  const std::string owned(sql);
  const int rc = sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &msg);
  if (rc == SQLITE_OK) return Status();
  Status s = Status::error(
      fmt::format("{}: {} (executing \"{}\")", path_, msg ? msg : sqlite3_errstr(rc), owned.substr(0, 40)));
  sqlite3_free(msg);
  return s;
}

Status Db::prepare(std::string_view sql, Stmt& out) {
  sqlite3_stmt* s = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                    &s, nullptr);
  if (rc != SQLITE_OK) return error(fmt::format("cannot prepare \"{}\"", sql.substr(0, 40)), rc);
  out = Stmt();
  out.s_ = s;
  return Status();
}

Status Db::error(std::string_view what) const {
  return Status::error(fmt::format("{}: {}: {}", path_, what, db_ ? sqlite3_errmsg(db_) : "not open"));
}

Status Db::error(std::string_view what, int code) const {
  const char* msg = db_ && sqlite3_errcode(db_) == code ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
  return Status::error(fmt::format("{}: {}: {}", path_, what, msg));
}

}  // namespace kafkasim::record
