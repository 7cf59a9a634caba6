#pragma once
// Thin RAII wrappers over the SQLite C API, for sim/record only: a connection (Db) and a prepared
// statement (Stmt). Errors are returned as Status with "<path>: <what>: <sqlite message>"; nothing throws.
// Lifetime: a Stmt must be destroyed before the Db it was prepared on (declare Stmts after the Db).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/record/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace kafkasim::record {

class Stmt {
 public:
  Stmt() = default;
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt(Stmt&& other) noexcept : s_(other.s_) { other.s_ = nullptr; }
  Stmt& operator=(Stmt&& other) noexcept;

  bool valid() const { return s_ != nullptr; }
  // Binds parameters 1..n in order; an empty optional binds NULL.
  template <typename... Args>
  void bind_all(const Args&... args) {
    int i = 0;
    (bind(++i, args), ...);
  }
  void bind(int index, std::int64_t v);
  void bind(int index, std::uint64_t v) { bind(index, static_cast<std::int64_t>(v)); }
  void bind(int index, std::int32_t v) { bind(index, static_cast<std::int64_t>(v)); }
  void bind(int index, bool v) { bind(index, static_cast<std::int64_t>(v ? 1 : 0)); }
  void bind(int index, std::string_view v);
  void bind(int index, const std::string& v) { bind(index, std::string_view(v)); }
  void bind(int index, const char* v) { bind(index, std::string_view(v)); }
  void bind(int index, const std::optional<std::string_view>& v);
  // Runs the statement to completion (INSERT/UPDATE). Resets it for the next use.
  int step_done();
  // Steps once: SQLITE_ROW, SQLITE_DONE or an error code.
  int step();
  std::int64_t int64(int column) const;
  std::string text(int column) const;
  void reset();

 private:
  friend class Db;
  sqlite3_stmt* s_ = nullptr;
};

class Db {
 public:
  enum class Mode : std::uint8_t { kCreate, kReadOnly };
  Db() = default;
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  Status open(const std::string& path, Mode mode);
  void close();
  bool is_open() const { return db_ != nullptr; }
  Status exec(std::string_view sql);
  Status prepare(std::string_view sql, Stmt& out);
  // "<path>: <what>: <sqlite error message>" for the last error on this connection.
  Status error(std::string_view what) const;
  Status error(std::string_view what, int code) const;
  const std::string& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace kafkasim::record
