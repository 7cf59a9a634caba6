#include "sim/engine/remote_driver.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/core/time.h"

namespace kafkasim::engine {

using server::Op;

std::unique_ptr<RemoteDriver> RemoteDriver::open(const server::ServerSpec& spec, const RemoteOptions& options,
                                                 std::string& error) {
  server::Spawned sp;
  if (!server::spawn_root(options.exec_path, sp, error)) return nullptr;
  std::unique_ptr<RemoteDriver> d(new RemoteDriver());
  d->options_ = options;
  d->root_pid_ = sp.root_pid;
  d->control_fd_ = sp.control_fd;
  d->server_fd_ = sp.session_fd;
  d->commands_ = spec.initial_commands;
  std::string answer;
  if (!d->call(d->server_fd_, Op::kOpen, server::encode_spec(spec), Op::kState, answer) ||
      !d->read_state(answer)) {
    if (!d->error_.empty()) {
      error = d->error_;  // the server's answer, e.g. a scenario error
    } else {
      d->lose_server();
      error = "the simulation server did not start: " + *d->failure_;
    }
    return nullptr;
  }
  d->start_explorer();
  return d;
}

RemoteDriver::~RemoteDriver() {
  stop_explorer();
  disconnect();
  for (const Checkpoint& c : checkpoints_) ::close(c.fd);
  checkpoints_.clear();
  if (control_fd_ >= 0) ::close(control_fd_);
  if (root_pid_ > 0) {
    while (::waitpid(root_pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
}

void RemoteDriver::disconnect() const {
  if (server_fd_ >= 0) ::close(server_fd_);
  server_fd_ = -1;
}

void RemoteDriver::lose_server() const {
  disconnect();
  if (!failure_) failure_ = describe_server_end();
}

std::optional<std::string> RemoteDriver::failure() const {
  if (!failure_ && server_fd_ >= 0) {
    // Between requests the server sends nothing: a readable socket is its end (EOF, or ECONNRESET).
    pollfd p{server_fd_, POLLIN, 0};
    if (::poll(&p, 1, 0) > 0) {
      char c;
      const ssize_t r = ::recv(server_fd_, &c, 1, MSG_PEEK | MSG_DONTWAIT);
      if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) lose_server();
    }
  }
  return failure_;
}

std::optional<int> RemoteDriver::server_exit_status() const {
  constexpr int kNoticeWaitMs = 2000;  // the root reaps the server right after the kernel closed its socket
  for (;;) {
    for (const server::ExitNotice& e : exits_) {
      if (e.pid == server_pid_) return e.status;
    }
    pollfd p{control_fd_, POLLIN, 0};
    if (server_pid_ <= 0 || control_fd_ < 0 || ::poll(&p, 1, kNoticeWaitMs) <= 0) return std::nullopt;
    Op op;
    std::string payload;
    if (!server::recv_frame(control_fd_, op, payload)) return std::nullopt;  // the root is gone
    server::ExitNotice n;
    if (op == Op::kExited && server::decode_exit(payload, n)) exits_.push_back(n);
  }
}

std::string RemoteDriver::describe_server_end() const {
  const std::string who = server_pid_ > 0 ? fmt::format("sim server (pid {})", server_pid_) : "sim server";
  const std::string when =
      fmt::format("at sim time {} (event {})", format_time(state_.now_us), state_.events_executed);
  const std::optional<int> status = server_exit_status();
  if (status && WIFSIGNALED(*status)) {
    const int sig = WTERMSIG(*status);
    const char* abbrev = ::sigabbrev_np(sig);
    return fmt::format("{} exited with signal {} ({}) {}", who, sig,
                       abbrev != nullptr ? "SIG" + std::string(abbrev) : std::string(::strsignal(sig)), when);
  }
  if (status && WIFEXITED(*status))
    return fmt::format("{} exited with status {} {}", who, WEXITSTATUS(*status), when);
  return fmt::format("{} closed its connection {} (no exit status from the server root)", who, when);
}

void RemoteDriver::start_explorer() {
  stop_explorer();
  if (!options_.explore || state_.finished || server_fd_ < 0) return;
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return;
  std::string answer;
  const bool ok = call(server_fd_, Op::kExplore, {}, Op::kExplorerStarted, answer, {sv[1]});
  ::close(sv[1]);
  if (!ok) {
    ::close(sv[0]);
    lose_server();
    return;
  }
  codec::Reader r(answer);
  explorer_pid_ = static_cast<pid_t>(r.i64());
  explorer_fd_ = sv[0];
  if (hold_explorer_ && explorer_pid_ > 0) ::kill(explorer_pid_, SIGSTOP);
}

void RemoteDriver::hold_background_work(bool hold) {
  if (hold == hold_explorer_) return;
  hold_explorer_ = hold;
  if (explorer_fd_ >= 0 && explorer_pid_ > 0) ::kill(explorer_pid_, hold ? SIGSTOP : SIGCONT);
}

void RemoteDriver::stop_explorer() const {
  if (explorer_fd_ >= 0 && explorer_pid_ > 0 && hold_explorer_) ::kill(explorer_pid_, SIGCONT);  // to see the hang-up
  if (explorer_fd_ >= 0) ::close(explorer_fd_);  // the explorer sees the hang-up within 1 s of sim time
  explorer_fd_ = -1;
  explorer_pid_ = -1;
}

void RemoteDriver::drain_explorer(bool block) const {
  while (explorer_fd_ >= 0) {
    pollfd p{explorer_fd_, POLLIN, 0};
    if (!block && ::poll(&p, 1, 0) <= 0) return;
    Op op;
    std::string notice;
    std::vector<int> fds;
    if (!server::recv_frame(explorer_fd_, op, notice, &fds)) {
      stop_explorer();  // it reached the end (or failed)
      return;
    }
    if (op == Op::kCheckpoint && fds.size() == 1) {
      add_checkpoint(notice, fds[0]);
    } else {
      for (int f : fds) ::close(f);
    }
  }
}

void RemoteDriver::wait_explored() {
  hold_background_work(false);  // a held explorer would never arrive
  drain_explorer(true);
}

bool RemoteDriver::call(int fd, Op op, const std::string& payload, Op expect, std::string& answer,
                        const std::vector<int>& fds) const {
  collect_prefetch();  // the answers come in request order
  drain_explorer(false);
  if (fd < 0 || !server::send_frame(fd, op, payload, fds)) return false;
  return receive(fd, expect, answer);
}

bool RemoteDriver::receive(int fd, Op expect, std::string& answer) const {
  for (;;) {
    Op got;
    std::vector<int> got_fds;
    if (!server::recv_frame(fd, got, answer, &got_fds)) return false;
    if (got == Op::kCheckpoint && got_fds.size() == 1) {
      add_checkpoint(answer, got_fds[0]);
      continue;
    }
    for (int f : got_fds) ::close(f);
    if (got == Op::kError) {
      error_ = answer;
      return false;
    }
    return got == expect;
  }
}

void RemoteDriver::add_checkpoint(const std::string& bytes, int fd) const {
  server::CheckpointNotice n;
  if (!server::decode_notice(bytes, n)) {
    ::close(fd);
    return;
  }
  const auto key = [](const Checkpoint& c) { return std::pair(c.events_executed, c.sim_now_us); };
  const Checkpoint added{n.pid, fd, n.sim_now_us, n.events_executed};
  auto it = std::lower_bound(checkpoints_.begin(), checkpoints_.end(), added,
                             [&](const Checkpoint& a, const Checkpoint& b) { return key(a) < key(b); });
  if (it != checkpoints_.end() && key(*it) == key(added)) {
    ::close(fd);  // the same boundary: the one we have is as good
    return;
  }
  checkpoints_.insert(it, added);
  while (checkpoints_.size() > std::max<std::size_t>(options_.max_checkpoints, 2)) {
    // Thin out: drop the interior checkpoint whose neighbours are closest together (never the first).
    std::size_t best = 1;
    TimeUs best_gap = -1;
    for (std::size_t i = 1; i + 1 < checkpoints_.size(); ++i) {
      const TimeUs gap = checkpoints_[i + 1].sim_now_us - checkpoints_[i - 1].sim_now_us;
      if (best_gap < 0 || gap < best_gap) {
        best_gap = gap;
        best = i;
      }
    }
    drop_checkpoint(best);
  }
}

void RemoteDriver::drop_checkpoint(std::size_t index) const {
  ::close(checkpoints_[index].fd);  // the checkpoint sees EOF and exits
  checkpoints_.erase(checkpoints_.begin() + static_cast<std::ptrdiff_t>(index));
}

bool RemoteDriver::read_state(const std::string& answer) const {
  server::StateReply st;
  if (!server::decode_state(answer, st)) return false;
  marks_.resize(std::min<std::size_t>(marks_.size(), st.marks_kept));
  marks_.insert(marks_.end(), st.new_marks.begin(), st.new_marks.end());
  st.new_marks.clear();
  server_pid_ = st.server_pid;
  state_ = std::move(st);
  snapshot_valid_ = false;
  return true;
}

bool RemoteDriver::request_state(Op op, const std::string& payload) {
  std::string answer;
  if (call(server_fd_, op, payload, Op::kState, answer) && read_state(answer)) return true;
  lose_server();
  return false;
}

void RemoteDriver::prefetch_advance(TimeUs until_us, std::uint64_t max_events) {
  collect_prefetch();
  if (server_fd_ < 0 || state_.finished) return;
  drain_explorer(false);
  codec::Writer w;
  w.i64(until_us);
  w.u64(max_events);
  if (!server::send_frame(server_fd_, Op::kAdvance, w.bytes()) || !server::send_frame(server_fd_, Op::kSnapshot, {})) {
    lose_server();
    return;
  }
  prefetch_ = Prefetch{until_us, max_events};
}

void RemoteDriver::collect_prefetch() const {
  if (!prefetch_) return;
  prefetch_.reset();
  std::string answer;
  if (!receive(server_fd_, Op::kState, answer) || !read_state(answer) ||
      !receive(server_fd_, Op::kSnapshotReply, answer)) {
    lose_server();
    return;
  }
  codec::Reader r(answer);
  Snapshot s;
  codec::decode(r, s);
  if (!r.ok()) return;  // snapshot() asks again
  snapshot_ = std::move(s);
  snapshot_valid_ = true;
}

void RemoteDriver::advance_to(TimeUs until_us, std::uint64_t max_events) {
  const bool announced = prefetch_ && prefetch_->until_us == until_us && prefetch_->max_events == max_events;
  collect_prefetch();
  if (announced) return;  // the server went there while the last frame was drawn
  codec::Writer w;
  w.i64(until_us);
  w.u64(max_events);
  request_state(Op::kAdvance, w.bytes());
}

bool RemoteDriver::step_event() { return request_state(Op::kStepEvent, {}) && state_.ok; }  // call() collects a prefetch
bool RemoteDriver::step_notable() { return request_state(Op::kStepNotable, {}) && state_.ok; }

bool RemoteDriver::wake(std::size_t index, Op op, const std::string& payload) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return false;
  codec::Writer w;
  w.u64(static_cast<std::uint64_t>(op));
  w.str(payload);
  server::encode_commands(w, commands_);
  const bool sent = server::send_frame(checkpoints_[index].fd, Op::kWake, w.bytes(), {sv[1]});
  ::close(sv[1]);
  if (!sent) {
    ::close(sv[0]);
    drop_checkpoint(index);
    return false;
  }
  disconnect();  // the old server exits on EOF
  server_fd_ = sv[0];
  server_pid_ = -1;  // until the new server answers
  std::string answer;
  if (!receive(server_fd_, Op::kState, answer) || !read_state(answer)) lose_server();
  return true;
}

void RemoteDriver::seek(TimeUs time_us) {
  collect_prefetch();  // before the server may be replaced by a checkpoint
  if (server_fd_ < 0) return;  // stands still after a failure (a checkpoint would start a server again)
  codec::Writer w;
  w.i64(time_us);
  // The newest checkpoint whose clock is at or before the target.
  std::size_t best = checkpoints_.size();
  for (std::size_t i = 0; i < checkpoints_.size(); ++i) {
    if (checkpoints_[i].sim_now_us <= time_us) best = i;
  }
  const bool forward = time_us >= state_.now_us;
  if (best == checkpoints_.size() ||
      (forward && checkpoints_[best].events_executed <= state_.events_executed)) {
    request_state(Op::kSeek, w.bytes());
    return;
  }
  if (!wake(best, Op::kSeek, w.bytes())) request_state(Op::kSeek, w.bytes());
}

void RemoteDriver::seek_event(std::uint64_t event_number) {
  collect_prefetch();
  if (server_fd_ < 0) return;
  codec::Writer w;
  w.u64(event_number);
  std::size_t best = checkpoints_.size();
  for (std::size_t i = 0; i < checkpoints_.size(); ++i) {
    if (checkpoints_[i].events_executed <= event_number) best = i;
  }
  const bool forward = event_number >= state_.events_executed;
  if (best == checkpoints_.size() ||
      (forward && checkpoints_[best].events_executed <= state_.events_executed)) {
    request_state(Op::kSeekEvent, w.bytes());
    return;
  }
  if (!wake(best, Op::kSeekEvent, w.bytes())) request_state(Op::kSeekEvent, w.bytes());
}

void RemoteDriver::apply(const Command& command) {
  collect_prefetch();  // the command applies at the event boundary the announced advance reached
  if (state_.finished || server_fd_ < 0) return;  // as Session::apply: the run is over
  stop_explorer();  // it explores a future that no longer happens
  const std::uint64_t at = state_.events_executed;
  commands_.erase(std::remove_if(commands_.begin(), commands_.end(), [&](const auto& c) { return c.first > at; }),
                  commands_.end());
  commands_.emplace_back(at, command);
  // Checkpoints after this boundary belong to a future that no longer happens.
  for (std::size_t i = checkpoints_.size(); i-- > 0;) {
    if (checkpoints_[i].events_executed > at) drop_checkpoint(i);
  }
  codec::Writer w;
  codec::encode(w, command);
  if (request_state(Op::kApply, w.bytes())) start_explorer();
}

const Snapshot& RemoteDriver::snapshot() {
  collect_prefetch();
  if (snapshot_valid_) return snapshot_;
  std::string answer;
  if (call(server_fd_, Op::kSnapshot, {}, Op::kSnapshotReply, answer)) {
    codec::Reader r(answer);
    Snapshot s;
    codec::decode(r, s);
    if (r.ok()) snapshot_ = std::move(s);
  } else {
    lose_server();
  }
  snapshot_valid_ = true;
  return snapshot_;
}

std::vector<EventView> RemoteDriver::recent_events(std::size_t max, const std::string& kind_prefix) const {
  codec::Writer w;
  w.u64(max);
  w.str(kind_prefix);
  std::string answer;
  std::vector<EventView> out;
  if (!call(server_fd_, Op::kEvents, w.bytes(), Op::kEventsReply, answer)) {
    lose_server();
    return out;
  }
  codec::Reader r(answer);
  codec::decode(r, out);
  if (!r.ok()) out.clear();
  return out;
}

std::vector<pid_t> RemoteDriver::process_ids() const {
  std::vector<pid_t> out{root_pid_};
  if (server_pid_ > 0) out.push_back(server_pid_);
  if (explorer_pid_ > 0) out.push_back(explorer_pid_);
  for (const Checkpoint& c : checkpoints_) out.push_back(c.pid);
  return out;
}

}  // namespace kafkasim::engine
