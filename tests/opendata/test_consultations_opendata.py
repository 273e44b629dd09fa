"""Consultation datasets: hidden and withdrawn texts are never exported, only the state and
the public reason; vote counts are Popolo counts with small numbers suppressed."""

from __future__ import annotations

from uuid import uuid4

from engage.opendata.aggregates import vote_page
from engage.projections.consultations import queries as q
from tests.common.consultations import EDITOR, contribute, create_consultation, schedule_meeting
from tests.common.opendata import every_export, services, validate, write_package

HIDDEN_TEXT = "Texte-masqué-xyzzy : insultes que la modération a retirées"
WITHDRAWN_TEXT = "Texte-retiré-plugh : l'auteur a changé d'avis"


def test_hidden_and_withdrawn_texts_never_leave(testapp, tmp_path):
    engage = services(testapp)
    app = engage.app
    consultation = create_consultation(app)
    kept = contribute(app, consultation, text="Publier les comptes rendus des conseils de quartier.").id
    hidden = contribute(app, consultation, text=HIDDEN_TEXT).id
    author = uuid4()
    withdrawn = contribute(app, consultation, author, text=WITHDRAWN_TEXT).id
    app.hide_contribution(hidden, reason="Propos injurieux", moderator_id=EDITOR)
    app.withdraw_contribution(withdrawn, person_id=author)
    for _ in range(6):
        app.cast_vote(person_id=uuid4(), item_id=kept, option="d-accord", has_valid_card=True)
    app.cast_vote(person_id=uuid4(), item_id=kept, option="mitige", has_valid_card=True)
    small = contribute(app, consultation, text="Un budget participatif par quartier.").id
    for _ in range(3):
        app.cast_vote(person_id=uuid4(), item_id=small, option="d-accord", has_valid_card=True)
    meeting = schedule_meeting(app, consultation)
    app.number_sheets(meeting, count=2, numbered_by=EDITOR)
    paper = app.transcribe_contribution(meeting_id=meeting, transcriber_id=EDITOR, kind="avis",
                                        theme="Budget participatif", text="Écrit sur la feuille 2.",
                                        sheet="000002-6", scan_sha256="c" * 64).id
    engage.engine.catch_up()

    rows = {row["contribution_id"]: row for row in
            testapp.get(f"/api/contributions?consultation={consultation.hex}").json["data"]}
    assert rows[hidden.hex]["status"] == "masquee" and rows[hidden.hex]["text"] is None
    assert rows[hidden.hex]["hidden_reason"] == "Propos injurieux"
    assert rows[withdrawn.hex]["status"] == "retiree" and rows[withdrawn.hex]["text"] is None
    assert rows[kept.hex]["text"].startswith("Publier")
    assert (rows[paper.hex]["sheet"], rows[paper.hex]["scan_sha256"]) == ("000002-6", "c" * 64)
    assert (rows[kept.hex]["sheet"], rows[kept.hex]["scan_sha256"]) == (None, None)
    counts = {(c["item_id"], c["option"], c["channel"]): c["value"] for c in
              testapp.get(f"/api/vote-counts?consultation={consultation.hex}").json["data"]}
    assert {(option, channel): value for (item, option, channel), value in counts.items() if item == kept.hex} \
        == {("d-accord", "en ligne"): 6, ("mitige", "en ligne"): None}
    assert counts[(small.hex, "d-accord", "en ligne")] is None
    # `agree` is the d'accord total of the item's vote table (its page, the stats API, the
    # consultation page): one cell, one rule, so they never disagree.
    for item, expected in ((kept, 6), (small, None), (hidden, 0)):
        table = vote_page(q.vote_counts(engage.db, item.hex))["total"]["d-accord"]
        assert rows[item.hex]["agree"] == table == expected, item
    listing = " ".join(testapp.get("/consultations/charte").html.text.split())
    assert "6 d'accord" in listing and "non publié d'accord" in listing

    for url, body in every_export(testapp).items():
        text = body.decode("utf-8")
        assert "xyzzy" not in text and "plugh" not in text, url
    for name in ("contributions", "vote-counts", "consultation-phases", "public-meetings"):
        validate(write_package(testapp, name, tmp_path / name))
    changed = {c["key"] for c in testapp.get("/opendata/changes?dataset=contributions").json["changes"]}
    assert {kept.hex, hidden.hex, withdrawn.hex} <= changed

    # A vote changes a contribution's row (its agree): a new version, not a stale 304 or file.
    url = f"/api/contributions?consultation={consultation.hex}"
    etag = testapp.get(url).headers["ETag"]
    app.cast_vote(person_id=uuid4(), item_id=kept, option="d-accord", has_valid_card=True)
    engage.engine.catch_up()
    fresh = testapp.get(url, headers={"If-None-Match": etag}, status=200)
    assert {r["contribution_id"]: r["agree"] for r in fresh.json["data"]}[kept.hex] == 7
