"""Fixtures shared by every suite: each test that touches storage runs on PostgreSQL and SQLite.

PostgreSQL comes from ENGAGE_TEST_DATABASE_URL (`make test` starts a local server
and sets it); each test gets its own schema, dropped afterwards.
"""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
import uuid

import psycopg
import pytest

from engage.db import DatabaseURL

# Builders live in tests/common (the only test modules other tests import); its fixtures are a plugin.
pytest_plugins = ["tests.common.fixtures"]

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
        independent = metafunc.definition.get_closest_marker("backend_independent")
        if independent is not None:
            chosen = [one_backend(independent, chosen, metafunc.definition.nodeid)]
        metafunc.parametrize("backend", chosen)


def one_backend(marker, chosen: list[str], nodeid: str) -> str:
    """The one back end a `backend_independent` test runs on: the marker's `backend=` (SQLite
    unless it says otherwise: in memory, no server, the cheapest) when it is among the chosen
    back ends, else the first chosen. The marker must say why the back end makes no difference."""
    reason = marker.args[0] if marker.args else marker.kwargs.get("reason")
    if not (isinstance(reason, str) and reason.strip()):
        raise pytest.UsageError(f"{nodeid}: @pytest.mark.backend_independent needs its reason")
    preferred = marker.kwargs.get("backend", "sqlite")
    if preferred not in BACKENDS:
        raise pytest.UsageError(f"{nodeid}: backend_independent(backend={preferred!r}): not one of {BACKENDS}")
    return preferred if preferred in chosen else chosen[0]


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


class PostgresSchemas:
    """This worker's PostgreSQL schemas, reused from test to test.

    Creating the application's ~80 tables and indexes costs about a second per test on
    PostgreSQL (catalog writes), dropping them more; emptying the tables of a schema the
    application already set up costs a few milliseconds. A schema goes back to the pool
    only when its structure is still exactly the application's (same tables, columns and
    indexes as a schema the application set up itself); anything else (a test's own tables,
    an altered table) is dropped, so no test inherits another's structure, and every test
    starts from empty tables and sequences restarted at 1.
    """

    def __init__(self, base_url: str):
        parsed = DatabaseURL.parse(base_url)
        self.base_url = base_url
        self.conninfo = dict(host=parsed.host, port=parsed.port, user=parsed.user,
                             password=parsed.password, dbname=parsed.dbname)
        self.free: list[str] = []
        self.reference: str | None = None  # the structure of a schema the application set up

    def url(self, schema: str) -> str:
        separator = "&" if "?" in self.base_url else "?"
        return f"{self.base_url}{separator}schema={schema}"

    def _connect(self):
        conn = psycopg.connect(**self.conninfo, autocommit=True)
        # A connection a test left open must not hang the suite: give up and drop instead.
        conn.execute("SET lock_timeout = '5s'")
        return conn

    def acquire(self) -> str:
        """A schema holding the application's tables, all empty."""
        if self.free:
            return self.free.pop()
        return self._set_up_schema()

    def release(self, schema: str) -> None:
        with self._connect() as conn:
            try:
                if self._structure(conn, schema) == self.reference:
                    self._empty(conn, schema)
                    self.free.append(schema)
                    return
            except psycopg.errors.LockNotAvailable:
                pass
            try:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
            except psycopg.errors.LockNotAvailable:
                pass  # still in use by a leaked connection: leave it rather than hang

    def drop_all(self) -> None:
        with self._connect() as conn:
            for schema in self.free:
                conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        self.free.clear()

    def _set_up_schema(self) -> str:
        from engage.services import Engage

        schema = f"t_{uuid.uuid4().hex[:16]}"
        with self._connect() as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        Engage.from_settings(app_settings(self.url(schema)), run_projections=False).close()
        with self._connect() as conn:
            if self.reference is None:
                self.reference = self._structure(conn, schema)
            self._empty(conn, schema)  # the setup writes a few rows (instance ids...)
        return schema

    @staticmethod
    def _structure(conn, schema: str) -> str:
        """Tables, columns (types, defaults), indexes, triggers and functions, schema name left out."""
        rows = conn.execute(
            "SELECT 'c', table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable"
            " || ' ' || coalesce(column_default, '') FROM information_schema.columns WHERE table_schema = %s"
            " UNION ALL SELECT 'i', indexdef FROM pg_indexes WHERE schemaname = %s"
            " UNION ALL SELECT 't', t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            "  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND NOT t.tgisinternal"
            " UNION ALL SELECT 'f', p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
            "  WHERE n.nspname = %s",
            [schema] * 4).fetchall()
        return "\n".join(sorted(f"{kind} {text}".replace(schema, "S") for kind, text in rows))

    @staticmethod
    def _empty(conn, schema: str) -> None:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])]
        sequences = [r[0] for r in conn.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = %s",
                                                [schema])]
        # DELETE, not TRUNCATE: the tables hold a handful of rows, and TRUNCATE's new files
        # cost more than the whole test's setup.
        conn.execute("; ".join([f'DELETE FROM {schema}."{t}"' for t in tables]
                               + [f'ALTER SEQUENCE {schema}."{q}" RESTART' for q in sequences]))


