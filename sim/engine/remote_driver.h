#pragma once
// RemoteDriver: the engine::Driver the visualizer uses by default: the run lives in a sim-server process
// (sim_server.h) and seeks go through its fork() checkpoints, so any point of a long run is reached within
// a second (docs/benchmarks.md, "Seeking"). Same behaviour as an in-process Session (tests compare them).
//
// Lifecycle: open() spawns the server root and starts the run; every Driver call is one synchronous
// request over a socket (snapshot() and recent_events() are cached until the run changes), except
// prefetch_advance(), which sends an advance and a snapshot request and returns: the server runs them
// while the GUI draws its frame, and the next call reads both answers first; the destructor
// closes every socket (the server, its checkpoints and the root exit on EOF) and reaps the root.
//
// A dead server (killed, crashed on an assertion, out of memory) is a value, never an exception or a hang:
// the request that meets its EOF or ECONNRESET, or failure() between requests, records what happened
// (the exit status comes from the root, which reaps every server: sim_server.h), and from then on every
// Driver call is a no-op that leaves the state of the last answer.
//
// Seeks: forward seeks run on in the current server unless a checkpoint lies between now and the target;
// otherwise the newest checkpoint at or before the target is woken with the whole command log and becomes
// the server. An explorer process runs ahead to the end after open and after each command (sim_server.h),
// so forward seeks find checkpoints too. Applying a command stops the explorer and discards the
// checkpoints taken after that event boundary. At most
// `max_checkpoints` are kept: when more arrive, the one whose neighbours are closest in sim time goes (the
// start of the run is always kept).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "sim/engine/driver.h"
#include "sim/engine/sim_server.h"

namespace kafkasim::engine {

struct RemoteOptions {
  std::string exec_path;            // "" forks the server from this process; else fork+exec (see spawn_root)
  std::size_t max_checkpoints = 40;
  bool explore = true;              // run an explorer ahead to the end after open and after each command
};

class RemoteDriver : public Driver {
 public:
  // nullptr with `error` set when the server cannot start or rejects the scenario.
  static std::unique_ptr<RemoteDriver> open(const server::ServerSpec& spec, const RemoteOptions& options,
                                            std::string& error);
  ~RemoteDriver() override;
  RemoteDriver(const RemoteDriver&) = delete;
  RemoteDriver& operator=(const RemoteDriver&) = delete;

  void advance_to(TimeUs until_us, std::uint64_t max_events) override;
  // Sends the advance and the snapshot request without waiting: the server runs while the caller draws.
  void prefetch_advance(TimeUs until_us, std::uint64_t max_events) override;
  // Stops the explorer (SIGSTOP) while play runs, continues it (SIGCONT) after: on two cores it took a
  // quarter of the CPU the frames need. Backward seeks meanwhile use the server's own checkpoints.
  void hold_background_work(bool hold) override;
  bool step_event() override;
  bool step_notable() override;
  void seek(TimeUs time_us) override;
  void seek_event(std::uint64_t event_number) override;
  void apply(const Command& command) override;

  TimeUs now_us() const override { return state_.now_us; }
  TimeUs duration_us() const override { return state_.duration_us; }
  bool finished() const override { return state_.finished; }
  TimeUs next_pause_point_us() const override { return state_.next_pause_point_us; }

  const Snapshot& snapshot() override;
  const std::vector<TimelineMark>& marks() const override { return marks_; }
  std::vector<EventView> recent_events(std::size_t max, const std::string& kind_prefix) const override;

