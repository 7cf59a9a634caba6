#!/usr/bin/env bash
# Command one of the Quick start: install what is missing, build, and run the main job:
# the visualizer on the default lesson when a display is available, otherwise the same lesson headless
# with its report. Extra arguments go to kafkasim-gui / kafkasim run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DKAFKASIM_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)"
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" && -x build/gui/kafkasim-gui ]]; then
  exec build/gui/kafkasim-gui "$@"
fi
echo "(no display: running the default lesson headless)"
exec build/cli/kafkasim run "$@"
