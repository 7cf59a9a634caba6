#pragma once
// Did-you-mean suggestions: Levenshtein edit distance over a list of known names. Used for unknown
// config keys, unknown scenario keys and unknown expectation functions. Stateless.
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kafkasim::config {

// Levenshtein distance (insert, delete, substitute each cost 1), case-sensitive.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidates closest to `word` (at most `max_results`, closest first, ties in candidate order),
// only those within a distance of max(2, word.size() / 3). Empty when nothing is close.
std::vector<std::string> closest_names(std::string_view word, std::span<const std::string_view> candidates,
                                       std::size_t max_results = 1);

// " (did you mean 'x'?)" or "" when `suggestions` is empty.
std::string did_you_mean(const std::vector<std::string>& suggestions);

}  // namespace kafkasim::config
