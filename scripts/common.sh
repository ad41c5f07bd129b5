# Shared settings of the herd scripts; sourced, not run.
# Override with environment variables: HERD_BUILD_DIR, HERD_BIN, HERD_CONFIG,
# HERD_RUN_DIR (pid files and stdout), HERD_LOG_DIR (one log per member),
# HERD_GEONAMES_FILE (the geonames backend's gazetteer, from install-deps.sh),
# HERD_CERT_DIR (the herd CA and member certificates for links, make_herd_certs.sh).
herd_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERD_BUILD_DIR=${HERD_BUILD_DIR:-$herd_root/build}
HERD_BIN=${HERD_BIN:-$HERD_BUILD_DIR/herd_server}
HERD_CONFIG=${HERD_CONFIG:-$herd_root/config/herd.json}
HERD_RUN_DIR=${HERD_RUN_DIR:-$herd_root/run}
HERD_LOG_DIR=${HERD_LOG_DIR:-$herd_root/logs}
HERD_GEONAMES_FILE=${HERD_GEONAMES_FILE:-$herd_root/data/geonames/cities500.txt}
HERD_CERT_DIR=${HERD_CERT_DIR:-$herd_root/certs}

# "name host port" for each member of the config, one per line.
herd_members() {
  python3 - "$HERD_CONFIG" <<'PY'
import json, sys
for m in json.load(open(sys.argv[1]))["members"]:
    print(m["name"], m.get("host", "127.0.0.1"), m["port"])
PY
}

# The pid in pid file $1, if that process still runs and its command line
# matches $2 (a pid may have been reused by something else since).
herd_pid_from_file() {
  local pid
  [[ -f $1 ]] || return 1
  pid=$(<"$1")
  [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$2" || return 1
  echo "$pid"
}

# The pid this script started for a member, if that process still runs herd_server.
herd_live_pid() { herd_pid_from_file "$HERD_RUN_DIR/$1.pid" "herd_server $1 "; }

# True when something accepts TCP connections on host:port.
herd_port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# herd_pid_listens PID PORT: whether process PID itself holds a listening TCP
# socket on PORT (from /proc/net/tcp*, where ports are hex and LISTEN is 0A).
# Unlike herd_port_open it is not fooled by another program on the same port.
herd_pid_listens() {
  local pid=$1 inode
  local suffix
  printf -v suffix ':%04X' "$2"
  for inode in $(awk -v suffix="$suffix" \
      '$4 == "0A" && substr($2, length($2) - 4) == suffix { print $10 }' \
      /proc/net/tcp /proc/net/tcp6 2>/dev/null); do
    [[ -n $(find "/proc/$pid/fd" -lname "socket:\[$inode\]" 2>/dev/null) ]] && return 0
  done
  return 1
}

# herd_wait_until DEADLINE PID OUTPUT WHO TIMEOUT_MESSAGE COMMAND...: polls COMMAND
# every 50 ms until it succeeds. Fails, saying so on stderr, when process PID exits
# first (showing the end of its OUTPUT file) or when $SECONDS reaches DEADLINE.
herd_wait_until() {
  local deadline=$1 pid=$2 output=$3 who=$4 timeout_message=$5
  shift 5
  until "$@"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$who exited; see $output:" >&2
      tail -n 5 "$output" >&2
      return 1
    fi
    if ((SECONDS >= deadline)); then
      echo "$who $timeout_message" >&2
      return 1
    fi
    sleep 0.05
  done
}

# herd_free_ports N: N distinct free loopback ports, one per line.
herd_free_ports() {
  python3 - "$1" <<'PY'
import socket, sys
sockets = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print("\n".join(str(s.getsockname()[1]) for s in sockets))
PY
}

# herd_single_member_config HOST PORT LOG_DIR: the config of Goloman alone, no links
# (what benchmarks of one member run).
herd_single_member_config() {
  printf '{"members": [{"name": "Goloman", "host": "%s", "port": %s}], "links": [], "log_dir": "%s"}\n' \
    "$1" "$2" "$3"
}

# The pid of the fake_places_server that start_herd_with_fake_places.sh started, if
# that process still runs.
herd_fake_places_live_pid() { herd_pid_from_file "$HERD_RUN_DIR/fake_places.pid" fake_places_server; }

# herd_install_packages WHO PACKAGE...: installs with apt the Debian packages not
# installed yet; apt is not touched when all are there. WHO prefixes the messages.
herd_install_packages() {
  local who=$1 package
  shift
  local missing=()
  for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$package")
    fi
  done
  if ((${#missing[@]} == 0)); then
    echo "$who: all packages present"
    return
  fi
  echo "$who: installing ${missing[*]}"
  local sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
