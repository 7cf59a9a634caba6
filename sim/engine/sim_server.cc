#include "sim/engine/sim_server.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <memory>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/scenario/parser.h"

namespace kafkasim::engine::server {

namespace {

constexpr std::size_t kMaxFds = 8;

bool write_all(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::send(fd, data, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    data += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

bool read_all(int fd, char* data, std::size_t n) {
  while (n > 0) {
    const ssize_t r = ::read(fd, data, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    data += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

void put_u32(char* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

std::uint32_t get_u32(const char* p) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<std::uint8_t>(p[i])) << (8 * i);
  return v;
}

}  // namespace

bool send_frame(int fd, Op op, const std::string& payload, const std::vector<int>& fds) {
  char header[5];
  put_u32(header, static_cast<std::uint32_t>(payload.size() + 1));
  header[4] = static_cast<char>(op);
  iovec iov{header, sizeof header};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)];
  if (!fds.empty()) {
    if (fds.size() > kMaxFds) return false;
    std::memset(control, 0, sizeof control);
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
  }
  ssize_t w;
  do {
    w = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
  } while (w < 0 && errno == EINTR);
  if (w <= 0) return false;
  if (static_cast<std::size_t>(w) < sizeof header &&
      !write_all(fd, header + w, sizeof header - static_cast<std::size_t>(w))) {
    return false;
  }
  return write_all(fd, payload.data(), payload.size());
}

bool recv_frame(int fd, Op& op, std::string& payload, std::vector<int>* fds) {
  char header[5];
  iovec iov{header, sizeof header};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)];
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t r;
  do {
    r = ::recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
  } while (r < 0 && errno == EINTR);
  if (r <= 0) return false;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const std::size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    std::vector<int> got(n);
    std::memcpy(got.data(), CMSG_DATA(c), n * sizeof(int));
    for (int f : got) {
      if (fds != nullptr) {
        fds->push_back(f);
      } else {
        ::close(f);
      }
    }
  }
  if (static_cast<std::size_t>(r) < sizeof header &&
      !read_all(fd, header + r, sizeof header - static_cast<std::size_t>(r))) {
    return false;
  }
  const std::uint32_t len = get_u32(header);
  if (len == 0) return false;
  op = static_cast<Op>(header[4]);
  payload.resize(len - 1);
  return read_all(fd, payload.data(), payload.size());
}

void encode_commands(codec::Writer& w, const Session::CommandLog& log) {
  w.u64(log.size());
  for (const auto& [at, command] : log) {
    w.u64(at);
    codec::encode(w, command);
  }
}

void decode_commands(codec::Reader& r, Session::CommandLog& log) {
  log.resize(r.length());
  for (auto& [at, command] : log) {
    at = r.u64();
    codec::decode(r, command);
  }
}

std::string encode_spec(const ServerSpec& spec) {
  codec::Writer w;
  w.str(spec.scenario_text);
  w.str(spec.scenario_source);
  w.u64(spec.seed.has_value());
  w.u64(spec.seed.value_or(0));
  w.u64(spec.duration_us.has_value());
  w.i64(spec.duration_us.value_or(0));
  encode_commands(w, spec.initial_commands);
  w.i64(spec.checkpoint_interval_us);
  return w.take();
}

bool decode_spec(const std::string& bytes, ServerSpec& spec) {
  codec::Reader r(bytes);
  spec.scenario_text = r.str();
  spec.scenario_source = r.str();
  const bool has_seed = r.u64() != 0;
  const std::uint64_t seed = r.u64();
  if (has_seed) spec.seed = seed;
  const bool has_duration = r.u64() != 0;
  const TimeUs duration = r.i64();
  if (has_duration) spec.duration_us = duration;
  decode_commands(r, spec.initial_commands);
  spec.checkpoint_interval_us = r.i64();
  return r.ok() && r.at_end();
}

