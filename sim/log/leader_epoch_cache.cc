#include "sim/log/leader_epoch_cache.h"

#include <algorithm>
#include <charconv>

namespace kafkasim {

std::string format_checkpoint(const std::vector<std::pair<std::int64_t, std::int64_t>>& entries) {
  std::string s = "0\n" + std::to_string(entries.size()) + "\n";
  for (const auto& [k, v] : entries) s += std::to_string(k) + " " + std::to_string(v) + "\n";
  return s;
}

bool parse_checkpoint(std::string_view text, std::vector<std::pair<std::int64_t, std::int64_t>>& out) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    if (nl == std::string_view::npos) return false;  // every line ends with a newline
    lines.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  auto number = [](std::string_view s, std::int64_t& v) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && p == s.data() + s.size();
  };
  std::int64_t version = 0;
  std::int64_t n = 0;
  if (lines.size() < 2 || !number(lines[0], version) || version != 0 || !number(lines[1], n) ||
      n != static_cast<std::int64_t>(lines.size() - 2)) {
    return false;
  }
  for (std::size_t i = 2; i < lines.size(); ++i) {
    const auto sp = lines[i].find(' ');
    std::int64_t k = 0;
    std::int64_t v = 0;
    if (sp == std::string_view::npos || !number(lines[i].substr(0, sp), k) || !number(lines[i].substr(sp + 1), v)) {
      return false;
    }
    out.emplace_back(k, v);
  }
  return true;
}

bool LeaderEpochCache::load() {
  entries_.clear();
  auto bytes = disk_.read_all(path_);
  if (bytes.error == DiskError::kNotFound) return true;
  std::vector<std::pair<std::int64_t, std::int64_t>> pairs;
  if (!bytes.ok() ||
      !parse_checkpoint(std::string_view(reinterpret_cast<const char*>(bytes.value.data()), bytes.value.size()), pairs)) {
    return false;
  }
  for (const auto& [epoch, offset] : pairs) {
    if (epoch < 0 || epoch > INT32_MAX || (!entries_.empty() && (epoch <= entries_.back().epoch ||
                                                                 offset < entries_.back().start_offset))) {
      entries_.clear();
      return false;
    }
    entries_.push_back({static_cast<std::int32_t>(epoch), offset});
  }
  return true;
}

DiskError LeaderEpochCache::persist() {
  std::vector<std::pair<std::int64_t, std::int64_t>> pairs;
  for (const EpochEntry& e : entries_) pairs.emplace_back(e.epoch, e.start_offset);
  const std::string text = format_checkpoint(pairs);
  return disk_.write_file_atomic(path_, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

DiskError LeaderEpochCache::assign(std::int32_t epoch, std::int64_t start_offset) {
  if (epoch < 0 || (!entries_.empty() && epoch <= entries_.back().epoch)) return DiskError::kOk;
  // Kafka removes entries whose start offset is not below the new one (they cannot be right any more).
  while (!entries_.empty() && entries_.back().start_offset > start_offset) entries_.pop_back();
  entries_.push_back({epoch, start_offset});
  return persist();
}

DiskError LeaderEpochCache::truncate_from_end(std::int64_t end_offset) {
  const std::size_t before = entries_.size();
  while (!entries_.empty() && entries_.back().start_offset >= end_offset) entries_.pop_back();
  return entries_.size() == before ? DiskError::kOk : persist();
}

DiskError LeaderEpochCache::truncate_from_start(std::int64_t start_offset) {
  // The last entry that starts at or before start_offset survives, moved up to start_offset.
  auto first_after = std::find_if(entries_.begin(), entries_.end(),
                                  [&](const EpochEntry& e) { return e.start_offset > start_offset; });
  if (first_after == entries_.begin()) return DiskError::kOk;
  auto keep = std::prev(first_after);
  if (keep == entries_.begin() && keep->start_offset == start_offset) return DiskError::kOk;
  keep->start_offset = start_offset;
  entries_.erase(entries_.begin(), keep);
  return persist();
}

EpochEndOffset LeaderEpochCache::end_offset_for(std::int32_t requested, std::int64_t log_end_offset) const {
  if (requested < 0 || entries_.empty()) return {};
  if (requested == entries_.back().epoch) return {requested, log_end_offset};
  auto higher = std::find_if(entries_.begin(), entries_.end(), [&](const EpochEntry& e) { return e.epoch > requested; });
  if (higher == entries_.end()) return {};  // requested epoch is newer than any we know
  if (higher == entries_.begin()) return {requested, higher->start_offset};  // older than the earliest
  return {std::prev(higher)->epoch, higher->start_offset};
}

std::optional<std::int32_t> LeaderEpochCache::latest_epoch() const {
  if (entries_.empty()) return std::nullopt;
  return entries_.back().epoch;
}

}  // namespace kafkasim
