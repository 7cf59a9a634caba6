#pragma once
// GuiState: everything the visualizer remembers between frames, in one small struct (the shape of
// imgui_demo's ExampleAppLog / ShowExampleAppLayout): which windows are open, play/pause and speed,
// filters and selections, the look (theme, font size), and the queue of Actions the panels asked for.
//
// Lifecycle: one GuiState per application (or per test), owned by the caller of run_frame(). Panels
// never touch the engine: they read a const engine::Snapshot and push Actions; run_frame() applies
// them to the engine::Driver after every window is drawn, so a Snapshot reference is never used after
// the simulation changed. Actions the frame cannot perform itself (open a scenario, quit, rebuild the
// fonts) are left for the application shell in `app_requests`.
#include <cstdint>
#include <array>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <imgui.h>

#include "gui/lessons.h"
#include "gui/theme.h"
#include "sim/core/time.h"
#include "sim/engine/command.h"
#include "sim/engine/snapshot.h"

namespace kafkasim::gui {

enum class ActionKind : std::uint8_t {
  kApplyCommand,   // Driver::apply(command)
  kStepEvent,      // Driver::step_event()
  kStepNotable,    // Driver::step_notable()
  kSeek,           // Driver::seek(time_us)
  kSeekEvent,      // Driver::seek_event(event_number)
  kRunUntil,       // play until time_us, then pause
  kOpenScenario,   // for the application: open `path` (scenario or recording)
  kSaveSession,    // for the application: save the session as a recording at `path`
  kQuit,           // for the application
};

struct Action {
  ActionKind kind = ActionKind::kStepEvent;
  TimeUs time_us = 0;
  std::uint64_t event_number = 0;
  engine::Command command;
  std::string path;
};

// Which windows are shown (View menu; closed windows give their space to their column partner).
struct WindowsOpen {
  bool time = true;
  bool cluster = true;
  bool partitions = true;
  bool groups = true;
  bool producers = true;
  bool delivery = true;
  bool events = true;
};

// Where a partition was last seen assigned, to show partitions moving between members.
struct AssignmentSeen {
  std::string member;
  std::string previous_member;
  TimeUs changed_us = -1;
};

// Lag of one partition for one group over sim time, sampled by the groups view as the run plays.
struct LagTrace {
  std::vector<TimeUs> time_us;
  std::vector<float> lag;
};
inline constexpr std::size_t kLagTraceSamplesMax = 240;
inline constexpr TimeUs kLagTraceStepUs = 100'000;

// One row of the event log: the latest event (`index` into GuiState::event_cache) of a run of `count`
// consecutive events of one kind, or of a run of consecutive events of hidden kinds (`hidden`; the run
// starts at `first`; `summary` counts them by kind, filled when the row is first shown).
struct EventRow {
  std::size_t first = 0;
  std::size_t index = 0;
  std::size_t count = 1;
  bool hidden = false;
  std::string summary;
};

// What the event log derives from GuiState::event_cache and its filters, recomputed only when one of
// them changed (not every frame: a log of 20,000 events costs a millisecond and a half to fold).
struct EventLogRows {
  std::uint64_t cache_version = UINT64_MAX;  // GuiState::event_cache_version it was made from
  std::string filter;
  std::set<std::string> hidden;
  bool collapse = true;
  std::vector<EventRow> rows;                      // the last kEventLogMax
  std::map<std::string, std::size_t> kind_counts;  // every kind in the cache and every hidden one
};

// Trace kinds hidden from the event log until the user shows them (Kinds menu of the log): offset
// commits and connection churn, thousands per second in a busy run (a broker down makes every client
// reconnect), which would push everything else out of the log.
inline constexpr std::array<const char*, 4> kDefaultHiddenKinds = {"group.commit", "net.connect", "net.disconnect",
                                                                   "net.break"};

inline constexpr float kFontSizeMinPx = 10.0f;
inline constexpr float kFontSizeMaxPx = 48.0f;
inline constexpr float kSpeedMin = 0.01f;    // sim seconds per wall second: slow motion
inline constexpr float kSpeedMax = 1000.0f;  // above this, use "max" (as fast as possible)

struct GuiState {
  WindowsOpen open;

