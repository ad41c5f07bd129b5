#!/usr/bin/env python3
# Measures how long a restarted member takes to catch up N records from its neighbour (issue 3).
# Usage: tests/bench/catch_up.py build/herd_server   (uses ports 13002-13003 on 127.0.0.1)
import os, tempfile, json
import socket, subprocess, time, sys
work = tempfile.mkdtemp(prefix="herd-catchup-")
CONFIG = os.path.join(work, "herd.json")
json.dump({"members": [{"name": "Holiday", "host": "127.0.0.1", "port": 13002},
                       {"name": "Welsh", "host": "127.0.0.1", "port": 13003}],
           "links": [["Holiday", "Welsh"]], "log_dir": os.path.join(work, "logs")}, open(CONFIG, "w"))
holiday = subprocess.Popen([sys.argv[1], "Holiday", "--config", CONFIG],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for _ in range(200):
    try:
        socket.create_connection(("127.0.0.1", 13002)).close(); break
    except OSError:
        time.sleep(0.01)
N = 100000
s = socket.create_connection(("127.0.0.1", 13002))
payload = "".join(f"IAMAT client:{i:012d} +34.068930-118.445127 1520023934.{i:09d}\n" for i in range(N)).encode()
s.sendall(payload); s.shutdown(socket.SHUT_WR)
got = 0
while True:
    d = s.recv(1 << 20)
    if not d: break
    got += d.count(b"\n")
print("acknowledged", got)
t0 = time.monotonic()
p = subprocess.Popen([sys.argv[1], "Welsh", "--config", CONFIG], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
last = f"WHATSAT client:{N-1:012d} 1 0\n".encode()
while True:
    try:
        c = socket.create_connection(("127.0.0.1", 13003)); c.sendall(last); c.shutdown(socket.SHUT_WR)
        r = b""
        while True:
            d = c.recv(65536)
            if not d: break
            r += d
        if r.startswith(b"AT "): break
    except OSError: pass
    time.sleep(0.005)
elapsed = time.monotonic() - t0
print(f"Welsh held all {N} records {elapsed:.3f} s after its process started")
p.terminate(); p.wait()
holiday.terminate(); holiday.wait()
print(json.dumps({"scenario": "catch-up", "records": N, "seconds": round(elapsed, 3)}))
