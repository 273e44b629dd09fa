"""Processes starting together on a fresh database all start: the tables are created one
process at a time (Database.setting_up). PostgreSQL's CREATE ... IF NOT EXISTS does not hold
against a concurrent creator: two of three starters failed ("duplicate key value violates
unique constraint pg_type_typname_nsp_index")."""

from __future__ import annotations

import threading
import uuid

import psycopg
import pytest

from engage.db import DatabaseURL
from engage.services import Engage
from tests.conftest import app_settings

STARTERS = 3


@pytest.mark.backend_independent("the race is PostgreSQL's catalog; SQLite serializes writers", backend="postgresql")
def test_processes_starting_together_on_a_fresh_schema_all_start(database_url):
    url = DatabaseURL.parse(database_url)
    schema = f"t_fresh_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(**{**url.conninfo(), "options": ""}, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    fresh = database_url.replace(f"schema={url.schema}", f"schema={schema}")
    started = threading.Barrier(STARTERS)
    failures: list[BaseException] = []

    def start() -> None:
        started.wait()
        try:
            Engage.from_settings(app_settings(fresh), run_projections=False).close()
        except BaseException as error:  # noqa: BLE001 - the test reports every one
            failures.append(error)

    try:
        starters = [threading.Thread(target=start) for _ in range(STARTERS)]
        for starter in starters:
            starter.start()
        for starter in starters:
            starter.join()
        assert failures == []
        with psycopg.connect(**{**url.conninfo(), "options": f"-c search_path={schema}"}) as conn:
            tracked = conn.execute("SELECT count(*) FROM projection_tracking").fetchone()[0]
        assert tracked > 0  # set up once, completely
    finally:
        with psycopg.connect(**{**url.conninfo(), "options": ""}, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")