std::string encode_state(const StateReply& s) {
  codec::Writer w;
  w.i64(s.server_pid);
  w.u64(s.ok);
  w.i64(s.now_us);
  w.i64(s.sim_now_us);
  w.u64(s.events_executed);
  w.u64(s.finished);
  w.i64(s.next_pause_point_us);
  w.i64(s.duration_us);
  w.u64(s.marks_kept);
  codec::encode(w, s.new_marks);
  return w.take();
}

bool decode_state(const std::string& bytes, StateReply& s) {
  codec::Reader r(bytes);
  s.server_pid = static_cast<pid_t>(r.i64());
  s.ok = r.u64() != 0;
  s.now_us = r.i64();
  s.sim_now_us = r.i64();
  s.events_executed = r.u64();
  s.finished = r.u64() != 0;
  s.next_pause_point_us = r.i64();
  s.duration_us = r.i64();
  s.marks_kept = r.u64();
  codec::decode(r, s.new_marks);
  return r.ok() && r.at_end();
}

std::string encode_notice(const CheckpointNotice& n) {
  codec::Writer w;
  w.i64(n.pid);
  w.i64(n.sim_now_us);
  w.u64(n.events_executed);
  w.u64(n.commands_applied);
  return w.take();
}

bool decode_notice(const std::string& bytes, CheckpointNotice& n) {
  codec::Reader r(bytes);
  n.pid = static_cast<pid_t>(r.i64());
  n.sim_now_us = r.i64();
  n.events_executed = r.u64();
  n.commands_applied = r.u64();
  return r.ok() && r.at_end();
}

std::string encode_exit(const ExitNotice& n) {
  codec::Writer w;
  w.i64(n.pid);
  w.i64(n.status);
  return w.take();
}

bool decode_exit(const std::string& bytes, ExitNotice& n) {
  codec::Reader r(bytes);
  n.pid = static_cast<pid_t>(r.i64());
  n.status = static_cast<int>(r.i64());
  return r.ok() && r.at_end();
}

