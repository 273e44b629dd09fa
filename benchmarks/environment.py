"""A scratch PostgreSQL schema per dataset, and the engage services on it."""

from __future__ import annotations

import os
import platform
import uuid
from contextlib import contextmanager

import psycopg

from engage.db import DatabaseURL
from engage.services import Engage

DEFAULT_URL = "postgresql://engage:engage@127.0.0.1:5432/engage_test"
# The benchmark data sets persist between runs: their vault KEK too (ENGAGE_VAULT_KEK wins).
KEK_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "var", "benchmark-vault.kek")


def base_url() -> str:
    return os.environ.get("ENGAGE_BENCH_DATABASE_URL") or os.environ.get("ENGAGE_TEST_DATABASE_URL") or DEFAULT_URL


def conninfo(url: str) -> dict:
    parsed = DatabaseURL.parse(url)
    return dict(host=parsed.host, port=parsed.port, user=parsed.user, password=parsed.password,
                dbname=parsed.dbname)


def schema_url(schema: str) -> str:
    url = base_url()
    return f"{url}{'&' if '?' in url else '?'}schema={schema}"


def ensure_schema(schema: str) -> None:
    with psycopg.connect(**conninfo(base_url()), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")


def drop_schema(schema: str) -> None:
    with psycopg.connect(**conninfo(base_url()), autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def drop_table(table: str) -> None:
    with psycopg.connect(**conninfo(base_url()), autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {table}")


def settings(schema: str, **overrides) -> dict:
    values = {
        "engage.database_url": schema_url(schema),
        "pyramid.default_locale_name": "fr",  # as every ini file says: the pages in French
        "engage.session_secret": "benchmark-only-" + uuid.uuid4().hex,
        "engage.identifier_key": "benchmark-identifier-key-0123456789",
        "engage.projections.in_process": "false",
        "engage.mailer": "outbox",
        "engage.read_your_writes_timeout": "30",
        "engage.vault.kek_path": KEK_PATH,
        "engage.vault.create_kek": "true",
        "engage.public_url": "http://localhost:6543",
    }
    values.update(overrides)
    return values


@contextmanager
def services(schema: str, **overrides):
    ensure_schema(schema)
    engage = Engage.from_settings(settings(schema, **overrides), run_projections=False)
    try:
        yield engage
    finally:
        engage.close()


def machine() -> str:
    cpus = os.cpu_count()
    try:
        with open("/proc/meminfo") as f:
            mem_kb = int(f.readline().split()[1])
        memory = f"{mem_kb / 1024 / 1024:.0f} GiB"
    except OSError:
        memory = "?"
    with psycopg.connect(**conninfo(base_url())) as conn:
        server = conn.execute("SHOW server_version").fetchone()[0]
    return f"{platform.node()}: {cpus} CPUs, {memory}, Python {platform.python_version()}, PostgreSQL {server}"
