#pragma once
// Recorder: writes one run into an SQLite file (`kafkasim run --record run.sqlite`), schema in schema.h
// and docs/recording.md.
//
// What it records: the run info (seed, scenario name/text/hash, kafkasim version and commit, command line)
// at open; every trace record (as a TraceObserver of sim/core/trace.h); every History op (as a
// HistoryObserver of sim/check/history.h): sends, acks, failures, polls, processing, commits, seeks,
// truncations, elections, transactions, membership, faults; offsets over time (LEO/HW per replica,
// committed offset and lag per group) and group generations with their assignments, when the engine
// samples them; at finish the trace hash, the event count and the checker's Report.
//
// Durability: WAL journal, synchronous=NORMAL. Rows are inserted with prepared statements inside a
// transaction that is committed every `rows_per_batch` rows, on flush() and on finish(). A process killed
// with SIGKILL leaves a database that opens and holds every committed batch (only the open batch is lost).
//
// Errors: open() returns a Status naming the path and SQLite's message. A failed write latches the first
// error in status(), rolls back the open batch (earlier batches stay committed) and turns every later
// write into a no-op; the run itself goes on. Nothing throws.
//
// Lifecycle: construct, open(), attach to the Trace and the History (the engine does this), run, finish().
// The destructor commits the open batch.
//
// Two kinds of recording (meta `recording_kind`): a run (`kafkasim run --record`: events, history,
// checker results) and a session (the visualizer's `--record` / "Save session as...": only the run info
// and the commands the session applied, written by write_session_recording()). Both replay exactly: the
// scenario text and seed, plus the commands at their event numbers (table `commands`). Single-threaded. Determinism: the recorder only observes; it never
// feeds anything back into the sim.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/check/history.h"
#include "sim/check/report.h"
#include "sim/core/trace.h"
#include "sim/record/sqlite_db.h"
#include "sim/record/status.h"

namespace kafkasim::record {

enum class RecordingKind : std::uint8_t { kRun, kSession };
const char* to_string(RecordingKind kind);  // "run", "session"

struct RunInfo {
  RecordingKind kind = RecordingKind::kRun;
  std::uint64_t seed = 0;
  std::string scenario_name;
  std::string scenario_text;
  std::string scenario_hash;
  std::string version;  // kafkasim version (build_info::kVersion)
  std::string commit;   // git commit (build_info::kGitCommit)
  std::string command_line;
};

struct RecorderOptions {
  std::uint32_t rows_per_batch = 20'000;  // rows per transaction; 1.2M rows/s means ~15 ms a batch
};

// One replica's offsets at a sample time.
struct ReplicaOffsets {
  std::string topic;
  std::int32_t partition = 0;
  std::int32_t broker = 0;
  std::int64_t log_start_offset = 0;
  std::int64_t log_end_offset = 0;  // LEO
  std::int64_t high_watermark = 0;  // as this replica knows it
};

// One group's committed offset on a partition at a sample time; lag = log_end_offset - committed.
struct GroupOffsetSample {
  std::string group;
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t committed_offset = -1;
  std::int64_t log_end_offset = 0;
};

// A command applied to the run (sim/engine/command.h), in its stable text form: after `event_number`
// events had run, at sim time `time_us`.
struct CommandRow {
  std::uint64_t event_number = 0;
  std::int64_t time_us = 0;
  std::string command;  // engine::encode(command), e.g. "crash 2"

  friend bool operator==(const CommandRow&, const CommandRow&) = default;
};

struct MemberAssignment {
  std::string member;
  std::vector<std::string> partitions;  // "orders-0"
};

class Recorder : public TraceObserver, public check::HistoryObserver {
 public:
  Recorder() = default;
  ~Recorder() override;
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // Creates the recording at `path`. An existing kafkasim recording there is replaced; any other existing
  // file is left alone and is an error. REQUIRES: not open yet.
  Status open(const std::string& path, const RunInfo& info, RecorderOptions options = {});

  void on_trace(const TraceRecord& record) override;
  void on_op(const check::History& history, const check::OpView& op) override;
  void sample_offsets(TimeUs time_us, const std::vector<ReplicaOffsets>& replicas);
  void sample_group_offsets(TimeUs time_us, const std::vector<GroupOffsetSample>& groups);
  void record_generation(TimeUs time_us, const std::string& group, std::int32_t generation,
                         const std::string& protocol, const std::vector<MemberAssignment>& assignment);
  void record_command(const CommandRow& command);

  // Commits the open batch.
  Status flush();
  // Writes the trace hash, the event count and the Report, builds the indexes, commits and closes.
  Status finish(std::uint64_t trace_hash, std::uint64_t events_executed, const check::Report& report);
  // Commits and closes without finishing (a session recording: meta `finished` stays 0).
  Status close();

  // The first error, or ok.
  const Status& status() const { return status_; }
  // Rows made durable by committed batches so far (run info not counted).
  std::uint64_t rows_committed() const { return rows_committed_; }

 private:
  enum Table : std::uint8_t {
    kEvents,
    kSends,
    kAcks,
    kSendFailures,
    kConsumes,
    kCommits,
    kSeeks,
    kTruncations,
    kLeaderChanges,
    kTxnEnds,
    kMemberEvents,
    kFaults,
    kReplicaOffsets,
    kGroupOffsets,
    kGenerations,
    kCheckTopics,
    kCheckGroups,
    kAnomalies,
    kAnomalyRecords,
    kCommands,
    kMeta,
    kTableCount
  };

  Status create(const RunInfo& info);
  template <typename... Args>
  void insert(Table table, const Args&... args);
  void fail(Status status);
  void write_report(const check::Report& report);
  void put_meta(const std::string& key, const std::string& value);

  Db db_;  // declared before stmts_: statements are finalized first
  Stmt stmts_[kTableCount];
  RecorderOptions options_;
  Status status_;
  bool in_batch_ = false;
  std::uint32_t rows_in_batch_ = 0;
  std::uint64_t rows_committed_ = 0;
};

// Writes a session recording at `path` (info.kind is set to kSession): the run info and `commands`, in
// their order. Replaces an earlier recording there, refuses any other file (as Recorder::open).
Status write_session_recording(const std::string& path, RunInfo info, const std::vector<CommandRow>& commands);

}  // namespace kafkasim::record
