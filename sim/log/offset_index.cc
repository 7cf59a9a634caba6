#include "sim/log/offset_index.h"

#include <algorithm>

#include "sim/core/assert.h"
#include "sim/log/varint.h"

namespace kafkasim {

DiskError OffsetIndex::append(std::int64_t offset, std::uint32_t position) {
  KS_ASSERT(offset >= base_offset_ && offset - base_offset_ <= INT32_MAX);
  const auto rel = static_cast<std::uint32_t>(offset - base_offset_);
  KS_ASSERT(entries_.empty() || (rel >= entries_.back().relative && position >= entries_.back().position));
  std::uint8_t buf[kEntryBytes];
  be::put32(buf, rel);
  be::put32(buf + 4, position);
  const DiskError e = disk_.append(file_, buf);
  if (e == DiskError::kOk) entries_.push_back(Entry{rel, position});
  return e;
}

OffsetPosition OffsetIndex::lookup(std::int64_t target) const {
  if (target < base_offset_) return {base_offset_, 0};
  const auto rel = static_cast<std::uint64_t>(target - base_offset_);
  auto it = std::upper_bound(entries_.begin(), entries_.end(), rel,
                             [](std::uint64_t r, const Entry& e) { return r < e.relative; });
  if (it == entries_.begin()) return {base_offset_, 0};
  --it;
  return {base_offset_ + it->relative, it->position};
}

DiskError OffsetIndex::rewrite() {
  std::vector<std::uint8_t> bytes(entries_.size() * kEntryBytes);
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    be::put32(bytes.data() + i * kEntryBytes, entries_[i].relative);
    be::put32(bytes.data() + i * kEntryBytes + 4, entries_[i].position);
  }
  DiskError e = disk_.truncate(file_, 0);
  if (e == DiskError::kOk) e = disk_.append(file_, bytes);
  return e;
}

DiskError OffsetIndex::truncate_to(std::int64_t target) {
  const std::size_t before = entries_.size();
  while (!entries_.empty() && base_offset_ + entries_.back().relative >= target) entries_.pop_back();
  return entries_.size() == before ? DiskError::kOk : rewrite();
}

DiskError OffsetIndex::clear() {
  entries_.clear();
  return disk_.truncate(file_, 0);
}

bool parse_offset_index(const std::vector<std::uint8_t>& bytes, std::int64_t base_offset, std::vector<OffsetPosition>& out) {
  if (bytes.size() % OffsetIndex::kEntryBytes != 0) return false;
  for (std::size_t i = 0; i < bytes.size(); i += OffsetIndex::kEntryBytes) {
    out.push_back({base_offset + be::get32(bytes.data() + i), be::get32(bytes.data() + i + 4)});
  }
  return true;
}

}  // namespace kafkasim
