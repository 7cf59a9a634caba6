#include "sim/check/report.h"

#include <fmt/format.h>

namespace kafkasim::check {

const char* to_string(AnomalyKind kind) {
  switch (kind) {
    case AnomalyKind::kLostWrite:
      return "lost-write";
    case AnomalyKind::kDuplicate:
      return "duplicate";
    case AnomalyKind::kPollSkip:
      return "poll-skip";
    case AnomalyKind::kNonmonotonicPoll:
      return "nonmonotonic-poll";
    case AnomalyKind::kNonmonotonicSend:
      return "nonmonotonic-send";
    case AnomalyKind::kAbortedRead:
      return "aborted-read";
  }
  return "?";
}

const char* to_string(Semantics s) {
  switch (s) {
    case Semantics::kNoneYet:
      return "none yet";
    case Semantics::kExactlyOnce:
      return "exactly-once";
    case Semantics::kAtLeastOnce:
      return "at-least-once";
    case Semantics::kAtMostOnce:
      return "at-most-once";
    case Semantics::kNeither:
      return "neither";
  }
  return "?";
}

std::int64_t ProcessorCounts::order_violation_count() const {
  std::int64_t n = 0;
  for (const PartitionCount& p : order_violations) n += p.count;
  return n;
}

namespace {

std::string partition_counts_text(const std::vector<PartitionCount>& v) {
  if (v.empty()) return "0";
  std::string out;
  for (const PartitionCount& p : v) {
    out += fmt::format("{}{}-{}:{}", out.empty() ? "" : ",", p.topic, p.partition, p.count);
  }
  return out;
}

nlohmann::json partition_counts_json(const std::vector<PartitionCount>& v) {
  nlohmann::json out = nlohmann::json::object();
  for (const PartitionCount& p : v) out[fmt::format("{}-{}", p.topic, p.partition)] = p.count;
  return out;
}

}  // namespace

std::string render_text(const Report& r) {
  std::string out =
      fmt::format("{:<20} {:>9} {:>9} {:>7} {:>10} {:>10} {:>9} {:>8}  {}\n", "topic", "produced", "acked",
                  "failed", "lost-acked", "dup-in-log", "unacked-w", "removed", "order-violations");
  for (const TopicCounts& t : r.topics) {
    out += fmt::format("{:<20} {:>9} {:>9} {:>7} {:>10} {:>10} {:>9} {:>8}  {}\n", t.topic, t.produced,
                       t.acked, t.failed, t.lost_acked, t.duplicates_in_log, t.unacked_written, t.removed,
                       partition_counts_text(t.order_violations));
  }
  if (!r.groups.empty()) {
    out += fmt::format("\n{:<20} {:>9} {:>10} {:>7} {:>9} {:>12} {:>12}  {}\n", "group", "consumed",
                       "duplicates", "lost", "poll-skip", "nonmonotonic", "aborted-seen", "semantics");
  }
  for (const GroupCounts& g : r.groups) {
    out +=
        fmt::format("{:<20} {:>9} {:>10} {:>7} {:>9} {:>12} {:>12}  {}\n", g.group, g.consumed, g.duplicates,
                    g.lost, g.poll_skips, g.nonmonotonic_polls, g.aborted_seen, to_string(g.semantics));
  }
  if (!r.processors.empty()) {
    out += fmt::format("\n{:<20} {:>9} {:>9} {:>9} {:>7} {:>10} {:>9}  {:<14} {}\n", "processor", "inputs",
                       "outputs", "aborted", "missing", "duplicates", "open", "semantics", "order-violations");
  }
  for (const ProcessorCounts& p : r.processors) {
    out += fmt::format("{:<20} {:>9} {:>9} {:>9} {:>7} {:>10} {:>9}  {:<14} {}\n",
                       fmt::format("{} ({}->{})", p.processor, p.input, p.output), p.inputs, p.outputs,
                       p.outputs_aborted, p.missing, p.duplicates, p.outputs_open, to_string(p.semantics),
                       partition_counts_text(p.order_violations));
  }
  if (!r.anomalies.empty()) out += "\nanomalies:\n";
  for (const Anomaly& a : r.anomalies) {
    out += fmt::format("  {:<17} {}", to_string(a.kind), a.explanation);
    out += a.cause_time_us >= 0 ? fmt::format(" (event {})\n", a.cause_event) : "\n";
  }
  return out;
}

nlohmann::json to_json(const Report& r) {
  nlohmann::json j;
  j["produced"] = r.produced;
  j["acked"] = r.acked;
  j["lost_acked"] = r.lost_acked;
  j["duplicates"] = r.duplicates;
  j["topics"] = nlohmann::json::array();
  for (const TopicCounts& t : r.topics) {
    j["topics"].push_back({{"topic", t.topic},
                           {"produced", t.produced},
                           {"acked", t.acked},
                           {"failed", t.failed},
                           {"lost_acked", t.lost_acked},
                           {"duplicates_in_log", t.duplicates_in_log},
                           {"unacked_written", t.unacked_written},
                           {"removed", t.removed},
                           {"order_violations", partition_counts_json(t.order_violations)}});
  }
  j["groups"] = nlohmann::json::object();
  for (const GroupCounts& g : r.groups) {
    j["groups"][g.group] = {{"consumed", g.consumed},
                            {"duplicates", g.duplicates},
                            {"lost", g.lost},
                            {"poll_skips", g.poll_skips},
                            {"nonmonotonic_polls", g.nonmonotonic_polls},
                            {"aborted_seen", g.aborted_seen},
                            {"order_violations", partition_counts_json(g.order_violations)},
                            {"semantics", to_string(g.semantics)}};
  }
  j["processors"] = nlohmann::json::object();
  for (const ProcessorCounts& p : r.processors) {
    j["processors"][p.processor] = {{"group", p.group},
                                    {"input", p.input},
                                    {"output", p.output},
                                    {"inputs", p.inputs},
                                    {"outputs", p.outputs},
                                    {"outputs_aborted", p.outputs_aborted},
                                    {"outputs_open", p.outputs_open},
                                    {"missing", p.missing},
                                    {"duplicates", p.duplicates},
                                    {"order_violations", partition_counts_json(p.order_violations)},
                                    {"semantics", to_string(p.semantics)}};
  }
  j["anomalies"] = nlohmann::json::array();
  for (const Anomaly& a : r.anomalies) {
    j["anomalies"].push_back({{"kind", to_string(a.kind)},
                              {"group", a.group},
                              {"topic", a.topic},
                              {"partition", a.partition},
                              {"first_offset", a.first_offset},
                              {"last_offset", a.last_offset},
                              {"record_ids", a.record_ids},
                              {"explanation", a.explanation},
                              {"where", a.where},
                              {"what", a.what},
                              {"because", a.because},
                              {"cause_event", a.cause_event},
                              {"cause_time_us", a.cause_time_us}});
  }
  return j;
}

}  // namespace kafkasim::check
