"""Every benchmark in one run: the generator's rate, B1 writes, B2 projections, B3 rebuild,
B4 reads, B5 export, B6 transparency."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

import webtest

from engage import main as make_app
from engage.projections.transparency import projection as tlog

from . import environment, export, servers, writes
from .generator import SLUG, contribution_id, generate
from .measure import latencies, percentiles, raw_log_read_rate


def schema_for(scale: float) -> str:
    return "bench_" + f"{scale:g}".replace(".", "_").replace("-", "_")


def run_all(scale: float) -> tuple[list[str], list[str]]:
    """The report's lines, and what could not be measured."""
    lines: list[str] = []
    small = max(scale / 100, 0.0001)
    datasets = {}
    generated = {}
    for label, value in (("1%", small), ("100%", scale)):
        schema = schema_for(value)
        with environment.services(schema) as engage:
            result = generate(engage, value)
            started = time.perf_counter()
            engage.engine.catch_up()
            generated[label] = (result, time.perf_counter() - started)
            datasets[label] = (schema, result.counts, engage.engine.head())
    lines.append("| dataset | events | card holders | PB members | workshop sessions | contributions | votes |")
    lines.append("|---|---|---|---|---|---|---|")
    for label, (schema, counts, head) in datasets.items():
        lines.append(f"| {label} ({schema}) | {head:,} | {counts['card_holders']:,} | {counts['pb_members']:,} |"
                     f" {counts['workshop_sessions']:,} | {counts['contributions']:,} | {counts['votes']:,} |")
    lines.append("")
    lines += generator_rate(generated["100%"])
    full_schema = datasets["100%"][0]
    with environment.services(full_schema) as engage:
        lines += projections_and_rebuild(engage, full_schema)
        lines += transparency(engage)
    lines += reads(datasets)
    lines += export.run(full_schema, datasets["100%"][1]["contributions"])
    writes_lines, problems = run_writes()
    return lines + writes_lines, problems


def run_writes() -> tuple[list[str], list[str]]:
    # Its own schema per run: engineers on this machine may run the benchmarks at once.
    schema = f"bench_writes_{os.getpid()}"
    environment.drop_schema(schema)
    try:
        outcome = writes.run(schema)
    finally:
        environment.drop_schema(schema)
    return outcome.lines, outcome.problems


def generator_rate(generated) -> list[str]:
    result, catch_up = generated
    events, rate = result.rate()
    if not events:
        return ["### Generator", "", "- dataset reused from an earlier run (nothing generated this time)", ""]
    steps = ", ".join(f"{name} {result.events[name]:,} in {result.seconds[name]:.1f} s"
                      for name in result.events if result.events[name])
    return ["### Generator (through the application, batched saves)", "",
            f"- {events:,} events written at {rate:,.0f} events/s ({steps})",
            f"- then every projection caught up in {catch_up:.1f} s ({events / catch_up:,.0f} events/s)", ""]


ONE_PROCESS_UP_TO = 500_000  # events: beyond, the one-process comparison costs more than it tells


