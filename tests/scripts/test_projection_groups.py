"""engage-projections with projection groups, and engage-rebuild in parallel, as real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from engage.domain.accounts.model import Role
from tests.common.accounts import with_roles
from tests.common.consultations import create_via_web

BIN = Path(sys.executable).parent
PATIENCE = 60  # seconds a condition may take on a busy machine before the test gives up


def write_ini(tmp_path, database_url, **settings):
    ini = tmp_path / "groups.ini"
    ini.write_text(
        "[app:main]\nuse = egg:engage\n"
        f"engage.database_url = {database_url}\n"
        "engage.session_secret = test-only\n"
        "engage.identifier_key = test-card-number-key-0123456789\n"
        + "".join(f"{key} = {value}\n" for key, value in {
            # A group process wires the web application's mailer and routes (its policy mails
            # authors), so it needs what the web application needs to start.
            "engage.public_url": "http://localhost", "engage.mailer": "outbox", **settings}.items())
    )
    return str(ini)


def issue_cards(engage, count, start=0):
    for i in range(start, start + count):
        engage.app.issue_card(name=f"Personne {i}", email=f"p{i}@exemple.fr", arrondissement=1 + i % 20,
                              age_band="25-34", consent_to_consultation=True)


def eventually(condition, what):
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)


def children_of(pid: int) -> dict[str, int]:
    """The supervisor's children, by group (Linux's /proc)."""
    found = {}
    try:
        pids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return found
    for child in pids:
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        except FileNotFoundError:
            continue
        if b"--group" in command:
            found[command[command.index(b"--group") + 1].decode()] = int(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def tree(engage):
    with engage.db.reading() as cur:
        return (cur.execute("SELECT leaf_index, position, data FROM tlog_leaves ORDER BY leaf_index").fetchall(),
                cur.execute("SELECT level, node_index, hash FROM tlog_nodes ORDER BY level, node_index").fetchall())


def test_an_unknown_group_is_refused_naming_the_known_ones(tmp_path):
    result = subprocess.run([BIN / "engage-projections", str(tmp_path / "any.ini"), "--group", "nothing"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "unknown projection group: nothing (known: transparency, consultations, others)" in result.stderr


def test_processes_that_leave_a_group_out_are_refused_before_any_starts(tmp_path, database_url):
    ini = write_ini(tmp_path, database_url, **{"engage.projections.processes": "transparency others"})
    result = subprocess.run([BIN / "engage-projections", ini], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "engage.projections.processes must name every projection group exactly once" in result.stderr


def test_a_group_process_follows_its_own_projections_only(tmp_path, database_url, engage_services):
    issue_cards(engage_services, 3)
    ini = write_ini(tmp_path, database_url)
    worker = subprocess.Popen([BIN / "engage-projections", ini, "--group", "transparency"],
                              stderr=subprocess.PIPE, text=True)
    try:
        head = engage_services.engine.head()
        eventually(lambda: engage_services.engine.positions()["transparency"] == head, "the log followed")
        issued = engage_services.app.issue_card(name="C D", email="c@exemple.fr", arrondissement=4,
                                                age_band="18-24", consent_to_consultation=True)
        eventually(lambda: engage_services.engine.positions()["transparency"] >= issued.position,
                   "a new event followed without a restart")
        assert engage_services.engine.positions()["cards"] == 0  # another group's
    finally:
        worker.send_signal(signal.SIGTERM)
        _, stderr = worker.communicate(timeout=PATIENCE)
    assert worker.returncode == 0, stderr


def test_the_supervisor_restarts_a_group_that_dies_and_stops_them_all(tmp_path, database_url, engage_services):
    issue_cards(engage_services, 3)
    ini = write_ini(tmp_path, database_url, **{"engage.projections.restart_delay": "0.2"})
    supervisor = subprocess.Popen([BIN / "engage-projections", ini], stderr=subprocess.PIPE, text=True)
    try:
        # By default the public log and the counters in one process, every other read model apart.
        eventually(lambda: set(children_of(supervisor.pid)) == {"transparency+consultations", "others"},
                   "one child per process the ini asks for")
        first = children_of(supervisor.pid)
        os.kill(first["others"], signal.SIGKILL)
        eventually(lambda: children_of(supervisor.pid).get("others") not in (None, first["others"]),
                   "the dead group started again")
        votes = "transparency+consultations"
        assert children_of(supervisor.pid)[votes] == first[votes]  # the other one untouched
        issued = engage_services.app.issue_card(name="C D", email="c@exemple.fr", arrondissement=4,
                                                age_band="18-24", consent_to_consultation=True)
        engage_services.engine.wait_for(issued.position, timeout=PATIENCE)  # every projection, every group
        running = children_of(supervisor.pid)
    finally:
        supervisor.send_signal(signal.SIGTERM)
        _, stderr = supervisor.communicate(timeout=PATIENCE)
    assert supervisor.returncode == 0, stderr
    assert not any(alive(pid) for pid in running.values())
    assert "projection group others stopped" in stderr


def test_a_group_process_killed_mid_run_resumes_exactly_once(tmp_path, database_url, engage_services):
    # Enough batches of 2 that the kill lands mid-run: the faster log projection once finished
    # 150 cards on SQLite before the test's look (every 50 ms) saw its first batch.
    issue_cards(engage_services, 600)
    head = engage_services.engine.head()
    ini = write_ini(tmp_path, database_url, **{"engage.projections.batch_size": "2"})
    command = [BIN / "engage-projections", ini, "--group", "transparency"]
    worker = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    try:
        eventually(lambda: engage_services.engine.positions()["transparency"] > 0, "a first batch")
    finally:
        worker.kill()  # SIGKILL: no chance to finish its batch
        worker.wait(timeout=PATIENCE)
    stopped_at = engage_services.engine.positions()["transparency"]
    assert 0 < stopped_at < head, "the kill came after the whole run: nothing tested"

    # The restart resumes at the committed position with its usual batches (one batch of 2 per
    # transaction made the rest of the log ~300 commits: most of this test's time).
    restarted = subprocess.Popen([BIN / "engage-projections", write_ini(tmp_path, database_url), "--group",
                                  "transparency"], stderr=subprocess.DEVNULL)
    try:
        eventually(lambda: engage_services.engine.positions()["transparency"] == head, "the rest of the log")
    finally:
        restarted.send_signal(signal.SIGTERM)
        restarted.wait(timeout=PATIENCE)
    resumed = tree(engage_services)
    assert len(resumed[0]) == len({position for _, position, _ in resumed[0]})  # no event twice
    engage_services.engine.rebuild(["transparency"])
    assert tree(engage_services) == resumed


def every_index(db) -> list[tuple]:
    with db.reading() as cur:
        if cur.backend != "postgresql":
            return cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").fetchall()
        return cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                           " ORDER BY indexname").fetchall()


def test_rebuild_without_a_read_model_rebuilds_every_group_in_parallel(tmp_path, database_url, engage_services):
    issue_cards(engage_services, 5)
    engage_services.engine.catch_up()
    before = engage_services.engine.positions(), tree(engage_services), every_index(engage_services.db)
    with engage_services.db.reading() as cur:
        cards = cur.execute("SELECT card_id, number, arrondissement FROM rm_cards ORDER BY card_id").fetchall()
    result = subprocess.run([BIN / "engage-rebuild", write_ini(tmp_path, database_url)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for group in ("transparency", "consultations", "others"):  # a progress line each
        assert f"{group}: 100%" in result.stderr
    # The indexes deferred during the replay (deferred_indexes.py) are back, as they were.
    after = engage_services.engine.positions(), tree(engage_services), every_index(engage_services.db)
    assert after == before
    with engage_services.db.reading() as cur:
        assert cur.execute("SELECT card_id, number, arrondissement FROM rm_cards ORDER BY card_id").fetchall() == cards


def test_the_projections_process_mails_the_author_of_an_item_taken_up_for_study(tmp_path, database_url, make_app):
    """The support policy runs in the projections process in production (the consultations
    group): the author's mail must leave from there, not only from a web process that happens
    to run the projections itself (development, tests)."""
    editor = make_app(**{"engage.read_your_writes_timeout": "0.5"})
    with_roles(editor, "editrice@exemple.fr", "Éditrice Ville", Role.EDITOR)
    create_via_web(editor, threshold="1")
    camille = make_app(**{"engage.read_your_writes_timeout": "0.5"})
    with_roles(camille, "camille@exemple.fr", "Camille du 11e")
    form = camille.get("/consultations/charte/contribuer").forms["contribution"]
    form["kind"], form["theme"], form["text"] = "proposition", "Information des habitants", "Des comptes rendus."
    item = form.submit("submit", status=303).follow()
    for app in (editor, camille):  # from now on, only the projections process runs the policy
        app.app.registry.engage.worker.stop()
    vote = item.forms["vote"]
    vote["option"] = "d-accord"
    vote.submit("submit", status=303)
    mail = tmp_path / "mail"
    ini = write_ini(tmp_path, database_url, **{"engage.mailer": "files", "engage.mail_directory": str(mail)})
    supervisor = subprocess.Popen([BIN / "engage-projections", ini], stderr=subprocess.PIPE, text=True)
    try:
        eventually(lambda: mail.is_dir() and any(mail.iterdir()), "the author's mail")
    finally:
        supervisor.send_signal(signal.SIGTERM)
        _, stderr = supervisor.communicate(timeout=PATIENCE)
    sent = [path.read_text() for path in mail.iterdir()]
    assert len(sent) == 1 and "To: camille@exemple.fr" in sent[0], stderr
