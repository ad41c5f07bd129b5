#!/usr/bin/env bash
# Stops the members that start_herd.sh started (and only those): SIGTERM, then
# waits for each to finish its replies and exit. Also stops the fake_places_server
# that start_herd_with_fake_places.sh started, if it runs.
set -euo pipefail
source "$(dirname "$0")/common.sh"

# stop_process NAME PID SECONDS: SIGTERM, then SIGKILL if it is still there.
stop_process() {
  local name=$1 pid=$2 seconds=$3
  kill -TERM "$pid"
  for _ in $(seq $((seconds * 10))); do
    [[ -d /proc/$pid ]] || break
    sleep 0.1
  done
  if [[ -d /proc/$pid ]]; then
    echo "stop_herd: $name (pid $pid) did not exit in $seconds s; killing it" >&2
    kill -KILL "$pid" || true
  fi
  echo "$name stopped (pid $pid)"
  stopped=$((stopped + 1))
}

stopped=0
mapfile -t members < <(herd_members)
for entry in "${members[@]}"; do
  read -r name _ _ <<<"$entry"
  if pid=$(herd_live_pid "$name"); then stop_process "$name" "$pid" 10; fi
  rm -f "$HERD_RUN_DIR/$name.pid"
done
# The fake Places backend of start_herd_with_fake_places.sh, after the members that used it.
if pid=$(herd_fake_places_live_pid); then stop_process fake_places_server "$pid" 5; fi
rm -f "$HERD_RUN_DIR/fake_places.pid"
((stopped > 0)) || echo "stop_herd: no member started by start_herd.sh is running"
