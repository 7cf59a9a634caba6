#pragma once
// The raw registry table behind find_config (config_def.h). Internal to sim/config and its tests.
#include <vector>

#include "sim/config/config_def.h"

namespace kafkasim::config {

// Every ConfigDef, grouped by scope. Built once on first use; never changes.
const std::vector<ConfigDef>& config_table();

}  // namespace kafkasim::config
