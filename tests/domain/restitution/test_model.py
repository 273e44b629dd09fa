"""The restitution's rules on the aggregate alone: no application, no database."""

from __future__ import annotations

from uuid import uuid4

import pytest

from engage.domain.restitution import errors as r_errors
from engage.domain.restitution import model as r

EDITOR = uuid4()
SHA = "a" * 64


def fresh() -> r.Restitution:
    return r.Restitution(consultation_id=uuid4())


def test_the_id_derives_from_the_consultation():
    consultation = uuid4()
    assert r.Restitution(consultation_id=consultation).id == r.restitution_id(consultation)


@pytest.mark.parametrize("phase", [None, "consultation"])
def test_nothing_before_the_restitution_phase(phase):
    with pytest.raises(r_errors.RestitutionNotOpen):
        r.check_phase(phase)


@pytest.mark.parametrize("phase", ["restitution", "redaction", "adoption"])
def test_the_restitution_phase_and_later_are_open(phase):
    r.check_phase(phase)


def test_answers_are_checked_revised_and_numbered():
    restitution, item = fresh(), uuid4()
    with pytest.raises(r_errors.UnknownAnswerStatus):
        restitution.answer(contribution_id=item, status="peut-etre", justification="Une raison suffisante.",
                           answered_by=EDITOR)
    for bad in ("", "   court  ", "x" * 2001):
        with pytest.raises(r_errors.InvalidJustification):
            restitution.answer(contribution_id=item, status="retenue", justification=bad, answered_by=EDITOR)
    assert restitution.answer(contribution_id=item, status="retenue", justification="  Inscrit dans la charte.  ",
                              answered_by=EDITOR) == 1
    with pytest.raises(r_errors.AnswerUnchanged):
        restitution.answer(contribution_id=item, status="retenue", justification="Inscrit dans la charte.",
                           answered_by=EDITOR)
    assert restitution.answer(contribution_id=item, status="partiellement-retenue",
                              justification="Inscrit dans la charte, sans délai.", answered_by=EDITOR) == 2
    events = restitution.collect_events()
    assert [type(e).__name__ for e in events] == ["RestitutionOpened", "ContributionAnswered", "ContributionAnswered"]
    assert events[1].justification == "Inscrit dans la charte." and events[2].revision == 2


def test_quotes_are_added_once_removed_and_bounded():
    restitution, item = fresh(), uuid4()
    restitution.quote(contribution_id=item, quoted_by=EDITOR)
    with pytest.raises(r_errors.AlreadyQuoted):
        restitution.quote(contribution_id=item, quoted_by=EDITOR)
    restitution.unquote(contribution_id=item, removed_by=EDITOR)
    with pytest.raises(r_errors.NotQuoted):
        restitution.unquote(contribution_id=item, removed_by=EDITOR)
    for _ in range(r.MAX_QUOTES):
        restitution.quote(contribution_id=uuid4(), quoted_by=EDITOR)
    with pytest.raises(r_errors.TooManyQuotes):
        restitution.quote(contribution_id=uuid4(), quoted_by=EDITOR)


def test_publishing_needs_answers_numbers_versions_and_refuses_a_copy():
    restitution = fresh()
    publish = dict(sealed_snapshot="sealed", answered=1, contributions=3, published_by=EDITOR)
    with pytest.raises(r_errors.EmptyReport):
        restitution.publish(snapshot_sha256=SHA, **publish)
    restitution.answer(contribution_id=uuid4(), status="hors-champ", justification="Relève de l'État.",
                       answered_by=EDITOR)
    with pytest.raises(r_errors.EmptyReport):  # the only answered contribution was hidden since
        restitution.publish(snapshot_sha256=SHA, **{**publish, "answered": 0})
    with pytest.raises(r_errors.InvalidSnapshot):
        restitution.publish(snapshot_sha256="not a digest", **publish)
    assert restitution.publish(snapshot_sha256=SHA, **publish) == 1
    with pytest.raises(r_errors.ReportUnchanged):
        restitution.publish(snapshot_sha256=SHA, **publish)
    assert restitution.publish(snapshot_sha256="b" * 64, **publish) == 2
    assert restitution.versions == [SHA, "b" * 64]
