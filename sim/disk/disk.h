#pragma once
// Disk: one simulated disk (one broker's log.dirs), a flat namespace of files named by relative paths
// ("orders-0/00000000000000000000.log"). Directories exist implicitly: a directory is the part of a path
// before the last '/'.
//
// Durability model (FoundationDB's AsyncFileNonDurable, ext4 data=ordered simplified):
//  - Every file (inode) holds its WRITTEN bytes (what the process wrote: the OS page cache) and its
//    DURABLE bytes (what is on the platter). fsync(file) makes the written bytes durable.
//  - Directory entries (create, rename, remove) have their own durability. sync_dir(dir) makes every entry
//    operation in `dir` durable. Our simple ext4-like rule for creation: fsync(file) of a file whose name
//    was never durable also makes its CURRENT name durable (ext4 commits the journal transaction holding
//    the create with the file's data). Renames and removals of existing durable names need sync_dir.
//  - crash_process(): nothing is lost (the page cache survives a process crash).
//  - power_loss(rng): every file falls back to its durable bytes, except that a seeded random prefix of
//    the unsynced appended tail survives (a torn write at a seeded byte position); entry operations that
//    were not made durable are undone (a created file vanishes, a removed file comes back, a rename
//    reverts).
// Representation: written bytes are a ChunkedBuffer per inode (appends never copy the file); the
// durable bytes are `durable_bytes` of the written prefix plus an undo log of the pre-images of durable
// bytes that were overwritten or truncated since the last fsync, so fsync and appends never copy a file.
//
// Faults are values, never exceptions: disk full (kNoSpace), an I/O error mode (kIoError on every
// operation), slow I/O (io_delay_us(), a per-operation delay the CALLER adds to its simulated time) and
// bit flips (corruption of both written and durable bytes). The disk is simulation-agnostic: callers
// trace fault injections with Simulation::trace_event.
//
// Real-file mirror: set_mirror_dir(host_dir) mirrors every change of written bytes and every entry
// operation to real files under host_dir (Kafka's layout when the caller uses Kafka's names), so a
// student can open the segments of a run. The in-memory state stays authoritative; host I/O errors are
// kept in mirror_status() and never change the simulation.
//
// Ownership: the broker owns its Disk. FileId handles stay valid while the inode is linked in the live or
// the durable namespace. Single-threaded.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/rng.h"
#include "sim/core/time.h"

namespace kafkasim {

enum class DiskError : std::uint8_t { kOk, kNotFound, kExists, kNoSpace, kIoError };
const char* to_string(DiskError e);

// A value or a DiskError.
template <typename T>
struct DiskResult {
  T value{};
  DiskError error = DiskError::kOk;
  bool ok() const { return error == DiskError::kOk; }
};

// A host-side (real file) outcome for the mirror: ok, or what failed.
struct Status {
  bool ok = true;
  std::string message;
};

using FileId = std::uint64_t;

// What power_loss() did, for tracing and tests.
struct PowerLossReport {
  std::uint64_t files_reverted = 0;    // files whose written bytes differed from their durable bytes
  std::uint64_t bytes_lost = 0;        // written bytes that did not survive
  std::uint64_t torn_bytes_kept = 0;   // unsynced bytes that survived as a torn prefix
  std::uint64_t entries_reverted = 0;  // directory entries whose operation was undone
};

class Disk {
 public:
  Disk();
  ~Disk();
  Disk(const Disk&) = delete;
  Disk& operator=(const Disk&) = delete;

  // --- files by path ---
  // Creates an empty file. kExists if the name is taken.
  DiskResult<FileId> create(std::string_view path);
  // Opens an existing file. kNotFound if absent.
  DiskResult<FileId> open(std::string_view path) const;
  bool exists(std::string_view path) const;
  // Renames `from` to `to`, replacing `to` if it exists (POSIX rename).
  DiskError rename(std::string_view from, std::string_view to);
  DiskError remove(std::string_view path);
  // File names (not paths) directly inside `dir`, sorted. "" lists the top level.
  std::vector<std::string> list(std::string_view dir) const;
  // Directory names directly inside `dir` that hold at least one file, sorted.
  std::vector<std::string> list_dirs(std::string_view dir) const;
  // Makes every entry operation in `dir` durable.
  DiskError sync_dir(std::string_view dir);

