#!/usr/bin/env bash
# Shows which members are up: process and listening port. Exits 0 only if all are.
set -euo pipefail
source "$(dirname "$0")/common.sh"

all_up=1
mapfile -t members < <(herd_members)
for entry in "${members[@]}"; do
  read -r name host port <<<"$entry"
  if pid=$(herd_live_pid "$name"); then
    if herd_pid_listens "$pid" "$port"; then
      printf '%-8s up    pid %-7s %s:%s\n' "$name" "$pid" "$host" "$port"
    else
      printf '%-8s busy  pid %-7s %s:%s not listening\n' "$name" "$pid" "$host" "$port"
      all_up=0
    fi
  else
    printf '%-8s down\n' "$name"
    all_up=0
  fi
done
((all_up)) || exit 1
