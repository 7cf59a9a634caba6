#pragma once
// Status: the outcome of a host I/O operation at the edge of the program (opening or writing a recording).
// Either ok, or an error with a message meant for the user ("run.sqlite: cannot open: ..."). The sim core
// never sees a Status: faults inside the sim are values of their own kind.
#include <string>
#include <utility>

namespace kafkasim::record {

class Status {
 public:
  Status() = default;  // ok
  static Status error(std::string message) { return Status(std::move(message)); }
  bool ok() const { return message_.empty(); }
  const std::string& message() const { return message_; }

 private:
  explicit Status(std::string message) : message_(message.empty() ? "error" : std::move(message)) {}
  std::string message_;
};

}  // namespace kafkasim::record
