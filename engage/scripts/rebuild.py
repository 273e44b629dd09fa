"""engage-rebuild <ini> [read-model...]: rebuild read models from the log, with progress bars.

Without a read model, every read model: emptied here, then replayed by one process per
projection group (engage/projections/groups.py), in parallel, each with its own progress
line. With read models named, those, one after another, in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.connection
import sys
import time

from tqdm import tqdm

from engage.projections.deferred_indexes import (
    defer_indexes,
    deferring_tables,
    restore_indexes,
    secondary_indexes,
)
from engage.projections.groups import group_engine, group_named, partition
from engage.scripts import load, log, usage

#: Log events per batch of a group's replay: forty times a live worker's (500, short batches for
#: the read-your-writes wait). A rebuild wants few statements per event: at scale 0.02 the
#: consultations group's CPU per event went from 116 + 89 µs (Python + its PostgreSQL backend)
#: to 80 + 40 µs at 5000 (benchmarks/rebuild_groups.py; RESULTS.md, perf5); at scale 0.05 its
#: backend's from ~43 to ~31 µs at 20000 (a batch reads its items' counters once, and a run of
#: 20000 votes concerns hardly more items than one of 5000). A batch holds its events in memory
#: (tens of MB at 20000) and is one transaction.
REBUILD_BATCH = 20_000
GROUP_DONE = "rebuilt group"

#: The cyclic garbage collector's thresholds in a replaying process (gc.set_threshold). A batch
#: allocates tens of thousands of containers that live until its end (notifications, events,
#: rows), so at Python's default (700) the young generation is collected every few events, in
#: vain, and survivors promoted to the older generations make their collections long: at scale
#: 0.05, 10-20 µs of CPU per event in each group. What a replay frees, reference counting frees;
#: the collector only has cycles to find, and finds them at these thresholds still.
REPLAY_GC_THRESHOLDS = (100_000, 50, 1000)


def collect_less() -> None:
    """The garbage collector's policy for a process that replays the log (module constant)."""
    gc.freeze()  # what the process holds after start-up (modules, the app): never scanned again
    gc.set_threshold(*REPLAY_GC_THRESHOLDS)


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) < 1:
        usage("usage: engage-rebuild <ini> [read-model...]")
    engage = load(argv[0])
    try:
        names = argv[1:]
        unknown = [n for n in names if n not in engage.engine.projections]
        if unknown:
            usage(f"unknown read model: {', '.join(unknown)} (known: {', '.join(engage.engine.projections)})")
        head = engage.engine.head()
        if names:
            collect_less()
        for name in names:
            with tqdm(total=head, desc=name, unit="event", file=sys.stderr) as bar:
                engage.engine.rebuild([name], progress=bar.update)
        if names:
            return
        # Every read model emptied at once, before any group replays: a group that trails
        # another (groups.py) never reads its old, higher position.
        engage.engine.reset(list(engage.engine.projections))
        # Dropped by the group processes, built again here at the end (deferred_indexes.py).
        deferred = secondary_indexes(engage.db, deferring_tables(engage.engine.projections.values()))
        groups = [g for g in partition(engage.engine.projections) if g.projections]
    finally:
        engage.close()
    failed = rebuild_in_parallel(argv[0], [g.name for g in groups], head)
    started = time.perf_counter()
    engage = load(argv[0])  # its start creates the missing indexes already; the restore makes sure
    try:
        restore_indexes(engage.db, deferred)  # after a failure too: the pages need them meanwhile
        if deferred:
            tqdm.write(f"built the {len(deferred)} deferred indexes in {time.perf_counter() - started:.1f} s",
                       file=sys.stderr)
        if failed:
            log.error("rebuild failed for the groups %s: run engage-rebuild again", ", ".join(failed))
            raise SystemExit(1)
        started = time.perf_counter()
        engage.engine.analyze(list(engage.engine.projections))
        tqdm.write(f"analyzed every read model's tables in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    finally:
        engage.close()


def rebuild_in_parallel(ini: str, groups: list[str], until: int, *, replay=None) -> list[str]:
    """One process per group replays it up to `until`; the names of the groups that failed or
    were stopped. When one fails the others are stopped at once: a group trailing it would wait
    for it forever, and the rebuild is to be run again anyway (each batch is its own
    transaction: what was stopped is left consistent, only behind)."""
    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: no pool inherited
    all_started = spawn.Barrier(len(groups))  # every group process has started engage
    children = [spawn.Process(target=replay or replay_group, args=(ini, name, until, line, all_started),
                              name=f"rebuild-{name}")
                for line, name in enumerate(groups)]
    for child in children:
        child.start()
    running = list(children)
    while running:
        multiprocessing.connection.wait([child.sentinel for child in running])
        running = [child for child in running if child.exitcode is None]
        if any(child.exitcode not in (None, 0) for child in children):
            for child in running:
                child.terminate()
            for child in running:
                child.join()
            break
    return [name for name, child in zip(groups, children) if child.exitcode != 0]


#: Seconds a group process waits for the others to have started (a sibling that fails before
#: stops the whole rebuild: rebuild_in_parallel terminates the waiting ones).
START_PATIENCE = 600.0


def replay_group(ini: str, name: str, until: int, line: int, all_started=None) -> None:
    engage = load(ini)
    collect_less()
    try:
        group = group_named(name, engage.engine.projections)
        if all_started is not None:
            # Starting engage creates every missing index of every read model: the group's own
            # secondary indexes go once every group process has started, or a later start would
            # build them again (or race this process doing so).
            all_started.wait(START_PATIENCE)
        defer_indexes(engage.db, deferring_tables(engage.engine.projections[p] for p in group.projections))
        engine = group_engine(engage.engine, group, batch_size=REBUILD_BATCH)
        started, cpu = time.perf_counter(), time.process_time()
        with tqdm(total=until, desc=name, unit="event", file=sys.stderr, position=line) as bar:
            engine.replay(until, progress=bar.update)
        # What the benchmarks read (benchmarks/suite.py): one line per group, on stderr.
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        tqdm.write(f"{GROUP_DONE} {name}: {until} events in {wall:.1f} s, {cpu:.1f} s CPU", file=sys.stderr)
    finally:
        engage.close()


if __name__ == "__main__":
    main()
