"""Restitution through the application and its read model, on both back ends."""

from __future__ import annotations

import datetime
import hashlib
import json
import threading
from uuid import uuid4

import pytest

from engage.domain.consultations import errors as c_errors
from engage.domain.consultations import model as c
from engage.domain.consultations.errors import ContributionNotFound
from engage.domain.restitution import errors as r_errors
from engage.domain.restitution import model as r
from engage.domain.restitution.usecases import snapshot_bytes
from engage.projections.consultations import queries as q
from engage.projections.restitution import queries as rq
from tests.common.consultations import EDITOR, THEMES, contribute, create_consultation
from tests.common.leaves import public_leaf

WHY = "La charte prévoit désormais cette mesure."


def holder(app, arrondissement, age_band="25-34"):
    return app.issue_card(name="Nom Prénom", email=f"{uuid4().hex[:8]}@exemple.fr", arrondissement=arrondissement,
                          age_band=age_band, consent_to_consultation=True).person_id


def report(engage, cid):
    engage.engine.catch_up()
    return rq.report(engage.db, q.consultation(engage.db, cid.hex))


def test_answers_follow_the_phases_and_refuse_bad_input_without_writing(engage_services):
    engage, app = engage_services, engage_services.app
    cid = create_consultation(app)
    item = contribute(app, cid).id
    with pytest.raises(r_errors.RestitutionNotOpen):  # not during the consultation: votes still run
        app.answer_contribution(cid, item, status="retenue", justification=WHY, answered_by=EDITOR)
    hidden, withdrawn_author = contribute(app, cid).id, uuid4()
    withdrawn = contribute(app, cid, person_id=withdrawn_author).id
    other = create_consultation(app, slug="autre")
    foreign = contribute(app, other).id
    app.hide_contribution(hidden, reason="Propos injurieux", moderator_id=EDITOR)
    app.withdraw_contribution(withdrawn, person_id=withdrawn_author)
    app.start_phase(cid, "restitution", started_by=EDITOR)
    head = engage.engine.head()
    for target, kwargs, error in (
        (item, {"status": "peut-etre"}, r_errors.UnknownAnswerStatus),
        (item, {"justification": "  "}, r_errors.InvalidJustification),
        (item, {"justification": "x" * 2001}, r_errors.InvalidJustification),
        (hidden, {}, c_errors.ItemUnavailable),
        (withdrawn, {}, c_errors.ItemUnavailable),
        (uuid4(), {}, ContributionNotFound),
        (foreign, {}, ContributionNotFound),
    ):
        with pytest.raises(error):
            app.answer_contribution(cid, target, **{"status": "retenue", "justification": WHY, **kwargs},
                                    answered_by=EDITOR)
    with pytest.raises(c_errors.ItemUnavailable):
        app.quote_contribution(cid, hidden, quoted_by=EDITOR)
    assert engage.engine.head() == head  # nothing recorded
    first = app.answer_contribution(cid, item, status="non-retenue", justification="Hors budget cette année.",
                                    answered_by=EDITOR)
    second = app.answer_contribution(cid, item, status="retenue", justification=WHY, answered_by=EDITOR)
    assert (first.number, second.number) == (1, 2)
    app.start_phase(cid, "redaction", started_by=EDITOR)  # still open while the charter is drafted
    app.answer_contribution(cid, item, status="retenue", justification=WHY + " Article 3.", answered_by=EDITOR)
    engage.engine.catch_up()
    history = rq.answer_history(engage.db, item.hex)
    assert [h.revision for h in history] == [3, 2, 1] and history[-1].status == "non-retenue"
    assert rq.answer_statuses(engage.db, [item.hex, hidden.hex]) == {item.hex: "retenue"}


def test_report_counts_by_channel_arrondissement_age_theme_week_and_suppresses_small_groups(engage_services):
    engage, app = engage_services, engage_services.app
    cid = create_consultation(app)
    eleventh = [holder(app, 11, "18-24") for _ in range(6)]
    twentieth = [holder(app, 20, "65-plus") for _ in range(2)]
    for person in eleventh:
        contribute(app, cid, person)
    contribute(app, cid, eleventh[0], theme=THEMES[1])  # a second one by the same person
    for person in twentieth:
        contribute(app, cid, person, theme=THEMES[2])
    contribute(app, cid, uuid4())  # no card: "non renseigné"
    meeting = app.schedule_meeting(consultation_id=cid, facilitator_id=EDITOR, title="Réunion dans le 18e",
                                   starts_at=datetime.datetime(2026, 11, 20, 18, tzinfo=datetime.timezone.utc),
                                   place="Mairie du 18e", arrondissement=18).id
    app.record_headcount(meeting, 40, recorded_by=EDITOR)
    app.record_headcount(meeting, 42, recorded_by=EDITOR)  # a correction replaces the count
    paper = app.transcribe_contribution(meeting_id=meeting, transcriber_id=EDITOR, kind="avis", theme=THEMES[0],
                                        text="Des formulaires papier en mairie.").id
    first = contribute(app, cid, eleventh[1]).id
    for _ in range(7):
        app.cast_vote(person_id=uuid4(), item_id=first, option="d-accord", has_valid_card=True)
    withdrawn_voter = uuid4()
    app.cast_vote(person_id=withdrawn_voter, item_id=first, option="mitige", has_valid_card=True)
    app.withdraw_vote(person_id=withdrawn_voter, item_id=first)
    app.record_show_of_hands(meeting, item_id=paper, counts={"d-accord": 30, "mitige": 5, "pas-d-accord": 2},
                             recorded_by=EDITOR)
    data = report(engage, cid)
    channels = {row["channel"]: row for row in data["by_channel"]}
    assert channels[c.ONLINE] == {"channel": c.ONLINE, "participants": 9, "contributions": 11, "votes": 7}
    assert channels[c.IN_PERSON] == {"channel": c.IN_PERSON, "participants": 42, "contributions": None, "votes": 37}  # 1 contribution
    arrondissements = {row["bucket"]: row for row in data["by_arrondissement"]}
    assert arrondissements["11"] == {"bucket": "11", "participants": 6, "contributions": 8}
    assert arrondissements["20"] == {"bucket": "20", "participants": None, "contributions": None}  # 2 people
    assert arrondissements["18"]["participants"] == 42  # the meeting's arrondissement and headcount
    assert arrondissements[""]["participants"] is None  # one person without a card
    ages = {row["bucket"]: row for row in data["by_age_band"]}
    assert ages["18-24"]["participants"] == 6 and ages["65-plus"]["contributions"] is None
    themes = {row["label"]: row for row in data["by_theme"]}
    assert themes[THEMES[0]]["votes"] == 44 and themes[THEMES[0]]["contributions"] == 9
    weeks = {row["bucket"]: row for row in data["by_week"]}
    assert weeks["2026-11-16"] == {"bucket": "2026-11-16", "participants": 42, "contributions": None}
    assert data["totals"]["contributions"] == 12 and data["totals"]["answered"] == 0
    assert data["most_supported"][0]["contribution_id"] == paper.hex  # 30 hands beat 7 clicks
    # Withdrawn or hidden: out of the counts.
    app.withdraw_contribution(first, person_id=eleventh[1])
    assert report(engage, cid)["totals"]["contributions"] == 11


