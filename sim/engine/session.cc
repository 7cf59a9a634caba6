#include "sim/engine/session.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "sim/core/assert.h"
#include "sim/scenario/parser.h"

namespace kafkasim::engine {

namespace {
constexpr std::size_t kEventsKept = 20000;
constexpr std::uint64_t kNotableStepLimit = 5'000'000;

std::optional<MarkKind> mark_kind(std::string_view kind) {
  if (kind == "scenario.action" || kind == "command") return MarkKind::kFault;
  if (kind == "controller.election" || kind == "controller.unclean_election" || kind == "controller.offline") {
    return MarkKind::kElection;
  }
  if (kind == "controller.isr_shrink" || kind == "controller.isr_expand") return MarkKind::kIsrChange;
  if (kind.rfind("group.rebalance", 0) == 0 || kind == "group.stable") return MarkKind::kRebalance;
  if (kind == "scenario.pause_point") return MarkKind::kPausePoint;
  if (kind == "scenario.narrate") return MarkKind::kNarration;
  return std::nullopt;
}

bool notable(std::string_view kind) {
  return mark_kind(kind).has_value() || kind == "producer.batch_failed" || kind == "replica.truncate" ||
         kind.rfind("node.", 0) == 0 || kind.rfind("group.", 0) == 0;
}
}  // namespace

Session::Session(scenario::Scenario scenario, RunOptions options, CommandLog initial_commands)
    : scenario_(std::move(scenario)), options_(std::move(options)), commands_(std::move(initial_commands)) {
  std::stable_sort(commands_.begin(), commands_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  rebuild();
}

Session::~Session() {
  if (run_) run_->sim().trace().remove_observer(this);
}

void Session::rebuild() {
  if (run_) run_->sim().trace().remove_observer(this);
  run_.reset();
  events_.clear();
  marks_.clear();
  run_ = std::make_unique<Run>(scenario_, options_);
  run_->sim().trace().add_observer(this);
  run_->start();
  next_replayed_command_ = 0;
  shown_us_ = run_->sim().now();
  finished_reported_ = false;
  report_time_us_ = -1;
  report_events_ = UINT64_MAX;
  snapshot_dirty_ = true;
  apply_due_commands();
}

void Session::on_trace(const TraceRecord& r) {
  events_.push_back(EventView{r.event_number, r.time, r.node.value, std::string(r.kind), r.details});
  if (events_.size() > kEventsKept) events_.pop_front();
  if (auto mk = mark_kind(r.kind)) marks_.push_back(TimelineMark{r.time, r.event_number, *mk, r.details});
  if (notable(r.kind)) notable_seen_ = true;
}

void Session::apply_due_commands() {
  const std::uint64_t at = run_->sim().events_executed();
  while (next_replayed_command_ < commands_.size() && commands_[next_replayed_command_].first <= at) {
    run_->apply(commands_[next_replayed_command_].second);
    ++next_replayed_command_;
  }
}

bool Session::step_one() {
  Simulation& sim = run_->sim();
  if (finished()) return false;
  if (sim.next_event_time() > run_->duration_us()) {
    // The end of the run: the clock moves to the end (the only time it moves without an event).
    sim.run_until(run_->duration_us());
    shown_us_ = run_->duration_us();
    return false;
  }
  if (checkpoint_stop_us_ >= 0 && sim.next_event_time() > checkpoint_stop_us_) {
    stopped_for_checkpoint_ = true;
    return false;
  }
  if (!sim.step()) return false;
  shown_us_ = std::max(shown_us_, sim.now());
  apply_due_commands();
  return true;
}

void Session::after_change() {
  snapshot_dirty_ = true;
  if (finished() && !finished_reported_) {
    finished_reported_ = true;
    run_->finish();
    report_time_us_ = shown_us_;
    report_events_ = run_->sim().events_executed();
  }
}

void Session::advance_to(TimeUs until_us, std::uint64_t max_events) {
  Simulation& sim = run_->sim();
  until_us = std::min(until_us, run_->duration_us());
  std::uint64_t n = 0;
  while (n < max_events && sim.next_event_time() <= until_us) {
    if (!step_one()) break;
    ++n;
  }
  if (n < max_events && sim.next_event_time() > until_us) {
    if (until_us >= run_->duration_us()) {
      step_one();  // moves the clock to the end of the run
    } else {
      shown_us_ = std::max(shown_us_, until_us);
    }
  }
  after_change();
}

bool Session::step_event() {
  const bool ok = step_one();
  after_change();
  return ok;
}

bool Session::step_notable() {
  notable_seen_ = false;
  bool ok = true;
  for (std::uint64_t i = 0; i < kNotableStepLimit && !notable_seen_; ++i) {
    ok = step_one();
    if (!ok) break;
  }
  after_change();
  return ok;
}

void Session::seek(TimeUs time_us) {
  if (time_us < shown_us_) rebuild();
  report_due_ = true;
  advance_to(time_us, UINT64_MAX);
}

void Session::seek_event(std::uint64_t event_number) {
  if (event_number < run_->sim().events_executed()) rebuild();
  report_due_ = true;
  while (run_->sim().events_executed() < event_number) {
    if (!step_one()) break;
  }
  after_change();
}

void Session::resume_from_checkpoint(const CommandLog& log) {
  KS_ASSERT(log.size() >= next_replayed_command_);
  commands_ = log;
  apply_due_commands();
  shown_us_ = run_->sim().now();
  report_due_ = true;
  snapshot_dirty_ = true;
}

void Session::apply(const Command& command) {
  if (finished()) return;  // the run is over (its report is final); a command would change nothing shown
  // A command after a seek backwards replaces the commands that came later in the abandoned future.
  const std::uint64_t at = run_->sim().events_executed();
  commands_.erase(std::remove_if(commands_.begin(), commands_.end(), [&](const auto& c) { return c.first > at; }),
                  commands_.end());
  commands_.emplace_back(at, command);
  next_replayed_command_ = commands_.size();
  run_->apply(command);
  after_change();
}

TimeUs Session::now_us() const { return shown_us_; }
TimeUs Session::duration_us() const { return run_->duration_us(); }
// Over when the clock reached the end and no event is left at the end time itself: `kafkasim run` executes
// the events at exactly duration too (Simulation::run_until includes them), so the same trace hash.
bool Session::finished() const {
  Simulation& sim = run_->sim();  // next_event_time() drops cancelled timers: logically const
  return sim.now() >= run_->duration_us() && sim.next_event_time() > run_->duration_us();
}

TimeUs Session::next_pause_point_us() const {
  const TimeUs now = shown_us_;
  for (const scenario::TimelineEvent& ev : scenario_.timeline) {
    if (ev.pause_point && ev.at_us > now) return ev.at_us;
  }
  return -1;
}

const Snapshot& Session::snapshot() {
  if (!snapshot_dirty_) return snapshot_;
  const TimeUs now = shown_us_;
  // The report depends only on the run's state, so one made at the same event count is still exact.
  const std::uint64_t events = run_->sim().events_executed();
  if (events != report_events_ && (report_due_ || report_time_us_ < 0 || now - report_time_us_ >= sec_to_us(1))) {
    run_->check_now();
    report_time_us_ = now;
    report_events_ = events;
  }
  report_due_ = false;
  snapshot_ = run_->snapshot();
  snapshot_.now_us = now;  // the shown time (the clock itself stays at the last event, see the header)
  snapshot_dirty_ = false;
  return snapshot_;
}

std::vector<EventView> Session::recent_events(std::size_t max, const std::string& kind_prefix) const {
  std::vector<EventView> out;
  for (auto it = events_.rbegin(); it != events_.rend() && out.size() < max; ++it) {
    if (kind_prefix.empty() || it->kind.rfind(kind_prefix, 0) == 0) out.push_back(*it);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::string scenario_dir() {
  if (const char* env = std::getenv("KAFKASIM_SCENARIOS"); env != nullptr && *env != '\0') return env;
#ifdef KAFKASIM_SOURCE_DIR
  return std::string(KAFKASIM_SOURCE_DIR) + "/scenarios";
#else
  return "scenarios";
#endif
}

std::string default_scenario_path() {
  std::error_code ec;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(scenario_dir(), ec)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files.empty() ? std::string() : files.front();
}

std::unique_ptr<Driver> open_session(const std::string& path, std::optional<std::uint64_t> seed, std::string& error) {
  scenario::ParseResult parsed = scenario::parse_scenario_file(path);
  if (!parsed.ok()) {
    error = parsed.error_text();
    return nullptr;
  }
  RunOptions options;
  options.seed = seed;
  return std::make_unique<Session>(std::move(*parsed.scenario), std::move(options));
}

}  // namespace kafkasim::engine
