"""Dates for people: Europe/Paris, French (or English) formats through Babel."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

PARIS = ZoneInfo("Europe/Paris")


def long_date(value: str | date | None, locale: str) -> str:
    if not value:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(day, "long", locale=locale)


def moment(value: str | datetime | None, locale: str) -> str:
    if not value:
        return ""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    return format_datetime(when, "d MMMM y HH:mm" if locale == "fr" else "MMMM d, y HH:mm",
                           tzinfo=PARIS, locale=locale)
