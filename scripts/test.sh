#!/usr/bin/env bash
# Command two of the Quick start (and exactly what CI runs): install what is missing, then build and run
# the whole test suite twice, as a normal -Werror build and as an ASan+UBSan build. Ends with CTest's
# summary; exit code non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --test
jobs="$(nproc)"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/kafkasim-ccache}"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

# Interop: kafkajs (pinned in tests/interop/package-lock.json) decodes our segments independently.
if [[ -f tests/interop/package.json ]]; then
  (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "== normal build (RelWithDebInfo, -Werror) =="
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKAFKASIM_WERROR=ON "${launcher[@]}" >/dev/null
cmake --build build-test -j"$jobs"
echo "== sanitizer build (ASan + UBSan) =="
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DKAFKASIM_SANITIZE=ON -DKAFKASIM_WERROR=ON \
  "${launcher[@]}" >/dev/null
cmake --build build-asan -j"$jobs"

status=0
echo "== ctest: sanitizer build =="
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest -j"$jobs" --output-on-failure --timeout 900) || status=1
echo "== ctest: normal build =="
(cd build-test && ctest -j"$jobs" --output-on-failure) || status=1
exit $status
