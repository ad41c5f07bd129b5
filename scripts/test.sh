#!/usr/bin/env bash
# Builds herd with warnings as errors and runs the whole test suite (ctest).
# HERD_SANITIZE=1 builds and runs it under AddressSanitizer + UBSan instead (build-asan/),
# HERD_SANITIZE=thread under ThreadSanitizer (build-tsan/; suppressions in
# tests/tsan.supp). HERD_TEST_REGEX runs only the tests whose names match;
# HERD_TEST_SCOPE=unit builds and runs only the unit tests (no processes);
# HERD_TEST_SCOPE=threads only those of code with threads (herd_thread_tests).
set -euo pipefail
source "$(dirname "$0")/common.sh"

build_dir=${HERD_TEST_BUILD_DIR:-$herd_root/build-test}
# No debug information: a failing test says what failed, and the time it would
# take to compile counts on CI's two cores. The sanitizer builds keep line tables
# (-g1) for their reports.
options=(-DHERD_WERROR=ON -DHERD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -DNDEBUG")
if [[ ${HERD_SANITIZE:-0} == 1 ]]; then
  build_dir=${HERD_TEST_BUILD_DIR:-$herd_root/build-asan}
  options=(-DHERD_WERROR=ON -DHERD_BENCH=OFF -DHERD_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
    -DCMAKE_CXX_FLAGS_DEBUG=-g1)
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  # Sanitized members run several times slower; deadlines in the tests stretch.
  export HERD_TEST_TIME_SCALE=${HERD_TEST_TIME_SCALE:-3}
elif [[ ${HERD_SANITIZE:-0} == thread ]]; then
  build_dir=${HERD_TEST_BUILD_DIR:-$herd_root/build-tsan}
  options=(-DHERD_WERROR=ON -DHERD_BENCH=OFF -DHERD_TSAN=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG")
  export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$herd_root/tests/tsan.supp}
  export HERD_TEST_TIME_SCALE=${HERD_TEST_TIME_SCALE:-5}
elif [[ ${HERD_SANITIZE:-0} != 0 ]]; then
  echo "test.sh: HERD_SANITIZE is 1 (ASan + UBSan) or thread (TSan), not ${HERD_SANITIZE}" >&2
  exit 2
fi
cmake -S "$herd_root" -B "$build_dir" -G Ninja "${options[@]}"
case ${HERD_TEST_SCOPE:-all} in
  all) targets=(all); labels=() ;;
  unit) targets=(herd_unit_tests herd_thread_tests); labels=(--label-regex '^(unit|threads)$') ;;
  threads) targets=(herd_thread_tests); labels=(--label-regex '^threads$') ;;
  *) echo "test.sh: HERD_TEST_SCOPE is all, unit or threads, not ${HERD_TEST_SCOPE}" >&2; exit 2 ;;
esac
cmake --build "$build_dir" --parallel "$(nproc)" --target "${targets[@]}"
ctest --test-dir "$build_dir" --output-on-failure --parallel "$(nproc)" --timeout 300 \
  "${labels[@]}" ${HERD_TEST_REGEX:+--tests-regex "$HERD_TEST_REGEX"}
