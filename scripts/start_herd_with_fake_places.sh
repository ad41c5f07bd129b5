#!/usr/bin/env bash
# Starts the herd with its Places backend played by fake_places_server, the test fake
# of both Google Places APIs (real HTTPS, a throwaway CA, 20 canned places near UCLA),
# so WHATSAT answers places without a Google key or network. The fake's pid goes in
# run/ next to the members'; scripts/stop_herd.sh stops it with them.
#
# Every member gets backend google, the fake's URL and CA, and a dummy key. Extra
# arguments go to every member after those (e.g. --places-backend google-legacy).
# HERD_FAKE_PLACES_DELAY_MS (default 0) makes the fake wait before each answer;
# HERD_FAKE_PLACES_BIN overrides where the fake is (built with the tests).
set -euo pipefail
script_dir=$(dirname "$0")
source "$script_dir/common.sh"

fake_bin=${HERD_FAKE_PLACES_BIN:-$HERD_BUILD_DIR/tests/support/fake_places_server}
fake_delay_ms=${HERD_FAKE_PLACES_DELAY_MS:-0}
if [[ ! -x $fake_bin ]]; then
  echo "start_herd_with_fake_places: $fake_bin not found; build first: scripts/build.sh" >&2
  exit 1
fi
if pid=$(herd_fake_places_live_pid); then
  echo "start_herd_with_fake_places: fake_places_server already running (pid $pid)." \
    "Stop it first: scripts/stop_herd.sh" >&2
  exit 1
fi
# start_herd.sh refuses a running herd too, but only after the fake would have started.
while read -r name _ _; do
  if pid=$(herd_live_pid "$name"); then
    echo "start_herd_with_fake_places: $name already running (pid $pid)." \
      "Stop it first: scripts/stop_herd.sh" >&2
    exit 1
  fi
done < <(herd_members)
mkdir -p "$HERD_RUN_DIR"
fake_out=$HERD_RUN_DIR/fake_places.out
fake_pid_file=$HERD_RUN_DIR/fake_places.pid

nohup "$fake_bin" --delay-ms "$fake_delay_ms" >"$fake_out" 2>&1 </dev/null &
fake_pid=$!
echo "$fake_pid" >"$fake_pid_file"
# Whatever fails from here on leaves no fake behind.
started=0
stop_fake() {
  if ((!started)); then
    kill -TERM "$fake_pid" 2>/dev/null || true
    rm -f "$fake_pid_file"
  fi
}
trap stop_fake EXIT

# The fake announces "port N" and "ca PATH" once it listens; wait (bounded) for both.
announced() { awk -v key="$1" '$1 == key { print $2; exit }' "$fake_out"; }
announced_both() { [[ -n $(announced port) && -n $(announced ca) ]]; }
herd_wait_until $((SECONDS + 10)) "$fake_pid" "$fake_out" \
  "start_herd_with_fake_places: fake_places_server" "announced no port after 10 s" \
  announced_both || exit 1
fake_port=$(announced port)
fake_ca=$(announced ca)
echo "fake_places_server  https://localhost:$fake_port  pid $fake_pid  CA $fake_ca"

# A dummy key: the fake accepts any, and a real one has no business going there.
GOOGLE_PLACES_API_KEY=dummy-key-for-fake-places "$script_dir/start_herd.sh" \
  --places-backend google --places-url "https://localhost:$fake_port" --ca-file "$fake_ca" "$@"
started=1

read -r _ first_host first_port < <(herd_members | head -n 1)
cat <<MSG

Places come from fake_places_server. Ask for some:
  printf 'IAMAT kiwi +34.068930-118.445127 %s\nWHATSAT kiwi 10 3\n' "\$(date +%s.%N)" | nc -N $first_host $first_port
MSG
