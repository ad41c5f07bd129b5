#!/usr/bin/env python3
"""Prints the table of scripts/bench.sh from its JSON lines: herd's figures next
to the null server's and Redis's from the same run, the ratios, and herd's
target for each (met or MISSED). Usage: bench_table.py bench-results.jsonl"""
import json
import sys

# What herd aims for, against the null server and Redis.
PERSISTENT_OF_NULL = 0.7
PERSISTENT_OF_REDIS = 1.0
ONESHOT_OF_NULL = 0.8
PROPAGATION_P99_US = {False: 1000, True: 5000}
WHATSAT_OF_CEILING = 0.9
PLACES_POOL_SIZE = 256
IDLE_CONNECTION_BYTES = 4096
CRAFTED_OVER_RANDOM = 2.0  # ids crafted to collide cost at most 2x random ones
# What the geonames backend aims for.
GEONAMES_READY_MS = 1000
GEONAMES_MEMBER_MB = 48
GEONAMES_OF_REDIS = 1.0


def load(path):
    with open(path) as lines:
        return [json.loads(line) for line in lines if line.strip()]


def find(rows, scenario, target, **fields):
    for row in rows:
        if row["scenario"] == scenario and row["target"] == target and all(
                row.get(key) == value for key, value in fields.items()):
            return row
    return None


def value(row, key):
    return None if row is None else row.get(key)


def ratio(a, b):
    return a / b if a is not None and b else None


def verdict(*checks):
    """'met' when every known check holds; None checks (no baseline) are skipped."""
    known = [check for check in checks if check is not None]
    if not known:
        return "-"
    return "met" if all(known) else "MISSED"


def at_least(a, b, factor):
    return None if a is None or b is None else a >= factor * b


def number(item):
    return f"{item:,.0f}" if abs(item) >= 100 else f"{item:g}"


def latencies(row, p50="p50_us", p99="p99_us"):
    if row is None or p50 not in row:
        return None
    return f"{number(row[p50])} / {number(row[p99])}"


def cpu_row(herd, null):
    """The servers' CPU time per request: steadier than req/s on a shared machine.
    Its herd/null is a cost ratio (lower is better), so it has no target."""
    h, n = (value(row, "server_cpu_us_per_request") for row in (herd, null))
    if h is not None or n is not None:
        yield ("  server CPU per request, us (herd/null: cost)", h, n, None, ratio(h, n), None,
               "", "")


def geonames_rows(rows):
    ready = [row for row in rows if row["scenario"] == "places-ready"]
    if ready:
        listening = max(row["listening_ms"] for row in ready)
        slowest = max(row["ready_ms"] for row in ready)
        yield (f"G start to listening / to gazetteer ready, ms (slowest of {len(ready)} members)",
               f"{number(listening)} / {number(slowest)}", None, None, "", "",
               f"ready <= {GEONAMES_READY_MS}", verdict(slowest <= GEONAMES_READY_MS))
        added = [row["rss_added_kib"] for row in ready if "rss_added_kib" in row]
        if added:
            most = max(added) / 1024
            yield (f"G RSS added per member, MB (largest of {len(added)})", round(most, 1), None, None,
                   "", "", f"<= {GEONAMES_MEMBER_MB}", verdict(most <= GEONAMES_MEMBER_MB))
    for row in rows:
        if row["scenario"] == "gazetteer" and row.get("figure") == "query":
            yield (f"G one query, band index / R-tree, us (r={row['radius_km']:g} km)",
                   f"{row['band_index_us']} / {row['rtree_us']}", None, None, "", "", "", "")
    for pipeline in (1, 16):
        herd = find(rows, "whatsat", "herd-geonames", pipeline=pipeline)
        redis = find(rows, "whatsat", "redis-geosearch", pipeline=pipeline)
        if herd is None and redis is None:
            continue
        h, r = value(herd, "requests_per_s"), value(redis, "requests_per_s")
        yield (f"G WHATSAT geonames / GEOSEARCH C=50 P={pipeline}, req/s", h, None, r, "",
               ratio(h, r), f">= {GEONAMES_OF_REDIS} redis", verdict(at_least(h, r, GEONAMES_OF_REDIS)))
        yield ("  latency p50 / p99, us", latencies(herd), None, latencies(redis), "", "", "", "")
        cpu = value(herd, "server_cpu_us_per_request")
        if cpu is not None:
            yield ("  member CPU per WHATSAT, us", cpu, None, None, "", "", "", "")