@pytest.fixture(scope="session")
def postgres_schemas():
    pool = PostgresSchemas(_postgres_admin_url())
    yield pool
    pool.drop_all()


@pytest.fixture
def database_url(request, backend, tmp_path):
    """An empty database for one test, on the requested back end (on PostgreSQL, a schema
    whose tables may already exist, empty: see PostgresSchemas)."""
    if backend == "sqlite":
        if os.path.isdir(MEMORY_DIRECTORY) and os.access(MEMORY_DIRECTORY, os.W_OK):
            directory = tempfile.mkdtemp(prefix="engage-test-", dir=MEMORY_DIRECTORY)
            yield f"sqlite:///{directory}/engage.sqlite"
            shutil.rmtree(directory, ignore_errors=True)
        else:
            yield f"sqlite:///{tmp_path / 'engage.sqlite'}"
        return
    pool = request.getfixturevalue("postgres_schemas")
    schema = pool.acquire()
    url = pool.url(schema)
    yield url
    shutil.rmtree(export_directory(url), ignore_errors=True)
    pool.release(schema)


def export_directory(database_url: str) -> str:
    """The test's own open-data export directory. On SQLite it is the default, beside the
    database file; on PostgreSQL the default (var/ under the working directory) would be one
    directory for every test and run, which each export's pruning scans whole."""
    parsed = DatabaseURL.parse(database_url)
    if parsed.backend == "sqlite":
        return os.path.join(os.path.dirname(parsed.path), "opendata-exports")
    return os.path.join(tempfile.gettempdir(), f"engage-test-exports-{os.getuid()}", parsed.schema)


