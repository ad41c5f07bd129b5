#!/usr/bin/env bash
# Starts every member of the herd in the background: pid files in run/, logs in
# logs/<member>.log, WHATSAT answered from data/geonames/cities500.txt when no
# Google key is set. Links use mutual TLS with the certificates in certs/, made
# on first use (make_herd_certs.sh); HERD_PEER_TLS=off starts them plaintext.
# Extra arguments go to every member (e.g. --places-url URL).
set -euo pipefail
source "$(dirname "$0")/common.sh"

if [[ ! -x $HERD_BIN ]]; then
  echo "start_herd: $HERD_BIN not found; build first: scripts/build.sh" >&2
  exit 1
fi
mkdir -p "$HERD_RUN_DIR" "$HERD_LOG_DIR"

tls_flags=(--peer-tls off)
if [[ ${HERD_PEER_TLS:-required} != off ]]; then
  "$herd_root/scripts/make_herd_certs.sh" "$HERD_CERT_DIR"
  tls_flags=(--peer-tls required --peer-ca "$HERD_CERT_DIR/ca.pem"
    --peer-cert "$HERD_CERT_DIR/{member}.pem" --peer-key "$HERD_CERT_DIR/{member}.key")
fi

mapfile -t members < <(herd_members)
running=()
for entry in "${members[@]}"; do
  read -r name _ _ <<<"$entry"
  if pid=$(herd_live_pid "$name"); then running+=("$name (pid $pid)"); fi
done
if ((${#running[@]} > 0)); then
  echo "start_herd: already running: ${running[*]}. Stop it first: scripts/stop_herd.sh" >&2
  exit 1
fi

for entry in "${members[@]}"; do
  read -r name _ _ <<<"$entry"
  nohup "$HERD_BIN" "$name" --config "$HERD_CONFIG" --log-dir "$HERD_LOG_DIR" \
    --geonames-file "$HERD_GEONAMES_FILE" "${tls_flags[@]}" "$@" \
    >>"$HERD_RUN_DIR/$name.out" 2>&1 </dev/null &
  echo $! >"$HERD_RUN_DIR/$name.pid"
done

# Wait (bounded) until every member listens on its port itself: a port that
# only accepts connections may belong to another program, and then the member
# exits with the bind error, which herd_wait_until shows.
deadline=$((SECONDS + 10))
for entry in "${members[@]}"; do
  read -r name host port <<<"$entry"
  pid=$(<"$HERD_RUN_DIR/$name.pid")
  herd_wait_until "$deadline" "$pid" "$HERD_RUN_DIR/$name.out" \
    "start_herd: $name" "is not listening on $host:$port after 10 s" \
    herd_pid_listens "$pid" "$port" || exit 1
  echo "$name  listening on $host:$port  pid $(herd_live_pid "$name")  log $HERD_LOG_DIR/$name.log"
done
read -r first_name first_host first_port <<<"${members[0]}"
cat <<MSG

The herd is up. Talk to it:
  printf 'IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 %s\n' "\$(date +%s.%N)" | nc -N $first_host $first_port
Follow a member:  tail -f $HERD_LOG_DIR/$first_name.log
Status / stop:    scripts/status_herd.sh  /  scripts/stop_herd.sh
MSG
