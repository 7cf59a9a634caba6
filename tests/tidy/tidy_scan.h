#pragma once
// The determinism and layering scanner behind test_tidy: finds wall clocks, unseeded randomness,
// threads, GUI includes and unordered containers in source text, ignoring comments and string literals.
#include <string>
#include <string_view>
#include <vector>

namespace kafkasim::tidy {

struct Violation {
  std::string file;
  int line = 0;
  std::string rule;  // what was found, e.g. "std::random_device"
  std::string text;  // the offending source line
};

// Blanks out // and /* */ comments and the contents of string and character literals, keeping line
// breaks (so line numbers stay right). Raw string literals are treated as ordinary strings.
std::string strip_comments_and_strings(std::string_view source);

// Scans one file's text; `file` only labels the violations.
std::vector<Violation> scan_source(std::string_view file, std::string_view source);

}  // namespace kafkasim::tidy
