#pragma once
// open_run(): what kafkasim-gui opens from its command line and its File menu - a scenario file, or a
// kafkasim recording (sim/record), which is replayed deterministically from the scenario text and seed
// stored in it. Part of the kafkasim-gui program only (links ks_engine and ks_record).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "sim/engine/driver.h"

namespace kafkasim::gui {

// A Driver over `path`; nullptr with `error` set on bad input (file:line:column for scenarios, the
// recording reader's message for recordings). `seed` overrides the scenario's or the recording's seed.
std::unique_ptr<engine::Driver> open_run(const std::string& path, std::optional<std::uint64_t> seed,
                                         std::string& error);

}  // namespace kafkasim::gui
