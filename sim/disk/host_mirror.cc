#include "sim/disk/host_mirror.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace kafkasim {
namespace {
Status host_error(std::string_view what, const std::string& path, int err) {
  return Status{false, std::string(what) + " " + path + ": " + std::strerror(err)};
}
}  // namespace

HostMirror::~HostMirror() {
  for (auto& [path, fd] : fds_) ::close(fd);
}

std::string HostMirror::host_path(std::string_view path) const { return root_ + "/" + std::string(path); }

Status HostMirror::init() {
  std::error_code ec;
  std::filesystem::create_directories(root_, ec);
  if (ec) return Status{false, "cannot create " + root_ + ": " + ec.message()};
  return {};
}

int HostMirror::fd_for(std::string_view path, Status& status) {
  auto it = fds_.find(path);
  if (it != fds_.end()) return it->second;
  const std::string full = host_path(path);
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(full).parent_path(), ec);
  if (ec) {
    status = Status{false, "cannot create directory for " + full + ": " + ec.message()};
    return -1;
  }
  const int fd = ::open(full.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    status = host_error("cannot open", full, errno);
    return -1;
  }
  fds_.emplace(std::string(path), fd);
  return fd;
}

void HostMirror::close_fd(std::string_view path) {
  auto it = fds_.find(path);
  if (it == fds_.end()) return;
  ::close(it->second);
  fds_.erase(it);
}

Status HostMirror::write(std::string_view path, std::uint64_t position, std::span<const std::uint8_t> bytes) {
  Status status;
  const int fd = fd_for(path, status);
  if (fd < 0) return status;
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(position + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return host_error("cannot write", host_path(path), errno);
    }
    done += static_cast<std::size_t>(n);
  }
  return status;
}

Status HostMirror::truncate(std::string_view path, std::uint64_t size) {
  Status status;
  const int fd = fd_for(path, status);
  if (fd < 0) return status;
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) return host_error("cannot truncate", host_path(path), errno);
  return status;
}

Status HostMirror::rewrite(std::string_view path, std::span<const std::uint8_t> bytes) {
  Status status = truncate(path, 0);
  if (!status.ok) return status;
  return write(path, 0, bytes);
}

Status HostMirror::rename(std::string_view from, std::string_view to) {
  close_fd(from);
  close_fd(to);
  const std::string a = host_path(from);
  const std::string b = host_path(to);
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(b).parent_path(), ec);
  if (::rename(a.c_str(), b.c_str()) != 0) return host_error("cannot rename", a, errno);
  return {};
}

Status HostMirror::remove(std::string_view path) {
  close_fd(path);
  const std::string full = host_path(path);
  if (::unlink(full.c_str()) != 0 && errno != ENOENT) return host_error("cannot remove", full, errno);
  return {};
}

}  // namespace kafkasim
