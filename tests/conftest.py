"""Fixtures shared by every suite: each test that touches storage runs on PostgreSQL and SQLite.

PostgreSQL comes from ENGAGE_TEST_DATABASE_URL (`make test` starts a local server
and sets it); each test gets its own schema, dropped afterwards.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid

import psycopg
import pytest

from engage.db import DatabaseURL

BACKENDS = ("postgresql", "sqlite")


def pytest_addoption(parser):
    parser.addoption(
        "--backends",
        default=os.environ.get("ENGAGE_TEST_BACKENDS", ",".join(BACKENDS)),
        help="comma-separated storage back ends to run the suite on (postgresql,sqlite)",
    )


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        chosen = [b for b in metafunc.config.getoption("--backends").split(",") if b]
        metafunc.parametrize("backend", chosen)


def _postgres_admin_url() -> str:
    url = os.environ.get("ENGAGE_TEST_DATABASE_URL")
    if not url:
        pytest.fail(
            "ENGAGE_TEST_DATABASE_URL is not set: run the suite with `make test`, "
            "which starts PostgreSQL, or set it to a server of yours"
        )
    return url


# SQLite files live in memory when the machine has a tmpfs: every commit's fsync is then free,
# which is most of a SQLite test's time (durability across crashes is no concern for them).
MEMORY_DIRECTORY = "/dev/shm"


@pytest.fixture
def database_url(backend, tmp_path):
    """A fresh, empty database for one test, on the requested back end."""
    if backend == "sqlite":
        if os.path.isdir(MEMORY_DIRECTORY) and os.access(MEMORY_DIRECTORY, os.W_OK):
            directory = tempfile.mkdtemp(prefix="engage-test-", dir=MEMORY_DIRECTORY)
            yield f"sqlite:///{directory}/engage.sqlite"
            shutil.rmtree(directory, ignore_errors=True)
        else:
            yield f"sqlite:///{tmp_path / 'engage.sqlite'}"
        return
    base = _postgres_admin_url()
    parsed = DatabaseURL.parse(base)
    schema = f"t_{uuid.uuid4().hex[:16]}"
    conninfo = dict(host=parsed.host, port=parsed.port, user=parsed.user,
                    password=parsed.password, dbname=parsed.dbname)
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in base else "?"
    yield f"{base}{separator}schema={schema}"
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


def app_settings(database_url: str, **overrides) -> dict:
    settings = {
        "engage.database_url": database_url,
        "engage.session_secret": "test-secret-" + uuid.uuid4().hex,
        "engage.identifier_key": "test-card-number-key-0123456789",
        "engage.projections.in_process": "true",
        "engage.read_your_writes_timeout": "10",
        "pyramid.default_locale_name": "fr",
        "engage.mailer": "outbox",
        # argon2 at its real cost would spend most of the suite hashing passwords.
        "engage.password_hashing": "cheapest-for-tests-only",
    }
    settings.update(overrides)
    return settings


@pytest.fixture
def engage_services(database_url):
    """The spine without the web: application, read models, projection engine."""
    from engage.services import Engage

    engage = Engage.from_settings(app_settings(database_url), run_projections=False)
    yield engage
    engage.close()


def pytest_configure(config):
    # The tests choose their own databases: never let a developer's shell point them elsewhere.
    os.environ.pop("ENGAGE_DATABASE_URL", None)
