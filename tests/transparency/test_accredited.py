"""The accredited level: an auditor downloads the openings, encrypted to their own key, and
engage-audit checks them and the rules that need linkage; everyone else gets a 403."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from uuid import uuid4

import pytest
import webtest

from engage.domain.accounts.model import Role
from engage.domain.consultations.model import Vote
from engage.transparency.audit import AuditState, audit
from engage.transparency.sealed_openings import keygen, parse_private_key
from tests.common.accounts import PASSWORD, log_in
from tests.common.consultations import contribute, create_consultation
from tests.common.workshops import card_holder, make_session

BIN = Path(sys.executable).parent
PAGE = "/transparence/audit-accredite"


def signed_in(site, email, role=None) -> webtest.TestApp:
    engage = site.services
    signed = engage.accounts.sign_up(name="Test Audit", email=email, display_name=email.split("@")[0],
                                     password=PASSWORD)
    engage.accounts.confirm_email(signed.confirmation_token)
    if role:
        engage.app.grant_role(signed.person_id, role, granted_by=signed.person_id)
    site.catch_up()
    browser = webtest.TestApp(site.app)
    log_in(browser, email)
    browser.person_id = signed.person_id
    return browser


@pytest.fixture
def honest(site):
    """Cards, a session (registrations, a cancellation, a walk-in, a corrected roll) and votes."""
    app = site.services.app
    start = datetime.now(timezone.utc) + timedelta(minutes=5)
    session_id, facilitator = make_session(app, capacity=2, starts_at=start)
    people = [card_holder(app, i) for i in range(4)]
    for person, card, _ in people[:3]:
        app.register_for_session(session_id, person, card_ids=[card])  # the third waits
    app.cancel_registration(session_id, people[0][0])  # the third is promoted
    app.record_attendance(session_id, {people[1][0]: True, people[2][0]: True}, by=facilitator, now=start)
    app.record_walk_in(session_id, people[3][2], by=facilitator, now=start)
    app.record_attendance(session_id, {people[2][0]: False}, by=facilitator, now=start)
    item = contribute(app, create_consultation(app, threshold=50)).id
    for person, _, _ in people:
        app.cast_vote(person_id=person, item_id=item, option="d-accord", has_valid_card=True)
    app.cast_vote(person_id=people[0][0], item_id=item, option="mitige", has_valid_card=True)
    site.catch_up()
    site.people, site.session_id, site.item = people, session_id, item
    return site


def download(browser, public_key: str, status=200):
    form = browser.get(PAGE).forms["auditor-key"]
    form["public_key"] = public_key
    return form.submit("submit", status=status)


def test_an_auditor_downloads_the_openings_and_an_honest_log_passes(honest, tmp_path):
    auditor = signed_in(honest, "audit@exemple.fr", Role.AUDITOR)
    page = auditor.get(PAGE)
    assert 'for="' in page.text and "csrf_token" in page.text
    _, public_key = keygen(tmp_path / "auditor.key")
    sealed = download(auditor, public_key)
    assert sealed.content_type == "application/octet-stream" and sealed.body.startswith(b"ENGAGE-OPENINGS-1\n")
    assert str(honest.people[0][0]).encode() not in sealed.body  # encrypted
    honest.catch_up()
    # The release is itself a public act: the tree size it covers, the auditor as a commitment.
    entries = honest.testapp.get("/transparency/entries", {"start": 0, "end": 1000}).json["entries"]
    released = [json.loads(base64.b64decode(e["data"])) for e in entries]
    released = [leaf for leaf in released if leaf["type"] == "OpeningsReleased"]
    assert len(released) == 1 and set(released[0]["fields"]) == {"tree_size", "auditor"}
    assert str(auditor.person_id) not in json.dumps(released[0])

    key = parse_private_key((tmp_path / "auditor.key").read_text())
    report = audit(honest.fetch, AuditState(tmp_path / "state"), accredited=(sealed.body, key))
    print(report.render())
    assert report.passed
    found = " ".join(message for _, message in report.findings)
    for rule in ("one card per person", "one vote per person and item", "registration reserved to card holders",
                 "attendance only of registered people or walk-in card holders"):
        assert f"accredited: {rule}: holds" in found
    assert "accredited: attendance by arrondissement and age band (/api/stats/workshop-attendance) matches" in found
    # The public level needs no openings.
    assert audit(honest.fetch, AuditState(tmp_path / "public")).passed
    # A breakdown by arrondissement that the log does not give: only the accredited level sees it.
    with honest.services.db.transaction() as cur:
        cur.execute("INSERT INTO rm_workshop_stats (metric, key, value) VALUES ('arrondissement', '20', 9)")
    assert audit(honest.fetch, AuditState(tmp_path / "public")).passed
    linked = audit(honest.fetch, AuditState(tmp_path / "state"), accredited=(sealed.body, key))
    assert [p for p in linked.problems if "attendance by arrondissement and age band" in p and "differs" in p]

    # A key that is not the one the file was made for decrypts nothing.
    _, _ = keygen(tmp_path / "other.key")
    other = parse_private_key((tmp_path / "other.key").read_text())
    wrong = audit(honest.fetch, AuditState(tmp_path / "state"), accredited=(sealed.body, other))
    assert any("does not decrypt with this key" in p for p in wrong.problems)


def test_injected_violations_are_reported_and_the_command_exits_non_zero(honest, serve, tmp_path):
    app = honest.services.app
    holder = honest.people[1][0]
    # A second card for a person who holds one (the use case checks nothing of the kind).
    app.issue_card(name="Personne 1", email="p1@exemple.fr", arrondissement=12, age_band="25-34",
                   consent_to_consultation=True, person_id=holder)
    # A registration by somebody without a card, past the use case's check.
    later, facilitator = make_session(app, capacity=5, starts_at=datetime.now(timezone.utc) + timedelta(minutes=5))
    stranger = uuid4()
    app._change_session(later, lambda session: session.register(stranger, datetime.now(timezone.utc)))
    # A second ballot of one person on one item, under another id than the keyed one.
    ballot = uuid4()
    app.save(Vote.cast(vote_id=ballot, item_id=honest.item, option="pas-d-accord",
                       sealed_voter=app._seal_actor(ballot, holder)))
    honest.catch_up()
    auditor = signed_in(honest, "audit@exemple.fr", Role.AUDITOR)
    key_file = tmp_path / "auditor.key"
    made = subprocess.run([BIN / "engage-audit", "--keygen", key_file], capture_output=True, text=True, timeout=60)
    assert made.returncode == 0 and oct(key_file.stat().st_mode & 0o777) == "0o600"
    openings = tmp_path / "openings.bin"
    openings.write_bytes(download(auditor, (tmp_path / "auditor.key.pub").read_text().strip()).body)
    honest.catch_up()
    command = [BIN / "engage-audit", serve(honest), "--state-dir", tmp_path / "state", "--no-progress",
               "--accredited", openings, "--auditor-key", key_file]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    print(result.stdout, result.stderr)
    assert result.returncode == 1
    assert "accredited: one card per person: 1 violations" in result.stdout
    assert "accredited: one vote per person and item: 1 violations" in result.stdout
    assert "accredited: registration reserved to card holders: 1 violations" in result.stdout
    assert "accredited: attendance only of registered people or walk-in card holders: holds" in result.stdout
    failed = [line for line in result.stdout.splitlines() if line.lstrip().startswith("FAIL ")]
    assert len(failed) == 3 and all("accredited:" in line for line in failed)  # the public level passes


def test_only_an_auditor_may_download_openings(site, tmp_path):
    resident = signed_in(site, "camille@exemple.fr")
    resident.get(PAGE, status=403)
    token = site.testapp.get("/compte/connexion").forms["login"]["csrf_token"].value
    resident.post(PAGE, {"public_key": "x", "csrf_token": token}, status=403)
    assert webtest.TestApp(site.app).get(PAGE, expect_errors=True).status_int in (302, 303, 403)
    auditor = signed_in(site, "audit@exemple.fr", Role.AUDITOR)
    refused = download(auditor, "engage-auditor-key bm90IGEga2V5", status=400)
    assert "clé publique d'auditeur" in refused.text and "aria-invalid" in refused.text
    with site.services.db.reading() as cur:  # nothing released, nothing recorded
        assert not cur.scalar("SELECT COUNT(*) FROM tlog_leaves WHERE data LIKE %s",
                              [f"%{base64.b64encode(b'OpeningsReleased').decode()[:12]}%"])
