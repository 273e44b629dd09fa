"""The rebuild, group by group, on a generated data set: where each projection group spends its
time, and a fingerprint of every read model (to show that a change of the rebuild's path
leaves the tables byte-identical).

    python -m benchmarks.rebuild_groups <schema> [group...] [--batch N] [--profile DIR] [--fingerprint]
                                        [--default-gc] [--statements]

Each named group (all three by default, in the order of groups.py) is emptied and replayed
alone, in this process, the way `engage-rebuild` replays it (a GroupEngine over the group's
projections): the groups it trails are at the head already, so it never waits for them. Per
group: wall time, this process's CPU, the CPU of its PostgreSQL backend (read from /proc: the
server runs on this machine), and the CPU inside each projection's apply_batch and in reading
and decoding the log. Wall figures are noisy on a shared machine; the CPU figures less so.

--statements: the backend's CPU per statement (from /proc/<pid>/schedstat, in nanoseconds:
the server runs on this machine), statements grouped by their text. Pipelines are turned off
for it (each statement waits for its result, so its CPU is its own): the totals are then a
little above a plain run's.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
import re
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

from benchmarks import environment
from engage.db import Cursor
from engage.projections.decoding import BatchDecoder
from engage.projections.deferred_indexes import defer_indexes, deferring_tables, restore_indexes
from engage.projections.engine import ProjectionEngine
from engage.projections.groups import group_engine, group_named, group_names
from engage.scripts.rebuild import REBUILD_BATCH, collect_less


def backend_cpu(pid: int) -> float:
    """User + system CPU seconds of a local process (a PostgreSQL backend)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def timing_of(cls, attribute: str, spent: dict, key: str):
    """Add the CPU spent in cls.attribute (a method) to spent[key] while the block runs."""
    original = getattr(cls, attribute)

    def timed(*args, **kwargs):
        cpu = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[key] = spent.get(key, 0.0) + time.process_time() - cpu

    setattr(cls, attribute, timed)
    try:
        yield
    finally:
        setattr(cls, attribute, original)


def backend_ns(pid: int) -> int:
    """Nanoseconds a local process (a PostgreSQL backend) has run on a CPU (exact, not sampled)."""
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[0])


