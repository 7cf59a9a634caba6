#pragma once
// sim_server: the simulation in its own process, with copy-on-write checkpoints made by fork(), so the
// visualizer seeks anywhere in a long run in well under a second (issue 8). The GUI side is RemoteDriver
// (remote_driver.h); this file is the server side and the wire protocol they share.
//
// Processes (all Linux; each talks to the GUI over its own AF_UNIX stream socket):
//   root      spawned by the GUI (fork, or fork+exec of the GUI binary with --sim-server so nothing of
//             GLFW/GL is ever inside a simulation process). A child subreaper that reaps every child and
//             adopted orphan as it ends (SIGCHLD through a signalfd) and reports each one that did not
//             exit with status 0 (killed by a signal, an assertion's abort, exit(1)) to the GUI as a kExited
//             notice on its control socket (RemoteDriver::failure() names the signal). It forks the first
//             server, then waits for EOF on its control socket (the GUI closing or dying) and for all its
//             descendants to end. Every other process of the tree ignores SIGCHLD (the kernel reaps).
//   server    holds an engine::Session and answers requests. Whenever the run is about to pass the next
//             checkpoint time (every `checkpoint_interval_us` of sim time) it forks:
//   checkpoint a frozen copy of the server at that event boundary, blocked reading its socket. A "wake"
//             request (seek t / seek_event n, the session's command log, and a fresh socket passed with
//             SCM_RIGHTS) makes it fork again: the new child becomes the server at the checkpoint and runs
//             on to the target; the checkpoint stays frozen for the next seek. EOF ends a checkpoint. The
//             woken server is forked through a short-lived middle process, so the root (the subreaper)
//             adopts it and sees how it ends: every server is a child of the root.
//   explorer   forked from the server on request (after open, and after each new command): runs on to the
//             end of the run at a lower priority, checkpointing on the way (notices on its own socket, which
//             the GUI drains before each request), then exits; it stops when the GUI closes its socket. So a
//             few seconds after opening, any point of the run, forward or backward, is near a checkpoint.
// The GUI keeps the list of checkpoints (it receives each one's socket with SCM_RIGHTS), ends the current
// server by closing its socket, and discards checkpoints later than a newly applied command. A process
// whose socket is closed exits; SIGPIPE is ignored and a failed write ends the process too. When the GUI
// dies the kernel closes its descriptors, so the same EOF ends everything; the root then reaps all its
// descendants before it exits (it deliberately has no PR_SET_PDEATHSIG: being killed first would leave the
// orphans to an init that may not reap them). The spawned child closes every inherited descriptor but its
// two sockets, so no other driver's socket (nor a GUI's X connection) lives on in a server.
//
// Exactness: a checkpoint is a byte-for-byte copy of the process at an event boundary; the resumed Session
// gets the whole command log (commands are pinned to event numbers, session.h), so a seek through a
// checkpoint gives the same state, trace hash and snapshot as a seek in one process.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "sim/core/time.h"
#include "sim/engine/session.h"
#include "sim/engine/snapshot_codec.h"

namespace kafkasim::engine::server {

// What the server runs: the scenario's text (parsed again in the server) and the run's options.
struct ServerSpec {
  std::string scenario_text;
  std::string scenario_source;                // file name for error messages
  std::optional<std::uint64_t> seed;          // overrides the scenario's
  std::optional<TimeUs> duration_us;          // overrides the scenario's (bench seek runs lessons longer)
  Session::CommandLog initial_commands;       // e.g. a recording's
  TimeUs checkpoint_interval_us = sec_to_us(20);
};

enum class Op : std::uint8_t {
  // GUI -> server
  kOpen = 1, kAdvance, kStepEvent, kStepNotable, kSeek, kSeekEvent, kApply, kSnapshot, kEvents,
  kExplore,  // with a socket: fork an explorer that runs ahead to the end, sending its checkpoints there
  // GUI -> checkpoint
  kWake,
  // server -> GUI
  kState, kCheckpoint, kSnapshotReply, kEventsReply, kError, kExplorerStarted,
  // root -> GUI, on the control socket: a child of the root ended other than by exit(0) (ExitNotice)
  kExited,
};

// The server's answer to every request that changes the run.
struct StateReply {
  pid_t server_pid = 0;
  bool ok = true;                      // step_event / step_notable: false at the end of the run
  TimeUs now_us = 0;                   // shown time
  TimeUs sim_now_us = 0;               // the clock (the last event's time)
  std::uint64_t events_executed = 0;
  bool finished = false;
  TimeUs next_pause_point_us = -1;
  TimeUs duration_us = 0;
  std::uint64_t marks_kept = 0;        // the GUI keeps its first marks_kept marks and appends new_marks
  std::vector<TimelineMark> new_marks;
};

struct CheckpointNotice {
  pid_t pid = 0;
  TimeUs sim_now_us = 0;
  std::uint64_t events_executed = 0;
  std::uint64_t commands_applied = 0;
};

// A process of the server tree that did not exit with status 0: its pid and waitpid() status.
struct ExitNotice {
  pid_t pid = 0;
  int status = 0;
};

// Framed messages on a stream socket: a 4-byte length, the op byte and the payload; file descriptors ride
// along with SCM_RIGHTS. recv_frame() returns false on EOF or error.
bool send_frame(int fd, Op op, const std::string& payload, const std::vector<int>& fds = {});
bool recv_frame(int fd, Op& op, std::string& payload, std::vector<int>* fds = nullptr);

std::string encode_spec(const ServerSpec& spec);
bool decode_spec(const std::string& bytes, ServerSpec& spec);
std::string encode_state(const StateReply& state);
bool decode_state(const std::string& bytes, StateReply& state);
std::string encode_notice(const CheckpointNotice& notice);
bool decode_notice(const std::string& bytes, CheckpointNotice& notice);
std::string encode_exit(const ExitNotice& notice);
bool decode_exit(const std::string& bytes, ExitNotice& notice);
void encode_commands(codec::Writer& w, const Session::CommandLog& log);
void decode_commands(codec::Reader& r, Session::CommandLog& log);

// The root process's body (see above); never returns. `session_fd` is the first server's socket,
// `control_fd` the root's.
[[noreturn]] void run_root(int session_fd, int control_fd);

// A spawned root: the GUI's ends of the two sockets.
struct Spawned {
  pid_t root_pid = -1;
  int session_fd = -1;
  int control_fd = -1;
};
// Forks the root. With `exec_path` empty the child runs run_root() directly (single-threaded callers:
// tests, benchmarks); otherwise it execs `exec_path --sim-server SESSION_FD CONTROL_FD` (the GUI, whose
// GL threads make a bare fork unsafe). false with `error` when the sockets or the fork fail.
bool spawn_root(const std::string& exec_path, Spawned& out, std::string& error);

// For a program's main(): when argv is `PROG --sim-server FD FD`, runs the root and never returns.
void maybe_run_root_from_args(int argc, char** argv);

}  // namespace kafkasim::engine::server
