#include "tests/tidy/tidy_scan.h"

#include <cctype>

namespace kafkasim::tidy {
namespace {

bool is_ident(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

enum class Left {
  kAny,       // anywhere, e.g. inside pthread_create
  kWord,      // not preceded by an identifier character
  kFreeCall,  // a word that is not a member call (not after '.' or '->')
};

struct Rule {
  std::string_view needle;
  Left left;
  bool word_end;  // not followed by an identifier character
};

constexpr Rule kRules[] = {
    {"system_clock", Left::kWord, true},
    {"steady_clock", Left::kWord, true},
    {"high_resolution_clock", Left::kWord, true},
    {"time(", Left::kFreeCall, false},
    {"gettimeofday", Left::kWord, true},
    {"clock_gettime", Left::kWord, true},
    {"rand(", Left::kFreeCall, false},
    {"srand(", Left::kFreeCall, false},
    {"random_device", Left::kWord, true},
    {"std::thread", Left::kWord, true},
    {"std::jthread", Left::kWord, true},
    {"std::async", Left::kWord, true},
    {"pthread", Left::kWord, false},
    {"unordered_map", Left::kWord, true},
    {"unordered_set", Left::kWord, true},
    {"unordered_multimap", Left::kWord, true},
    {"unordered_multiset", Left::kWord, true},
};

bool left_ok(std::string_view line, std::size_t pos, Left left) {
  if (left == Left::kAny || pos == 0) return true;
  const char prev = line[pos - 1];
  if (is_ident(prev)) return false;
  if (left == Left::kFreeCall) {
    if (prev == '.') return false;
    if (prev == '>' && pos >= 2 && line[pos - 2] == '-') return false;
  }
  return true;
}

// std::<identifier>_distribution, e.g. std::uniform_int_distribution.
bool has_std_distribution(std::string_view line) {
  for (std::size_t pos = line.find("std::"); pos != std::string_view::npos;
       pos = line.find("std::", pos + 1)) {
    std::size_t end = pos + 5;
    while (end < line.size() && is_ident(line[end])) ++end;
    const std::string_view ident = line.substr(pos + 5, end - pos - 5);
    constexpr std::string_view kSuffix = "_distribution";
    if (ident.size() > kSuffix.size() && ident.substr(ident.size() - kSuffix.size()) == kSuffix) return true;
  }
  return false;
}

// `#include <imgui...>` or `#include <GLFW/...>`, with any spacing.
std::string_view gui_include(std::string_view line) {
  std::size_t i = line.find_first_not_of(" \t");
  if (i == std::string_view::npos || line[i] != '#') return {};
  i = line.find_first_not_of(" \t", i + 1);
  if (i == std::string_view::npos || line.substr(i, 7) != "include") return {};
  i = line.find_first_not_of(" \t", i + 7);
  if (i == std::string_view::npos || (line[i] != '<' && line[i] != '"')) return {};
  const std::string_view target = line.substr(i + 1);
  if (target.substr(0, 5) == "imgui") return "#include <imgui";
  if (target.substr(0, 4) == "GLFW") return "#include <GLFW";
  return {};
}

}  // namespace

std::string strip_comments_and_strings(std::string_view src) {
  std::string out(src);
  enum class S { kCode, kLine, kBlock, kString, kChar } s = S::kCode;
  for (std::size_t i = 0; i < src.size(); ++i) {
    const char c = src[i];
    const char next = i + 1 < src.size() ? src[i + 1] : '\0';
    switch (s) {
      case S::kCode:
        if (c == '/' && next == '/') {
          s = S::kLine;
          out[i] = ' ';
        } else if (c == '/' && next == '*') {
          s = S::kBlock;
          out[i] = ' ';
          out[++i] = ' ';
        } else if (c == '"') {
          s = S::kString;
        } else if (c == '\'' && !(i > 0 && std::isxdigit(static_cast<unsigned char>(src[i - 1])))) {
          s = S::kChar;  // not a digit separator as in 1'000
        }
        break;
      case S::kLine:
        if (c == '\n') {
          s = S::kCode;
        } else {
          out[i] = ' ';
        }
        break;
      case S::kBlock:
        if (c == '*' && next == '/') {
          out[i] = ' ';
          out[++i] = ' ';
          s = S::kCode;
        } else if (c != '\n') {
          out[i] = ' ';
        }
        break;
      case S::kString:
      case S::kChar: {
        const char quote = s == S::kString ? '"' : '\'';
        if (c == '\\' && next != '\0' && next != '\n') {
          out[i] = ' ';
          out[++i] = ' ';
        } else if (c == quote || c == '\n') {
          s = S::kCode;
        } else {
          out[i] = ' ';
        }
        break;
      }
    }
  }
  return out;
}

std::vector<Violation> scan_source(std::string_view file, std::string_view source) {
  std::vector<Violation> out;
  const std::string code = strip_comments_and_strings(source);
  std::size_t start = 0;
  int line_no = 0;
  while (start <= code.size()) {
    std::size_t end = code.find('\n', start);
    if (end == std::string::npos) end = code.size();
    ++line_no;
    const std::string_view line(code.data() + start, end - start);
    const std::string_view original = source.substr(start, end - start);
    auto add = [&](std::string_view rule) {
      out.push_back(Violation{std::string(file), line_no, std::string(rule), std::string(original)});
    };
    // Includes are read from the original line (a "..." include is blanked like a string), and count only
    // when the '#' survived the stripping, i.e. the include is not commented out.
    const std::size_t hash = line.find_first_not_of(" \t");
    if (const std::string_view inc = gui_include(original);
        !inc.empty() && hash != std::string_view::npos && line[hash] == '#') {
      add(inc);
    }
    for (const Rule& r : kRules) {
      for (std::size_t pos = line.find(r.needle); pos != std::string_view::npos;
           pos = line.find(r.needle, pos + 1)) {
        const std::size_t after = pos + r.needle.size();
        if (!left_ok(line, pos, r.left)) continue;
        if (r.word_end && after < line.size() && is_ident(line[after])) continue;
        add(r.needle);
        break;
      }
    }
    if (has_std_distribution(line)) add("std::*_distribution");
    start = end + 1;
  }
  return out;
}

}  // namespace kafkasim::tidy
