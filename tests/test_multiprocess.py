"""The web tier as production runs it, on one PostgreSQL database: `engage-serve` with two web
processes on one port, a second `engage-serve` standing for another machine, and
`engage-projections`. Concurrent votes and registrations through all of them, and every
invariant holds (issue 18 item 2, issue 17 item 6); the two workers are distinct processes that
each answer; a killed worker is replaced while the port keeps answering; SIGTERM stops
everything with exit status 0. Web processes keep no state of their own: sessions, throttles,
read models and the log are all in the database, so a visitor may hop from one to another."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from contextlib import contextmanager

import pytest
import webtest

from engage.domain.workshops.model import WorkshopSession
from engage.projections.consultations import queries as q
from engage.services import Engage
from tests.common.accounts import PASSWORD, log_in
from tests.common.concurrency import run_concurrently
from tests.common.consultations import contribute, create_consultation
from tests.common.server import (
    BIN,
    _forward,
    answers,
    children_of,
    free_port,
    is_alive,
    start_server,
    started,
    wait_for_children,
    wait_until_up,
    write_ini,
)
from tests.common.workshops import make_session
from tests.conftest import app_settings

PEOPLE = 24
SEATS = 6
CLICKS = 8  # one person's simultaneous votes on one item


class Site:
    def __init__(self, engage: Engage, ini, shared: subprocess.Popen, shared_port: int, other_port: int):
        self.engage = engage
        self.ini = ini
        self.shared = shared  # engage-serve with two workers
        self.shared_port = shared_port
        self.other_port = other_port  # engage-serve with one: another machine

    def client(self, port: int) -> webtest.TestApp:
        return webtest.TestApp(_forward("127.0.0.1", port))

    def caught_up(self) -> None:
        """The projections process has caught up with the log."""
        engine = self.engage.engine
        deadline = time.monotonic() + 60
        while min(engine.positions().values()) < engine.head() and time.monotonic() < deadline:
            time.sleep(0.1)


@pytest.fixture(scope="module")
def site(request, tmp_path_factory):
    """One set of processes for the whole module: starting them is most of its time."""
    if "postgresql" not in request.config.getoption("--backends").split(","):
        pytest.skip("several processes share PostgreSQL; SQLite is the embedded, single-process store")
    postgres_schemas = request.getfixturevalue("postgres_schemas")
    schema = postgres_schemas.acquire()
    url = postgres_schemas.url(schema)
    directory = tmp_path_factory.mktemp("multiprocess")
    ini = write_ini(directory / "nodes.ini", url, directory / "transparency.key", processes=2)
    engage = Engage.from_settings(app_settings(url, **{
        "engage.transparency.key_path": str(directory / "transparency.key"),
        "engage.transparency.create_key": "true", "engage.transparency.origin": "test.engage.example/log"}),
        run_projections=False)
    engage.engine.catch_up()  # creates the key once, before the processes race to
    shared_port, other_port = free_port(), free_port()
    processes = [start_server(ini, shared_port), start_server(ini, other_port),
                 subprocess.Popen([BIN / "engage-projections", str(ini)], stderr=subprocess.PIPE, text=True)]
    try:
        wait_until_up(shared_port, processes[0])
        wait_until_up(other_port, processes[1])
        wait_for_children(processes[0].pid, 2)
        yield Site(engage, ini, processes[0], shared_port, other_port)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.communicate(timeout=60)
        engage.close()
        postgres_schemas.release(schema)


def residents(engage: Engage, count: int, prefix: str) -> list[str]:
    emails = []
    for i in range(count):
        email = f"{prefix}{i}@exemple.fr"
        signed = engage.accounts.sign_up(name=f"Habitant {i}", email=email, display_name=f"Habitant {i}",
                                         password=PASSWORD)
        engage.app.confirm_email(signed.person_id)
        engage.app.issue_card(name=f"Habitant {i}", email=email, arrondissement=11, age_band="25-34",
                              consent_to_consultation=True, person_id=signed.person_id)
        emails.append(email)
    return emails


def agree_votes(site: Site, item) -> list[int]:
    stats = site.client(site.shared_port).get("/api/stats/votes-per-item").json
    return [row["value"] for row in stats["counts"]
            if row["item_id"] == str(item) and row["option"] == "d-accord"]


@contextmanager
def stopped(pids):
    """Those processes frozen (SIGSTOP): whatever answers meanwhile is another one."""
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)


def test_the_two_workers_are_distinct_processes_and_each_answers(site):
    workers = children_of(site.shared.pid)
    assert len(workers) == 2 and site.shared.pid not in workers
    for worker in workers:
        with stopped(workers - {worker}):
            assert answers(site.shared_port), f"worker {worker} alone does not answer"


def test_web_processes_keep_one_vote_per_person_and_the_capacity(site):
    engage = site.engage
    consultation = create_consultation(engage.app)
    item = contribute(engage.app, consultation).id
    session_id, _ = make_session(engage.app, capacity=SEATS)
    people = residents(engage, PEOPLE, "habitant")
    item_path = f"/consultations/charte/contributions/{item}"
    session_path = f"/ateliers/seance/{session_id.hex}"
    nodes = (site.shared_port, site.other_port)
    clients = []
    for i, email in enumerate(people):
        # Each visitor signs in on one node and then uses the other: sessions live in the database.
        first, second = (site.client(nodes[(i + k) % 2]) for k in (0, 1))
        log_in(first, email)
        second.cookiejar = first.cookiejar
        token = second.get(item_path).forms["vote"]["csrf_token"].value
        clients.append((first, second, token))

    def act(i):
        first, second, token = clients[i % PEOPLE]
        if i < PEOPLE:  # everybody votes, and registers, on alternate nodes
            second.post(item_path + "/voter", {"csrf_token": token, "option": "d-accord"}, status=303)
            first.post(session_path + "/inscription", {"csrf_token": token}, status=303)
        else:  # the first few vote again at the same moment, through the other node
            first.post(item_path + "/voter", {"csrf_token": token, "option": "d-accord"})

    _, errors = run_concurrently(PEOPLE + 6, act)
    assert not errors, errors

    site.caught_up()
    assert agree_votes(site, item) == [PEOPLE]  # one vote per person, however many clicks
    session = engage.app.repository.get(session_id)
    assert isinstance(session, WorkshopSession)
    assert len(session.registered) == SEATS and len(session.waitlist) == PEOPLE - SEATS
    assert len(set(session.registered) | set(session.waitlist)) == PEOPLE


def test_one_persons_simultaneous_votes_through_the_shared_port_leave_one_ballot(site):
    engage = site.engage
    item = contribute(engage.app, create_consultation(engage.app, slug="un-clic")).id
    [email] = residents(engage, 1, "cliqueur")
    item_path = f"/consultations/un-clic/contributions/{item}"
    signed_in = site.client(site.shared_port)
    log_in(signed_in, email)
    token = signed_in.get(item_path).forms["vote"]["csrf_token"].value
    clients = []
    for _ in range(CLICKS):  # one connection each: the kernel spreads them over both workers
        client = site.client(site.shared_port)
        client.cookiejar = signed_in.cookiejar
        clients.append(client)

    results, errors = run_concurrently(CLICKS, lambda i: clients[i].post(
        item_path + "/voter", {"csrf_token": token, "option": "d-accord"}, expect_errors=True).status_int)
    assert not errors, errors
    assert 303 in results and all(status < 500 for status in results), results

    site.caught_up()
    # The read model itself: the public statistics blank a count under 5.
    assert q.vote_counts(engage.db, item.hex)["total"] == {"d-accord": 1, "mitige": 0, "pas-d-accord": 0}


def test_a_killed_worker_is_replaced_and_the_port_keeps_answering(site):
    workers = children_of(site.shared.pid)
    killed = min(workers)
    os.kill(killed, signal.SIGKILL)
    assert answers(site.shared_port)  # the other worker, meanwhile
    replaced = wait_for_children(site.shared.pid, 2, without={killed})
    [new] = replaced - workers
    # The newcomer serves too: with the survivor frozen, it answers alone (once it is ready).
    with stopped(replaced - {new}):
        assert answers(site.shared_port), f"the new worker {new} does not answer"


def test_sigterm_stops_every_worker_and_exits_0(site):
    port = free_port()
    server = start_server(site.ini, port)
    try:
        wait_until_up(port, server)
        workers = {pid: started(pid) for pid in wait_for_children(server.pid, 2)}
    finally:
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=60)
    assert server.returncode == 0, stderr
    assert not [pid for pid, start in workers.items() if is_alive(pid, start)]
    assert not answers(port, timeout=1)
