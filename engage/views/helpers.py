"""What every view does the same way: who is asking, read-your-writes, forms, page numbers.

One home for these, so a fix (a non-UTF-8 query string, a lagging projection) lands everywhere.
"""

from __future__ import annotations

from typing import Any, Callable
from uuid import UUID

import deform
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther

from ..domain.errors import DomainError
from ..i18n import _
from ..projections.engine import ProjectionTimeout

MAX_PAGE = 10_000


def signed_in_person(request) -> UUID | None:
    userid = request.authenticated_userid
    return UUID(str(userid)) if userid else None


def uuid_from(request, key: str) -> UUID:
    """A UUID from the URL, or 404: a malformed id is an unknown page, never a 500."""
    try:
        return UUID(request.matchdict[key])
    except ValueError:
        raise HTTPNotFound() from None


def query(request) -> dict:
    """The query string, or nothing when a client sent bytes that are not UTF-8 (never a 500)."""
    try:
        return dict(request.GET.items())
    except UnicodeDecodeError:
        return {}


def page_number(request) -> int:
    try:
        return max(1, min(int(query(request).get("page", 1)), MAX_PAGE))
    except ValueError:
        return 1


def wait_for_write(request, position: int | None) -> bool:
    """Read-your-writes, bounded. False if the read models lag: the write itself is safe."""
    if position is None:
        return True
    try:
        request.engage.wait_for(position)
        return True
    except ProjectionTimeout:
        return False


def validate(form: deform.Form, request) -> dict | None:
    """The form's data, or None after rendering it with its messages (status 400) into
    request.environ["engage.rendered_form"]."""
    try:
        return form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        request.response.status_int = 400
        request.environ["engage.rendered_form"] = failure.render()
        return None


def _redisplayable(data: dict) -> dict:
    # Uploaded files cannot be sent back to the browser; everything typed can.
    return {k: v for k, v in data.items() if not isinstance(v, (bytes, dict))}


def form_view(request, form: deform.Form, page: dict, action: Callable[[dict], tuple[Any, str]],
              *, values: dict | None = None):
    """GET: the form. POST: validate, run `action(data)` (returns what it recorded, or its log
    position, and the URL to go to), wait for the write, redirect 303. Invalid input or a DomainError: the form again with
    its message, status 400, nothing written."""
    if request.method != "POST":
        done = [str(m) for m in request.session.pop_flash("success")]
        intro = done + list(page.get("intro") or [])
        return {**page, "intro": intro or None, "form": form.render(values or {})}
    data = validate(form, request)
    if data is None:
        return {**page, "form": request.environ["engage.rendered_form"]}
    try:
        recorded, target = action(data)
    except DomainError as error:
        request.response.status_int = 400
        return {**page, "form": form.render(_redisplayable(data)), "error": _(error.message)}
    position = recorded if isinstance(recorded, int) else getattr(recorded, "position", None)
    wait_for_write(request, position)
    return HTTPSeeOther(target)
