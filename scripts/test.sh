#!/usr/bin/env bash
# Meridian's one test command: installs what the tests need, builds, and runs every test.
# Usage: scripts/test.sh        (from the repository root; CI calls exactly this)
set -euo pipefail
cd "$(dirname "$0")/.."

# --- System packages the tests need (Debian). Installed only when missing. ---
need_pkgs=()
require() { dpkg -s "$1" >/dev/null 2>&1 || need_pkgs+=("$1"); }
# (sections below add to the list)
if ((${#need_pkgs[@]})); then
    echo "==> installing: ${need_pkgs[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}"
fi

# --- Swift: build and run every test. ---
echo "==> swift build"
swift build --build-tests
echo "==> swift test"
swift test --skip-build --parallel
