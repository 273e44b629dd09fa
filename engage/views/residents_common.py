"""Small helpers shared by the residents' views (members, organizations, seats)."""

from __future__ import annotations

from .helpers import page_number, signed_in_person, uuid_from, wait_for_write  # noqa: F401  (re-exported)

me = signed_in_person
wait = wait_for_write


def date_shower(request):
    """ISO date → '14 mai 2027' (French) / 'May 14, 2027' (English), with Babel."""
    from .formatting import long_date

    def show(value: str) -> str:
        try:
            return long_date(value, request.locale_name)
        except (TypeError, ValueError):
            return value or ""

    return show
