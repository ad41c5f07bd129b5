#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/) with clang into build-fuzz/ and runs
# each for a bounded time, starting from its corpus in tests/fuzz/corpus/<target>/.
# Fails when a target crashes or breaks an invariant (the input is saved as
# build-fuzz/artifacts/<target>-crash-*). Prints each target's final coverage.
#
#   scripts/fuzz.sh [TARGET...]           all targets, or the ones named
#   scripts/fuzz.sh --minimize [TARGET...]
#       then adds to the repository's corpus the inputs the runs found that
#       add coverage to it (review and commit the result).
#
# HERD_FUZZ_SECONDS: time per target (default 20). HERD_FUZZ_CXX: the compiler
# (default clang++-16, installed with libclang-rt-16-dev if missing).
set -euo pipefail
source "$(dirname "$0")/common.sh"

minimize=0
if [[ ${1:-} == --minimize ]]; then
  minimize=1
  shift
fi
seconds=${HERD_FUZZ_SECONDS:-20}
cxx=${HERD_FUZZ_CXX:-clang++-16}
build_dir=${HERD_FUZZ_BUILD_DIR:-$herd_root/build-fuzz}
corpus_root=$herd_root/tests/fuzz/corpus

if [[ $cxx == clang++-16 ]]; then herd_install_packages fuzz clang-16 libclang-rt-16-dev; fi

cmake -S "$herd_root" -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" \
  -DHERD_FUZZ=ON -DHERD_TESTS=OFF -DHERD_BENCH=OFF -DHERD_WERROR=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)" --target herd_fuzz_targets

if (($# == 0)); then
  mapfile -t targets < <(cd "$corpus_root" && ls)
else
  targets=("$@")
fi

mkdir -p "$build_dir/artifacts"
summary=()
for target in "${targets[@]}"; do
  seeds=$corpus_root/$target
  found=$build_dir/corpus/$target  # what this run adds; the repository's corpus stays as it is
  log=$build_dir/$target.log
  [[ -d $seeds ]] || { echo "fuzz: no corpus $seeds" >&2; exit 1; }
  mkdir -p "$found"
  echo "fuzz: $target for ${seconds}s (log: $log)"
  if ! "$build_dir/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$build_dir/artifacts/$target-" \
      "$found" "$seeds" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "fuzz: $target FAILED; the input is in $build_dir/artifacts/" >&2
    exit 1
  fi
  # libFuzzer's last status line: "#<runs> DONE cov: <points> ft: <features> ...".
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)
  runs=$(sed -E 's/^#([0-9]+).*/\1/' <<<"$done_line")
  coverage=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' <<<"$done_line")
  summary+=("$(printf '%-20s %s, %s runs' "$target" "$coverage" "$runs")")
  if ((minimize)); then
    # The seeds stay as they are; of the run's finds, only those adding coverage join them.
    "$build_dir/tests/fuzz/$target" -merge=1 "$seeds" "$found" >>"$log" 2>&1
    echo "fuzz: $target corpus now $(ls "$seeds" | wc -l) inputs"
  fi
done
echo "fuzz: final coverage (points, features):"
printf '  %s\n' "${summary[@]}"
