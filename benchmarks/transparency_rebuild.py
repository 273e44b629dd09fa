"""Rebuild the transparency log alone on a generated data set: events/s of the whole rebuild
and of the projection's own batches (wall and CPU), and a fingerprint of every table it
writes, to compare two versions of the code on the same data (the log must not change).

    python -m benchmarks.transparency_rebuild <schema> [runs]   # a schema made by generator.generate
"""

from __future__ import annotations

import hashlib
import os
import sys
import time

from benchmarks import environment
from engage.projections.transparency.projection import TransparencyProjection

TABLES = (("tlog_leaves", "leaf_index"), ("tlog_nodes", "level, node_index"),
          ("tlog_acts", "position, field"), ("tlog_commitments", "act_key"))


def fingerprint(cur) -> str:
    digest = hashlib.sha256()
    for table, order in TABLES:
        for row in cur.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def main(schema: str, runs: int) -> None:
    spent = {"wall": 0.0, "cpu": 0.0}
    apply_batch = TransparencyProjection.apply_batch

    def timed(self, cur, events):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return apply_batch(self, cur, events)
        finally:
            spent["wall"] += time.perf_counter() - wall
            spent["cpu"] += time.process_time() - cpu

    TransparencyProjection.apply_batch = timed
    with environment.services(schema) as engage:
        with engage.db.reading() as cur:
            events = cur.scalar("SELECT MAX(notification_id) FROM engage_events")
        for _ in range(runs):
            spent.update(wall=0.0, cpu=0.0)
            load, wall, cpu = os.getloadavg()[0], time.perf_counter(), time.process_time()
            engage.engine.rebuild(["transparency"])
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(f"{events} events in {wall:.2f} s: {events / wall:.0f} events/s, CPU {cpu:.2f} s;"
                  f" the projection's batches {spent['wall']:.2f} s ({events / spent['wall']:.0f} events/s),"
                  f" CPU {spent['cpu']:.2f} s; load {load:.2f} before, {os.getloadavg()[0]:.2f} after", flush=True)
        with engage.db.reading() as cur:
            print("fingerprint", fingerprint(cur))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1)