  // --- file contents by handle ---
  DiskError append(FileId file, std::span<const std::uint8_t> bytes);
  DiskError write_at(FileId file, std::uint64_t position, std::span<const std::uint8_t> bytes);
  // Reads up to len bytes at position (fewer at the end of the file).
  DiskError read(FileId file, std::uint64_t position, std::uint64_t len, std::vector<std::uint8_t>& out) const;
  // Up to len written bytes at position, contiguous: in place when they lie in one chunk, else copied
  // into `scratch`. Valid until the next mutation of this file or of scratch. Empty in I/O error mode.
  std::span<const std::uint8_t> view(FileId file, std::uint64_t position, std::uint64_t len,
                                     std::vector<std::uint8_t>& scratch) const;
  std::uint64_t size(FileId file) const;
  DiskError truncate(FileId file, std::uint64_t size);
  DiskError fsync(FileId file);
  // Bytes of this file that would survive a power loss without a torn write.
  std::uint64_t durable_size(FileId file) const;

  // Path conveniences.
  DiskError append(std::string_view path, std::span<const std::uint8_t> bytes);
  DiskError fsync(std::string_view path);
  DiskError read(std::string_view path, std::uint64_t position, std::uint64_t len, std::vector<std::uint8_t>& out) const;
  DiskResult<std::uint64_t> size(std::string_view path) const;
  DiskResult<std::vector<std::uint8_t>> read_all(std::string_view path) const;
  // Writes a whole small file durably the way Kafka writes checkpoints: tmp file, fsync, rename, sync_dir.
  DiskError write_file_atomic(std::string_view path, std::span<const std::uint8_t> bytes);

  // Sum of the written sizes of every inode still linked (live or durable names).
  std::uint64_t bytes_used() const { return bytes_used_; }

  // --- crashes ---
  void crash_process() {}  // the page cache survives: nothing to do, kept for symmetry with power_loss
  PowerLossReport power_loss(Rng& rng);

  // --- faults ---
  // Capacity in bytes; writes that would pass it fail with kNoSpace. 0 = unlimited (default).
  void set_capacity_bytes(std::uint64_t capacity) { capacity_bytes_ = capacity; }
  std::uint64_t capacity_bytes() const { return capacity_bytes_; }
  // Every operation fails with kIoError while set.
  void set_io_error(bool on) { io_error_ = on; }
  bool io_error() const { return io_error_; }
  // Extra delay per operation that callers add to their simulated I/O time.
  void set_io_delay_us(TimeUs delay) { io_delay_us_ = delay; }
  TimeUs io_delay_us() const { return io_delay_us_; }
  // Flips bit `bit` (0 = least significant) of the byte at `position`, in written and durable bytes.
  DiskError flip_bit(std::string_view path, std::uint64_t position, unsigned bit);

  // --- real-file mirror ---
  // Mirrors to host_dir from now on (creates it; writes every existing file). Fails with a Status.
  Status set_mirror_dir(const std::string& host_dir);
  // The first host I/O error of the mirror, if any.
  const Status& mirror_status() const { return mirror_status_; }

 private:
  struct Inode;
  static std::vector<std::uint8_t> contents(const Inode& f);
  Inode* inode(FileId id) const;
  DiskError check_space(std::uint64_t grow) const;
  void collect_garbage();
  void save_undo(Inode& f, std::uint64_t position, std::uint64_t len);
  void mirror_note(const Status& s);

  std::map<FileId, std::unique_ptr<Inode>> inodes_;
  std::map<std::string, FileId, std::less<>> live_;     // the namespace the process sees
  std::map<std::string, FileId, std::less<>> durable_;  // the namespace after a power loss
  FileId next_id_ = 1;
  std::uint64_t bytes_used_ = 0;
  std::uint64_t capacity_bytes_ = 0;
  bool io_error_ = false;
  TimeUs io_delay_us_ = 0;
  std::unique_ptr<class HostMirror> mirror_;
  Status mirror_status_;
};

// The directory part of a path ("" for a top-level file).
std::string_view dir_of(std::string_view path);

}  // namespace kafkasim
