#pragma once
// LeaderEpochCache: Kafka's leader-epoch-checkpoint (kafka.server.epoch.LeaderEpochFileCache, KIP-101 and
// KIP-279): for each leader epoch, the first offset written in it. Entries have strictly increasing epochs
// and non-decreasing start offsets. It answers OffsetsForLeaderEpoch (end_offset_for), is assigned on
// append and when a replica becomes leader, and is truncated with the log. Every change is written to
// <partition dir>/leader-epoch-checkpoint in Kafka's checkpoint text format:
//   "0\n" (version) "<n>\n" then n lines "<epoch> <startOffset>\n"
// through Disk::write_file_atomic (tmp, fsync, rename, sync_dir), as Kafka's CheckpointFile does.
// Owned by its PartitionLog.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/disk/disk.h"

namespace kafkasim {

struct EpochEntry {
  std::int32_t epoch = 0;
  std::int64_t start_offset = 0;
  auto operator<=>(const EpochEntry&) const = default;
};

// Answer of OffsetsForLeaderEpoch: (-1, -1) = UNDEFINED_EPOCH / UNDEFINED_EPOCH_OFFSET.
struct EpochEndOffset {
  std::int32_t epoch = -1;
  std::int64_t end_offset = -1;
  auto operator<=>(const EpochEndOffset&) const = default;
};

class LeaderEpochCache {
 public:
  LeaderEpochCache(Disk& disk, std::string path) : disk_(disk), path_(std::move(path)) {}

  // Reads the checkpoint file if present. False (and an empty cache) when it is malformed.
  bool load();
  // Adds (epoch, start_offset) when epoch is larger than the latest (Kafka's assign). Persists on change.
  DiskError assign(std::int32_t epoch, std::int64_t start_offset);
  // Removes entries with start_offset >= end_offset (truncation of the log end).
  DiskError truncate_from_end(std::int64_t end_offset);
  // Drops entries wholly below start_offset; the last one before it is moved up to start_offset.
  DiskError truncate_from_start(std::int64_t start_offset);
  // OffsetsForLeaderEpoch as Kafka's LeaderEpochFileCache.endOffsetFor answers it.
  EpochEndOffset end_offset_for(std::int32_t requested_epoch, std::int64_t log_end_offset) const;
  std::optional<std::int32_t> latest_epoch() const;
  const std::vector<EpochEntry>& entries() const { return entries_; }

 private:
  DiskError persist();
  Disk& disk_;
  std::string path_;
  std::vector<EpochEntry> entries_;
};

// Kafka's checkpoint text format for (key, value) pairs: "0\n<n>\n<k> <v>\n"... Also used for offsets.
std::string format_checkpoint(const std::vector<std::pair<std::int64_t, std::int64_t>>& entries);
bool parse_checkpoint(std::string_view text, std::vector<std::pair<std::int64_t, std::int64_t>>& out);

}  // namespace kafkasim
