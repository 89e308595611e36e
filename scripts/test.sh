#!/usr/bin/env bash
# Meridian's one test command: installs what the tests need, builds, and runs every test.
# Usage: scripts/test.sh        (from the repository root; CI calls exactly this)
set -euo pipefail
cd "$(dirname "$0")/.."

# --- System packages the tests need (Debian). Installed only when missing. ---
need_pkgs=()
require() { dpkg -s "$1" >/dev/null 2>&1 || need_pkgs+=("$1"); }
# Each area of the project keeps its own needs in scripts/ci/NN-area.sh, a file that defines up to three
# functions: <area>_packages (prints Debian package names), <area>_setup (after the install, before the
# build) and <area>_test (after `swift test`). They run in file-name order.
shopt -s nullglob
areas=()
for f in scripts/ci/*.sh; do
    # shellcheck source=/dev/null
    source "$f"
    area=$(basename "$f" .sh); area=${area#*-}; areas+=("$area")
done
for area in "${areas[@]}"; do
    if declare -F "${area}_packages" >/dev/null; then
        for pkg in $("${area}_packages"); do require "$pkg"; done
    fi
done
if ((${#need_pkgs[@]})); then
    echo "==> installing: ${need_pkgs[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}"
fi

for area in "${areas[@]}"; do
    if declare -F "${area}_setup" >/dev/null; then echo "==> setup: $area"; "${area}_setup"; fi
done

# --- Swift: build and run every test. ---
echo "==> swift build"
swift build --build-tests
echo "==> swift test"
swift test --skip-build --parallel

for area in "${areas[@]}"; do
    if declare -F "${area}_test" >/dev/null; then echo "==> tests: $area"; "${area}_test"; fi
done
echo "==> all tests passed"
