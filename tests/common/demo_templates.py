"""The demo, loaded once per worker and copied into each browser test's database.

Loading the demo through the application (a few thousand events, every projection caught
up) takes seconds on PostgreSQL; copying the rows it left takes milliseconds. Each set of
demo options gets its own template, built by the application itself the first time a test
asks for it; a test then starts from an exact copy: the same events, read models, keys and
projection positions, so the application built on the copy is where it would be after
loading the demo itself. Only the open-data instance id is renewed, so two tests never
share export cache files.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import uuid
from pathlib import Path

import psycopg

from engage.db import DatabaseURL

# One signing key for the templates and their copies: the copied checkpoints were signed
# with it, and the application built on a copy goes on signing with it.
_KEY_DIRECTORY = Path(tempfile.mkdtemp(prefix="engage-demo-key-"))
KEY_SETTINGS = {"engage.transparency.key_path": str(_KEY_DIRECTORY / "log.key")}

_templates: dict[tuple, str] = {}  # (backend, options) -> template database URL


def copy_demo(database_url: str, build_template, **options) -> None:
    """Fill the (empty) database at `database_url` with the demo for `options`.

    `build_template(url)` loads the demo into an empty database at `url`; it runs once per
    worker for each set of options.
    """
    url = DatabaseURL.parse(database_url)
    key = (url.backend, tuple(sorted(options.items())))
    if key not in _templates:
        template = _new_database_like(database_url, url)
        build_template(template)
        _templates[key] = template
    source = DatabaseURL.parse(_templates[key])
    if url.backend == "sqlite":
        _copy_sqlite(source.path, url.path)
    else:
        _copy_postgres(url, source.schema, url.schema)


def _new_database_like(database_url: str, url: DatabaseURL) -> str:
    """An empty database on the same back end (a new file beside, or a new schema)."""
    if url.backend == "sqlite":
        directory = tempfile.mkdtemp(prefix="engage-demo-", dir=str(Path(url.path).parent.parent))
        return f"sqlite:///{directory}/demo.sqlite"
    schema = f"t_demo_{uuid.uuid4().hex[:12]}"
    with _connect(url) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return database_url.replace(f"schema={url.schema}", f"schema={schema}")


def _connect(url: DatabaseURL):
    return psycopg.connect(host=url.host, port=url.port, user=url.user, password=url.password,
                           dbname=url.dbname, autocommit=True)


def _copy_sqlite(source: str, target: str) -> None:
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)  # a consistent copy, write-ahead log included
        dst.execute("UPDATE rm_opendata_instance SET instance_id = ?", [uuid.uuid4().hex])
    dst.close()  # sqlite3's context manager commits but does not close
    src.close()


def _copy_postgres(url: DatabaseURL, source: str, target: str) -> None:
    """Rows and sequence values from `source` into `target`, whose tables exist and are empty."""
    with _connect(url) as conn, conn.transaction():
        columns: dict[str, list[str]] = {}
        for table, column in conn.execute(
                "SELECT table_name, column_name FROM information_schema.columns"
                " WHERE table_schema = %s AND is_generated = 'NEVER' ORDER BY table_name, ordinal_position",
                [source]):
            columns.setdefault(table, []).append(f'"{column}"')
        for table, names in columns.items():
            listed = ", ".join(names)
            conn.execute(f'INSERT INTO {target}."{table}" ({listed}) SELECT {listed} FROM {source}."{table}"')
        for name, last_value in conn.execute(
                "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %s", [source]).fetchall():
            if last_value is not None:
                conn.execute("SELECT setval(%s, %s)", [f'{target}."{name}"', last_value])
        conn.execute(f"UPDATE {target}.rm_opendata_instance SET instance_id = %s", [uuid.uuid4().hex])


def drop_templates() -> None:
    for template in _templates.values():
        url = DatabaseURL.parse(template)
        if url.backend == "postgresql":
            with _connect(url) as conn:
                conn.execute(f"DROP SCHEMA IF EXISTS {url.schema} CASCADE")
        else:
            shutil.rmtree(Path(url.path).parent, ignore_errors=True)
    _templates.clear()
