"""Small helpers shared by the residents' views (members, organizations, seats)."""

from __future__ import annotations

from uuid import UUID

from pyramid.httpexceptions import HTTPNotFound

from ..projections.engine import ProjectionTimeout


def me(request) -> UUID | None:
    identity = request.identity
    return UUID(identity.person_id) if identity else None


def uuid_from(request, key: str) -> UUID:
    try:
        return UUID(request.matchdict[key])
    except ValueError:
        raise HTTPNotFound() from None


def wait(request, position: int | None) -> None:
    if position is None:
        return
    try:
        request.engage.wait_for(position)
    except ProjectionTimeout:
        pass  # the write is safe; the next page may lag a moment


def page_number(request) -> int:
    try:
        return max(1, min(int(request.params.get("page", 1)), 10_000))
    except ValueError:
        return 1


def date_shower(request):
    """ISO date → '14 mai 2027' (French) / 'May 14, 2027' (English), with Babel."""
    from datetime import date

    from babel.dates import format_date

    def show(value: str) -> str:
        try:
            return format_date(date.fromisoformat(value), format="long", locale=request.locale_name)
        except (TypeError, ValueError):
            return value or ""

    return show
