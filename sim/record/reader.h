#pragma once
// Reading a kafkasim recording back (tests, `kafkasim` tools, the visualizer's replay of a recording).
// open_recording() validates that the file is a kafkasim recording of a schema version this build reads
// (PRAGMA application_id and user_version, see schema.h) and loads the run info and the event list.
// Opens the file read-only; a recording whose writer was killed opens too (SQLite replays the WAL).
#include <cstdint>
#include <string>
#include <vector>

#include "sim/check/report.h"
#include "sim/core/time.h"
#include "sim/record/recorder.h"
#include "sim/record/status.h"

namespace kafkasim::record {

struct EventRow {
  std::uint64_t event_number = 0;
  TimeUs time_us = 0;
  std::int32_t node = -1;
  std::string kind;
  std::string details;
};

struct FaultRow {
  TimeUs time_us = 0;
  std::uint64_t event_number = 0;
  std::string what;
};

struct Recording {
  RunInfo info;
  std::int32_t schema_version = 0;
  bool finished = false;   // finish() ran: trace_hash, events_executed and the checker results are in
  std::string trace_hash;  // 16 hex digits, empty when not finished
  std::uint64_t events_executed = 0;
  std::vector<EventRow> events;           // every trace record, in order
  std::vector<FaultRow> faults;           // injected faults, in order
  std::vector<check::Anomaly> anomalies;  // the checker's anomalies (empty when not finished)
  std::vector<CommandRow> commands;       // commands the run applied, in order (read with the info)
};

// Validates the file and reads the run info and the commands (no events). Errors: "<path>: cannot open: ...",
// "<path>: not a kafkasim recording (...)", "<path>: recording schema version N is not supported ...".
Status read_recording_info(const std::string& path, Recording* out);
// read_recording_info() plus every event, fault and anomaly.
Status open_recording(const std::string& path, Recording* out);

}  // namespace kafkasim::record
