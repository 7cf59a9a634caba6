// kafkasim assign FILE: run one of Kafka's consumer assignors on a group described in JSON and print
// member -> partitions (docs/assignors.md). Input:
//   {"strategy": "range|roundrobin|sticky|cooperative-sticky", "topics": {"NAME": COUNT, ...},
//    "members": [{"member_id": "...", "group_instance_id": "..." | null, "topics": ["..."],
//                 "owned_partitions": ["topic-0", ...], "generation": N, "rack": "..."}, ...]}
// Members are taken in file order (the order the group leader saw them). Bad input: one line
// "kafkasim: error: FILE:LINE:COLUMN: what was expected", exit 2.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "sim/assign/assignor.h"

namespace kafkasim::cli {
namespace {

using nlohmann::json;

// RFC 6901: a key as one JSON pointer segment.
std::string escape_pointer(const std::string& key) {
  std::string out;
  for (char c : key) out += c == '~' ? "~0" : (c == '/' ? "~1" : std::string(1, c));
  return out;
}

// A name as it appears in an error message: JSON-quoted, so control characters stay on one line.
std::string json_quoted(const std::string& name) { return json(name).dump(); }

// Start offsets of every value in a (valid) JSON text, keyed by JSON pointer, so that type errors
// found after parsing can name a line and column.
class JsonPositions {
 public:
  explicit JsonPositions(const std::string& text) : text_(text) {
    skip_ws();
    value("");
  }
  std::size_t at(const std::string& pointer) const {
    auto it = offsets_.find(pointer);
    return it == offsets_.end() ? 0 : it->second;
  }

