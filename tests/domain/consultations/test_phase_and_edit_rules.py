"""The consultation rules the views ask the domain for: the next phase, whether contributions
are open, until when an author may edit."""

from __future__ import annotations

import datetime

from engage.domain.consultations.model import (
    EDIT_WINDOW,
    PHASES,
    edit_deadline,
    next_phase,
    open_for_contributions,
)


def test_phases_move_forward_one_at_a_time():
    assert next_phase(None) == PHASES[0]
    assert [next_phase(p) for p in PHASES] == [*PHASES[1:], None]


def test_contributions_are_open_in_the_consultation_phase_only():
    assert [open_for_contributions(p) for p in (None, *PHASES)] == [False, True, False, False, False]


def test_the_edit_deadline_is_the_edit_window_after_posting():
    posted = datetime.datetime(2026, 12, 3, 18, 30, tzinfo=datetime.timezone.utc)
    assert edit_deadline(posted) == posted + EDIT_WINDOW == posted + datetime.timedelta(minutes=15)


def test_participation_refused_says_why_in_the_order_the_consultation_checks():
    from engage.domain.consultations.errors import CardRequired, ContributionClosed
    from engage.domain.consultations.model import participation_refused, phase_over, planned_span

    assert participation_refused(current_phase="consultation", card_required=True, has_valid_card=True) is None
    assert isinstance(participation_refused(current_phase="consultation", card_required=True, has_valid_card=False),
                      CardRequired)
    for phase in (None, "restitution", "adoption"):
        assert isinstance(participation_refused(current_phase=phase, card_required=True, has_valid_card=False),
                          ContributionClosed)
    assert not phase_over(None) and not phase_over("consultation") and phase_over("restitution")
    assert phase_over("adoption", "redaction") and not phase_over("redaction", "redaction")
    plan = [{"phase": "consultation", "starts_on": "2017-01-16", "ends_on": "2017-06-14"}]
    assert planned_span(plan) == ("2017-01-16", "2017-06-14") and planned_span(plan, "adoption") is None
