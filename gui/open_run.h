#pragma once
// open_run(): what kafkasim-gui opens from its command line and its File menu - a scenario file, or a
// kafkasim recording (sim/record), which is replayed deterministically from the scenario text, seed and
// commands stored in it (record::open_replay_source). Part of the kafkasim-gui program only (links
// ks_engine and ks_record).
//
// By default the run lives in a sim-server process (engine::RemoteDriver, sim/engine/sim_server.h) that
// kafkasim-gui spawns by re-executing itself with --sim-server, so no simulation process ever holds
// anything of GLFW or OpenGL; seeks go through its fork() checkpoints. `in_process` opens a plain
// engine::Session in the GUI process instead (a backward seek then re-executes from t=0).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "sim/engine/driver.h"

namespace kafkasim::gui {

struct OpenOptions {
  bool in_process = false;
  std::string server_exec_path = "/proc/self/exe";  // the binary re-executed as the sim server
};

// A Driver over `path`; nullptr with `error` set on bad input (file:line:column for scenarios, the
// recording reader's message for recordings). `seed` overrides the scenario's or the recording's seed.
std::unique_ptr<engine::Driver> open_run(const std::string& path, std::optional<std::uint64_t> seed,
                                         const OpenOptions& options, std::string& error);

}  // namespace kafkasim::gui
