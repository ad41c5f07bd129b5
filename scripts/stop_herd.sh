#!/usr/bin/env bash
# Stops the members that start_herd.sh started (and only those): SIGTERM, then
# waits for each to finish its replies and exit. Also stops the fake_places_server
# that start_herd_with_fake_places.sh started, if it runs.
set -euo pipefail
source "$(dirname "$0")/common.sh"

stopped=0
mapfile -t members < <(herd_members)
for entry in "${members[@]}"; do
  read -r name _ _ <<<"$entry"
  if pid=$(herd_live_pid "$name"); then
    kill -TERM "$pid"
    for _ in $(seq 100); do
      [[ -d /proc/$pid ]] || break
      sleep 0.1
    done
    if [[ -d /proc/$pid ]]; then
      echo "stop_herd: $name (pid $pid) did not exit in 10 s; killing it" >&2
      kill -KILL "$pid" || true
    fi
    echo "$name stopped (pid $pid)"
    stopped=$((stopped + 1))
  fi
  rm -f "$HERD_RUN_DIR/$name.pid"
done
# The fake Places backend of start_herd_with_fake_places.sh, after the members that used it.
if pid=$(herd_fake_places_live_pid); then
  kill -TERM "$pid"
  for _ in $(seq 50); do
    [[ -d /proc/$pid ]] || break
    sleep 0.1
  done
  if [[ -d /proc/$pid ]]; then
    echo "stop_herd: fake_places_server (pid $pid) did not exit in 5 s; killing it" >&2
    kill -KILL "$pid" || true
  fi
  echo "fake_places_server stopped (pid $pid)"
  stopped=$((stopped + 1))
fi
rm -f "$HERD_RUN_DIR/fake_places.pid"
((stopped > 0)) || echo "stop_herd: no member started by start_herd.sh is running"
