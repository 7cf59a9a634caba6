#pragma once
// Session files of the visualizer: opening a scenario or a recording as a LoggedDriver, and saving the
// current session as a session recording (sim/record/replay.h, docs/recording.md: the scenario text, the
// seed and the commands with their event numbers). Part of ks_gui_app (links ks_record).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "gui/logged_driver.h"
#include "sim/record/replay.h"

namespace kafkasim::gui {

// Builds the Driver of a run: the scenario, the seed and the recorded commands, applied at their event
// numbers (engine::Session's initial commands). May set the error of open_logged_run when it fails.
using MakeDriver = std::function<std::unique_ptr<engine::Driver>(const record::ReplaySource& source)>;

// Opens `path` with record::open_replay_source (`seed` overrides) and wraps the Driver `make` builds in a
// LoggedDriver that starts with the recorded commands. nullptr with `error` set on bad input.
std::unique_ptr<engine::Driver> open_logged_run(const std::string& path, std::optional<std::uint64_t> seed,
                                                std::string& error, const MakeDriver& make);

// Writes the session of `driver` to `path`: "" on success, else the error. A driver that is not a
// LoggedDriver has no origin to save ("this run cannot be saved ...").
std::string save_session(const engine::Driver& driver, const std::string& path);

}  // namespace kafkasim::gui