  // Time control.
  bool playing = false;
  bool max_speed = false;             // as fast as possible: a fixed event budget per frame
  float speed = 1.0f;                 // sim seconds per wall second
  std::uint64_t max_events_per_frame = 20000;
  TimeUs run_until_us = -1;           // "run until": pause when sim time reaches it; -1 none
  float run_until_s_input = 10.0f;
  TimeUs paused_at_pause_point_us = -1;  // the pause point that stopped play last, shown in the bar
  TimeUs prefetched_target_us = -1;      // where the driver was told the next frame goes (-1: nowhere)
  std::string driver_failure;            // Driver::failure(): the run cannot go on (shown in the menu bar)

  // Narration: the latest text stays on screen; a new one flashes.
  TimeUs narration_seen_us = -1;
  double narration_flash_s = 0;

  // Filters and selections.
  std::string topic_filter;
  ImGuiTextFilter event_filter;
  bool follow_events = true;          // keep the event log scrolled to the newest event
  // Event kinds the log leaves out; by default the routine chatter that floods it (kDefaultHiddenKinds).
  std::set<std::string> hidden_event_kinds{kDefaultHiddenKinds.begin(), kDefaultHiddenKinds.end()};
  bool collapse_repeats = true;       // consecutive events of one kind shown as one row "x N"
  // The events the log shows, refreshed at most every kEventFetchEveryFrames frames while playing
  // (every frame otherwise): the log cannot be read faster. Moving forward, only the new events are
  // fetched and appended; after a seek (or another run) the latest ones are fetched again.
  std::vector<engine::EventView> event_cache;
  std::uint64_t event_cache_at = UINT64_MAX;  // events_executed when fetched; UINT64_MAX: fetch afresh
  std::uint64_t event_cache_version = 0;      // bumped whenever event_cache changes
  int frames_since_event_fetch = 0;
  EventLogRows event_rows;
  std::int32_t selected_broker = -1;
  std::string selected_group;         // with selected_member: the member a right-click menu is for
  std::string selected_member;
  std::uint64_t selected_event = 0;
  std::map<std::string, AssignmentSeen> assignment_seen;  // key: group + "/" + topic-partition
  std::map<std::string, LagTrace> partition_lag;          // key: group + "/" + topic-partition

  // Look. The application rebuilds the fonts when font_size_px changes.
  ThemeKind theme = ThemeKind::kDark;
  Palette palette = make_palette(ThemeKind::kDark);
  float font_size_px = 20.0f;
  ImFont* mono_font = nullptr;        // numbers and logs; nullptr: the current font
  // The font atlas sampled linearly, for drawings with slanted lines (gui/atlas_textures.h); nullptr
  // headless or before the first frame (then SmoothSampling changes nothing).
  ImTextureID smooth_atlas = nullptr;

  // Lessons (File menu) and the path typed in "Open...".
  std::vector<Lesson> lessons;
  std::string open_path_input;
  std::string save_path_input = "session.sqlite";  // "Save session as..."

  // Output of the panels for this frame, and what the application shell must do.
  std::vector<Action> actions;
  std::vector<Action> app_requests;
  std::string status_line;            // the last command applied, e.g. "crash broker 2"
  double wall_time_s = 0;             // seconds of wall time since start (animations only)

  void push(Action action) { actions.push_back(std::move(action)); }
  void push_command(const engine::Command& command);
  void set_theme(ThemeKind kind);
  void set_font_size(float px);
};

// "crash broker 2", "partition {1,2} | {3}": what the status line and the Faults menu say.
std::string command_label(const engine::Command& command);

}  // namespace kafkasim::gui