namespace {

// A request being served (it may be interrupted by checkpoints and resumed).
struct Request {
  Op op = Op::kStepEvent;
  TimeUs time_us = 0;
  std::uint64_t count = 0;           // max events (advance) or event number (seek_event) or max (events)
  std::optional<std::uint64_t> start_events;  // advance: events executed when it began
  Command command;
  std::string prefix;
  bool result = true;
  int fd = -1;  // explore: the explorer's socket
};

struct Server {
  std::unique_ptr<Session> session;
  int fd = -1;
  TimeUs interval_us = 0;
  TimeUs stop_us = 0;
  std::size_t marks_sent = 0;
  bool end_checkpointed = false;
  int nice = 0;  // the server's priority (an explorer runs at nice + kExplorerNice)
};

constexpr int kExplorerNice = 5;

[[noreturn]] void quit() { ::_exit(0); }

void send_or_quit(int fd, Op op, const std::string& payload, const std::vector<int>& fds = {}) {
  if (!send_frame(fd, op, payload, fds)) quit();
}

bool decode_request(Op op, const std::string& payload, Request& req) {
  codec::Reader r(payload);
  req = Request{};
  req.op = op;
  switch (op) {
    case Op::kAdvance:
      req.time_us = r.i64();
      req.count = r.u64();
      break;
    case Op::kSeek:
      req.time_us = r.i64();
      break;
    case Op::kSeekEvent:
      req.count = r.u64();
      break;
    case Op::kApply:
      codec::decode(r, req.command);
      break;
    case Op::kEvents:
      req.count = r.u64();
      req.prefix = r.str();
      break;
    case Op::kStepEvent:
    case Op::kStepNotable:
    case Op::kSnapshot:
    case Op::kExplore:
      break;
    default:
      return false;
  }
  return r.ok() && r.at_end();
}

// Runs the request; false when it stopped at a checkpoint time (the caller checkpoints and repeats it).
bool execute(Server& s, Request& req) {
  Session& session = *s.session;
  switch (req.op) {
    case Op::kAdvance: {
      const std::uint64_t events = session.run().sim().events_executed();
      if (!req.start_events) req.start_events = events;
      const std::uint64_t done = events - *req.start_events;
      session.advance_to(req.time_us, req.count > done ? req.count - done : 0);
      break;
    }
    case Op::kStepEvent:
      req.result = session.step_event();
      break;
    case Op::kStepNotable:
      req.result = session.step_notable();
      break;
    case Op::kSeek:
      session.seek(req.time_us);
      break;
    case Op::kSeekEvent:
      session.seek_event(req.count);
      break;
    case Op::kApply:
      session.apply(req.command);
      break;
    default:
      break;
  }
  return !session.take_checkpoint_stop();
}

void send_state(Server& s, bool ok) {
  Session& session = *s.session;
  StateReply st;
  st.server_pid = ::getpid();
  st.ok = ok;
  st.now_us = session.now_us();
  st.sim_now_us = session.run().sim().now();
  st.events_executed = session.run().sim().events_executed();
  st.finished = session.finished();
  st.next_pause_point_us = session.next_pause_point_us();
  st.duration_us = session.duration_us();
  const auto& marks = session.marks();
  if (marks.size() < s.marks_sent) s.marks_sent = 0;
  st.marks_kept = s.marks_sent;
  st.new_marks.assign(marks.begin() + static_cast<std::ptrdiff_t>(s.marks_sent), marks.end());
  s.marks_sent = marks.size();
  send_or_quit(s.fd, Op::kState, encode_state(st));
}

// The next checkpoint time: the next multiple of the interval after both the clock and the last stop.
void set_next_stop(Server& s) {
  const TimeUs from = std::max(s.session->run().sim().now(), s.stop_us);
  s.stop_us = (from / s.interval_us + 1) * s.interval_us;
  s.session->set_checkpoint_stop(s.stop_us);
}

// Forks a checkpoint of this server at the current event boundary. Returns false in the parent (which goes
// on serving); returns true in a server woken from the checkpoint, with `req` set to the wake's request.
bool checkpoint(Server& s, Request& req) {
  set_next_stop(s);
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return false;  // no checkpoint: go on
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(sv[0]);
    ::close(sv[1]);
    return false;
  }
  if (pid > 0) {
    ::close(sv[1]);
    CheckpointNotice n;
    n.pid = pid;
    n.sim_now_us = s.session->run().sim().now();
    n.events_executed = s.session->run().sim().events_executed();
    n.commands_applied = s.session->commands().size();
    send_or_quit(s.fd, Op::kCheckpoint, encode_notice(n), {sv[0]});
    ::close(sv[0]);
    return false;
  }
  // The frozen checkpoint.
  ::close(sv[0]);
  ::close(s.fd);
  for (;;) {
    Op op;
    std::string payload;
    std::vector<int> fds;
    if (!recv_frame(sv[1], op, payload, &fds)) quit();
    if (op != Op::kWake || fds.size() != 1) {
      for (int f : fds) ::close(f);
      continue;
    }
    codec::Reader r(payload);
    const auto wake_op = static_cast<Op>(r.u64());
    std::string rest = r.str();
    Session::CommandLog log;
    decode_commands(r, log);
    Request woken;
    if (!r.ok() || !decode_request(wake_op, rest, woken) ||
        (wake_op != Op::kSeek && wake_op != Op::kSeekEvent)) {
      ::close(fds[0]);
      continue;
    }
    const pid_t child = ::fork();
    if (child == 0) {
      // A middle process that exits at once: its child, the new server, is adopted by the root (the
      // subreaper), which reports how it ends. Without a second process the middle one is the server.
      if (::fork() > 0) ::_exit(0);
      ::close(sv[1]);
      ::setpriority(PRIO_PROCESS, 0, s.nice);  // a checkpoint of an explorer runs niced; may not be allowed
      s.fd = fds[0];
      s.marks_sent = 0;
      s.session->resume_from_checkpoint(log);
      req = woken;
      return true;
    }
    ::close(fds[0]);
  }
}

[[noreturn]] void serve(Server& s, std::optional<Request> pending);

