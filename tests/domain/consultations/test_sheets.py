"""Contribution sheets: the check digit of their numbers, and the meeting's rules (a sheet of
one of its batches, transcribed once), without any storage."""

from __future__ import annotations

import datetime
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engage.domain.consultations import errors
from engage.domain.consultations.model import (
    SHEET_BATCH_MAX,
    Consultation,
    PublicMeeting,
    SheetNumbering,
    luhn_digit,
    parse_sheet_label,
    sheet_label,
)
from tests.common.consultations import EDITOR, PLAN, THEMES

numbers = st.integers(min_value=1, max_value=10**9 - 1)


def test_known_luhn_digits():
    assert luhn_digit("7992739871") == 3  # the textbook example
    assert sheet_label(12) == "000012-5" and parse_sheet_label("000012-5") == 12
    assert parse_sheet_label(" 0000 12 5 ") == 12  # spaces and hyphens are not digits


@settings(deadline=None)  # no timed assertions: a loaded machine is no bug
@given(numbers)
def test_a_printed_label_reads_back(number):
    assert parse_sheet_label(sheet_label(number)) == number


@settings(deadline=None)  # no timed assertions: a loaded machine is no bug
@given(numbers, st.data())
def test_every_single_wrong_digit_is_caught(number, data):
    digits = sheet_label(number).replace("-", "")
    at = data.draw(st.integers(0, len(digits) - 1))
    wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != digits[at]]))
    with pytest.raises(errors.InvalidSheetNumber):
        parse_sheet_label(digits[:at] + wrong + digits[at + 1:])


@settings(deadline=None)  # no timed assertions: a loaded machine is no bug
@given(numbers, st.data())
def test_every_adjacent_swap_is_caught_but_09_and_90(number, data):
    digits = sheet_label(number).replace("-", "")
    at = data.draw(st.integers(0, len(digits) - 2))
    pair = digits[at:at + 2]
    swapped = digits[:at] + pair[::-1] + digits[at + 2:]
    if pair[0] == pair[1] or pair in ("09", "90"):  # Luhn's one blind spot; nothing to swap
        return
    with pytest.raises(errors.InvalidSheetNumber):
        parse_sheet_label(swapped)


@pytest.mark.parametrize("text", ["", "5", "abc-1", "000012/5", "0000000-0", "1" * 14])
def test_malformed_labels_are_refused(text):
    with pytest.raises(errors.InvalidSheetNumber):
        parse_sheet_label(text)


def test_a_wrong_check_digit_says_so():
    with pytest.raises(errors.WrongCheckDigit):
        parse_sheet_label("000012-6")


def _meeting(**where):
    consultation = Consultation.create(slug="charte", created_by=EDITOR, title="Charte de la participation",
                                       description="Donnez votre avis.", themes=THEMES, plan=PLAN,
                                       card_required=False, support_threshold=10)
    where = where or {"place": "Mairie du 11e", "arrondissement": 11, "online_url": None}
    return PublicMeeting.schedule(consultation=consultation, title="Réunion publique du 11e",
                                  starts_at=datetime.datetime(2026, 12, 3, 18, 30, tzinfo=datetime.timezone.utc),
                                  facilitator_id=EDITOR, **where)


def test_numbers_come_in_batches_and_are_never_reused():
    numbering, first_meeting, second_meeting = SheetNumbering(), _meeting(), _meeting()
    assert numbering.allocate(meeting_id=first_meeting.id, count=3) == (1, 3)
    assert numbering.allocate(meeting_id=second_meeting.id, count=SHEET_BATCH_MAX) == (4, 3 + SHEET_BATCH_MAX)
    for count in (0, -1, SHEET_BATCH_MAX + 1, True, "3"):
        with pytest.raises(errors.InvalidSheetCount):
            numbering.allocate(meeting_id=first_meeting.id, count=count)
    assert numbering.next_number == 4 + SHEET_BATCH_MAX


def test_a_sheet_is_one_of_the_meetings_and_transcribed_once():
    meeting = _meeting()
    meeting.number_sheets(first=10, last=12, numbered_by=EDITOR)
    with pytest.raises(errors.UnknownSheet):
        meeting.transcribe_sheet(number=9, contribution_id=uuid4())
    meeting.transcribe_sheet(number=11, contribution_id=uuid4())
    with pytest.raises(errors.SheetAlreadyTranscribed):
        meeting.transcribe_sheet(number=11, contribution_id=uuid4())
    meeting.transcribe_sheet(number=12, contribution_id=uuid4())
    assert meeting.sheets_transcribed == {11, 12}


def test_an_online_meeting_has_no_sheets():
    meeting = _meeting(place=None, arrondissement=None, online_url="https://visio.exemple.fr/reunion")
    with pytest.raises(errors.NoSheetsOnline):
        meeting.number_sheets(first=1, last=2, numbered_by=EDITOR)
