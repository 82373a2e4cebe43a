#!/usr/bin/env bash
# scripts/bench.sh — builds optimised and runs every benchmark under tests/bench, printing
# numbers. Benchmarks never fail a build; they are not part of the test command.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DMOTCUA_TESTS=ON >/dev/null
cmake --build build-bench -j"$(nproc)"
for b in build-bench/bench-*; do
	echo "== $(basename "$b")"
	"$b" "$@"
done
