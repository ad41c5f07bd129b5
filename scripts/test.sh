#!/usr/bin/env bash
# Builds herd with warnings as errors and runs the whole test suite (ctest).
# HERD_SANITIZE=1 builds and runs it under AddressSanitizer + UBSan instead.
set -euo pipefail
source "$(dirname "$0")/common.sh"

build_dir=${HERD_TEST_BUILD_DIR:-$herd_root/build-test}
options=(-DHERD_WERROR=ON -DHERD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [[ ${HERD_SANITIZE:-0} == 1 ]]; then
  build_dir=${HERD_TEST_BUILD_DIR:-$herd_root/build-asan}
  options=(-DHERD_WERROR=ON -DHERD_BENCH=OFF -DHERD_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  # Sanitized members run several times slower; deadlines in the tests stretch.
  export HERD_TEST_TIME_SCALE=${HERD_TEST_TIME_SCALE:-3}
fi
cmake -S "$herd_root" -B "$build_dir" -G Ninja "${options[@]}"
cmake --build "$build_dir" --parallel "$(nproc)"
ctest --test-dir "$build_dir" --output-on-failure --parallel "$(nproc)" --timeout 300