// True when the GUI closed the explorer's socket (it never writes to it).
bool hung_up(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

// The explorer (see the header): runs to the end in 1 s steps of sim time, checkpointing on the way.
[[noreturn]] void explore(Server& s, int fd) {
  ::close(s.fd);
  s.fd = fd;
  ::setpriority(PRIO_PROCESS, 0, s.nice + kExplorerNice);
  Session& session = *s.session;
  while (!session.finished()) {
    Request req;
    req.op = Op::kAdvance;
    req.time_us = std::min(session.duration_us(), session.now_us() + sec_to_us(1));
    req.count = UINT64_MAX;
    while (!execute(s, req)) {
      Request woken;
      if (checkpoint(s, woken)) serve(s, woken);
    }
    if (hung_up(fd)) quit();
  }
  if (!s.end_checkpointed) {
    s.end_checkpointed = true;
    Request woken;
    if (checkpoint(s, woken)) serve(s, woken);
  }
  quit();
}

[[noreturn]] void serve(Server& s, std::optional<Request> pending) {
  for (;;) {
    if (!pending) {
      Op op;
      std::string payload;
      std::vector<int> fds;
      if (!recv_frame(s.fd, op, payload, &fds)) quit();
      Request req;
      if (!decode_request(op, payload, req)) quit();  // a protocol error: the GUI sees EOF
      if (op == Op::kExplore) {
        if (fds.size() != 1) quit();
        req.fd = fds[0];
      } else {
        for (int f : fds) ::close(f);
      }
      pending = req;
    }
    Request& req = *pending;
    if (req.op == Op::kExplore) {
      const pid_t pid = ::fork();
      if (pid == 0) explore(s, req.fd);
      ::close(req.fd);
      codec::Writer w;
      w.i64(pid);
      send_or_quit(s.fd, Op::kExplorerStarted, w.take());
      pending.reset();
      continue;
    }
    if (req.op == Op::kSnapshot) {
      codec::Writer w;
      codec::encode(w, s.session->snapshot());
      send_or_quit(s.fd, Op::kSnapshotReply, w.take());
      pending.reset();
      continue;
    }
    if (req.op == Op::kEvents) {
      codec::Writer w;
      codec::encode(w, s.session->recent_events(req.count, req.prefix));
      send_or_quit(s.fd, Op::kEventsReply, w.take());
      pending.reset();
      continue;
    }
    if (!execute(s, req)) {
      Request woken;
      if (checkpoint(s, woken)) pending = woken;
      continue;
    }
    if (s.session->finished() && !s.end_checkpointed) {
      // The end of the run, after its final check (the costliest moment to reach): a checkpoint too.
      s.end_checkpointed = true;
      Request woken;
      if (checkpoint(s, woken)) {
        pending = woken;
        continue;
      }
    }
    send_state(s, req.result);
    pending.reset();
  }
}

[[noreturn]] void run_first_server(int fd) {
  Op op;
  std::string payload;
  if (!recv_frame(fd, op, payload) || op != Op::kOpen) quit();
  ServerSpec spec;
  if (!decode_spec(payload, spec)) {
    send_or_quit(fd, Op::kError, "bad open request");
    quit();
  }
  scenario::ParseResult parsed = scenario::parse_scenario_text(spec.scenario_text, spec.scenario_source);
  if (!parsed.ok()) {
    send_or_quit(fd, Op::kError, parsed.error_text());
    quit();
  }
  scenario::Scenario sc = std::move(*parsed.scenario);
  if (spec.duration_us) sc.duration_us = *spec.duration_us;
  RunOptions options;
  options.seed = spec.seed;
  Server s;
  s.fd = fd;
  s.interval_us = std::max<TimeUs>(spec.checkpoint_interval_us, 1);
  s.nice = ::getpriority(PRIO_PROCESS, 0);
  s.session = std::make_unique<Session>(std::move(sc), std::move(options), std::move(spec.initial_commands));
  Request woken;
  if (checkpoint(s, woken)) serve(s, woken);  // the start of the run is always a checkpoint
  send_state(s, true);
  serve(s, std::nullopt);
}

// The root's report of a child that did not exit(0), as one frame that never blocks the root (a GUI that
// does not read its control socket loses notices, the root carries on).
void report_exit(int control_fd, pid_t pid, int status) {
  const std::string payload = encode_exit(ExitNotice{pid, status});
  std::string frame(5, '\0');
  put_u32(frame.data(), static_cast<std::uint32_t>(payload.size() + 1));
  frame[4] = static_cast<char>(Op::kExited);
  frame += payload;
  (void)::send(control_fd, frame.data(), frame.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
}

// Reaps every child that has ended; reports those that did not exit(0).
void reap_children(int control_fd) {
  for (;;) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) report_exit(control_fd, pid, status);
  }
}

}  // namespace