def app_settings(database_url: str, **overrides) -> dict:
    settings = {
        "engage.database_url": database_url,
        "engage.session_secret": "test-secret-" + uuid.uuid4().hex,
        "engage.identifier_key": "test-card-number-key-0123456789",
        "engage.projections.in_process": "true",
        "engage.read_your_writes_timeout": "10",
        "pyramid.default_locale_name": "fr",
        "engage.mailer": "outbox",
        # Absolute URLs in mails and open data (the request's Host is never trusted for them).
        "engage.public_url": "http://localhost",
        # Where a resident's answer to a moderation mail goes (its Reply-To).
        "engage.moderation_contact": "moderation@ville.exemple",
        # argon2 at its real cost would spend most of the suite hashing passwords.
        "engage.password_hashing": "cheapest-for-tests-only",
        "engage.opendata.export_dir": export_directory(database_url),
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


class ConfiguredApps:
    """This worker's WSGI applications, each configured once per set of settings and given each
    test's own services.

    Configuring Pyramid (routes, ~160 views, tweens, templates) costs half a second of CPU (a
    second on a slow machine), the same for every test with the same settings: about half of
    the whole suite. What differs from test to test lives in services built from the settings:
    the event store, read models and projection worker (`registry.engage`), the mail outbox,
    the support policy's mailer, the open-data export cache. Those are rebuilt for every test
    on its own database, so no state crosses from one test to the next; the settings are
    restored from the copy taken after configuration (a test may have changed them).

    An app is reused only for the same overrides (PER_TEST settings aside: their value is the
    test's own) under the environment it was configured in, and by one user at a time: a
    second app in one test with the same overrides is built whole, as production builds it.
    """

    # Read only when the services are built (Engage.from_settings), never while configuring:
    # each use of a configured app gets its own value. A setting added here must be so.
    PER_TEST = ("engage.database_url", "engage.transparency.key_path")
    KEEP = 8  # configured apps kept per worker (an app is some megabytes), least recently used out

    def __init__(self):
        self.apps: dict[tuple, tuple] = {}  # key -> (wsgi, settings, environment)
        self.in_use: set[tuple] = set()

    @staticmethod
    def _environment() -> dict:
        from engage.settings import ENVIRONMENT_OVERRIDES

        return {name: os.environ.get(name) for name in ENVIRONMENT_OVERRIDES}

    def _key(self, overrides: dict) -> tuple:
        return (tuple(sorted((k, str(v)) for k, v in overrides.items() if k not in self.PER_TEST)),
                tuple(sorted(k for k in overrides if k in self.PER_TEST)))

    def acquire(self, database_url: str, **overrides):
        """The WSGI app for `app_settings(database_url, **overrides)`, configured once per worker
        when possible; give it back with release(wsgi) once its services are closed."""
        from engage import main

        key = self._key(overrides)
        entry = self.apps.get(key)
        if key in self.in_use or (entry is not None and entry[2] != self._environment()):
            return main({}, **app_settings(database_url, **overrides))  # built whole, not kept
        if entry is None:
            wsgi = main({}, **app_settings(database_url, **overrides))
            self.apps[key] = (wsgi, dict(wsgi.registry.settings), self._environment())
            while len(self.apps) > self.KEEP:
                self.apps.pop(next(k for k in self.apps if k not in self.in_use and k != key))
        else:
            self.apps[key] = self.apps.pop(key)  # most recently used last
            wsgi = self._renew(entry, {"engage.database_url": database_url,
                                       **{k: str(v) for k, v in overrides.items() if k in self.PER_TEST}})
        self.in_use.add(key)
        return wsgi

    @staticmethod
    def _renew(entry, per_test: dict):
        from pyramid_mailer import get_mailer

        from engage.policies.support import attach_study_mailer
        from engage.services import Engage
        from engage.settings import apply_environment

        wsgi, settings, _ = entry
        registry = wsgi.registry
        registry.settings.clear()
        registry.settings.update(settings, **per_test)
        apply_environment(registry.settings)  # as configuring does: the environment wins
        registry.engage = Engage.from_settings(registry.settings)
        attach_study_mailer(registry)
        mailer = get_mailer(registry)
        for sent in ("outbox", "queue"):
            getattr(mailer, sent, []).clear()
        registry.__dict__.pop("opendata_exports", None)
        return wsgi

    def release(self, wsgi) -> None:
        for key, (kept, _, _) in self.apps.items():
            if kept is wsgi:
                self.in_use.discard(key)


CONFIGURED_APPS = ConfiguredApps()  # this worker's (tests/common builds apps through it too)


@pytest.fixture(scope="session")
def configured_apps():
    return CONFIGURED_APPS


@pytest.fixture
def make_app(database_url, configured_apps):
    """Build the WSGI app on this test's database; every app built is closed afterwards.

    Apps come from this worker's configured apps, given fresh services (see ConfiguredApps);
    a second one with the same overrides in one test is built whole."""
    import webtest

    built = []

    def make(**overrides):
        wsgi = configured_apps.acquire(database_url, **overrides)
        built.append((wsgi, wsgi.registry.engage))
        return webtest.TestApp(wsgi)

    yield make
    for wsgi, engage in built:
        engage.close()
        configured_apps.release(wsgi)


@pytest.fixture
def testapp(make_app):
    return make_app()


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "backend_independent(reason, backend='sqlite'): runs on one storage back end only; the reason"
        " says why no storage behaviour differs there (HACKING.md, Tests)")
    # Hypothesis's per-example deadline is a timed assertion: on a shared, busy machine it
    # fails tests that are right. Speed is measured in benchmarks/, never here.
    from hypothesis import settings as hypothesis_settings

    hypothesis_settings.register_profile("engage", deadline=None)
    hypothesis_settings.load_profile("engage")
    # The tests choose their own databases: never let a developer's shell point them elsewhere.
    os.environ.pop("ENGAGE_DATABASE_URL", None)
    os.environ.pop("ENGAGE_DATABASE_URL_READ", None)
    # A throwaway key-encryption key for the vault, the same for this session's processes
    # (console scripts run as subprocesses inherit it); tests of the KEK itself unset it.
    os.environ["ENGAGE_VAULT_KEK"] = base64.b64encode(os.urandom(32)).decode()
