"""Run the benchmarks and append the results to benchmarks/RESULTS.md.

    python -m benchmarks [--scale 0.02] [--only writes|rebuild]

Exits with status 1, after writing what it measured, when something could not be measured
(a command or module another piece of work provides is missing): never a silent skip.

Each dataset lives in its own PostgreSQL schema (bench_<scale>), reused by later runs
(the generator resumes), so a full-scale dataset is built once.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

from .environment import machine
from .suite import run_all, run_rebuild_and_reads, run_writes

RESULTS = Path(__file__).parent / "RESULTS.md"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--scale", type=float, default=0.02,
                        help="1.0 is the Paris 2017 scale (108,000 card holders...)")
    parser.add_argument("--only", choices=["writes", "rebuild"],
                        help="writes: only B1 (votes through HTTP, its baselines, lag, profile, round trips);"
                             " rebuild: only the datasets, B2/B3 (engage-rebuild) and B4 (reads)")
    args = parser.parse_args(argv)
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = os.getloadavg()
    clock = time.perf_counter()
    if args.only == "writes":
        lines, problems = run_writes()
    elif args.only == "rebuild":
        lines, problems = run_rebuild_and_reads(args.scale)
    else:
        lines, problems = run_all(args.scale)
    load_after = os.getloadavg()
    minutes = (time.perf_counter() - clock) / 60
    report = [
        f"## {started:%Y-%m-%d %H:%M} UTC, " + {"writes": "B1 only (`--only writes`)",
                                                 "rebuild": f"scale {args.scale}, B2/B3/B4 only (`--only rebuild`)"
                                                 }.get(args.only, f"scale {args.scale}"),
        "",
        f"Machine: {machine()}",
        "",
        f"Load average (1, 5, 15 min) at the start {', '.join(f'{x:.1f}' for x in load_before)},"
        f" at the end {', '.join(f'{x:.1f}' for x in load_after)}: the machine's 2 cores (and its PostgreSQL)"
        " are shared with other engineers running their test suites, so every figure is noisy;"
        " the ratios, measured side by side in one run, are what to compare.",
        f"The whole run took {minutes:.1f} min.",
        "",
        *lines,
        "",
    ]
    text = "\n".join(report)
    print(text)
    previous = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\nNewest first; older runs are kept.\n\n"
    head, _, rest = previous.partition("\n## ")
    RESULTS.write_text(head.rstrip() + "\n\n" + text + ("\n## " + rest if rest else ""))
    if problems:
        print("\nNOT MEASURED (make bench fails for it):\n" + "\n".join(f"- {p}" for p in problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
