#pragma once
// OffsetIndex: the sparse `.index` file of a segment (kafka.log.OffsetIndex). Each 8-byte entry is
// {relativeOffset int32 BE, position int32 BE}: "the batch starting at byte `position` of the .log file
// ends at offset baseOffset + relativeOffset". An entry is added when more than index.interval.bytes were
// appended since the last one. lookup(offset) gives the largest entry <= offset, where a scan for the
// batch holding `offset` may start. Kept in memory and appended to the file as entries are added (the file
// holds exactly the entries, like Kafka's index after it is trimmed on roll). Owned by its LogSegment.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/disk/disk.h"

namespace kafkasim {

struct OffsetPosition {
  std::int64_t offset = 0;
  std::uint32_t position = 0;
};

class OffsetIndex {
 public:
  static constexpr std::size_t kEntryBytes = 8;
  OffsetIndex(Disk& disk, FileId file, std::int64_t base_offset) : disk_(disk), file_(file), base_offset_(base_offset) {}

  // REQUIRES: offset >= last entry's offset, position >= last position, offset - base fits in int32.
  DiskError append(std::int64_t offset, std::uint32_t position);
  // Largest entry with offset <= target, or {base_offset, 0}.
  OffsetPosition lookup(std::int64_t target) const;
  // Removes entries with offset >= target (rewrites the file).
  DiskError truncate_to(std::int64_t target);
  DiskError clear();
  std::size_t entries() const { return entries_.size(); }
  OffsetPosition entry(std::size_t i) const { return {base_offset_ + entries_[i].relative, entries_[i].position}; }
  FileId file() const { return file_; }

 private:
  struct Entry {
    std::uint32_t relative;
    std::uint32_t position;
  };
  DiskError rewrite();
  Disk& disk_;
  FileId file_;
  std::int64_t base_offset_;
  std::vector<Entry> entries_;
};

// Parses a .index file's bytes. False when the size is not a multiple of 8.
bool parse_offset_index(const std::vector<std::uint8_t>& bytes, std::int64_t base_offset, std::vector<OffsetPosition>& out);

}  // namespace kafkasim
