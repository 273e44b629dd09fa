"""engage-rebuild <ini> [read-model...]: rebuild read models from the log, with progress bars.

Without a read model, every read model: emptied here, then replayed by one process per
projection group (engage/projections/groups.py), in parallel, each with its own progress
line. With read models named, those, one after another, in this process.
"""

from __future__ import annotations

import multiprocessing
import sys

from tqdm import tqdm

from engage.projections.groups import group_engine, group_named, partition
from engage.scripts import load, log, usage

#: Log events per batch of a group's replay: bigger than a live worker's (500), which keeps its
#: batches short for the read-your-writes wait; a rebuild only wants fewer statements per event.
REBUILD_BATCH = 500


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
        for name in names:
            with tqdm(total=head, desc=name, unit="event", file=sys.stderr) as bar:
                engage.engine.rebuild([name], progress=bar.update)
        if names:
            return
        # Every read model emptied at once, before any group replays: a group that trails
        # another (groups.py) never reads its old, higher position.
        engage.engine.reset(list(engage.engine.projections))
        groups = [g for g in partition(engage.engine.projections) if g.projections]
    finally:
        engage.close()
    failed = rebuild_in_parallel(argv[0], [g.name for g in groups], head)
    if failed:
        log.error("rebuild failed for the groups %s: run engage-rebuild again", ", ".join(failed))
        raise SystemExit(1)
    engage = load(argv[0])
    try:
        engage.engine.analyze(list(engage.engine.projections))
    finally:
        engage.close()


def rebuild_in_parallel(ini: str, groups: list[str], until: int) -> list[str]:
    """One process per group replays it up to `until`; the names of the groups that failed."""
    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: no pool inherited
    children = [spawn.Process(target=replay_group, args=(ini, name, until, line), name=f"rebuild-{name}")
                for line, name in enumerate(groups)]
    for child in children:
        child.start()
    for child in children:
        child.join()
    return [name for name, child in zip(groups, children) if child.exitcode != 0]


def replay_group(ini: str, name: str, until: int, line: int) -> None:
    engage = load(ini)
    try:
        group = group_named(name, engage.engine.projections)
        engine = group_engine(engage.engine, group, batch_size=REBUILD_BATCH)
        with tqdm(total=until, desc=name, unit="event", file=sys.stderr, position=line) as bar:
            engine.replay(until, progress=bar.update)
    finally:
        engage.close()


if __name__ == "__main__":
    main()
