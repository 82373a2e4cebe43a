#!/usr/bin/env bash
# scripts/test.sh — installs what motcua needs, then builds and runs every test twice: an
# optimised build, and one under AddressSanitizer + UndefinedBehaviorSanitizer. Warnings are
# errors in both. ctest's summary closes the output.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs")
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DMOTCUA_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
cd build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	ctest --output-on-failure -j"$jobs"