def table_rows(rows):
    yield ("figure", "herd", "null", "redis", "herd/null", "herd/redis", "target", "")
    yield from geonames_rows(rows)
    for pipeline in (1, 16):
        herd, null, redis = (find(rows, "iamat-persistent", target, pipeline=pipeline)
                             for target in ("herd", "null", "redis"))
        h, n, r = (value(row, "requests_per_s") for row in (herd, null, redis))
        yield (f"1 IAMAT persistent C=50 P={pipeline}, req/s", h, n, r, ratio(h, n), ratio(h, r),
               f">= {PERSISTENT_OF_NULL} null, >= {PERSISTENT_OF_REDIS} redis",
               verdict(at_least(h, n, PERSISTENT_OF_NULL), at_least(h, r, PERSISTENT_OF_REDIS)))
        yield ("  latency p50 / p99, us", latencies(herd), latencies(null), latencies(redis),
               "", "", "", "")
        yield from cpu_row(herd, null)

    herd, null = (find(rows, "iamat-oneshot", target) for target in ("herd", "null"))
    h, n = value(herd, "requests_per_s"), value(null, "requests_per_s")
    yield ("2 IAMAT one-shot C=50, req/s", h, n, None, ratio(h, n), None,
           f">= {ONESHOT_OF_NULL} null", verdict(at_least(h, n, ONESHOT_OF_NULL)))
    yield ("  latency p50 / p99, us", latencies(herd), latencies(null), None, "", "", "", "")
    yield from cpu_row(herd, null)

    # Idle, then loaded by scenario 1's two shapes at Goloman.
    for loaded, pipeline in ((False, None), (True, 1), (True, 16)):
        fields = {"background_load": loaded}
        if loaded:
            fields["load_pipeline"] = pipeline
        row = find(rows, "propagation", "herd", **fields)
        limit = PROPAGATION_P99_US[loaded]
        where = f"Goloman loaded C=50 P={pipeline}" if loaded else "idle"
        yield (f"3 propagation Hands->Welsh ({where}), p50 / p99 us", latencies(row), None, None,
               "", "", f"p99 <= {limit}",
               verdict(None if row is None else row["p99_us"] <= limit))

    row = find(rows, "whatsat", "herd")
    if row is not None:
        delay = row.get("backend_delay_ms", 0)
        yield (f"4 WHATSAT W={row['connections']}, {delay:g} ms backend, req/s",
               row["requests_per_s"], None, None, "", "",
               f">= {WHATSAT_OF_CEILING} x {row['connections'] * 1000 / delay:.0f}" if delay else "",
               verdict(None if "of_ceiling" not in row else row["of_ceiling"] >= WHATSAT_OF_CEILING))
        yield ("  latency above the backend p50 / p99, us",
               latencies(row, "p50_above_backend_us", "p99_above_backend_us"),
               None, None, "", "", "", "")
        handshakes = row["tls_handshakes"]
        yield ("  TLS handshakes (per request)",
               f"{handshakes} ({row.get('handshakes_per_request', 'n/a')})", None, None, "", "",
               f"<= pool size ({PLACES_POOL_SIZE})",
               verdict(handshakes <= PLACES_POOL_SIZE if isinstance(handshakes, int) else None))

    herd, null, redis = (find(rows, "memory", target) for target in ("herd", "null", "redis"))
    h, r = value(herd, "bytes_per_record"), value(redis, "bytes_per_record")
    yield ("5 bytes per record", h, None, r, "", ratio(h, r), "<= redis",
           verdict(None if h is None or r is None else h <= r))
    h, n = value(herd, "bytes_per_connection"), value(null, "bytes_per_connection")
    yield ("5 bytes per idle connection", h, n, None, ratio(h, n), "",
           f"<= {IDLE_CONNECTION_BYTES}", verdict(None if h is None else h <= IDLE_CONNECTION_BYTES))

    row = find(rows, "iamat-crafted", "herd")
    if row is not None:
        crafted_ratio = row["crafted_over_random_cpu"]
        yield (f"6 server CPU per IAMAT, {row['ids']:,} crafted / random ids"
               f" (C={row['connections']} P={row['pipeline']}), us",
               f"{row['crafted_cpu_us_per_request']:g} / {row['random_cpu_us_per_request']:g}"
               f" ({crafted_ratio:.2f}x)", None, None, "", "",
               f"<= {CRAFTED_OVER_RANDOM:g}x random", verdict(crafted_ratio <= CRAFTED_OVER_RANDOM))


def cell(item, column):
    if item is None:
        return "-" if column < 6 else ""
    if isinstance(item, float) and column in (4, 5):
        return f"{item:.2f}x"
    if isinstance(item, (int, float)):
        return number(item)
    return str(item)


def measured(row):
    """Whether a run measured any of the row's figures (--geonames-only runs a few)."""
    return any(item is not None for item in row[1:4])


def main():
    table = [[cell(item, column) for column, item in enumerate(row)]
             for row in table_rows(load(sys.argv[1])) if measured(row)]
    widths = [max(len(row[column]) for row in table) for column in range(len(table[0]))]
    for row in table:
        print("  ".join(text.ljust(width) for text, width in zip(row, widths)).rstrip())


if __name__ == "__main__":
    main()