  struct Checkpoint {
    pid_t pid = 0;
    int fd = -1;
    TimeUs sim_now_us = 0;
    std::uint64_t events_executed = 0;
  };
  const std::vector<Checkpoint>& checkpoints() const { return checkpoints_; }
  const Session::CommandLog& commands() const { return commands_; }
  // Process ids of the root, the current server and every checkpoint (for memory figures).
  std::vector<pid_t> process_ids() const;
  // An explorer is still running ahead (its checkpoints arrive between requests).
  bool exploring() const { return explorer_fd_ >= 0; }
  pid_t explorer_pid() const { return explorer_pid_; }  // -1 when none
  // Blocks until the explorer has reached the end of the run (or stopped), taking its checkpoints.
  void wait_explored();
  // False once the server connection failed (the Driver then stands still).
  bool connected() const { return server_fd_ >= 0; }
  // Why the Driver stands still, once the server is gone: e.g. "sim server (pid 4242) exited with signal
  // 9 (SIGKILL) at sim time 12.400s (event 3084)" (the time and event of the last answer); nullopt while
  // the server answers. Between requests it checks the server's socket without blocking, so a GUI can call
  // it every frame and show the text in its status bar; the first time it reports a failure it may wait up
  // to 2 s (wall time) for the root's exit notice.
  std::optional<std::string> failure() const override;
  // Events executed as of the last answer.
  std::uint64_t events_executed() const { return state_.events_executed; }
  // The current server's pid (-1 before its first answer).
  pid_t server_pid() const { return server_pid_; }

 private:
  RemoteDriver() = default;
  // Sends a request and reads checkpoint notices up to its answer (`expect`). False on a broken server.
  bool call(int fd, server::Op op, const std::string& payload, server::Op expect, std::string& answer,
            const std::vector<int>& fds = {}) const;
  bool receive(int fd, server::Op expect, std::string& answer) const;
  bool request_state(server::Op op, const std::string& payload);
  bool read_state(const std::string& answer) const;
  // Reads the answers to a prefetch_advance (the state, then the snapshot), if one is outstanding.
  void collect_prefetch() const;
  void add_checkpoint(const std::string& notice, int fd) const;
  void drop_checkpoint(std::size_t index) const;
  // Closes the server's socket on purpose (a wake replaces the server; the destructor).
  void disconnect() const;
  // The server broke the connection: closes it and records failure_ (the first time).
  void lose_server() const;
  // failure_'s text for the server that just went away.
  std::string describe_server_end() const;
  // The current server's waitpid() status from the root's exit notices, waiting for it a little; nullopt
  // when the root reports none (the server closed its socket but lives, or the root is gone).
  std::optional<int> server_exit_status() const;
  void start_explorer();
  void stop_explorer() const;
  // Takes the checkpoint notices the explorer has sent so far (`block`: until it ends).
  void drain_explorer(bool block) const;
  // Wakes checkpoint `index` with a seek request (op kSeek / kSeekEvent and its payload). False (the
  // checkpoint dropped, the current server kept) when the checkpoint cannot be reached.
  bool wake(std::size_t index, server::Op op, const std::string& payload);

  RemoteOptions options_;
  pid_t root_pid_ = -1;
  int control_fd_ = -1;
  mutable int server_fd_ = -1;
  mutable pid_t server_pid_ = -1;
  mutable int explorer_fd_ = -1;
  mutable pid_t explorer_pid_ = -1;
  // The answers below are cached copies of the server's; a prefetch's answers are read by whichever call
  // comes next, const or not, hence mutable.
  mutable server::StateReply state_;
  mutable std::vector<TimelineMark> marks_;
  Session::CommandLog commands_;
  mutable std::vector<Checkpoint> checkpoints_;  // by event number
  mutable Snapshot snapshot_;
  mutable bool snapshot_valid_ = false;
  struct Prefetch {
    TimeUs until_us = 0;
    std::uint64_t max_events = 0;
  };
  mutable std::optional<Prefetch> prefetch_;  // an advance + snapshot sent, answers not read yet
  bool hold_explorer_ = false;                 // play runs: the explorer is kept stopped
  mutable std::string error_;
  mutable std::optional<std::string> failure_;
  mutable std::vector<server::ExitNotice> exits_;  // the root's notices read so far
};

}  // namespace kafkasim::engine
