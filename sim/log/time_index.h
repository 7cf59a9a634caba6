#pragma once
// TimeIndex: the sparse `.timeindex` file of a segment (kafka.log.TimeIndex). Each 12-byte entry is
// {timestamp int64 BE, relativeOffset int32 BE}: "the largest timestamp seen up to the batch ending at
// baseOffset + relativeOffset". Entries are added with the offset index entries, and only when the
// timestamp grows (maybeAppend). lookup(ts) gives the last entry with timestamp <= ts, where the search for
// the first record with timestamp >= ts may start. Owned by its LogSegment; in memory and appended to file.
#include <cstdint>
#include <vector>

#include "sim/disk/disk.h"

namespace kafkasim {

struct TimestampOffset {
  std::int64_t timestamp = -1;
  std::int64_t offset = 0;
};

class TimeIndex {
 public:
  static constexpr std::size_t kEntryBytes = 12;
  TimeIndex(Disk& disk, FileId file, std::int64_t base_offset) : disk_(disk), file_(file), base_offset_(base_offset) {}

  // Appends when timestamp is larger than the last entry's (Kafka's maybeAppend).
  DiskError maybe_append(std::int64_t timestamp, std::int64_t offset);
  // Last entry with timestamp <= target, or {-1, base_offset}.
  TimestampOffset lookup(std::int64_t target) const;
  DiskError truncate_to(std::int64_t offset);
  DiskError clear();
  std::size_t entries() const { return entries_.size(); }
  TimestampOffset last() const { return entries_.empty() ? TimestampOffset{-1, base_offset_} : entry(entries_.size() - 1); }
  TimestampOffset entry(std::size_t i) const { return {entries_[i].timestamp, base_offset_ + entries_[i].relative}; }
  FileId file() const { return file_; }

 private:
  struct Entry {
    std::int64_t timestamp;
    std::uint32_t relative;
  };
  Disk& disk_;
  FileId file_;
  std::int64_t base_offset_;
  std::vector<Entry> entries_;
};

bool parse_time_index(const std::vector<std::uint8_t>& bytes, std::int64_t base_offset, std::vector<TimestampOffset>& out);

}  // namespace kafkasim
