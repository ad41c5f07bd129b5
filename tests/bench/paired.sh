#!/usr/bin/env bash
# Paired runs of one change: alternates `herd_bench iamat-persistent` between two
# herd_server binaries (before and after), each run on a fresh member with logging on,
# so that both sides see the same spells of a shared machine. Prints each run's
# JSON line, then the medians of the pairs' ratios (after/before) and in how many
# pairs the after side was worse.
#
#   tests/bench/paired.sh BEFORE_BIN AFTER_BIN [PAIRS=16] [SECONDS=3] [PIPELINE=16]
#
# herd_bench comes from build-bench/ (scripts/bench.sh builds it) unless
# HERD_BENCH names another.
set -euo pipefail
if (($# < 2)); then
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
before=$1 after=$2 pairs=${3:-16} seconds=${4:-3} pipeline=${5:-16}
source "$(dirname "$0")/../../scripts/common.sh"
bench=${HERD_BENCH:-$herd_root/build-bench/tests/bench/herd_bench}
for program in "$before" "$after" "$bench"; do
  [[ -x $program ]] || { echo "paired.sh: $program is not an executable" >&2; exit 2; }
done
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT

declare -A port binary
mapfile -t ports < <(herd_free_ports 2)
port[before]=${ports[0]} port[after]=${ports[1]}
binary[before]=$before binary[after]=$after

# One run of `side` on a member of its own, started for it and stopped after it:
# a member kept for every run would fill its table (each run stores about two
# million new clients) and later runs would measure "?" replies.
run_side() {
  local side=$1 member
  rm -rf "$work/$side"
  mkdir -p "$work/$side/logs"
  herd_single_member_config 127.0.0.1 "${port[$side]}" "$work/$side/logs" >"$work/$side/config.json"
  "${binary[$side]}" Goloman --config "$work/$side/config.json" >"$work/$side/out" 2>&1 </dev/null &
  member=$!
  pids=("$member")
  herd_wait_until $((SECONDS + 15)) "$member" "$work/$side/out" "paired.sh: $side" \
    "not listening on ${port[$side]}" herd_port_open 127.0.0.1 "${port[$side]}" || exit 1
  "$bench" iamat-persistent --label "$side" --port "${port[$side]}" --pid "$member" \
    --connections 50 --pipeline "$pipeline" --duration "$seconds" --warmup 1 |
    grep '^{' | tee -a "$results"
  kill "$member"
  wait "$member" 2>/dev/null || true
  pids=()
}

results=$work/results.jsonl
for ((i = 0; i < pairs; ++i)); do
  order=(before after)
  ((i % 2)) && order=(after before)  # neither side always goes first
  for side in "${order[@]}"; do run_side "$side"; done
done
echo "# load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$results" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
before = [r for r in runs if r["target"] == "before"]
after = [r for r in runs if r["target"] == "after"]
failed = [r for r in runs if r["failed"]]
if failed:
    sys.exit(f"paired.sh: {len(failed)} runs had replies other than AT "
             f"(first: {failed[0].get('first_failure', '').strip()}); their figures are not comparable")
for key, worse in (("requests_per_s", lambda r: r < 1), ("server_cpu_us_per_request", lambda r: r > 1)):
    ratios = [a[key] / b[key] for b, a in zip(before, after)]
    print(f"{key}: after/before median {statistics.median(ratios):.3f}, "
          f"after worse in {sum(map(worse, ratios))} of {len(ratios)} pairs")
PY
