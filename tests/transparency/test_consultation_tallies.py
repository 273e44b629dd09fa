"""engage-audit recomputes votes per item and contributions per consultation from the public log."""

from __future__ import annotations

import datetime
from uuid import uuid4

from engage.transparency.audit import AuditState, audit
from engage.transparency.tallies import (
    compare_votes_per_item,
    replay_votes_per_item,
)
from tests.common.consultations import EDITOR, contribute, create_consultation


def test_audit_passes_with_votes_and_contributions(site, tmp_path):
    app = site.services.app
    cid = create_consultation(app, threshold=2)
    first, second = contribute(app, cid).id, contribute(app, cid, kind="avis").id
    voters = [uuid4() for _ in range(4)]
    for voter in voters:
        app.cast_vote(person_id=voter, item_id=first, option="d-accord", has_valid_card=True)
    app.cast_vote(person_id=voters[0], item_id=first, option="mitige", has_valid_card=True)
    app.cast_vote(person_id=voters[1], item_id=second, option="pas-d-accord", has_valid_card=True)
    app.withdraw_vote(person_id=voters[1], item_id=second)
    meeting = app.schedule_meeting(consultation_id=cid, facilitator_id=EDITOR, title="Réunion du 18e",
                                   starts_at=datetime.datetime(2026, 12, 1, 18, tzinfo=datetime.timezone.utc),
                                   place="Mairie du 18e", arrondissement=18).id
    app.transcribe_contribution(meeting_id=meeting, transcriber_id=EDITOR, kind="question",
                                theme="Budget participatif", text="Quel budget ?")
    app.record_show_of_hands(meeting, item_id=first, counts={"d-accord": 12, "mitige": 0, "pas-d-accord": 3},
                             recorded_by=EDITOR)
    site.catch_up()
    site.catch_up()  # the support policy's flag, then its projection
    report = audit(site.fetch, AuditState(tmp_path / "state"))
    print(report.render())
    assert report.passed
    found = " ".join(message for _, message in report.findings)
    assert "votes per item (/api/stats/votes-per-item) matches" in found
    assert "contributions per consultation (/api/stats/contributions-per-consultation) matches" in found
    votes = site.testapp.get("/api/stats/votes-per-item").json["counts"]
    # 3 online d'accord: blank; the 12 by show of hands with them, or 15 (the item's d'accord
    # total, published) minus 12 would give the 3 back.
    assert {"item_id": str(first), "channel": "en présentiel", "option": "d-accord", "value": None} in votes
    assert {"item_id": str(first), "channel": "en ligne", "option": "d-accord", "value": None} in votes
    assert not any(r["item_id"] == str(second) for r in votes)  # withdrawn: nothing left


def test_a_published_vote_count_that_differs_is_reported():
    entries = [{"type": "VoteCast", "aggregate_id": "v1", "fields": {"item_id": "i1", "option": "d-accord"}},
               {"type": "VoteChanged", "aggregate_id": "v1", "fields": {"option": "mitige"}}]
    replayed = replay_votes_per_item(entries)
    assert compare_votes_per_item(replayed, {"counts": [
        {"item_id": "i1", "channel": "en ligne", "option": "mitige", "value": None}]}) == []
    assert compare_votes_per_item(replayed, {"counts": [
        {"item_id": "i1", "channel": "en ligne", "option": "mitige", "value": 1}]})  # 1 is never published
    assert compare_votes_per_item(replayed, {"counts": [
        {"item_id": "i1", "channel": "en ligne", "option": "d-accord", "value": 1}]})


def test_audit_follows_the_pages_of_votes_per_item(site, tmp_path, monkeypatch):
    from engage.views.opendata import statistics

    monkeypatch.setattr(statistics, "DEFAULT_LIMIT", 1)
    app = site.services.app
    cid = create_consultation(app, threshold=50)
    items = [contribute(app, cid, text=f"Proposition {n}").id for n in range(3)]
    for n, item in enumerate(items):
        for _ in range(6 + n):
            app.cast_vote(person_id=uuid4(), item_id=item, option="d-accord", has_valid_card=True)
    site.catch_up()
    site.catch_up()
    assert site.testapp.get("/api/stats/votes-per-item").json["next"]
    report = audit(site.fetch, AuditState(tmp_path / "state"))
    assert report.passed, report.render()
    found = " ".join(message for _, message in report.findings)
    assert "votes per item (/api/stats/votes-per-item) matches" in found


def test_audit_reads_the_pages_again_when_the_site_moves_on_between_them(tmp_path):
    import json

    from engage.transparency.audit import FetchError, Report, _Auditor

    path = "/api/stats/votes-per-item"
    row = {"item_id": "i", "channel": "en ligne", "option": "d-accord", "value": None}
    answers = {  # the first read of page 2 is a step ahead: read again from page 1
        path: [{"position": 5, "counts": [row], "next": f"https://x{path}?cursor=A"},
               {"position": 6, "counts": [row], "next": f"https://x{path}?cursor=A"}],
        f"{path}?cursor=A": [{"position": 6, "counts": [row, row], "next": None},
                             {"position": 6, "counts": [row, row], "next": None}],
    }
    auditor = _Auditor(lambda p: json.dumps(answers[p].pop(0)).encode(), AuditState(tmp_path), Report(), False)
    document = auditor._document(path)
    assert document == {"position": 6, "counts": [row, row, row]}
    looping = {"position": 1, "counts": [], "next": f"https://x{path}"}
    auditor = _Auditor(lambda p: json.dumps(looping).encode(), AuditState(tmp_path), Report(), False)
    try:
        auditor._document(path)
    except FetchError as error:
        assert "loop" in str(error)
    else:
        raise AssertionError("a page that leads back to itself must stop the audit")
