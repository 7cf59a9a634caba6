#pragma once
// HostMirror: the real-files backend of Disk. Applies the written-bytes mutations of a simulated disk to
// real files under a host directory, keeping one open descriptor per file. Only Disk uses it. Every host
// failure is returned as a Status (the first one is kept by Disk); nothing throws, nothing aborts.
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "sim/disk/disk.h"

namespace kafkasim {

class HostMirror {
 public:
  explicit HostMirror(std::string root) : root_(std::move(root)) {}
  ~HostMirror();
  HostMirror(const HostMirror&) = delete;
  HostMirror& operator=(const HostMirror&) = delete;

  Status init();
  Status write(std::string_view path, std::uint64_t position, std::span<const std::uint8_t> bytes);
  Status truncate(std::string_view path, std::uint64_t size);
  // Replaces the file's contents entirely (after a power loss).
  Status rewrite(std::string_view path, std::span<const std::uint8_t> bytes);
  Status rename(std::string_view from, std::string_view to);
  Status remove(std::string_view path);

 private:
  int fd_for(std::string_view path, Status& status);
  void close_fd(std::string_view path);
  std::string host_path(std::string_view path) const;

  std::string root_;
  std::map<std::string, int, std::less<>> fds_;
};

}  // namespace kafkasim
