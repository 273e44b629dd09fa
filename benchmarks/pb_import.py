"""Time a 65,000-row participatory-budget membership import, on SQLite and PostgreSQL.

    .venv/bin/python -m benchmarks.pb_import [rows] [postgresql-url]

Prints the import time (validate + seal + write in batches) and the projections' catch-up
time (all read models, the transparency log's tree included).
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid

import psycopg

from engage.db import DatabaseURL
from engage.projections.members import queries as member_queries
from engage.services import Engage


def membership_csv(rows: int) -> bytes:
    lines = ["email;arrondissement;nom;date d'adhésion"]
    lines += [f"adherent.{i}@exemple.fr;{1 + i % 20};Adhérent {i};2023-{1 + i % 12:02d}-{1 + i % 28:02d}"
              for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def run(url: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as keys:  # a throwaway KEK: the database is thrown away too
        engage = Engage.from_settings({"engage.database_url": url, "engage.identifier_key": "bench-key-0123456789abcdef",
                                       "engage.vault.kek_path": f"{keys}/vault.kek", "engage.vault.create_kek": "true"},
                                      run_projections=False)
        _measure(engage, data)


def _measure(engage: Engage, data: bytes) -> None:
    try:
        started = time.perf_counter()
        report = engage.app.import_membership_list(
            data, imported_by=uuid.uuid4(), known_members=lambda ids: member_queries.existing_pb_members(engage.db, ids))
        imported = time.perf_counter() - started
        started = time.perf_counter()
        engage.engine.catch_up()
        projected = time.perf_counter() - started
        print(f"{engage.db.backend}: {report.imported} members imported in {imported:.1f} s "
              f"({report.imported / imported:,.0f}/s); read models caught up in {projected:.1f} s")
    finally:
        engage.close()


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 65_000
    data = membership_csv(rows)
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{tmp}/bench.sqlite", data)
    if len(sys.argv) > 2:
        base = sys.argv[2]
        parsed = DatabaseURL.parse(base)
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        conninfo = dict(host=parsed.host, port=parsed.port, user=parsed.user, password=parsed.password,
                        dbname=parsed.dbname)
        with psycopg.connect(**conninfo, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        try:
            run(f"{base}?schema={schema}", data)
        finally:
            with psycopg.connect(**conninfo, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
