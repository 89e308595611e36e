#!/usr/bin/env bash
# Runs the API benchmark against moto side by side (docs/benchmarks.md, "The API against moto").
# Builds meridian in release mode, installs moto into a virtual environment in the build folder, and passes
# its arguments to moto_vs_meridian.py (for example --memory 100000).
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.build/bench-venv
[[ -x $venv/bin/python ]] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check 'moto[server]' requests
swift build -c release --product meridian
exec "$venv/bin/python" Benchmarks/api/moto_vs_meridian.py \
    --meridian-bin .build/release/meridian --moto-server "$venv/bin/moto_server" "$@"
