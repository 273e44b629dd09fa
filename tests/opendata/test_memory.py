"""Exports stream: memory stays flat however many rows there are.

A few thousand generated rows, measured with tracemalloc (allocations, not time): the
peak while streaming 6,000 rows is no higher than while streaming 1,200, because only
one keyset page is ever held. The two-million-row figure (under 200 MB peak) is measured
by the [Performance] issue's benchmark, not here.
"""

from __future__ import annotations

import gc
import tracemalloc

from engage.opendata import Dataset, Field, Registry, packages

TABLE = "test_opendata_memory"
PAGE = 300

DATASET = Dataset(
    name="memory-test",
    title="Test",
    description="Lignes générées pour mesurer la mémoire.",
    fields=(
        Field("row_id", "integer", "Numéro.", required=True),
        Field("arrondissement", "integer", "Arrondissement."),
        Field("text", "string", "Un texte d'une centaine de caractères."),
        Field("posted_at", "datetime", "Date."),
    ),
    primary_key=("row_id",),
    table=TABLE,
    projection="none",
    version_sql=f"SELECT COUNT(*), NULL FROM {TABLE}",
)


def fill(db, start: int, stop: int) -> None:
    with db.transaction() as cur:
        cur.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (row_id INTEGER PRIMARY KEY,"
                    " arrondissement INTEGER, text TEXT, posted_at TEXT)")
        cur.executemany(
            f"INSERT INTO {TABLE} (row_id, arrondissement, text, posted_at) VALUES (%s, %s, %s, %s)",
            [(n, n % 20 + 1, f"contribution numéro {n} " + "x" * 80, "2026-11-25T10:00:00+00:00")
             for n in range(start, stop)],
        )


def zip_to_file(db, registry, path) -> None:
    """write_zip into a file, as the export cache does."""
    from engage.opendata import query

    with open(path, "wb") as handle, query.snapshot(db) as cur:
        packages.write_zip(handle, cur, registry, DATASET, {"name": "memory-test"}, page_size=PAGE)


def peak_while_streaming(stream) -> tuple[int, int]:
    gc.collect()
    tracemalloc.start()
    try:
        size = 0
        for chunk in stream:
            size += len(chunk)
        return tracemalloc.get_traced_memory()[1], size
    finally:
        tracemalloc.stop()


def peak_while(work) -> tuple[int, int]:
    gc.collect()
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1], 0
    finally:
        tracemalloc.stop()


def test_csv_and_zip_exports_keep_memory_flat(engage_services, tmp_path):
    db = engage_services.db
    registry = Registry()
    registry.register(DATASET)
    fill(db, 0, 1200)
    peak_while_streaming(packages.csv_stream(db, DATASET, page_size=PAGE))  # warm-up: caches, statements
    small_peak, small_size = peak_while_streaming(packages.csv_stream(db, DATASET, page_size=PAGE))
    small_zip, _ = peak_while(lambda: zip_to_file(db, registry, tmp_path / "small.zip"))

    fill(db, 1200, 6000)
    large_peak, large_size = peak_while_streaming(packages.csv_stream(db, DATASET, page_size=PAGE))
    large_zip, _ = peak_while(lambda: zip_to_file(db, registry, tmp_path / "large.zip"))

    assert large_size > 4.5 * small_size  # five times the data...
    assert large_peak < small_peak * 1.25 + 64_000, (small_peak, large_peak)  # ...the same memory
    assert large_zip < small_zip * 1.25 + 64_000, (small_zip, large_zip)
    assert (tmp_path / "large.zip").stat().st_size > 4 * (tmp_path / "small.zip").stat().st_size