 private:
  void skip_ws() {
    while (i_ < text_.size() && (text_[i_] == ' ' || text_[i_] == '\t' || text_[i_] == '\n' || text_[i_] == '\r')) ++i_;
  }
  std::string string_token() {  // REQUIRES: text_[i_] == '"'; returns the raw (still escaped) content
    const std::size_t start = ++i_;
    while (i_ < text_.size() && text_[i_] != '"') i_ += text_[i_] == '\\' ? 2 : 1;
    return text_.substr(start, (i_++) - start);
  }
  // Skips one value without recording it (iteratively, so deep nesting cannot exhaust the stack).
  void skip_value() {
    std::size_t depth = 0;
    do {
      if (i_ >= text_.size()) return;
      const char c = text_[i_];
      if (c == '"') {
        string_token();
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if ((c == '}' || c == ']') && depth > 0) --depth;
      ++i_;
    } while (depth > 0);
  }
  void value(const std::string& pointer, std::size_t depth = 0) {
    offsets_[pointer] = i_;
    if (i_ >= text_.size()) return;
    const char c = text_[i_];
    if ((c == '{' || c == '[') && depth >= kMaxDepth) {
      skip_value();  // the input format is 4 levels deep; nothing below is ever reported
    } else if (c == '{' || c == '[') {
      ++i_;
      for (std::size_t index = 0;; ++index) {
        skip_ws();
        if (i_ >= text_.size() || text_[i_] == '}' || text_[i_] == ']') break;
        if (text_[i_] == ',') {
          ++i_;
          skip_ws();
        }
        std::string child = pointer + "/" + std::to_string(index);
        if (c == '{') {
          child = pointer + "/" + escape_pointer(json::parse("\"" + string_token() + "\"").get<std::string>());
          skip_ws();
          ++i_;  // ':'
          skip_ws();
        }
        value(child, depth + 1);
      }
      ++i_;
    } else if (c == '"') {
      string_token();
    } else {
      while (i_ < text_.size() && std::string_view(",]} \t\r\n").find(text_[i_]) == std::string_view::npos) ++i_;
    }
  }

  static constexpr std::size_t kMaxDepth = 8;
  const std::string& text_;
  std::size_t i_ = 0;
  std::map<std::string, std::size_t> offsets_;
};

struct Location {
  std::size_t line = 1, column = 1;
};
Location locate(const std::string& text, std::size_t offset) {
  Location l;
  for (std::size_t k = 0; k < offset && k < text.size(); ++k) {
    if (text[k] == '\n') l.line++, l.column = 1;
    else l.column++;
  }
  return l;
}

// A bad input, reported as "FILE:LINE:COLUMN: message".
struct InputError {
  std::string pointer;  // where (JSON pointer of the offending value)
  std::string message;
};

struct Group {
  assign::Strategy strategy = assign::Strategy::kRange;
  assign::PartitionsPerTopic topics;
  std::vector<assign::MemberSubscription> members;
};

const json* field(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::optional<InputError> check_keys(const json& obj, const std::string& ptr, std::set<std::string> allowed) {
  for (const auto& [key, v] : obj.items()) {
    if (allowed.count(key) == 0) return InputError{ptr + "/" + escape_pointer(key), "unknown key " + json_quoted(key)};
  }
  return std::nullopt;
}

std::optional<InputError> parse_member(const json& m, const std::string& ptr, const Group& g,
                                       std::set<std::string>& ids, assign::MemberSubscription& out) {
  if (!m.is_object()) return InputError{ptr, "expected a member object"};
  if (auto e = check_keys(m, ptr, {"member_id", "group_instance_id", "topics", "owned_partitions", "generation", "rack"}))
    return e;
  const json* id = field(m, "member_id");
  if (id == nullptr || !id->is_string() || id->get<std::string>().empty())
    return InputError{id ? ptr + "/member_id" : ptr, "expected \"member_id\": a non-empty string"};
  out.member_id = id->get<std::string>();
  if (!ids.insert(out.member_id).second) return InputError{ptr + "/member_id", "duplicate member_id " + json_quoted(out.member_id)};
  if (const json* gi = field(m, "group_instance_id"); gi != nullptr && !gi->is_null()) {
    if (!gi->is_string()) return InputError{ptr + "/group_instance_id", "expected a string or null"};
    out.group_instance_id = gi->get<std::string>();
  }
  const json* topics = field(m, "topics");
  if (topics == nullptr || !topics->is_array())
    return InputError{topics ? ptr + "/topics" : ptr, "expected \"topics\": an array of topic names"};
  for (std::size_t k = 0; k < topics->size(); ++k) {
    const json& t = (*topics)[k];
    const std::string tptr = ptr + "/topics/" + std::to_string(k);
    if (!t.is_string()) return InputError{tptr, "expected a topic name (string)"};
    if (g.topics.count(t.get<std::string>()) == 0)
      return InputError{tptr, "unknown topic " + json_quoted(t.get<std::string>()) + " (not in \"topics\")"};
    if (std::count(out.topics.begin(), out.topics.end(), t.get<std::string>()) != 0)
      return InputError{tptr, "topic " + json_quoted(t.get<std::string>()) + " listed twice (a subscription is a set)"};
    out.topics.push_back(t.get<std::string>());
  }
  if (const json* owned = field(m, "owned_partitions"); owned != nullptr) {
    if (!owned->is_array()) return InputError{ptr + "/owned_partitions", "expected an array of \"topic-partition\" strings"};
    for (std::size_t k = 0; k < owned->size(); ++k) {
      const json& o = (*owned)[k];
      const std::string optr = ptr + "/owned_partitions/" + std::to_string(k);
      const std::string s = o.is_string() ? o.get<std::string>() : "";
      const auto dash = s.rfind('-');
      if (!o.is_string() || dash == std::string::npos || dash == 0 || dash + 1 == s.size() ||
          s.find_first_not_of("0123456789", dash + 1) != std::string::npos || s.size() - dash > 10)
        return InputError{optr, "expected \"topic-partition\", e.g. \"orders-3\""};
      const std::string topic = s.substr(0, dash);
      const int p = std::stoi(s.substr(dash + 1));
      auto it = g.topics.find(topic);
      if (it == g.topics.end()) return InputError{optr, "unknown topic " + json_quoted(topic) + " (not in \"topics\")"};
      if (p >= it->second) return InputError{optr, "topic " + json_quoted(topic) + " has only " + std::to_string(it->second) + " partitions"};
      out.owned_partitions.push_back({topic, p});
    }
  }
  if (const json* gen = field(m, "generation"); gen != nullptr && !gen->is_null()) {
    if (!gen->is_number_integer() || gen->get<std::int64_t>() < -1 || gen->get<std::int64_t>() > INT32_MAX)
      return InputError{ptr + "/generation", "expected a generation id: an integer >= -1"};
    out.generation = gen->get<std::int32_t>();
  }
  if (const json* rack = field(m, "rack"); rack != nullptr && !rack->is_null()) {
    if (!rack->is_string()) return InputError{ptr + "/rack", "expected a rack id (string) or null"};
    out.rack = rack->get<std::string>();
  }
  return std::nullopt;
}

std::optional<InputError> parse_group(const json& doc, Group& g) {
  if (!doc.is_object()) return InputError{"", "expected a JSON object with \"strategy\", \"topics\" and \"members\""};
  if (auto e = check_keys(doc, "", {"strategy", "topics", "members"})) return e;
  const json* strategy = field(doc, "strategy");
  if (strategy == nullptr) return InputError{"", "missing \"strategy\" (range, roundrobin, sticky or cooperative-sticky)"};
  const auto s = strategy->is_string() ? assign::parse_strategy(strategy->get<std::string>()) : std::nullopt;
  if (!s) return InputError{"/strategy", "unknown strategy: expected range, roundrobin, sticky or cooperative-sticky"};
  g.strategy = *s;
  const json* topics = field(doc, "topics");
  if (topics == nullptr || !topics->is_object())
    return InputError{topics ? "/topics" : "", "expected \"topics\": an object topic -> partition count"};
  for (const auto& [name, count] : topics->items()) {
    if (name.empty()) return InputError{"/topics/", "expected a non-empty topic name"};
    if (!count.is_number_integer() || count.get<std::int64_t>() < 0 || count.get<std::int64_t>() > 1'000'000)
      return InputError{"/topics/" + escape_pointer(name), "expected a partition count: an integer from 0 to 1000000"};
    g.topics[name] = count.get<std::int32_t>();
  }
  const json* members = field(doc, "members");
  if (members == nullptr || !members->is_array())
    return InputError{members ? "/members" : "", "expected \"members\": an array of member objects"};
  std::set<std::string> ids;
  for (std::size_t k = 0; k < members->size(); ++k) {
    assign::MemberSubscription m;
    if (auto e = parse_member((*members)[k], "/members/" + std::to_string(k), g, ids, m)) return e;
    g.members.push_back(std::move(m));
  }
  return std::nullopt;
}

// One member per line: {"c1": ["t-0", "t-1"], ...}, valid JSON that reads like a table.
std::string to_json_text(const assign::Assignment& a) {
  std::string out = "{";
  std::size_t n = 0;
  for (const auto& [member, list] : a) {
    json parts = json::array();
    for (const auto& tp : list) parts.push_back(assign::to_string(tp));
    out += (n++ == 0 ? "\n  " : ",\n  ") + json(member).dump() + ": " + parts.dump(-1, ' ', false);
  }
  return out + (n == 0 ? "}" : "\n}");
}

struct AssignOptions {
  std::string file;
  bool target = false;
};

int run_assign(const AssignOptions& o) {
  std::string text;
  const std::string name = o.file == "-" ? "<stdin>" : o.file;
  if (o.file == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(o.file, std::ios::binary);
    if (!in) return bad_input("cannot read " + o.file);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    // e.byte is the 1-based index of the last character read.
    const Location l = locate(text, e.byte == 0 ? 0 : e.byte - 1);
    std::string what = e.what();
    const auto colon = what.find(": ", what.find("parse error"));
    if (colon != std::string::npos) what = what.substr(colon + 2);
    return bad_input(name + ":" + std::to_string(l.line) + ":" + std::to_string(l.column) + ": " + what);
  }
  Group g;
  if (auto e = parse_group(doc, g)) {
    const Location l = locate(text, JsonPositions(text).at(e->pointer));
    return bad_input(name + ":" + std::to_string(l.line) + ":" + std::to_string(l.column) + ": " + e->message);
  }
  const assign::AssignResult r = assign::assign(g.strategy, g.topics, g.members);
  std::printf("%s\n", to_json_text(o.target ? r.target : r.now).c_str());
  return kExitOk;
}

const CommandRegistrar kAssign("41-assign", [](CLI::App& app) -> std::function<int()> {
  auto opts = std::make_shared<AssignOptions>();
  auto* sub = app.add_subcommand("assign",
                                 "Run a Kafka consumer assignor (range, roundrobin, sticky, cooperative-sticky) on a "
                                 "group described in JSON and print member -> partitions");
  sub->add_option("file", opts->file, "Group file (JSON), or - for stdin")->required();
  sub->add_flag("--target", opts->target,
                "cooperative-sticky: print the final target assignment instead of what is assigned in this "
                "rebalance (moving partitions are first only revoked)");
  return [opts] { return run_assign(*opts); };
});

}  // namespace
}  // namespace kafkasim::cli
