"""Every benchmark in one run: the generator's rate, B1 writes, B2 projections, B3 rebuild,
B4 reads, B5 export, B6 transparency."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import webtest

from engage import main as make_app
from engage.projections.transparency import projection as tlog
from engage.scripts.rebuild import GROUP_DONE

from . import environment, export, servers, writes
from .generator import SLUG, contribution_id, generate
from .measure import latencies, percentiles, raw_log_read_rate


def schema_for(scale: float) -> str:
    return "bench_" + f"{scale:g}".replace(".", "_").replace("-", "_")


def run_all(scale: float) -> tuple[list[str], list[str]]:
    """The report's lines, and what could not be measured."""
    datasets, generated, first = build_datasets(scale)
    lines = dataset_table(datasets)
    lines += generator_rate(generated["100%"])
    full_schema = datasets["100%"][0]
    with environment.services(full_schema) as engage:
        lines += projections_and_rebuild(engage, full_schema, first.get("100%"))
        lines += transparency(engage)
    lines += reads(datasets)
    lines += export.run(full_schema, datasets["100%"][1]["contributions"])
    writes_lines, problems = run_writes()
    return lines + writes_lines, problems


def run_rebuild_and_reads(scale: float) -> tuple[list[str], list[str]]:
    """Only what the 2017 scale has never had measured: the datasets (generated if missing, their
    read models built by `engage-rebuild`), B2/B3 and B4 (`--only rebuild`)."""
    datasets, generated, first = build_datasets(scale)
    lines = dataset_table(datasets) + generator_rate(generated["100%"])
    full_schema = datasets["100%"][0]
    with environment.services(full_schema) as engage:
        lines += projections_and_rebuild(engage, full_schema, first.get("100%"))
    return lines + reads(datasets), []


def build_datasets(scale: float):
    """The 1 % and 100 % datasets, generated (or completed) through the application; when a
    dataset's read models are behind its log (just generated), they are built by the parallel
    rebuild (`engage-rebuild`: the projection groups in their own processes), not by one
    in-process catch-up (50 min at the 2017 scale). Returns the datasets, what was generated
    (with the time of that first build) and the first builds' Rebuild results."""
    small = max(scale / 100, 0.0001)
    datasets, generated, first = {}, {}, {}
    for label, value in (("1%", small), ("100%", scale)):
        schema = schema_for(value)
        with environment.services(schema) as engage:
            result = generate(engage, value)
            head, behind = engage.engine.head(), engage.engine.lowest_position() < engage.engine.head()
        if behind:
            first[label] = parallel_rebuild(schema, head)
        with environment.services(schema) as engage:
            # What a worker does after each catch-up (engage-rebuild does not): sign the public
            # log's checkpoint, write its tiles (Engage.hooks). Nothing is left to apply.
            started = time.perf_counter()
            engage.engine.catch_up()
            if behind:
                first[label].hooks = time.perf_counter() - started
        generated[label] = (result, first[label].elapsed if behind else 0.0)
        datasets[label] = (schema, result.counts, head)
    return datasets, generated, first


def dataset_table(datasets) -> list[str]:
    lines = ["| dataset | events | card holders | PB members | workshop sessions | contributions | votes |",
             "|---|---|---|---|---|---|---|"]
    for label, (schema, counts, head) in datasets.items():
        lines.append(f"| {label} ({schema}) | {head:,} | {counts['card_holders']:,} | {counts['pb_members']:,} |"
                     f" {counts['workshop_sessions']:,} | {counts['contributions']:,} | {counts['votes']:,} |")
    return lines + [""]


@dataclass
class Rebuild:
    """One `engage-rebuild <ini>`: its wall time, each group's (wall, CPU) as its process
    reported them, the load average before and after."""

    events: int
    elapsed: float
    groups: dict[str, tuple[float, float]]
    load: tuple[tuple[float, ...], tuple[float, ...]]
    hooks: float | None = None  # the after-catch-up work run next (a checkpoint signed), seconds

    def lines(self) -> list[str]:
        before, after = (", ".join(f"{x:.1f}" for x in load) for load in self.load)
        found = [f"- {name}: {wall:.1f} s ({self.events / wall:,.0f} events/s), {cpu:.1f} s CPU in its process"
                 f" ({cpu / self.events * 1e6:.0f} µs/event)" for name, (wall, cpu) in self.groups.items()]
        hooks = ([f"- then the work after a first catch-up (the public log's checkpoint signed, its tiles):"
                  f" {self.hooks:.1f} s"] if self.hooks is not None else [])
        return [f"- per group (each its own process; load average before {before}, after {after}):", *found,
                *hooks]


