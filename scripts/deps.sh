#!/usr/bin/env bash
# Installs the Debian 12 packages kafkasim needs, only those that are missing.
# Usage: scripts/deps.sh [--test]   (--test adds what the test suite needs: Xvfb, Node.js/npm for interop)
set -euo pipefail
packages=(build-essential cmake pkg-config ccache libimgui-dev libglfw3-dev libsqlite3-dev libyaml-cpp-dev
  libcli11-dev libfmt-dev nlohmann-json3-dev zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev
  fonts-dejavu-core sqlite3)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(catch2 xvfb xauth)
  command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "deps: all ${#packages[@]} Debian packages present"
  exit 0
fi
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
echo "deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
