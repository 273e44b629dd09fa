"""iCalendar (RFC 5545) for one workshop session or for every session to come: UTC times,
escaped text, lines folded at 75 octets, CRLF."""

from __future__ import annotations

from datetime import datetime, timezone


def escape_text(value: str) -> str:
    """TEXT values (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines escaped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Content lines longer than 75 octets are folded (§3.1), never inside a UTF-8 character."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current, limit = [], b"", 75
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > limit:
            parts.append(current.decode())
            current, limit = b"", 74  # continuation lines start with one space
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


def utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _event(session, *, description: str | None, location: str, url: str, host: str, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{session.session_id}@{host}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{utc(session.starts_at)}",
        f"DTEND:{utc(session.ends_at)}",
        f"SUMMARY:{escape_text(session.title)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    lines += [
        f"LOCATION:{escape_text(location)}",
        f"URL:{url}",
        "STATUS:" + ("CANCELLED" if session.cancelled else "CONFIRMED"),
        "END:VEVENT",
    ]
    return lines


def _calendar(events: list[list[str]], extra: list[str] = ()) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Ville de Paris//engage Ateliers Citoyens//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *extra,
        *(line for event in events for line in event),
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)


def session_calendar(session, *, description: str, location: str, url: str, host: str,
                     now: datetime | None = None) -> str:
    stamp = utc(now or datetime.now(timezone.utc))
    return _calendar([_event(session, description=description, location=location, url=url, host=host,
                             stamp=stamp)])


def sessions_calendar(sessions: list[tuple[object, str, str]], *, name: str, host: str,
                      now: datetime | None = None) -> str:
    """A subscription: (session, location, url) each, one VEVENT per session (its UID the same
    as in the session's own .ics, so a calendar holding both merges them); a cancelled session
    stays, STATUS:CANCELLED, for subscribed calendars to strike it out."""
    stamp = utc(now or datetime.now(timezone.utc))
    extra = [f"NAME:{escape_text(name)}", f"X-WR-CALNAME:{escape_text(name)}",
             "REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H"]
    return _calendar([_event(session, description=None, location=location, url=url, host=host, stamp=stamp)
                      for session, location, url in sessions], extra)
