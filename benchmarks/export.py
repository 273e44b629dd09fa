"""B5: the open-data export of the big datasets, streamed through the WSGI application.

Each export runs in a fresh process, so its peak memory is its own: the resident set's
high-water mark (ru_maxrss) after the export minus the one before it (the application
built, no row read yet).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from . import environment

DATASETS = ("contributions", "vote-counts")

CHILD = """
import json, os, resource, sys, time
from webob import Request
from engage import main
settings = json.loads(os.environ["ENGAGE_BENCH_SETTINGS"])
app = main({}, **settings)
name = sys.argv[1]
path = f"/opendata/{name}/{name}.csv"
Request.blank("/opendata").call_application(app)  # warm: templates, registry, pools
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
status, headers, body = Request.blank(path).call_application(app)
size = rows = 0
for chunk in body:
    size += len(chunk)
    rows += chunk.count(b"\\n")
if hasattr(body, "close"):
    body.close()
elapsed = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"status": status, "seconds": elapsed, "bytes": size, "rows": rows - 1,
                  "rss_before_kb": before, "rss_peak_kb": after}))
app.registry.engage.close()
"""


def export(schema: str, dataset: str) -> dict:
    settings = environment.settings(schema)
    out = subprocess.run([sys.executable, "-c", CHILD, dataset], capture_output=True, text=True, check=True,
                         env={**os.environ, "ENGAGE_BENCH_SETTINGS": json.dumps(settings)})
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(schema: str, contributions: int) -> list[str]:
    lines = ["### B5 open-data export (CSV streamed through the WSGI application, fresh process each)", "",
             "| dataset | rows | size | time | rows/s | peak memory growth (RSS) | whole process peak |",
             "|---|---|---|---|---|---|---|"]
    figures = {}
    for name in DATASETS:
        r = export(schema, name)
        figures[name] = r
        growth = (r["rss_peak_kb"] - r["rss_before_kb"]) / 1024
        lines.append(f"| {name} | {r['rows']:,} | {r['bytes'] / 1e6:.1f} MB | {r['seconds']:.1f} s |"
                     f" {r['rows'] / r['seconds']:,.0f} | {growth:.1f} MB | {r['rss_peak_kb'] / 1024:.0f} MB |")
    c = figures["contributions"]
    if c["rows"]:
        per_row = c["seconds"] / c["rows"]
        lines += ["", f"- Extrapolated to 2,000,000 contributions at the same rate: {per_row * 2e6 / 60:.1f} min"
                  f" (linear: keyset pages, constant memory; a straight line from {c['rows']:,} rows, not a run)."]
    lines.append("")
    return lines
