"""Two web processes and a projections process on one PostgreSQL database, as production runs
them: concurrent votes and registrations through both, and every invariant holds (issue 18
item 2, issue 17 item 6). Web nodes keep no state of their own: sessions, throttles, read
models and the log are all in the database, so a visitor may hop from one node to the other."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import webtest

from engage.domain.workshops.model import WorkshopSession
from tests.common.accounts import PASSWORD, log_in
from tests.common.concurrency import run_concurrently
from tests.common.consultations import contribute, create_consultation
from tests.common.server import _forward
from tests.common.workshops import make_session

BIN = Path(sys.executable).parent
PEOPLE = 24
SEATS = 6


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_ini(path: Path, database_url: str, key_path: Path) -> Path:
    path.write_text(f"""[app:main]
use = egg:engage
engage.database_url = {database_url}
engage.session_secret = test-only-shared-by-both-nodes
engage.identifier_key = test-card-number-key-0123456789
engage.public_url = http://localhost
engage.projections.in_process = false
engage.read_your_writes_timeout = 60
engage.password_hashing = cheapest-for-tests-only
engage.mailer = outbox
engage.transparency.key_path = {key_path}
engage.transparency.create_key = true
engage.transparency.origin = test.engage.example/log

[server:main]
use = egg:waitress#main
host = 127.0.0.1
port = %(http_port)s
threads = 4
""")
    return path


def wait_until_up(port: int, process: subprocess.Popen) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise AssertionError(f"the process on port {port} exited: {process.stderr.read()}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing answers on port {port}")


@pytest.fixture
def nodes(database_url, engage_services, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share PostgreSQL; SQLite is the embedded, single-process store")
    ini = write_ini(tmp_path / "nodes.ini", database_url, tmp_path / "transparency.key")
    engage_services.engine.catch_up()  # create the key once, before three processes race to
    ports = [free_port(), free_port()]
    processes = [subprocess.Popen([BIN / "pserve", str(ini), f"http_port={port}"],
                                  stderr=subprocess.PIPE, text=True) for port in ports]
    processes.append(subprocess.Popen([BIN / "engage-projections", str(ini)], stderr=subprocess.PIPE, text=True))
    try:
        for port, process in zip(ports, processes):
            wait_until_up(port, process)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def test_two_web_processes_keep_one_vote_per_person_and_the_capacity(nodes, engage_services):
    engage = engage_services
    consultation = create_consultation(engage.app)
    item = contribute(engage.app, consultation).id
    session_id, _ = make_session(engage.app, capacity=SEATS)
    people = []
    for i in range(PEOPLE):
        email = f"habitant{i}@exemple.fr"
        signed = engage.accounts.sign_up(name=f"Habitant {i}", email=email, display_name=f"Habitant {i}",
                                         password=PASSWORD)
        engage.app.confirm_email(signed.person_id)
        engage.app.issue_card(name=f"Habitant {i}", email=email, arrondissement=11, age_band="25-34",
                              consent_to_consultation=True, person_id=signed.person_id)
        people.append(email)
    item_path = f"/consultations/charte/contributions/{item}"
    session_path = f"/ateliers/seance/{session_id.hex}"
    clients = []
    for i, email in enumerate(people):
        # Each visitor signs in on one node and then uses the other: sessions live in the database.
        first, second = (webtest.TestApp(_forward("127.0.0.1", nodes[(i + k) % 2])) for k in (0, 1))
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

    # The projections process catches up; then the figures, through either node.
    deadline = time.monotonic() + 60
    while min(engage.engine.positions().values()) < engage.engine.head() and time.monotonic() < deadline:
        time.sleep(0.1)
    stats = webtest.TestApp(_forward("127.0.0.1", nodes[0])).get("/api/stats/votes-per-item").json
    agree = [row for row in stats["counts"] if row["item_id"] == str(item) and row["option"] == "d-accord"]
    assert [row["value"] for row in agree] == [PEOPLE]  # one vote per person, however many clicks
    session = engage.app.repository.get(session_id)
    assert isinstance(session, WorkshopSession)
    assert len(session.registered) == SEATS and len(session.waitlist) == PEOPLE - SEATS
    assert len(set(session.registered) | set(session.waitlist)) == PEOPLE