void run_root(int session_fd, int control_fd) {
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  std::signal(SIGPIPE, SIG_IGN);
  // SIGCHLD arrives through a signalfd, so the loop below waits for the GUI and for ended children at once.
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  ::sigprocmask(SIG_BLOCK, &chld, nullptr);
  const int sig_fd = ::signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sig_fd < 0) {
    ::sigprocmask(SIG_UNBLOCK, &chld, nullptr);
    std::signal(SIGCHLD, SIG_IGN);  // no reports: the kernel reaps every child
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(control_fd);
    if (sig_fd >= 0) ::close(sig_fd);
    // The servers' checkpoints, explorers and middle processes are reaped by the kernel.
    std::signal(SIGCHLD, SIG_IGN);
    ::sigprocmask(SIG_UNBLOCK, &chld, nullptr);
    run_first_server(session_fd);
  }
  ::close(session_fd);
  for (;;) {
    pollfd p[2] = {{control_fd, POLLIN, 0}, {sig_fd, POLLIN, 0}};
    if (::poll(p, sig_fd >= 0 ? 2 : 1, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (sig_fd >= 0 && (p[1].revents & POLLIN) != 0) {
      signalfd_siginfo info;
      while (::read(sig_fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      }
      reap_children(control_fd);
    }
    if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      char c;
      const ssize_t r = ::read(control_fd, &c, 1);
      if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) break;
    }
  }
  // The GUI closed (or died): every server and checkpoint sees EOF on its socket and exits.
  for (;;) {
    if (::wait(nullptr) < 0 && errno != EINTR) break;
  }
  ::_exit(0);
}

bool spawn_root(const std::string& exec_path, Spawned& out, std::string& error) {
  int session[2];
  int control[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, session) != 0) {
    error = std::string("socketpair: ") + std::strerror(errno);
    return false;
  }
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, control) != 0) {
    error = std::string("socketpair: ") + std::strerror(errno);
    ::close(session[0]);
    ::close(session[1]);
    return false;
  }
  // Everything the child needs is prepared before fork (only async-signal-safe calls after it): the
  // sockets become fds 3 and 4 and every other inherited descriptor is closed (another driver's sockets
  // kept open here would hide its EOF; a GUI's X connection must not reach the server).
  const char* argv[] = {exec_path.c_str(), "--sim-server", "3", "4", nullptr};
  const pid_t pid = ::fork();
  if (pid < 0) {
    error = std::string("fork: ") + std::strerror(errno);
    for (int f : {session[0], session[1], control[0], control[1]}) ::close(f);
    return false;
  }
  if (pid == 0) {
    const int s = ::fcntl(session[1], F_DUPFD, 10);
    const int c = ::fcntl(control[1], F_DUPFD, 10);
    if (s < 0 || c < 0 || ::dup2(s, 3) < 0 || ::dup2(c, 4) < 0) ::_exit(127);
    ::close_range(5, ~0U, 0);
    if (exec_path.empty()) run_root(3, 4);
    ::execv(exec_path.c_str(), const_cast<char* const*>(argv));
    ::_exit(127);
  }
  ::close(session[1]);
  ::close(control[1]);
  out.root_pid = pid;
  out.session_fd = session[0];
  out.control_fd = control[0];
  return true;
}

void maybe_run_root_from_args(int argc, char** argv) {
  if (argc != 4 || std::strcmp(argv[1], "--sim-server") != 0) return;
  run_root(std::atoi(argv[2]), std::atoi(argv[3]));
}

}  // namespace kafkasim::engine::server