def parallel_rebuild(schema: str, events: int) -> Rebuild:
    """`engage-rebuild <ini>` on the schema, timed."""
    with tempfile.TemporaryDirectory(prefix="engage-bench-") as directory:
        ini = servers.write_ini(Path(directory) / "rebuild.ini", environment.settings(schema), port=0)
        load = os.getloadavg()
        start = time.perf_counter()
        done = subprocess.run([str(servers.BIN / "engage-rebuild"), str(ini)], capture_output=True, text=True)
        elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"engage-rebuild failed ({done.returncode}): {done.stderr[-2000:]}")
    groups = {}
    for found in GROUP_LINE.finditer(done.stderr):
        groups[found["name"]] = (float(found["wall"]), float(found["cpu"]))
    return Rebuild(events, elapsed, groups, (load, os.getloadavg()))


GROUP_LINE = re.compile(GROUP_DONE + r" (?P<name>\w+): \d+ events in (?P<wall>[\d.]+) s, (?P<cpu>[\d.]+) s CPU")


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
            f"- then every read model built by `engage-rebuild` in {catch_up:.1f} s ({events / catch_up:,.0f} events/s)"
            if catch_up else "- its read models were already built", ""]


ONE_PROCESS_UP_TO = 500_000  # events: beyond, the one-process comparison costs more than it tells


def projections_and_rebuild(engage, schema: str, first: Rebuild | None = None) -> list[str]:
    """B2 and B3 as production rebuilds: `engage-rebuild <ini>` empties every read model and
    replays the projection groups in parallel processes (`first`: the one this run has just
    done to build a fresh dataset, not done twice); the one-process replay of the same log
    (every projection in one engine) is measured beside it, for comparison, on small logs."""
    raw_rate, events = raw_log_read_rate(engage)
    one_process = None
    if events <= ONE_PROCESS_UP_TO:
        start = time.perf_counter()
        engage.engine.rebuild()
        one_process = time.perf_counter() - start
    # The log's head, not the count read: positions have gaps (a refused write leaves one), and
    # comparing the two made the 2017 scale rebuild twice.
    head = engage.engine.head()
    rebuild = first if first is not None and first.events == head else parallel_rebuild(schema, head)
    elapsed = rebuild.elapsed
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
        *rebuild.lines(),
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


def reads(datasets, requests: int = 500, rounds: int = 50) -> list[str]:
    """Each page's latency on every dataset, the datasets taking turns (`rounds` rounds of
    requests / rounds requests each): on a shared machine the load changes by the minute, and
    a ratio of two figures taken minutes apart would measure that change. 500 requests, not 100:
    the p95 of 100 is the 5th slowest, and at a load of 5 a few preempted requests (1-5 ms each)
    moved the fast pages' p95 ratio from 1.0 to 1.6-2.0 and back between runs minutes apart
    (same p50s, same plans)."""
    apps = {}
    item = contribution_id(2017, 0)
    try:
        for label, (schema, _, _) in datasets.items():
            apps[label] = webtest.TestApp(make_app({}, **environment.settings(schema)))
        samples, sizes = {}, {}
        for name, path in READ_PAGES:
            url = path.format(item=item)
            for label, app in apps.items():
                sizes[(name, label)] = len(app.get(url).body)
            for round_ in range(rounds):
                for label, app in apps.items():
                    samples.setdefault((name, label), []).extend(
                        latencies(lambda: app.get(url), requests // rounds, warmup=5 if round_ == 0 else 0))
        results = {key: percentiles(values) for key, values in samples.items()}
    finally:
        for app in apps.values():
            app.app.registry.engage.close()
    lines = [f"### B4 reads (in-process WSGI, {requests} requests each, the two datasets taking turns"
             f" {rounds} times)", "",
             "Each page's size on both datasets is shown: a fair comparison renders as much on both"
             " (the generator's floors of workshop sessions and card holders give the 1 % dataset full"
             " catalogue pages and a card-holders table without blanks, as at full scale).", "",
             "| page | size 1% / 100% | p50 1% | p95 1% | p50 100% | p95 100% | p95 ratio (goal ≤ 1.5) |",
             "|---|---|---|---|---|---|---|"]
    for name, _ in READ_PAGES:
        s50, s95 = results[(name, "1%")]
        f50, f95 = results[(name, "100%")]
        size = f"{sizes[(name, '1%')] / 1000:.1f} / {sizes[(name, '100%')] / 1000:.1f} kB"
        lines.append(f"| {name} | {size} | {s50:.1f} ms | {s95:.1f} ms | {f50:.1f} ms | {f95:.1f} ms"
                     f" | **{f95 / s95:.2f}** |")
    lines.append("")
    return lines
