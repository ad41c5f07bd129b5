#!/usr/bin/env python3
"""Compares links with and without TLS from `scripts/bench.sh --links-only` runs
(JSON lines of targets herd and herd-tls): each figure's median over the runs of
each, their ratio, and the target set for TLS links (met or MISSED).
Usage: tls_table.py RESULTS.jsonl..."""
import json
import statistics
import sys

# The targets for TLS links, against plaintext ones.
FIGURES = [
    # (what, scenario, fields, key, target text, holds(tls / plain))
    ("propagation Hands->Welsh idle, p50 us", "propagation", {"background_load": False}, "p50_us",
     "<= 1.2x", lambda r: r <= 1.2),
    ("IAMAT at Goloman, full herd, C=50 P=1, req/s", "iamat-persistent", {"pipeline": 1},
     "requests_per_s", ">= 0.9x", lambda r: r >= 0.9),
    ("IAMAT at Goloman, full herd, C=50 P=16, req/s", "iamat-persistent", {"pipeline": 16},
     "requests_per_s", ">= 0.9x", lambda r: r >= 0.9),
    ("catch-up of 100,000 records, s", "catch-up", {}, "seconds", "<= 1.5x", lambda r: r <= 1.5),
    # Goloman's CPU time per reply: steadier than req/s on a shared machine; no target.
    ("  Goloman CPU per IAMAT, P=1, us", "iamat-persistent", {"pipeline": 1},
     "server_cpu_us_per_request", "", None),
    ("  Goloman CPU per IAMAT, P=16, us", "iamat-persistent", {"pipeline": 16},
     "server_cpu_us_per_request", "", None),
]


def load(paths):
    rows = []
    for path in paths:
        with open(path) as lines:
            rows += [json.loads(line) for line in lines if line.strip()]
    return rows


def values(rows, target, scenario, fields, key):
    return [row[key] for row in rows
            if row.get("target") == target and row.get("scenario") == scenario and key in row
            and all(row.get(name) == value for name, value in fields.items())]


def main():
    rows = load(sys.argv[1:])
    print(f"{'figure':48} {'plain':>10} {'tls':>10} {'tls/plain':>10}  runs  target  "
          "(tls range; plain range)")
    for what, scenario, fields, key, target, holds in FIGURES:
        plain = values(rows, "herd", scenario, fields, key)
        tls = values(rows, "herd-tls", scenario, fields, key)
        if not plain or not tls:
            print(f"{what:48} {'-':>10} {'-':>10} {'-':>10}  {len(plain)}/{len(tls)}   {target}")
            continue
        p, t = statistics.median(plain), statistics.median(tls)
        r = t / p
        verdict = "" if holds is None else ("met" if holds(r) else "MISSED")
        print(f"{what:48} {p:10.1f} {t:10.1f} {r:10.2f}  {len(plain)}/{len(tls)}   {target} "
              f"{verdict}  ({min(tls):g}-{max(tls):g}; {min(plain):g}-{max(plain):g})")


if __name__ == "__main__":
    main()
