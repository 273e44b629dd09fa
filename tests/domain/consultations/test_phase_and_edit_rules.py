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
