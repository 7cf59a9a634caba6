#pragma once
// Location in a scenario file (1-based line and column) and the error list every parser stage reports
// into. Errors are values: "file:line:column: error: <what was wrong>; expected <what was expected>".
#include <string>
#include <vector>

namespace kafkasim::scenario {

struct Location {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based
  std::string str() const;  // "file:line:column"
};

struct ParseError {
  Location loc;
  std::string what;      // what was wrong
  std::string expected;  // what was expected ("" when nothing useful to say)
  std::string str() const;  // the full message
};

// Collects errors up to a limit (the rest are counted, not stored).
class ErrorList {
 public:
  static constexpr std::size_t kMax = 20;
  void add(const Location& loc, std::string what, std::string expected);
  bool empty() const { return errors_.empty(); }
  std::size_t size() const { return errors_.size() + dropped_; }
  const std::vector<ParseError>& errors() const { return errors_; }
  std::size_t dropped() const { return dropped_; }

 private:
  std::vector<ParseError> errors_;
  std::size_t dropped_ = 0;
};

}  // namespace kafkasim::scenario
