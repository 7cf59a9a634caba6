#pragma once
// Test helpers over /proc for the sim-server tests (seek_server_test.cc, remote_driver_test.cc): a
// process's state letter, whether it has ended, and a bounded wait for processes to end.
#include <fstream>
#include <string>
#include <vector>

#include <sys/types.h>
#include <unistd.h>

namespace kafkasim_test {

// The state letter of /proc/PID/stat (R, S, T for stopped, Z for zombie, ...), or '?' when it is gone.
inline char process_state(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return '?';
  const auto paren = line.rfind(')');
  return paren == std::string::npos || paren + 2 >= line.size() ? '?' : line[paren + 2];
}

// True when the process is gone or a zombie no one will run again.
inline bool process_ended(pid_t pid) {
  const char s = process_state(pid);
  return s == '?' || s == 'Z';
}

// Waits (bounded, not a timing assertion) for every process to end, as they do after EOF.
inline bool all_ended(const std::vector<pid_t>& pids) {
  for (int i = 0; i < 500; ++i) {
    bool ended = true;
    for (pid_t p : pids) ended = ended && process_ended(p);
    if (ended) return true;
    ::usleep(10'000);
  }
  return false;
}

}  // namespace kafkasim_test
