"""Dates for people: Europe/Paris, French (or English) formats through Babel.

The one place pages format dates: every view calls these, so French typography holds everywhere.
Babel writes "1 janvier 2017"; French writes the first day of a month as an ordinal, "1er janvier
2017" (the other days stay cardinal: "2 janvier").
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime

PARIS = ZoneInfo("Europe/Paris")


@lru_cache(maxsize=8)
def _first_of_month(locale: str) -> re.Pattern | None:
    """"1" followed by a month name (wide or abbreviated, as Babel writes them), for French locales."""
    if not str(locale).lower().startswith("fr"):
        return None
    months = Locale.parse(locale).months["format"]
    names = {name for width in ("wide", "abbreviated") for name in months[width].values()}
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(r"(?<![\d/.:])1(?=\s(?:" + alternatives + r")(?![\w]))")


def french_ordinal(text: str, day_of_month: int, locale: str) -> str:
    """"1 janvier" → "1er janvier" in French text formatted for a date falling on the 1st."""
    pattern = _first_of_month(locale) if day_of_month == 1 else None
    return pattern.sub("1er", text, count=1) if pattern else text


def _as_date(value: str | date) -> date:
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(value) if isinstance(value, str) else value


def _as_moment(value: str | datetime) -> datetime:
    when = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def day(value: str | date | None, locale: str, format: str = "long") -> str:
    """A calendar date (no time zone: it is a day, not an instant)."""
    if not value:
        return ""
    when = _as_date(value)
    return french_ordinal(format_date(when, format, locale=locale), when.day, locale)


def instant_day(value: str | datetime | None, locale: str, format: str = "long") -> str:
    """The day an instant (UTC) falls on in Paris."""
    if not value:
        return ""
    when = _as_moment(value).astimezone(PARIS)
    return french_ordinal(format_date(when.date(), format, locale=locale), when.day, locale)


def instant(value: str | datetime | None, locale: str, format: str = "medium") -> str:
    """An instant (UTC, or naive meaning UTC), shown in Paris time."""
    if not value:
        return ""
    when = _as_moment(value)
    text = format_datetime(when, format, tzinfo=PARIS, locale=locale)
    return french_ordinal(text, when.astimezone(PARIS).day, locale)


def long_date(value: str | date | None, locale: str) -> str:
    return day(value, locale, "long")


def moment(value: str | datetime | None, locale: str) -> str:
    return instant(value, locale, "d MMMM y HH:mm" if locale == "fr" else "MMMM d, y HH:mm")
