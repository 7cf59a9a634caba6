#pragma once
// Trace: the ordered record of everything that changes state in a run, and its running 64-bit hash.
// Every executed queue event advances the event number and is mixed into the hash with its time; every
// trace record (kind + node + details) is mixed in as well. Two runs are the same run exactly when their
// trace hashes are equal. Observers (the SQLite recorder, the visualizer, check-determinism) see every
// record as it is made. Kinds are static strings named "<subsystem>.<what>", e.g. "net.partition".
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/ids.h"
#include "sim/core/time.h"

namespace kafkasim {

struct TraceRecord {
  std::uint64_t event_number = 0;  // the queue event during which this record was made
  TimeUs time = 0;
  NodeId node = kNoNode;
  std::string_view kind;  // static storage: a string literal
  std::string details;
};

class TraceObserver {
 public:
  virtual ~TraceObserver() = default;
  virtual void on_trace(const TraceRecord& record) = 0;
};

class Trace {
 public:
  // Mixes an executed queue event into the hash.
  void mix_event(std::uint64_t event_number, TimeUs time);
  // Adds a record; observers see it immediately. `kind` must have static storage duration.
  void record(std::uint64_t event_number, TimeUs time, NodeId node, std::string_view kind, std::string details);

  std::uint64_t hash() const { return hash_; }
  std::uint64_t records() const { return records_; }

  // REQUIRES: observer outlives the Trace or is removed first. Not owned.
  void add_observer(TraceObserver* observer);
  void remove_observer(TraceObserver* observer);

 private:
  void mix(std::uint64_t v);
  std::uint64_t hash_ = 0x6b61666b6173696dULL;  // "kafkasim"
  std::uint64_t records_ = 0;
  std::vector<TraceObserver*> observers_;
};

// Formats a trace hash as 16 lowercase hex digits.
std::string format_hash(std::uint64_t hash);

}  // namespace kafkasim
