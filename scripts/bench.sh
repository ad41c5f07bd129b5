#!/usr/bin/env bash
# Runs herd's benchmarks with their baselines and prints a table.
#
#   scripts/bench.sh [--output FILE] [--duration SECONDS] [--records N]
#                    [--idle-connections N] [--no-build] [--no-redis] [--geonames-only]
#                    [--peer-tls] [--links-only]
#
# Defaults: 5 s per run, 1,000,000 records, 10,000 idle connections; about two
# minutes after the build, and up to 0.5 GB of member logs in a temp directory.
#
# Builds Release into build-bench/ (or $HERD_BENCH_BUILD_DIR), then on 127.0.0.1:
#   1, 2, 5  one herd_server member (temp config, logging on), and null_server
#   6        one fresh member: ids crafted to collide under an unkeyed hash
#   3, 4     the five-member herd, pointed at fake_places_server for 4
#   geonames the five-member herd with the GeoNames backend (data/geonames/
#            cities500.txt, from install-deps.sh): start to ready, RSS per member,
#            WHATSAT with the same C and P as 1, against Redis GEOSEARCH over the
#            same places (--geonames-only runs just this)
#   redis    redis-server (installed with apt-get if missing and we are root)
#            loaded by redis-benchmark GEOADD with the same C and P
# --peer-tls: the herds link with mutual TLS (certificates from make_herd_certs.sh),
#            labelled herd-tls. --links-only: just what links change: the idle
#            five-member herd's propagation over three hops, IAMATs at Goloman with
#            the same C and P as 1, and tests/bench/catch_up.py (100,000 records).
#            Run it with and without --peer-tls, alternating, each with its own
#            --output, then: tests/bench/tls_table.py OUTPUT...
# Every JSON line goes to --output (default bench-results.jsonl). Everything it
# starts is stopped on exit. Numbers are only comparable within one run: the
# ratios matter, not the absolute figures.
set -euo pipefail
source "$(dirname "$0")/common.sh"

build_dir=${HERD_BENCH_BUILD_DIR:-$herd_root/build-bench}
output=bench-results.jsonl
duration=5
records=1000000
idle_connections=10000
build=1
use_redis=1
geonames_only=0
peer_tls=0
links_only=0
while (($# > 0)); do
  case $1 in
    --output) output=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --records) records=$2; shift 2 ;;
    --idle-connections) idle_connections=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --no-redis) use_redis=0; shift ;;
    --geonames-only) geonames_only=1; shift ;;
    --peer-tls) peer_tls=1; shift ;;
    --links-only) links_only=1; shift ;;
    -h | --help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done
for number in "$duration" "$records" "$idle_connections"; do
  [[ $number =~ ^[1-9][0-9]*$ ]] || { echo "bench: not a whole positive number: $number" >&2; exit 2; }
done

# The scenario shapes for which the table's targets (tests/bench/bench_table.py) are set.
connections=50
pipelines=(1 16)
fill_pipeline=64          # memory: fill as fast as the member takes it
whatsat_clients=200
backend_delay_ms=20
propagation_samples=300
crafted_ids=20000         # 6: per phase; crafting them takes ~35 s of CPU here
# WHATSAT from the gazetteer: the client at UCLA of docs/protocol.md §4, 10 km, bound 20.
geonames_file=${HERD_GEONAMES_FILE:-$herd_root/data/geonames/cities500.txt}
whatsat_latitude=34.068930
whatsat_longitude=-118.445127
whatsat_radius_km=10
whatsat_bound=20

host=127.0.0.1
work=$(mktemp -d "${TMPDIR:-/tmp}/herd-bench.XXXXXX")
started_pids=()

