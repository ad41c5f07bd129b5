#!/usr/bin/env python3
"""Turns redis-benchmark and INFO memory figures into herd_bench's JSON lines, so
scripts/bench.sh compares them with herd's in one file.

  redis_results.py throughput CSV_FILE CONNECTIONS PIPELINE [SCENARIO TARGET]
  redis_results.py memory MEMBERS USED_BEFORE USED_AFTER RSS_BEFORE RSS_AFTER
"""
import csv
import json
import sys


def throughput(csv_path, connections, pipeline, scenario="iamat-persistent", target="redis"):
    # redis-benchmark --csv: a header, then one row per test (latencies in ms).
    with open(csv_path) as lines:
        row = list(csv.DictReader(lines))[-1]
    return {
        "scenario": scenario, "target": target,
        "connections": int(connections), "pipeline": int(pipeline),
        "requests_per_s": round(float(row["rps"])),
        "p50_us": round(float(row["p50_latency_ms"]) * 1000, 1),
        "p99_us": round(float(row["p99_latency_ms"]) * 1000, 1),
        "command": row["test"],
    }


def memory(members, used_before, used_after, rss_before, rss_after):
    # used_memory is what the allocator handed out; RSS adds its slack, as
    # herd's figure (VmRSS) does. Both are reported; the target uses used_memory.
    members = int(members)
    return {
        "scenario": "memory", "target": "redis", "records": members,
        "used_memory_before": int(used_before), "used_memory_after": int(used_after),
        "bytes_per_record": round((int(used_after) - int(used_before)) / members, 1),
        "rss_bytes_per_record": round((int(rss_after) - int(rss_before)) / members, 1),
    }


def main():
    commands = {"throughput": throughput, "memory": memory}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    print(json.dumps(commands[sys.argv[1]](*sys.argv[2:]), separators=(",", ":")))


if __name__ == "__main__":
    main()