def statement_key(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()[:110]


@contextmanager
def statement_costs(pid: int, costs: dict):
    """costs[statement] = [calls, backend ns, rows] for every statement run while the block runs,
    each one synchronous (no pipeline)."""
    originals = {name: getattr(Cursor, name) for name in ("execute", "executemany", "copy_rows", "pipeline")}

    def measured(key: str, rows: int, call):
        before = backend_ns(pid)
        try:
            return call()
        finally:
            entry = costs.setdefault(key, [0, 0, 0])
            entry[0] += 1
            entry[1] += backend_ns(pid) - before
            entry[2] += rows

    def execute(self, sql, params=()):
        return measured(statement_key(sql), 1, lambda: originals["execute"](self, sql, params))

    def executemany(self, sql, rows):
        return measured(statement_key(sql), len(rows), lambda: originals["executemany"](self, sql, rows))

    def copy_rows(self, table, columns, rows):
        rows = list(rows)
        return measured(f"COPY {table}", len(rows), lambda: originals["copy_rows"](self, table, columns, rows))

    Cursor.execute, Cursor.executemany, Cursor.copy_rows = execute, executemany, copy_rows
    Cursor.pipeline = lambda self: nullcontext()
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(Cursor, name, original)


#: Tables whose content is drawn afresh by every rebuild (the read models' instance id).
RANDOM = {"rm_opendata_instance"}


def fingerprint(engage, names) -> dict[str, str]:
    """SHA-256 over every row of every table of these projections, rows in the order of all
    their columns (a read model's rows have no order of their own), RANDOM tables left out."""
    prints = {}
    with engage.db.reading(primary=True) as cur:
        for name in names:
            digest = hashlib.sha256()
            for table in engage.engine.projections[name].tables:
                if table in RANDOM:
                    continue
                count = len(cur.execute(f"SELECT * FROM {table} LIMIT 0")._cursor.description)
                order = ", ".join(str(i) for i in range(1, count + 1))
                for row in cur.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall():
                    digest.update(repr(row).encode())
                digest.update(f"--{table}--".encode())
            prints[name] = digest.hexdigest()
    return prints


def replay_group(engage, name: str, batch: int, profile_dir: Path | None, statements: bool = False) -> dict:
    engine = engage.engine
    group = group_named(name, engine.projections)
    engine.reset(list(group.projections))
    deferred = defer_indexes(engage.db, deferring_tables(engine.projections[p] for p in group.projections))
    member = group_engine(engine, group, batch_size=batch)
    until = engine.head()
    spent: dict[str, float] = {}
    with engage.db.reading(primary=True) as cur:
        pid = cur.scalar("SELECT pg_backend_pid()")  # the pool's one connection (pool_size 1)
    server_before, server_ns = backend_cpu(pid), backend_ns(pid)
    profiler = cProfile.Profile() if profile_dir else None
    costs: dict[str, list[int]] = {}
    with (statement_costs(pid, costs) if statements else nullcontext()), timing_of(ProjectionEngine, "_read_batch", spent, "read the log"), \
            timing_of(BatchDecoder, "decode", spent, "decode"):
        patches = [timing_of(type(engine.projections[p]), "apply_batch", spent, p) for p in group.projections]
        for patch in patches:
            patch.__enter__()
        try:
            wall, cpu = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            member.replay(until)
            restore_indexes(engage.db, deferred)  # counted: engage-rebuild builds them at its end
            if profiler:
                profiler.disable()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        finally:
            for patch in reversed(patches):
                patch.__exit__(None, None, None)
    server = backend_cpu(pid) - server_before
    server_ns = backend_ns(pid) - server_ns
    if profiler:
        profile_dir.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(str(profile_dir / f"{name}.prof"))
    return {"group": name, "events": until, "wall": wall, "cpu": cpu, "server": server,
            "server_ns": server_ns, "spent": spent, "statements": costs}


def report_statements(result: dict) -> None:
    events, costs = result["events"], result["statements"]
    print(f"    backend CPU per statement (total {result['server_ns'] / 1e9:.2f} s,"
          f" {result['server_ns'] / 1e3 / events:.1f} µs/event):")
    for key, (calls, ns, rows) in sorted(costs.items(), key=lambda kv: -kv[1][1]):
        print(f"    {ns / 1e9:7.2f} s {ns / 1e3 / events:6.2f} µs/event {calls:7d} calls {rows:9d} rows  {key}")
    rest = result["server_ns"] - sum(ns for _, ns, _ in costs.values())
    print(f"    {rest / 1e9:7.2f} s {rest / 1e3 / events:6.2f} µs/event  (commits, index builds, the rest)")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.rebuild_groups")
    parser.add_argument("schema")
    parser.add_argument("groups", nargs="*", default=None)
    parser.add_argument("--batch", type=int, default=REBUILD_BATCH)
    parser.add_argument("--profile", type=Path, help="a directory for one cProfile file per group")
    parser.add_argument("--default-gc", action="store_true",
                        help="Python's own garbage collector thresholds, not a replay's (collect_less)")
    parser.add_argument("--statements", action="store_true",
                        help="the backend's CPU per statement (pipelines off)")
    parser.add_argument("--fingerprint", action="store_true", help="SHA-256 of each replayed read model")
    args = parser.parse_args(argv)
    # One connection: the backend whose CPU is read is the one every statement goes to.
    with environment.services(args.schema, **{"engage.database.pool_size": "1"}) as engage:
        if not args.default_gc:
            collect_less()  # as each replaying process of engage-rebuild
        print(f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}, batch {args.batch}")
        for name in args.groups or group_names():
            result = replay_group(engage, name, args.batch, args.profile, args.statements)
            events = result["events"]
            print(f"{name}: {events:,} events, wall {result['wall']:.1f} s ({events / result['wall']:,.0f} events/s),"
                  f" CPU {result['cpu']:.1f} s ({result['cpu'] / events * 1e6:.0f} µs/event),"
                  f" its PostgreSQL backend {result['server']:.1f} s ({result['server'] / events * 1e6:.0f} µs/event)")
            for key, seconds in sorted(result["spent"].items(), key=lambda kv: -kv[1]):
                print(f"    {key}: {seconds:.1f} s CPU ({seconds / events * 1e6:.0f} µs/event)")
            if args.statements:
                report_statements(result)
            if args.fingerprint:
                projections = group_named(name, engage.engine.projections).projections
                for projection, digest in fingerprint(engage, projections).items():
                    print(f"    sha256 {projection}: {digest}")


if __name__ == "__main__":
    main()
