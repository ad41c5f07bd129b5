#!/usr/bin/env python3
"""Measures how long a restarted member takes to catch up N records from its neighbour.

Usage: tests/bench/catch_up.py build/herd_server [records] [--peer-tls CERT_DIR]
Starts Holiday on 127.0.0.1:13002, fills it with N distinct clients, then starts Welsh
(its only neighbour) on 13003 and times, from Welsh's process start, until Welsh holds
the last record. The catch-up dump goes out in insertion order, so the last record
arriving means all of them have. With --peer-tls the link is mutual TLS, with the
certificates scripts/make_herd_certs.sh made in CERT_DIR. Prints one human line and
one JSON line.
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

HOST = "127.0.0.1"
HOLIDAY_PORT, WELSH_PORT = 13002, 13003
DEADLINE_S = 60  # bounded: a member that never catches up fails the run


def exchange(port, request):
    """Sends request, half-closes, returns everything up to EOF.

    Sends from a thread while reading: a member stops reading a client that
    leaves its replies unread, so sending everything first could stall."""
    with socket.create_connection((HOST, port), timeout=DEADLINE_S) as conn:
        def send():
            conn.sendall(request)
            conn.shutdown(socket.SHUT_WR)

        sender = threading.Thread(target=send)
        sender.start()
        chunks = []
        while chunk := conn.recv(1 << 20):
            chunks.append(chunk)
        sender.join()
        return b"".join(chunks)


def poll(condition, what):
    """Polls condition until it holds; exits with a message at the deadline."""
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.005)
    sys.exit(f"catch_up: {what} within {DEADLINE_S} s did not happen")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("records", type=int, nargs="?", default=100_000)
    parser.add_argument("--peer-tls", metavar="CERT_DIR")
    arguments = parser.parse_args()
    binary, records = arguments.binary, arguments.records
    work = tempfile.mkdtemp(prefix="herd-catchup-")
    config = os.path.join(work, "herd.json")
    settings = {"members": [{"name": "Holiday", "host": HOST, "port": HOLIDAY_PORT},
                            {"name": "Welsh", "host": HOST, "port": WELSH_PORT}],
                "links": [["Holiday", "Welsh"]],
                "log_dir": os.path.join(work, "logs")}
    if arguments.peer_tls:
        certs = arguments.peer_tls
        settings["peer_tls"] = {"mode": "required", "ca_file": os.path.join(certs, "ca.pem"),
                                "cert_file": os.path.join(certs, "{member}.pem"),
                                "key_file": os.path.join(certs, "{member}.key")}
    with open(config, "w") as out:
        json.dump(settings, out)
    members = []
    try:
        def start(name):
            members.append(subprocess.Popen([binary, name, "--config", config],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

        start("Holiday")
        poll(lambda: exchange(HOLIDAY_PORT, b"") == b"", "Holiday listening")
        fill = "".join(f"IAMAT client:{i:012d} +34.068930-118.445127 1520023934.{i:09d}\n"
                       for i in range(records)).encode()
        reply = exchange(HOLIDAY_PORT, fill)
        acknowledged = sum(line.startswith(b"AT ") for line in reply.splitlines())
        if acknowledged != records:
            sys.exit(f"catch_up: Holiday acknowledged {acknowledged} of {records} IAMATs")

        started = time.monotonic()
        start("Welsh")
        last = f"WHATSAT client:{records - 1:012d} 1 0\n".encode()
        poll(lambda: exchange(WELSH_PORT, last).startswith(b"AT "), "Welsh catching up")
        elapsed = time.monotonic() - started
    finally:
        for member in members:
            member.terminate()
            member.wait()
        shutil.rmtree(work, ignore_errors=True)

    print(f"Welsh held all {records} records {elapsed:.3f} s after its process started")
    print(json.dumps({"scenario": "catch-up", "target": "herd-tls" if arguments.peer_tls else "herd",
                      "records": records, "seconds": round(elapsed, 3)}))


if __name__ == "__main__":
    main()
