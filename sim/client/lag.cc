#include "sim/client/lag.h"

#include <algorithm>

#include <fmt/format.h>

namespace kafkasim::client {

using protocol::TopicPartition;

std::vector<LagRow> describe_lag(const protocol::GroupDescription& group,
                                 const std::map<TopicPartition, std::int64_t>& committed,
                                 const std::map<TopicPartition, std::int64_t>& log_end_offsets) {
  std::map<TopicPartition, LagRow> rows;
  auto row = [&](const TopicPartition& tp) -> LagRow& {
    LagRow& r = rows[tp];
    r.group = group.group_id;
    r.tp = tp;
    return r;
  };
  for (const auto& [tp, leo] : log_end_offsets) row(tp).log_end_offset = leo;
  for (const auto& [tp, off] : committed) row(tp).current_offset = off;
  for (const auto& m : group.members) {
    for (const auto& tp : m.assignment) {
      LagRow& r = row(tp);
      r.consumer_id = m.member_id;
      r.host = m.client_host;
      r.client_id = m.client_id;
    }
  }
  std::vector<LagRow> out;
  for (auto& [tp, r] : rows) {
    auto leo = log_end_offsets.find(tp);
    if (leo != log_end_offsets.end()) r.log_end_offset = leo->second;
    if (r.current_offset >= 0 && r.log_end_offset >= 0) r.lag = std::max<std::int64_t>(0, r.log_end_offset - r.current_offset);
    out.push_back(std::move(r));
  }
  return out;
}

std::int64_t total_lag(const std::vector<LagRow>& rows) {
  std::int64_t total = 0;
  for (const auto& r : rows) total += std::max<std::int64_t>(0, r.lag);
  return total;
}

std::string format_lag_table(const std::vector<LagRow>& rows) {
  auto num = [](std::int64_t v) { return v < 0 ? std::string("-") : std::to_string(v); };
  std::vector<std::vector<std::string>> cells;
  cells.push_back({"GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST",
                   "CLIENT-ID"});
  for (const auto& r : rows) {
    cells.push_back({r.group, r.tp.topic, std::to_string(r.tp.partition), num(r.current_offset),
                     num(r.log_end_offset), num(r.lag), r.consumer_id, r.host, r.client_id});
  }
  std::vector<std::size_t> width(cells[0].size(), 0);
  for (const auto& line : cells) {
    for (std::size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  }
  std::string out;
  for (const auto& line : cells) {
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i) {
      text += i + 1 == line.size() ? line[i] : fmt::format("{:<{}} ", line[i], width[i]);
    }
    out += text + "\n";
  }
  return out;
}

}  // namespace kafkasim::client