def test_quotes_and_answers_drop_out_when_hidden_and_versions_are_immutable(engage_services):
    engage, app = engage_services, engage_services.app
    cid = create_consultation(app)
    kept = contribute(app, cid, text="Des réunions le samedi matin.").id
    hidden = contribute(app, cid, text="Un texte bientôt masqué.").id
    app.start_phase(cid, "restitution", started_by=EDITOR)
    consultation = lambda: q.consultation(engage.db, cid.hex)  # noqa: E731
    engage.engine.catch_up()
    with pytest.raises(r_errors.EmptyReport):  # nothing answered yet: nothing recorded
        app.publish_restitution(cid, rq.report(engage.db, consultation()), published_by=EDITOR)
    for item in (kept, hidden):
        app.answer_contribution(cid, item, status="retenue", justification=WHY, answered_by=EDITOR)
        app.quote_contribution(cid, item, quoted_by=EDITOR)
    data = report(engage, cid)
    assert [x["contribution_id"] for x in data["quotes"]] == [kept.hex, hidden.hex]
    published = app.publish_restitution(cid, data, published_by=EDITOR)
    assert published.number == 1
    with pytest.raises(r_errors.ReportUnchanged):
        app.publish_restitution(cid, report(engage, cid), published_by=EDITOR)
    app.hide_contribution(hidden, reason="Propos injurieux", moderator_id=EDITOR)
    data = report(engage, cid)
    assert [x["contribution_id"] for x in data["quotes"]] == [kept.hex]
    assert [x["contribution_id"] for x in data["answers"]] == [kept.hex] and data["totals"]["answered"] == 1
    assert app.publish_restitution(cid, data, published_by=EDITOR).number == 2
    engage.engine.catch_up()
    v1, v2 = rq.version(engage.db, cid.hex, 1), rq.version(engage.db, cid.hex, 2)
    assert hashlib.sha256(v1.snapshot.encode()).hexdigest() == v1.snapshot_sha256
    assert "bientôt masqué" in v1.snapshot and "bientôt masqué" not in v2.snapshot  # v1 unchanged
    assert v2.snapshot.encode() == snapshot_bytes(json.loads(v2.snapshot))  # canonical bytes
    assert [v.number for v in rq.versions(engage.db, cid.hex)] == [2, 1]
    # The public log carries the digest, never the quoted texts in clear.
    stored = [e for e in engage.app.events.get(r.restitution_id(cid)) if type(e).__name__ == "RestitutionPublished"][0]
    public = json.dumps(public_leaf(stored, 1), ensure_ascii=False)
    assert v1.snapshot_sha256 in public and "samedi matin" not in public


def test_concurrent_editors_never_lose_an_answer_and_a_rebuild_gives_the_same_report(engage_services):
    """Eight editors answer at once: they conflict on the one Restitution aggregate, reload and
    retry, so every answer lands; then the read model rebuilt from the log equals the live one."""
    engage, app = engage_services, engage_services.app
    cid = create_consultation(app)
    items = [contribute(app, cid, holder(app, 11 + i % 2)).id for i in range(8)]
    app.start_phase(cid, "restitution", started_by=EDITOR)
    barrier, errors = threading.Barrier(len(items)), []

    def answer(item):
        barrier.wait()
        try:
            app.answer_contribution(cid, item, status="retenue", justification=WHY, answered_by=EDITOR)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=answer, args=(item,)) for item in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(app.get_restitution(cid).answers) == len(items)
    live = report(engage, cid)
    assert live["totals"]["answered"] == len(items) and live["by_arrondissement"][0]["participants"] is None
    app.publish_restitution(cid, live, published_by=EDITOR)
    engage.engine.catch_up()
    before = rq.version(engage.db, cid.hex, 1)
    engage.engine.rebuild(["restitution"])
    assert report(engage, cid) == live and rq.version(engage.db, cid.hex, 1) == before
