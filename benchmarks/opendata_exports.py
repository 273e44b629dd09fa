"""Exports: downloads served from the export files versus streamed from the database.

    python -m benchmarks.opendata_exports ROWS postgresql://user:pw@host/db [SLOW_CLIENTS]

Fills a made-up dataset of ROWS rows (about 130 bytes each), then measures: the first
download (the file is written: time, peak Python memory), a second one (from the file),
and the site's JSON API while SLOW_CLIENTS clients read downloads slowly, first from the
files, then streamed from the database as before (a pool of 4 connections, 2 s timeout).
Prints a Markdown block for RESULTS.md. Never run by the test suite.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
import tracemalloc
import uuid

TABLE = "bench_export_rows"


def main(rows: int, url: str, slow_clients: int = 12) -> str:
    import psycopg
    import webtest
    from webob import Request

    from benchmarks import environment
    from engage import main as wsgi_main
    from engage.db import DatabaseURL
    from engage.opendata import REGISTRY, Dataset, Field, packages

    schema = "bench_exports_" + uuid.uuid4().hex[:8]
    parsed = DatabaseURL.parse(url)
    with psycopg.connect(host=parsed.host, port=parsed.port, user=parsed.user, password=parsed.password,
                         dbname=parsed.dbname, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    dataset = Dataset(
        name="bench-export-rows", title="Banc d'essai", description="Lignes générées.",
        fields=(Field("row_id", "integer", "Numéro.", required=True), Field("arrondissement", "integer", "Arr."),
                Field("text", "string", "Texte."), Field("posted_at", "datetime", "Date.")),
        primary_key=("row_id",), table=TABLE, projection="none",
        version_sql=f"SELECT COUNT(*), NULL FROM {TABLE}",
    )
    REGISTRY.register(dataset)
    exports_dir = tempfile.mkdtemp(prefix="engage-exports-")
    separator = "&" if "?" in url else "?"
    wsgi = wsgi_main({}, **{
        "engage.database_url": f"{url}{separator}schema={schema}",
        "engage.session_secret": "bench", "engage.identifier_key": "bench-key-0123456789-abcdef",
        "engage.mailer": "outbox", "engage.database.pool_size": "4", "engage.database.pool_timeout": "2",
        "engage.opendata.export_dir": exports_dir, "engage.public_url": "http://localhost:6543",
        "engage.vault.kek_path": environment.KEK_PATH, "engage.vault.create_kek": "true",
    })
    app = webtest.TestApp(wsgi)
    db = wsgi.registry.engage.db
    with db.transaction() as cur:
        cur.execute(f"CREATE TABLE {TABLE} (row_id INTEGER PRIMARY KEY, arrondissement INTEGER,"
                    " text TEXT, posted_at TEXT)")
        for start in range(0, rows, 20000):
            cur.executemany(
                f"INSERT INTO {TABLE} VALUES (%s, %s, %s, %s)",
                [(n, n % 20 + 1, f"contribution numéro {n} " + "x" * 80, "2026-11-25T10:00:00+00:00")
                 for n in range(start, min(rows, start + 20000))])
    csv_url = f"/opendata/{dataset.name}/{dataset.csv_name}"
    lines = []

    tracemalloc.start()
    began = time.perf_counter()
    first = app.get(csv_url)
    built = time.perf_counter() - began
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    size = len(first.body)
    del first
    began = time.perf_counter()
    app.get(csv_url)
    served = time.perf_counter() - began
    lines.append(f"- {rows:,} rows, CSV {size / 1e6:.1f} MB: first download (file written) {built:.2f} s,"
                 f" Python peak {peak / 1e6:.1f} MB (the body held by the test client included);"
                 f" second download (from the file) {served:.2f} s")

    def api_while(open_download) -> tuple[int, int, float]:
        stop = threading.Event()
        started = threading.Barrier(slow_clients + 1)

        def slow_client():
            try:
                body = open_download()
            except Exception:  # no connection left for this one (the pool's timeout)
                started.wait()
                return
            chunks = iter(body)
            started.wait()
            try:
                for _ in chunks:
                    if stop.wait(0.2):
                        break
            finally:
                getattr(body, "close", lambda: None)()

        threads = [threading.Thread(target=slow_client, daemon=True) for _ in range(slow_clients)]
        for thread in threads:
            thread.start()
        started.wait()
        ok = 0
        worst = 0.0
        for _ in range(5):
            began = time.perf_counter()
            try:
                ok += app.get("/api/card-holders", expect_errors=True).status_int == 200
            except Exception:  # a PoolTimeout escaping the error page
                pass
            worst = max(worst, time.perf_counter() - began)
        failed = 5 - ok
        stop.set()
        for thread in threads:
            thread.join()
        return ok, failed, worst

    def from_file():
        return Request.blank(csv_url).call_application(wsgi)[2]

    def streamed():
        stream = packages.csv_stream(db, dataset)
        next(stream)  # the snapshot (and its connection) is taken now, as the old view did
        return stream

    ok, failed, worst = api_while(from_file)
    lines.append(f"- {slow_clients} slow clients reading from the files, pool of 4: API {ok}/5 answered,"
                 f" slowest {worst * 1000:.0f} ms")
    ok, failed, worst = api_while(streamed)
    lines.append(f"- {slow_clients} slow clients streamed from the database (before), pool of 4: API {ok}/5"
                 f" answered, {failed} failed, slowest {worst * 1000:.0f} ms")
    wsgi.registry.engage.close()
    return "\n".join(lines)


if __name__ == "__main__":
    print(main(int(sys.argv[1]), sys.argv[2], *(int(a) for a in sys.argv[3:4])))
