"""Numbered contribution sheets through the application and the read model, on both back ends:
numbers never reused, a sheet of this meeting transcribed once, old transcriptions replayed."""

from __future__ import annotations

from uuid import uuid4

import pytest

from engage.domain.consultations import errors
from engage.domain.consultations.model import Contribution, sheet_label
from engage.projections.consultations import queries as q
from tests.common.concurrency import run_concurrently
from tests.common.consultations import create_consultation, schedule_meeting

FACILITATOR = uuid4()


def transcribe(app, meeting, sheet, text="Des bancs le long du canal."):
    return app.transcribe_contribution(meeting_id=meeting, transcriber_id=FACILITATOR, kind="proposition",
                                       theme="Conseils de quartier", text=text, sheet=sheet,
                                       scan_sha256="b" * 64)


def test_batches_never_share_a_number_and_a_sheet_is_transcribed_once(engage_services):
    app, db = engage_services.app, engage_services.db
    cid = create_consultation(app)
    first_meeting, other_meeting = schedule_meeting(app, cid), schedule_meeting(app, cid)
    batch = app.number_sheets(first_meeting, count=3, numbered_by=FACILITATOR)
    assert (batch.first, batch.last) == (1, 3)
    other = app.number_sheets(other_meeting, count=2, numbered_by=FACILITATOR)
    assert (other.first, other.last) == (4, 5)
    with pytest.raises(errors.InvalidSheetCount):
        app.number_sheets(first_meeting, count=0, numbered_by=FACILITATOR)

    posted = transcribe(app, first_meeting, sheet_label(2))
    refusals = [("000002-9", errors.WrongCheckDigit),  # the right label is 000002-6
                (sheet_label(4), errors.UnknownSheet),  # the other meeting's sheet
                (sheet_label(99), errors.UnknownSheet),
                (sheet_label(2), errors.SheetAlreadyTranscribed)]
    for label, error in refusals:
        with pytest.raises(error):
            transcribe(app, first_meeting, label)
    engage_services.engine.catch_up()
    assert [(b.first, b.last) for b in q.sheet_batches(db, first_meeting.hex)] == [(1, 3)]
    assert q.sheet_batch(db, first_meeting.hex, "4") is None and q.sheet_batch(db, first_meeting.hex, "x") is None
    (only,), _more = q.contributions(db, cid.hex)
    assert only.contribution_id == posted.id.hex and only.sheet == sheet_label(2) == "000002-6"
    assert only.scan_sha256 == "b" * 64
    assert q.meetings(db, cid.hex)[0].contributions == 1


def test_concurrent_transcriptions_of_one_sheet_record_one(engage_services):
    app = engage_services.app
    meeting = schedule_meeting(app, create_consultation(app))
    app.number_sheets(meeting, count=5, numbered_by=FACILITATOR)
    results, failures = run_concurrently(4, lambda i: transcribe(app, meeting, sheet_label(1), f"Texte {i}"))
    assert len(results) == 1 and len(failures) == 3
    assert all(isinstance(f, errors.SheetAlreadyTranscribed) for f in failures), failures
    assert app.get_meeting(meeting).sheets_transcribed == {1}


def test_concurrent_batches_get_disjoint_numbers(engage_services):
    app = engage_services.app
    meeting = schedule_meeting(app, create_consultation(app))
    results, failures = run_concurrently(3, lambda i: app.number_sheets(meeting, count=10,
                                                                         numbered_by=FACILITATOR))
    assert not failures
    assert sorted((r.first, r.last) for r in results) == [(1, 10), (11, 20), (21, 30)]


def test_a_transcription_stored_before_sheets_still_replays(engage_services):
    app, db = engage_services.app, engage_services.db
    cid = create_consultation(app)
    meeting = schedule_meeting(app, cid)
    old_id = uuid4()
    old = Contribution.post(contribution_id=old_id, consultation=app.get_consultation(cid), kind="avis",
                            theme="Conseils de quartier", parent=None, channel="en présentiel",
                            sealed_text=app.vault.seal(old_id, {"text": "Avant les feuilles"}),
                            meeting_id=meeting, transcriber_id=FACILITATOR)
    vars(old.pending_events[0]).pop("sheet_number")  # as stored before the field existed
    app.save(old)
    assert not hasattr(list(app.events.get(old.id))[0], "sheet_number")
    assert app.get_contribution(old.id).meeting_id == meeting
    engage_services.engine.catch_up()
    view = q.contribution(db, old.id.hex)
    assert view.sheet is None and view.body == "Avant les feuilles"
