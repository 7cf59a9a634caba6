#include "sim/config/suggest.h"

#include <algorithm>
#include <utility>

namespace kafkasim::config {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + cost});
      diag = up;
    }
  }
  return row[b.size()];
}

std::vector<std::string> closest_names(std::string_view word, std::span<const std::string_view> candidates,
                                       std::size_t max_results) {
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  std::vector<std::pair<std::size_t, std::size_t>> scored;  // (distance, candidate index)
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const std::size_t d = edit_distance(word, candidates[i]);
    if (d <= limit && d > 0) scored.emplace_back(d, i);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (const auto& [d, i] : scored) {
    if (out.size() >= max_results) break;
    out.emplace_back(candidates[i]);
  }
  return out;
}

std::string did_you_mean(const std::vector<std::string>& suggestions) {
  if (suggestions.empty()) return "";
  std::string s = " (did you mean ";
  for (std::size_t i = 0; i < suggestions.size(); ++i) {
    if (i > 0) s += i + 1 == suggestions.size() ? " or " : ", ";
    s += "'" + suggestions[i] + "'";
  }
  return s + "?)";
}

}  // namespace kafkasim::config