stop_started() {
  local pid
  for pid in "${started_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${started_pids[@]}"; do
    # Bounded: a process that ignores SIGTERM for 5 s is killed.
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  started_pids=()
}
cleanup() {
  stop_started
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- build
if ((build)); then
  echo "== building Release into $build_dir"
  cmake -S "$herd_root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHERD_BENCH=ON \
    -DHERD_TESTS=ON >/dev/null
  cmake --build "$build_dir" --parallel "${HERD_BENCH_JOBS:-2}" \
    --target herd_server herd_bench null_server fake_places_server gazetteer_bench
fi
server_bin=$build_dir/herd_server
bench_bin=$build_dir/tests/bench/herd_bench
null_bin=$build_dir/tests/bench/null_server
fake_bin=$build_dir/tests/support/fake_places_server
table_script=$herd_root/tests/bench/bench_table.py
redis_results=$herd_root/tests/bench/redis_results.py
for binary in "$server_bin" "$bench_bin" "$null_bin" "$fake_bin"; do
  [[ -x $binary ]] || { echo "bench: $binary missing; run without --no-build" >&2; exit 1; }
done

# Idle connections need descriptors on both sides; children inherit this.
ulimit -n "$(ulimit -Hn)"
if (($(ulimit -n) < idle_connections + 256)); then
  idle_connections=$(($(ulimit -n) - 256))
  echo "bench: RLIMIT_NOFILE is $(ulimit -n); measuring $idle_connections idle connections" >&2
fi

: >"$output"

# ---------------------------------------------------------------- helpers
# Waits (bounded) until host:port accepts, failing early if `pid` died.
wait_for_port() {
  local port=$1 pid=$2 name=$3
  herd_wait_until $((SECONDS + 15)) "$pid" "$work/$name.out" "bench: $name" \
    "not listening on $port" herd_port_open "$host" "$port" || exit 1
}

# Waits (bounded) until `file` has a line starting with `key `; prints the rest.
read_announced() {
  local file=$1 key=$2 deadline=$((SECONDS + 15)) value
  until value=$(awk -v key="$key" '$1 == key { print $2; exit }' "$file" 2>/dev/null) && [[ -n $value ]]; do
    ((SECONDS < deadline)) || { echo "bench: no '$key' line in $file" >&2; exit 1; }
    sleep 0.05
  done
  echo "$value"
}

# start_member NAME CONFIG [ENV=VALUE...]: runs herd_server in the background.
start_member() {
  local name=$1 config=$2
  shift 2
  env "$@" "$server_bin" "$name" --config "$config" >"$work/$name.out" 2>&1 </dev/null &
  started_pids+=($!)
  member_pid=$!
}

# write_herd_config FILE LOG_DIR PLACES_JSON: the five members of protocol.md §1 on free
# ports (into port_of), with the given "places" settings, and with --peer-tls
# their links' certificates.
names=(Goloman Hands Holiday Welsh Wilkes)
declare -A port_of
herd_label=herd
peer_tls_json=""
if ((peer_tls)); then
  "$herd_root/scripts/make_herd_certs.sh" "$work/certs" "${names[@]}" >/dev/null
  herd_label=herd-tls
  peer_tls_json=", \"peer_tls\": {\"mode\": \"required\", \"ca_file\": \"$work/certs/ca.pem\",
    \"cert_file\": \"$work/certs/{member}.pem\", \"key_file\": \"$work/certs/{member}.key\"}"
fi
write_herd_config() {
  local file=$1 log_dir=$2 places=$3 members_json="" i
  local ports
  mapfile -t ports < <(herd_free_ports ${#names[@]})
  for i in "${!names[@]}"; do
    port_of[${names[$i]}]=${ports[$i]}
    members_json+="${members_json:+, }{\"name\": \"${names[$i]}\", \"host\": \"$host\", \"port\": ${ports[$i]}}"
  done
  cat >"$file" <<JSON
{
  "members": [$members_json],
  "links": [["Goloman", "Hands"], ["Goloman", "Holiday"], ["Goloman", "Wilkes"],
            ["Hands", "Wilkes"], ["Holiday", "Welsh"], ["Holiday", "Wilkes"]],
  "log_dir": "$log_dir",
  "places": $places$peer_tls_json
}
JSON
}

print_table() {
  echo
  python3 "$table_script" "$output"
  echo
  echo "JSON lines: $output"
}

# Runs herd_bench, shows its human line, appends its JSON line to the results.
bench() {
  local lines
  # The kernel writes dirty pages back about 30 s after they were written, which
  # would land, CPU and all, in the middle of a later measurement: flush the
  # earlier runs' logs now, while nothing is timed.
  sync
  lines=$("$bench_bin" "$@") || { echo "bench: herd_bench $1 failed" >&2; exit 1; }
  sed -n 1p <<<"$lines"
  sed -n 2p <<<"$lines" >>"$output"
}

# ---------------------------------------------------------------- links only
if ((links_only)); then
  echo "== links: the five-member herd ($herd_label), propagation idle, IAMATs at Goloman; catch-up"
  write_herd_config "$work/links.json" "$work/logs-links" '{"backend": "none"}'
  declare -A links_pid
  for name in "${names[@]}"; do
    start_member "$name" "$work/links.json"
    links_pid[$name]=$member_pid
  done
  for name in "${names[@]}"; do wait_for_port "${port_of[$name]}" "${links_pid[$name]}" "$name"; done
  "$bench_bin" propagation --port "${port_of[Hands]}" --target-port "${port_of[Welsh]}" \
    --samples 3 --sample-timeout-ms 10000 >/dev/null
  bench propagation --label "$herd_label" --port "${port_of[Hands]}" \
    --target-port "${port_of[Welsh]}" --samples "$propagation_samples" --duration "$((duration * 3))"
  for pipeline in "${pipelines[@]}"; do
    bench iamat-persistent --label "$herd_label" --port "${port_of[Goloman]}" \
      --pid "${links_pid[Goloman]}" --connections "$connections" --pipeline "$pipeline" \
      --duration "$duration"
  done
  stop_started
  catch_up_tls=()
  ((peer_tls)) && catch_up_tls=(--peer-tls "$work/certs")
  python3 "$herd_root/tests/bench/catch_up.py" "$server_bin" 100000 "${catch_up_tls[@]}" \
    >"$work/catch-up.out" || { echo "bench: catch_up.py failed" >&2; exit 1; }
  sed -n 1p "$work/catch-up.out"
  sed -n 2p "$work/catch-up.out" >>"$output"
  echo "JSON lines: $output (tests/bench/tls_table.py compares runs with and without --peer-tls)"
  exit 0
fi

# ---------------------------------------------------------------- geonames
# Redis loaded with the same places as herd's gazetteer, each a GEOADD member
# named by its geonameid; prints how many it took.
redis_load_places() {
  python3 - "$geonames_file" <<'PY' | redis-cli -h "$host" -p "$1" --pipe >/dev/null
import sys

def command(*words):
    encoded = [word.encode() for word in words]
    return b"*%d\r\n" % len(encoded) + b"".join(b"$%d\r\n%s\r\n" % (len(w), w) for w in encoded)

out = sys.stdout.buffer
batch = []
for line in open(sys.argv[1], encoding="utf-8"):
    columns = line.rstrip("\n").split("\t")
    batch += [columns[5], columns[4], columns[0]]  # longitude, latitude, geonameid
    if len(batch) >= 3000:
        out.write(command("GEOADD", "places", *batch))
        batch = []
if batch:
    out.write(command("GEOADD", "places", *batch))
PY
  redis-cli -h "$host" -p "$1" zcard places
}

# redis_geosearch PORT CONNECTIONS PIPELINE REQUESTS [redis-benchmark options]:
# the WHATSAT of the herd_bench runs, as Redis answers it.
redis_geosearch() {
  local port=$1 clients=$2 pipeline=$3 requests=$4
  shift 4
  timeout 600 redis-benchmark -h "$host" -p "$port" -c "$clients" -P "$pipeline" -n "$requests" \
    "$@" GEOSEARCH places FROMLONLAT "$whatsat_longitude" "$whatsat_latitude" \
    BYRADIUS "$whatsat_radius_km" km ASC COUNT "$whatsat_bound" WITHCOORD WITHDIST
}

if [[ ! -f $geonames_file ]]; then
  echo "== no $geonames_file (scripts/install-deps.sh installs it): no geonames figures"
else
  echo "== geonames: the five-member herd loads $geonames_file; WHATSAT; Redis GEOSEARCH"
  "$build_dir/tests/bench/gazetteer_bench" "$geonames_file" --queries 100000 >"$work/gazetteer.out"
  sed -n '1~2p' "$work/gazetteer.out"
  sed -n '2~2p' "$work/gazetteer.out" >>"$output"
  # A member without a gazetteer, for the RSS a gazetteer adds.
  read -r base_port < <(herd_free_ports 1)
  printf '{"members": [{"name": "Goloman", "host": "%s", "port": %s}], "links": [],
           "log_dir": "%s", "places": {"backend": "none"}}\n' \
    "$host" "$base_port" "$work/logs-base" >"$work/base.json"
  start_member Goloman "$work/base.json"
  base_pid=$member_pid
  wait_for_port "$base_port" "$base_pid" Goloman
  sync
  write_herd_config "$work/geonames.json" "$work/logs-geonames" \
    "{\"backend\": \"geonames\", \"geonames_file\": \"$geonames_file\"}"
  # All five at once, as start_herd.sh starts them; each watched by its own
  # herd_bench from its first moment.
  declare -A geonames_pid
  for name in "${names[@]}"; do
    start_member "$name" "$work/geonames.json"
    geonames_pid[$name]=$member_pid
  done
  ready_pids=()
  for name in "${names[@]}"; do
    "$bench_bin" places-ready --label "$name" --port "${port_of[$name]}" \
      --pid "${geonames_pid[$name]}" --baseline-pid "$base_pid" \
      --radius "$whatsat_radius_km" --bound "$whatsat_bound" >"$work/ready-$name.out" &
    ready_pids+=($!)
  done
  for pid in "${ready_pids[@]}"; do wait "$pid" || { echo "bench: places-ready failed" >&2; exit 1; }; done
  for name in "${names[@]}"; do
    sed -n 1p "$work/ready-$name.out"
    sed -n 2p "$work/ready-$name.out" >>"$output"
  done
  for pipeline in "${pipelines[@]}"; do
    bench whatsat --label herd-geonames --port "${port_of[Goloman]}" --pid "${geonames_pid[Goloman]}" \
      --connections "$connections" --pipeline "$pipeline" --duration "$duration" \
      --radius "$whatsat_radius_km" --bound "$whatsat_bound"
  done
  stop_started

  if ((use_redis)) && command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null; then
    read -r redis_port < <(herd_free_ports 1)
    redis-server --port "$redis_port" --bind "$host" --save '' --appendonly no --dir "$work" \
      >"$work/redis.out" 2>&1 </dev/null &
    started_pids+=($!)
    wait_for_port "$redis_port" "$!" redis
    loaded=$(redis_load_places "$redis_port")
    echo "  Redis holds $loaded places"
    for pipeline in "${pipelines[@]}"; do
      probe_rps=$(redis_geosearch "$redis_port" "$connections" "$pipeline" 20000 --csv |
        tail -n 1 | cut -d'"' -f4)
      requests=$(python3 -c "print(max(20000, int($probe_rps * $duration)))")
      redis_geosearch "$redis_port" "$connections" "$pipeline" "$requests" --csv \
        >"$work/redis-geosearch-$pipeline.csv"
      python3 "$redis_results" throughput "$work/redis-geosearch-$pipeline.csv" "$connections" \
        "$pipeline" whatsat redis-geosearch | tee -a "$output" | sed 's/^/  /'
    done
    stop_started
  fi
fi
if ((geonames_only)); then
  print_table
  exit 0
fi

# ---------------------------------------------------------------- one member: 1, 2
echo "== scenarios 1, 2: one member (logging on) and the null server"
read -r member_port < <(herd_free_ports 1)
herd_single_member_config "$host" "$member_port" "$work/logs-single" >"$work/single.json"
start_member Goloman "$work/single.json"
wait_for_port "$member_port" "$member_pid" Goloman

"$null_bin" --host "$host" --port 0 >"$work/null.out" 2>&1 </dev/null &
null_pid=$!
started_pids+=("$null_pid")
null_port=$(read_announced "$work/null.out" port)

# --pid: each server's CPU time per request, steadier than req/s on a shared machine.
for pipeline in "${pipelines[@]}"; do
  for target in herd null; do
    port=$member_port pid=$member_pid
    [[ $target == null ]] && port=$null_port pid=$null_pid
    bench iamat-persistent --label "$target" --port "$port" --pid "$pid" \
      --connections "$connections" --pipeline "$pipeline" --duration "$duration"
  done
done
for target in herd null; do
  port=$member_port pid=$member_pid
  [[ $target == null ]] && port=$null_port pid=$null_pid
  bench iamat-oneshot --label "$target" --port "$port" --pid "$pid" \
    --connections "$connections" --duration "$duration"
done
stop_started
rm -rf "$work/logs-single"  # read by no one: deleted, its pages need no writing

# ---------------------------------------------------------------- one fresh member: 5
echo "== scenario 5: memory of one fresh member; idle connections of the null server"
read -r member_port < <(herd_free_ports 1)
herd_single_member_config "$host" "$member_port" "$work/logs-memory" >"$work/memory.json"
start_member Goloman "$work/memory.json"
wait_for_port "$member_port" "$member_pid" Goloman
bench memory --port "$member_port" --pid "$member_pid" --records "$records" \
  --connections "$connections" --pipeline "$fill_pipeline" --idle-connections "$idle_connections"
"$null_bin" --host "$host" --port 0 >"$work/null.out" 2>&1 </dev/null &
started_pids+=($!)
bench memory --label null --port "$(read_announced "$work/null.out" port)" --pid "$!" \
  --records 0 --idle-connections "$idle_connections"
stop_started
rm -rf "$work/logs-memory"

# ---------------------------------------------------------------- one fresh member: 6
echo "== scenario 6: ids crafted to collide under an unkeyed hash, against random ids"
read -r member_port < <(herd_free_ports 1)
herd_single_member_config "$host" "$member_port" "$work/logs-crafted" >"$work/crafted.json"
start_member Goloman "$work/crafted.json"
wait_for_port "$member_port" "$member_pid" Goloman
bench iamat-crafted --port "$member_port" --pid "$member_pid" --ids "$crafted_ids" \
  --connections "$connections" --pipeline 16
stop_started
rm -rf "$work/logs-crafted"

# ---------------------------------------------------------------- redis baseline
# redis_geoadd PORT CONNECTIONS PIPELINE REQUESTS KEY [redis-benchmark options]:
# GEOADD of members "client:" + 12 digits (__rand_int__), like herd's ids.
redis_geoadd() {
  local port=$1 clients=$2 pipeline=$3 requests=$4 key=$5
  shift 5
  timeout 600 redis-benchmark -h "$host" -p "$port" -c "$clients" -P "$pipeline" -n "$requests" \
    -r 2000000000 "$@" GEOADD "$key" -118.445127 34.068930 'client:__rand_int__'
}

# redis_info PORT FIELD: one number from INFO memory.
redis_info() {
  redis-cli -h "$host" -p "$1" info memory | awk -F: -v key="$2" '$1 == key { print $2 + 0 }'
}

if ((use_redis)) && ! command -v redis-benchmark >/dev/null && [[ $(id -u) == 0 ]] &&
  command -v apt-get >/dev/null; then
  echo "== installing redis-server and redis-tools"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    redis-server redis-tools >"$work/apt.log" 2>&1 || echo "bench: apt-get failed" >&2
fi
if ((use_redis)) && command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null; then
  echo "== Redis baseline: GEOADD with the same C and P; memory per member"
  read -r redis_port < <(herd_free_ports 1)
  redis-server --port "$redis_port" --bind "$host" --save '' --appendonly no --dir "$work" \
    >"$work/redis.out" 2>&1 </dev/null &
  started_pids+=($!)
  wait_for_port "$redis_port" "$!" redis
  # Memory first, on the fresh server: its RSS only shrinks lazily after a delete.
  before=$(redis_info "$redis_port" used_memory)
  before_rss=$(redis_info "$redis_port" used_memory_rss)
  redis_geoadd "$redis_port" "$connections" "$fill_pipeline" "$records" bench:memory -q >/dev/null
  members=$(redis-cli -h "$host" -p "$redis_port" zcard bench:memory)
  after=$(redis_info "$redis_port" used_memory)
  after_rss=$(redis_info "$redis_port" used_memory_rss)
  python3 "$redis_results" memory "$members" "$before" "$after" "$before_rss" "$after_rss" |
    tee -a "$output" | sed 's/^/  /'
  for pipeline in "${pipelines[@]}"; do
    # redis-benchmark counts requests, not seconds: a short probe sizes the run
    # so that it lasts about --duration.
    probe_rps=$(redis_geoadd "$redis_port" "$connections" "$pipeline" 20000 bench:probe --csv |
      tail -n 1 | cut -d'"' -f4)
    requests=$(python3 -c "print(max(20000, int($probe_rps * $duration)))")
    redis_geoadd "$redis_port" "$connections" "$pipeline" "$requests" bench:geo --csv \
      >"$work/redis-$pipeline.csv"
    python3 "$redis_results" throughput "$work/redis-$pipeline.csv" "$connections" "$pipeline" |
      tee -a "$output" | sed 's/^/  /'
  done
  stop_started
else
  echo "== no redis-server / redis-benchmark: no Redis baseline"
fi

# ---------------------------------------------------------------- full herd: 3, 4
echo "== scenarios 3, 4: the five-member herd, Places = fake_places_server (${backend_delay_ms} ms)"
"$fake_bin" --delay-ms "$backend_delay_ms" >"$work/fake.out" 2>&1 </dev/null &
started_pids+=($!)
fake_port=$(read_announced "$work/fake.out" port)
fake_ca=$(read_announced "$work/fake.out" ca)

# The fake answers both Places APIs under one base URL.
write_herd_config "$work/herd.json" "$work/logs-herd" \
  "{\"backend\": \"google\", \"google_base_url\": \"https://localhost:$fake_port\",
    \"legacy_base_url\": \"https://localhost:$fake_port\", \"ca_file\": \"$fake_ca\"}"
declare -A pid_of
for name in "${names[@]}"; do
  start_member "$name" "$work/herd.json" GOOGLE_PLACES_API_KEY=bench-key
  pid_of[$name]=$member_pid
done
for name in "${names[@]}"; do wait_for_port "${port_of[$name]}" "${pid_of[$name]}" "$name"; done

# The links come up by themselves (capped back-off); a few probes that must
# cross three hops say when they have, bounded by the probes' timeout.
"$bench_bin" propagation --port "${port_of[Hands]}" --target-port "${port_of[Welsh]}" \
  --samples 3 --sample-timeout-ms 10000 >/dev/null

bench propagation --label herd --port "${port_of[Hands]}" --target-port "${port_of[Welsh]}" \
  --samples "$propagation_samples" --duration "$((duration * 3))"
# Loaded by scenario 1 in both its shapes (C=50 with P=1, then P=16) at Goloman.
for pipeline in "${pipelines[@]}"; do
  bench propagation --label herd --port "${port_of[Hands]}" --target-port "${port_of[Welsh]}" \
    --samples "$propagation_samples" --duration "$((duration * 3))" \
    --load-port "${port_of[Goloman]}" --load-connections "$connections" --load-pipeline "$pipeline"
done
bench whatsat --label herd --port "${port_of[Goloman]}" --connections "$whatsat_clients" \
  --duration "$duration" --backend-delay-ms "$backend_delay_ms" \
  --member-log "$work/logs-herd/Goloman.log"
stop_started

# ---------------------------------------------------------------- table
print_table
