"""A site with a transparency log, served for real; and a hand on its event store, to tamper."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest
import webtest

from engage.db import Database
from engage.projections.transparency.projection import TransparencyProjection
from tests.common.transparency import log_overrides


class LiveServer:
    """The WSGI app behind waitress on a free loopback port: the auditor speaks real HTTP to it."""

    def __init__(self, app):
        from waitress import create_server

        self.server = create_server(app, host="127.0.0.1", port=0, threads=2)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self._stopping = False
        self.thread = threading.Thread(
            target=self._run, name="waitress-transparency-tests", daemon=True
        )
        self.thread.start()

    def _run(self):
        try:
            self.server.run()
        except (OSError, ValueError):
            if not self._stopping:  # closing the sockets may wake the loop on a dead descriptor
                raise

    def stop(self) -> None:
        from waitress import wasyncore

        self._stopping = True
        self.server.task_dispatcher.shutdown()
        wasyncore.close_all(self.server._map)
        self.thread.join(timeout=5)


@dataclass
class Site:
    app: object
    testapp: webtest.TestApp

    @property
    def services(self):
        return self.app.registry.engage

    def issue_cards(self, count: int, *, arrondissement: int | None = None, start: int = 0) -> list:
        issued = []
        for i in range(start, start + count):
            issued.append(
                self.services.app.issue_card(
                    name=f"Personne {i}",
                    email=f"p{i}@exemple.fr",
                    arrondissement=arrondissement or 1 + i % 3,
                    age_band="25-34",
                    consent_to_consultation=bool(i % 2),
                )
            )
        return issued

    def catch_up(self) -> None:
        self.services.engine.catch_up()

    def fetch(self, path: str) -> bytes:
        """The auditor's Fetch, in memory (webtest): same answers as over HTTP."""
        from engage.transparency.audit import FetchError

        response = self.testapp.get(path, expect_errors=True)
        if response.status_int >= 400:
            raise FetchError(path, response.status_int, response.text[:300])
        return response.body


@pytest.fixture
def db(database_url):
    """The log's tables alone, on the test's database: for the tree and its batch writer."""
    database = Database(database_url)
    with database.transaction() as cur:
        TransparencyProjection().create_tables(cur)
    yield database
    database.close()


@pytest.fixture
def make_site(database_url, tmp_path, configured_apps):
    """make_site(key_path=...): the whole app on this test's database (configured once per
    worker, fresh services: tests/conftest.py's ConfiguredApps); all closed afterwards."""
    built = []

    def make(key_path=None, **overrides) -> Site:
        app = configured_apps.acquire(
            database_url, **log_overrides(key_path or tmp_path / "transparency.key", **overrides)
        )
        built.append((app, app.registry.engage))
        return Site(app, webtest.TestApp(app))

    yield make
    for app, engage in built:
        engage.close()
        configured_apps.release(app)


@pytest.fixture
def site(make_site) -> Site:
    return make_site()


@pytest.fixture
def serve():
    servers = []

    def start(site: Site) -> str:
        server = LiveServer(site.app)
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.stop()


class EventStore:
    """Direct SQL on eventsourcing's table, as an intruder with database access would do."""

    def __init__(self, services):
        self.db = services.db
        if self.db.backend == "sqlite":
            self.table, self.position = "stored_events", "rowid"
        else:
            self.table, self.position = "engage_events", "notification_id"

    def state(self, position: int) -> bytes:
        with self.db.reading() as cur:
            return bytes(
                cur.scalar(f"SELECT state FROM {self.table} WHERE {self.position} = %s", [position])
            )

    def alter(self, position: int, old: bytes, new: bytes) -> None:
        state = self.state(position)
        assert old in state
        with self.db.transaction() as cur:
            cur.execute(
                f"UPDATE {self.table} SET state = %s WHERE {self.position} = %s",
                [state.replace(old, new), position],
            )

    def delete(self, position: int) -> None:
        with self.db.transaction() as cur:
            cur.execute(f"DELETE FROM {self.table} WHERE {self.position} = %s", [position])

    def swap(self, first: int, second: int) -> None:
        aside = -1
        with self.db.transaction() as cur:
            for old, new in ((first, aside), (second, first), (aside, second)):
                cur.execute(
                    f"UPDATE {self.table} SET {self.position} = %s WHERE {self.position} = %s",
                    [new, old],
                )


@pytest.fixture
def event_store(site) -> EventStore:
    return EventStore(site.services)
