"""iCalendar output (RFC 5545): escaping, folding on octets, UTC times."""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from engage.views.workshops.ical import escape_text, fold, session_calendar


def test_text_escaping():
    assert escape_text("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_folding_counts_octets_and_never_splits_a_character():
    line = "DESCRIPTION:" + "é" * 80
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


@dataclass
class FakeSession:
    session_id: str = "0" * 32
    title: str = "Comprendre le budget, enfin ; vraiment"
    starts_at: datetime = datetime(2026, 12, 5, 17, 30, tzinfo=timezone.utc)
    ends_at: datetime = datetime(2026, 12, 5, 17, 30, tzinfo=timezone.utc) + timedelta(hours=2)
    cancelled: bool = False


def test_a_session_as_a_calendar():
    body = session_calendar(FakeSession(), description="Ligne 1\nLigne 2", location="Mairie du 11e",
                            url="https://engage.paris/ateliers/seance/x", host="engage.paris",
                            now=datetime(2026, 11, 1, tzinfo=timezone.utc))
    lines = body.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "DTSTART:20261205T173000Z" in lines and "DTEND:20261205T193000Z" in lines
    assert "SUMMARY:Comprendre le budget\\, enfin \\; vraiment" in lines
    assert "DESCRIPTION:Ligne 1\\nLigne 2" in lines
    assert "UID:" + "0" * 32 + "@engage.paris" in lines
    assert "STATUS:CONFIRMED" in lines
    assert "STATUS:CANCELLED" in session_calendar(FakeSession(cancelled=True), description="", location="",
                                                  url="u", host="h")
