#!/usr/bin/env bash
# scripts/demo.sh — installs what motcua needs, builds it, and runs `motcua demo` on the
# embedded default (SQLite and local files) in a fresh store under ./motcua-demo-*.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
exec ./build/motcua demo "$@"
