"""One way for a capability to add to another capability's page.

A capability registers, for a template, a function of (request, the page's values) returning
more values; the template shows them when present. The page's own view knows nothing of it:
the consultation views do not import the restitution, the charter adds its citations to a
contribution's page, and removing a capability removes its part of the page with it.

    @extends("engage:templates/contribution_page.pt")
    def where_it_went(request, values):
        return {"charter_citations": ...}

An extension whose reads are keyed by what the page knows before its own reads (a
contribution's id from the URL) may say so, `reads=` a function of those values giving its
statements; a page that reads in one round trip (the contribution's page) asks them with
`statements_of(...)`, puts them in its pipeline and hands the rows back with `prefetched(...)`.
The extension then receives them as `rows` (one list per statement; None when the page did not
read them for it, and it reads them itself):

    @extends("engage:templates/contribution_page.pt",
             reads=lambda known: [pq.where_it_went_read(known["contribution_id"])])
    def where_it_went(request, values, rows=None): ...

A page that is not a template (the personal-data download) names itself with a constant here
and asks `extended(name, request, values)`: each capability adds its own part of the person's data.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable, Mapping

from pyramid.events import BeforeRender, subscriber

Extension = Callable[..., Mapping[str, Any] | None]
Statement = tuple[str, list]
Reads = Callable[[Mapping[str, Any]], list[Statement]]
_BY_TEMPLATE: dict[str, list[Extension]] = defaultdict(list)
_READS: dict[Extension, Reads] = {}
_PREFETCHED = "engage.extension_rows"
# The personal-data download (/compte/mes-donnees): values {"person_id": UUID, ...}.
PERSONAL_DATA = "engage:personal-data-download"


def extends(renderer_name: str, *, reads: Reads | None = None) -> Callable[[Extension], Extension]:
    def register(extension: Extension) -> Extension:
        if extension not in _BY_TEMPLATE[renderer_name]:
            _BY_TEMPLATE[renderer_name].append(extension)
        if reads is not None:
            _READS[extension] = reads
        return extension

    return register


def statements_of(name: str, known: Mapping[str, Any]) -> list[tuple[Extension, list[Statement]]]:
    """The statements the extensions of page `name` that declared their reads will run, given
    what the page knows before reading: [(extension, its statements)]."""
    return [(extension, _READS[extension](known)) for extension in _BY_TEMPLATE.get(name, ()) if extension in _READS]


def prefetched(request, reads: list[tuple[Extension, list[Statement]]], rows: list[list[tuple]]) -> None:
    """The rows of statements_of's statements, in their order, for the extensions of this request."""
    found, start = {}, 0
    for extension, statements in reads:
        found[extension] = rows[start:start + len(statements)]
        start += len(statements)
    request.environ[_PREFETCHED] = found


def extended(name: str, request, values: Mapping[str, Any]) -> dict[str, Any]:
    """What the capabilities add to the page `name`, given its own values."""
    added: dict[str, Any] = {}
    rows = getattr(request, "environ", {}).get(_PREFETCHED, {})
    for extension in _BY_TEMPLATE.get(name, ()):
        if extension in _READS:
            added.update(extension(request, values, rows.get(extension)) or {})
        else:
            added.update(extension(request, values) or {})
    return added


@subscriber(BeforeRender)
def extend_page(event) -> None:
    request = event.get("request")
    if request is None:
        return
    values = event.rendering_val if isinstance(event.rendering_val, dict) else {}
    event.update(extended(event.get("renderer_name"), request, values))
