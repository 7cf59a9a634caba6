#include "sim/disk/disk.h"

#include <algorithm>
#include <cstring>

#include "sim/core/assert.h"
#include "sim/disk/chunked_buffer.h"
#include "sim/disk/host_mirror.h"

namespace kafkasim {

const char* to_string(DiskError e) {
  switch (e) {
    case DiskError::kOk: return "ok";
    case DiskError::kNotFound: return "not found";
    case DiskError::kExists: return "exists";
    case DiskError::kNoSpace: return "no space left on device";
    case DiskError::kIoError: return "I/O error";
  }
  return "?";
}

std::string_view dir_of(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view{} : path.substr(0, slash);
}

struct Disk::Inode {
  // Pre-image of durable bytes overwritten or truncated since the last fsync.
  struct Undo {
    std::uint64_t position;
    std::vector<std::uint8_t> bytes;
  };
  ChunkedBuffer written;
  std::uint64_t durable_bytes = 0;  // durable content = written[0, durable_bytes) with `undo` applied
  std::vector<Undo> undo;
  std::string live_name;       // empty when unlinked from the live namespace
  std::uint32_t durable_refs = 0;  // names in the durable namespace that point here
};

Disk::Disk() = default;

std::vector<std::uint8_t> Disk::contents(const Inode& f) {
  std::vector<std::uint8_t> bytes(f.written.size());
  f.written.copy_out(0, bytes.size(), bytes.data());
  return bytes;
}
Disk::~Disk() = default;

Disk::Inode* Disk::inode(FileId id) const {
  auto it = inodes_.find(id);
  KS_ASSERT_MSG(it != inodes_.end(), "stale FileId");
  return it->second.get();
}

DiskError Disk::check_space(std::uint64_t grow) const {
  if (io_error_) return DiskError::kIoError;
  if (capacity_bytes_ != 0 && bytes_used_ + grow > capacity_bytes_) return DiskError::kNoSpace;
  return DiskError::kOk;
}

void Disk::mirror_note(const Status& s) {
  if (!s.ok && mirror_status_.ok) mirror_status_ = s;
}

void Disk::save_undo(Inode& f, std::uint64_t position, std::uint64_t len) {
  const std::uint64_t end = std::min({position + len, f.durable_bytes, static_cast<std::uint64_t>(f.written.size())});
  if (position >= end) return;
  Inode::Undo u{position, std::vector<std::uint8_t>(end - position)};
  f.written.copy_out(position, end - position, u.bytes.data());
  f.undo.push_back(std::move(u));
}

void Disk::collect_garbage() {
  for (auto it = inodes_.begin(); it != inodes_.end();) {
    const Inode& f = *it->second;
    if (f.live_name.empty() && f.durable_refs == 0) {
      bytes_used_ -= f.written.size();
      it = inodes_.erase(it);
    } else {
      ++it;
    }
  }
}

DiskResult<FileId> Disk::create(std::string_view path) {
  if (io_error_) return {0, DiskError::kIoError};
  KS_ASSERT(!path.empty());
  if (live_.find(path) != live_.end()) return {0, DiskError::kExists};
  const FileId id = next_id_++;
  auto f = std::make_unique<Inode>();
  f->live_name = std::string(path);
  inodes_.emplace(id, std::move(f));
  live_.emplace(std::string(path), id);
  if (mirror_) mirror_note(mirror_->rewrite(path, {}));
  return {id, DiskError::kOk};
}

DiskResult<FileId> Disk::open(std::string_view path) const {
  if (io_error_) return {0, DiskError::kIoError};
  auto it = live_.find(path);
  if (it == live_.end()) return {0, DiskError::kNotFound};
  return {it->second, DiskError::kOk};
}

bool Disk::exists(std::string_view path) const { return live_.find(path) != live_.end(); }

DiskError Disk::rename(std::string_view from, std::string_view to) {
  if (io_error_) return DiskError::kIoError;
  auto it = live_.find(from);
  if (it == live_.end()) return DiskError::kNotFound;
  const FileId id = it->second;
  live_.erase(it);
  auto old = live_.find(to);
  if (old != live_.end()) {
    inode(old->second)->live_name.clear();
    old->second = id;
  } else {
    live_.emplace(std::string(to), id);
  }
  inode(id)->live_name = std::string(to);
  if (mirror_) mirror_note(mirror_->rename(from, to));
  collect_garbage();
  return DiskError::kOk;
}

DiskError Disk::remove(std::string_view path) {
  if (io_error_) return DiskError::kIoError;
  auto it = live_.find(path);
  if (it == live_.end()) return DiskError::kNotFound;
  inode(it->second)->live_name.clear();
  live_.erase(it);
  if (mirror_) mirror_note(mirror_->remove(path));
  collect_garbage();
  return DiskError::kOk;
}

std::vector<std::string> Disk::list(std::string_view dir) const {
  std::vector<std::string> names;
  if (io_error_) return names;
  for (const auto& [path, id] : live_) {
    if (dir_of(path) == dir) names.push_back(dir.empty() ? path : path.substr(dir.size() + 1));
  }
  return names;
}

std::vector<std::string> Disk::list_dirs(std::string_view dir) const {
  std::vector<std::string> dirs;
  if (io_error_) return dirs;
  const std::string prefix = dir.empty() ? std::string() : std::string(dir) + "/";
  for (const auto& [path, id] : live_) {
    if (path.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string_view rest = std::string_view(path).substr(prefix.size());
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos) continue;
    std::string name(rest.substr(0, slash));
    if (dirs.empty() || dirs.back() != name) dirs.push_back(std::move(name));
  }
  return dirs;
}

DiskError Disk::sync_dir(std::string_view dir) {
  if (io_error_) return DiskError::kIoError;
  for (auto it = durable_.begin(); it != durable_.end();) {
    if (dir_of(it->first) == dir && live_.find(it->first) == live_.end()) {
      --inode(it->second)->durable_refs;
      it = durable_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& [path, id] : live_) {
    if (dir_of(path) != dir) continue;
    auto d = durable_.find(path);
    if (d != durable_.end() && d->second == id) continue;
    if (d != durable_.end()) {
      --inode(d->second)->durable_refs;
      d->second = id;
    } else {
      durable_.emplace(path, id);
    }
    ++inode(id)->durable_refs;
  }
  collect_garbage();
  return DiskError::kOk;
}

DiskError Disk::append(FileId file, std::span<const std::uint8_t> bytes) {
  if (const DiskError e = check_space(bytes.size()); e != DiskError::kOk) return e;
  Inode& f = *inode(file);
  const std::uint64_t position = f.written.size();
  f.written.append(bytes.data(), bytes.size());
  bytes_used_ += bytes.size();
  if (mirror_ && !f.live_name.empty()) mirror_note(mirror_->write(f.live_name, position, bytes));
  return DiskError::kOk;
}

DiskError Disk::write_at(FileId file, std::uint64_t position, std::span<const std::uint8_t> bytes) {
  Inode& f = *inode(file);
  const std::uint64_t end = position + bytes.size();
  const std::uint64_t grow = end > f.written.size() ? end - f.written.size() : 0;
  if (const DiskError e = check_space(grow); e != DiskError::kOk) return e;
  save_undo(f, position, bytes.size());
  if (position > f.written.size()) f.written.resize(position);
  f.written.write(position, bytes.data(), bytes.size());
  bytes_used_ += grow;
  if (mirror_ && !f.live_name.empty()) mirror_note(mirror_->write(f.live_name, position, bytes));
  return DiskError::kOk;
}

DiskError Disk::read(FileId file, std::uint64_t position, std::uint64_t len, std::vector<std::uint8_t>& out) const {
  out.clear();
  if (io_error_) return DiskError::kIoError;
  const Inode& f = *inode(file);
  if (position >= f.written.size()) return DiskError::kOk;
  const std::uint64_t n = std::min<std::uint64_t>(len, f.written.size() - position);
  out.resize(n);
  f.written.copy_out(position, n, out.data());
  return DiskError::kOk;
}

std::span<const std::uint8_t> Disk::view(FileId file, std::uint64_t position, std::uint64_t len,
                                         std::vector<std::uint8_t>& scratch) const {
  if (io_error_) return {};
  return inode(file)->written.view(position, len, scratch);
}

std::uint64_t Disk::size(FileId file) const { return inode(file)->written.size(); }

std::uint64_t Disk::durable_size(FileId file) const {
  const Inode& f = *inode(file);
  return f.undo.empty() ? std::min<std::uint64_t>(f.durable_bytes, f.written.size()) : f.durable_bytes;
}

DiskError Disk::truncate(FileId file, std::uint64_t new_size) {
  if (io_error_) return DiskError::kIoError;
  Inode& f = *inode(file);
  if (new_size < f.written.size()) {
    save_undo(f, new_size, f.written.size() - new_size);
    bytes_used_ -= f.written.size() - new_size;
  } else {
    if (const DiskError e = check_space(new_size - f.written.size()); e != DiskError::kOk) return e;
    bytes_used_ += new_size - f.written.size();
  }
  f.written.resize(new_size);
  if (mirror_ && !f.live_name.empty()) mirror_note(mirror_->truncate(f.live_name, new_size));
  return DiskError::kOk;
}

DiskError Disk::fsync(FileId file) {
  if (io_error_) return DiskError::kIoError;
  Inode& f = *inode(file);
  f.durable_bytes = f.written.size();
  f.undo.clear();
  f.undo.shrink_to_fit();
  // Our ext4-like rule: the first fsync of a file that has no durable name makes its creation durable.
  if (f.durable_refs == 0 && !f.live_name.empty()) {
    auto d = durable_.find(f.live_name);
    if (d != durable_.end()) {
      --inode(d->second)->durable_refs;
      d->second = file;
    } else {
      durable_.emplace(f.live_name, file);
    }
    ++f.durable_refs;
    collect_garbage();
  }
  return DiskError::kOk;
}

DiskError Disk::append(std::string_view path, std::span<const std::uint8_t> bytes) {
  auto f = open(path);
  if (!f.ok()) return f.error;
  return append(f.value, bytes);
}

DiskError Disk::fsync(std::string_view path) {
  auto f = open(path);
  if (!f.ok()) return f.error;
  return fsync(f.value);
}

DiskError Disk::read(std::string_view path, std::uint64_t position, std::uint64_t len,
                     std::vector<std::uint8_t>& out) const {
  auto f = open(path);
  if (!f.ok()) return f.error;
  return read(f.value, position, len, out);
}

DiskResult<std::uint64_t> Disk::size(std::string_view path) const {
  auto f = open(path);
  if (!f.ok()) return {0, f.error};
  return {size(f.value), DiskError::kOk};
}

DiskResult<std::vector<std::uint8_t>> Disk::read_all(std::string_view path) const {
  DiskResult<std::vector<std::uint8_t>> r;
  auto f = open(path);
  if (!f.ok()) {
    r.error = f.error;
    return r;
  }
  r.error = read(f.value, 0, size(f.value), r.value);
  return r;
}

DiskError Disk::write_file_atomic(std::string_view path, std::span<const std::uint8_t> bytes) {
  const std::string tmp = std::string(path) + ".tmp";
  if (exists(tmp)) {
    if (const DiskError e = remove(tmp); e != DiskError::kOk) return e;
  }
  auto f = create(tmp);
  if (!f.ok()) return f.error;
  DiskError e = append(f.value, bytes);
  if (e == DiskError::kOk) e = fsync(f.value);
  if (e == DiskError::kOk) e = rename(tmp, path);
  if (e == DiskError::kOk) e = sync_dir(dir_of(path));
  return e;
}

PowerLossReport Disk::power_loss(Rng& rng) {
  PowerLossReport report;
  // Entry operations not made durable are undone.
  for (const auto& [path, id] : live_) {
    auto d = durable_.find(path);
    if (d == durable_.end() || d->second != id) ++report.entries_reverted;
  }
  for (const auto& [path, id] : durable_) {
    if (live_.find(path) == live_.end()) ++report.entries_reverted;
  }
  if (mirror_) {
    for (const auto& [path, id] : live_) mirror_note(mirror_->remove(path));
  }
  for (auto& [id, f] : inodes_) f->live_name.clear();
  live_ = durable_;
  for (const auto& [path, id] : live_) inode(id)->live_name = path;
  collect_garbage();
  // File contents fall back to their durable bytes, with a torn prefix of the unsynced appended tail.
  bytes_used_ = 0;
  for (auto& [id, fp] : inodes_) {
    Inode& f = *fp;
    const std::uint64_t old_size = f.written.size();
    std::uint64_t keep = 0;
    if (old_size > f.durable_bytes) keep = rng.uniform(old_size - f.durable_bytes + 1);
    if (old_size != f.durable_bytes || !f.undo.empty()) ++report.files_reverted;
    f.written.resize(f.durable_bytes + keep);
    for (auto u = f.undo.rbegin(); u != f.undo.rend(); ++u) f.written.write(u->position, u->bytes.data(), u->bytes.size());
    f.undo.clear();
    f.durable_bytes = f.written.size();  // what survived is now what is on the platter
    report.torn_bytes_kept += keep;
    if (old_size > f.written.size()) report.bytes_lost += old_size - f.written.size();
    bytes_used_ += f.written.size();
    if (mirror_ && !f.live_name.empty()) mirror_note(mirror_->rewrite(f.live_name, contents(f)));
  }
  return report;
}

DiskError Disk::flip_bit(std::string_view path, std::uint64_t position, unsigned bit) {
  auto id = open(path);
  if (!id.ok()) return id.error;
  Inode& f = *inode(id.value);
  KS_ASSERT(bit < 8);
  if (position >= f.written.size()) return DiskError::kNotFound;
  const auto mask = static_cast<std::uint8_t>(1u << bit);
  f.written.at(position) ^= mask;
  // The durable copy of that byte is corrupted too (it may sit in the undo log).
  for (auto& u : f.undo) {
    if (position >= u.position && position < u.position + u.bytes.size()) u.bytes[position - u.position] ^= mask;
  }
  if (mirror_) mirror_note(mirror_->write(f.live_name, position, {&f.written.at(position), 1}));
  return DiskError::kOk;
}

Status Disk::set_mirror_dir(const std::string& host_dir) {
  auto mirror = std::make_unique<HostMirror>(host_dir);
  Status s = mirror->init();
  if (!s.ok) return s;
  for (const auto& [path, id] : live_) {
    s = mirror->rewrite(path, contents(*inode(id)));
    if (!s.ok) return s;
  }
  mirror_ = std::move(mirror);
  return s;
}

}  // namespace kafkasim
