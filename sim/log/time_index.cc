#include "sim/log/time_index.h"

#include <algorithm>

#include "sim/core/assert.h"
#include "sim/log/varint.h"

namespace kafkasim {
namespace {
void put_entry(std::uint8_t* p, std::int64_t ts, std::uint32_t rel) {
  be::put64(p, static_cast<std::uint64_t>(ts));
  be::put32(p + 8, rel);
}
}  // namespace

DiskError TimeIndex::maybe_append(std::int64_t timestamp, std::int64_t offset) {
  if (!entries_.empty() && timestamp <= entries_.back().timestamp) return DiskError::kOk;
  KS_ASSERT(offset >= base_offset_ && offset - base_offset_ <= INT32_MAX);
  const auto rel = static_cast<std::uint32_t>(offset - base_offset_);
  std::uint8_t buf[kEntryBytes];
  put_entry(buf, timestamp, rel);
  const DiskError e = disk_.append(file_, buf);
  if (e == DiskError::kOk) entries_.push_back(Entry{timestamp, rel});
  return e;
}

TimestampOffset TimeIndex::lookup(std::int64_t target) const {
  auto it = std::upper_bound(entries_.begin(), entries_.end(), target,
                             [](std::int64_t t, const Entry& e) { return t < e.timestamp; });
  if (it == entries_.begin()) return {-1, base_offset_};
  --it;
  return {it->timestamp, base_offset_ + it->relative};
}

DiskError TimeIndex::truncate_to(std::int64_t offset) {
  const std::size_t before = entries_.size();
  while (!entries_.empty() && base_offset_ + entries_.back().relative >= offset) entries_.pop_back();
  if (entries_.size() == before) return DiskError::kOk;
  std::vector<std::uint8_t> bytes(entries_.size() * kEntryBytes);
  for (std::size_t i = 0; i < entries_.size(); ++i) put_entry(bytes.data() + i * kEntryBytes, entries_[i].timestamp, entries_[i].relative);
  DiskError e = disk_.truncate(file_, 0);
  if (e == DiskError::kOk) e = disk_.append(file_, bytes);
  return e;
}

DiskError TimeIndex::clear() {
  entries_.clear();
  return disk_.truncate(file_, 0);
}

bool parse_time_index(const std::vector<std::uint8_t>& bytes, std::int64_t base_offset, std::vector<TimestampOffset>& out) {
  if (bytes.size() % TimeIndex::kEntryBytes != 0) return false;
  for (std::size_t i = 0; i < bytes.size(); i += TimeIndex::kEntryBytes) {
    out.push_back({static_cast<std::int64_t>(be::get64(bytes.data() + i)), base_offset + be::get32(bytes.data() + i + 8)});
  }
  return true;
}

}  // namespace kafkasim
