"""Small measuring tools: rates, percentiles, and the raw baselines every ratio divides by."""

from __future__ import annotations

import os
import statistics
import threading
import time
import uuid
from typing import Callable

import psycopg

from .environment import base_url, conninfo


def percentiles(samples: list[float]) -> tuple[float, float]:
    """(p50, p95) in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1000, p95 * 1000


def latencies(call: Callable[[], object], count: int, warmup: int = 5) -> list[float]:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def raw_insert_rate(rows: int, clients: int = 16) -> float:
    """Rows per second of raw psycopg one-row-per-commit INSERTs from `clients` threads:
    what PostgreSQL itself allows on this machine, in this run."""
    table = f"bench_raw_votes_{os.getpid()}"  # engineers on this machine may run the benchmarks at once
    with psycopg.connect(**conninfo(base_url()), autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.execute(f"CREATE UNLOGGED TABLE IF NOT EXISTS {table}_probe (x int)")  # warm the catalog
        conn.execute(f"DROP TABLE {table}_probe")
        conn.execute(
            f"CREATE TABLE {table} (id bigserial PRIMARY KEY, voter uuid NOT NULL,"
            " item uuid NOT NULL, choice text NOT NULL, cast_at timestamptz NOT NULL DEFAULT now(),"
            " UNIQUE (voter, item))"
        )
    per_client = rows // clients
    # Every connection opened before the clock starts, here: one refused (the shared server's
    # connection slots all taken) fails the measurement instead of leaving the others waiting.
    connections = []
    try:
        for _ in range(clients):
            connections.append(psycopg.connect(**conninfo(base_url()), autocommit=True))

        failures: list[Exception] = []

        def client(conn) -> None:
            try:
                for _ in range(per_client):
                    conn.execute(f"INSERT INTO {table} (voter, item, choice) VALUES (%s, %s, %s)",
                                 [uuid.uuid4(), uuid.uuid4(), "d'accord"])
            except Exception as error:  # counted rows would be wrong: fail the measurement below
                failures.append(error)

        threads = [threading.Thread(target=client, args=(conn,)) for conn in connections]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        if failures:
            raise RuntimeError(f"raw INSERTs failed in {len(failures)} client(s): {failures[0]}")
    finally:
        for conn in connections:
            conn.close()
    with psycopg.connect(**conninfo(base_url()), autocommit=True) as conn:
        conn.execute(f"DROP TABLE {table}")
    return per_client * clients / elapsed


def raw_log_read_rate(engage, batch: int = 500) -> tuple[float, int]:
    """Events per second of reading and decoding the whole notification log, and its length.
    Decoded as the projections decode it (engage/projections/decoding.py, a batch at once), so
    that B2 compares the projections' work with the cheapest read of the same events."""
    from engage.projections.decoding import BatchDecoder

    app = engage.app
    decoder = BatchDecoder(app.mapper)
    start = time.perf_counter()
    position, count = 0, 0
    while True:
        notifications = app.recorder.select_notifications(start=position + 1, limit=batch)
        if not notifications:
            break
        decoder.decode(notifications)
        count += len(notifications)
        position = notifications[-1].id
    return count / (time.perf_counter() - start), count