def projections_and_rebuild(engage, schema: str) -> list[str]:
    """B2 and B3 as production rebuilds: `engage-rebuild <ini>` empties every read model and
    replays the projection groups in parallel processes; the one-process replay of the same log
    (every projection in one engine) is measured beside it, for comparison."""
    raw_rate, events = raw_log_read_rate(engage)
    one_process = None
    if events <= ONE_PROCESS_UP_TO:
        start = time.perf_counter()
        engage.engine.rebuild()
        one_process = time.perf_counter() - start
    with tempfile.TemporaryDirectory(prefix="engage-bench-") as directory:
        ini = servers.write_ini(Path(directory) / "rebuild.ini", environment.settings(schema), port=0)
        start = time.perf_counter()
        done = subprocess.run([str(servers.BIN / "engage-rebuild"), str(ini)], capture_output=True, text=True)
        elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"engage-rebuild failed ({done.returncode}): {done.stderr[-2000:]}")
    per_projection = events / elapsed
    rate = events * len(engage.engine.projections) / elapsed
    return [
        "### B2 projections, B3 rebuild",
        "",
        f"- raw read and decode of the notification log: {raw_rate:,.0f} events/s ({events:,} events)",
        f"- all {len(engage.engine.projections)} projections rebuilt by `engage-rebuild` (the projection groups in"
        f" parallel processes): {elapsed:.1f} s, {per_projection:,.0f} log events/s ({rate:,.0f} projection-events/s)",
        (f"- the same in one process (one engine for every projection): {one_process:.1f} s,"
         f" {events / one_process:,.0f} log events/s" if one_process else
         f"- the one-process replay is not measured above {ONE_PROCESS_UP_TO:,} events (a quarter of an hour at"
         " the 2017 scale, for a comparison only)"),
        f"- **B2 ratio (log events/s through all projections ÷ raw read rate): {per_projection / raw_rate:.2f}**"
        " (goal ≥ 0.25)",
        f"- **B3 rebuild of every read model: {elapsed:.1f} s**",
        "",
    ]


def transparency(engage) -> list[str]:
    raw_rate, events = raw_log_read_rate(engage)
    start = time.perf_counter()
    engage.engine.rebuild([tlog.NAME])
    rate = events / (time.perf_counter() - start)
    size = tlog.tree_size(engage.db)
    step = max(1, size // 200)
    indexes = iter(range(0, size, step))

    def proof():
        index = next(indexes, size - 1)
        tlog.inclusion_proof(engage.db, index, size)

    p50, p95 = percentiles(latencies(proof, min(200, size)))
    return [
        "### B6 transparency log",
        "",
        f"- Merkle log append (projection rebuild): {rate:,.0f} leaves/s,"
        f" {rate / raw_rate:.2f} × the raw read rate",
        f"- inclusion proof at size {size:,}: p50 {p50:.2f} ms, p95 {p95:.2f} ms",
        "",
    ]


READ_PAGES = [
    ("home (card holders per arrondissement)", "/"),
    ("consultation page (first page of contributions)", "/consultations/" + SLUG),
    ("contribution list, filtered (propositions)", "/consultations/" + SLUG + "?type=proposition"),
    ("contribution list, filtered (in person)", "/consultations/" + SLUG + "?canal=en-presentiel"),
    ("contribution list, page 5", "/consultations/" + SLUG + "?page=5"),
    ("contribution with its vote counts", "/consultations/" + SLUG + "/contributions/{item}"),
    ("restitution report (counters, most supported, answers)", "/consultations/" + SLUG + "/restitution"),
    ("workshop catalogue", "/ateliers"),
    ("workshop catalogue, one arrondissement", "/ateliers?arrondissement=15"),
    ("transparency: latest checkpoint", "/transparency/checkpoint"),
    ("transparency: entries", "/transparency/entries?start=0&end=100"),
    ("card holders API", "/api/stats/card-holders"),
]


def reads(datasets) -> list[str]:
    results = {}
    for label, (schema, _, _) in datasets.items():
        wsgi = make_app({}, **environment.settings(schema))
        item = contribution_id(2017, 0)
        try:
            app = webtest.TestApp(wsgi)
            for name, path in READ_PAGES:
                url = path.format(item=item)
                results[(name, label)] = percentiles(latencies(lambda: app.get(url), 100))
        finally:
            wsgi.registry.engage.close()
    lines = ["### B4 reads (in-process WSGI, 100 requests each)", "",
             "| page | p50 1% | p95 1% | p50 100% | p95 100% | p95 ratio (goal ≤ 1.5) |", "|---|---|---|---|---|---|"]
    for name, _ in READ_PAGES:
        s50, s95 = results[(name, "1%")]
        f50, f95 = results[(name, "100%")]
        lines.append(f"| {name} | {s50:.1f} ms | {s95:.1f} ms | {f50:.1f} ms | {f95:.1f} ms | **{f95 / s95:.2f}** |")
    lines.append("")
    return lines
