"""One way for a capability to add to another capability's page.

A capability registers, for a template, a function of (request, the page's values) returning
more values; the template shows them when present. The page's own view knows nothing of it:
the consultation views do not import the restitution, the charter adds its citations to a
contribution's page, and removing a capability removes its part of the page with it.

    @extends("engage:templates/contribution_page.pt")
    def where_it_went(request, values):
        return {"charter_citations": ...}

A page that is not a template (the personal-data download) names itself with a constant here
and asks `extended(name, request, values)`: each capability adds its own part of the person's data.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable, Mapping

from pyramid.events import BeforeRender, subscriber

Extension = Callable[[Any, Mapping[str, Any]], Mapping[str, Any] | None]
_BY_TEMPLATE: dict[str, list[Extension]] = defaultdict(list)
# The personal-data download (/compte/mes-donnees): values {"person_id": UUID, ...}.
PERSONAL_DATA = "engage:personal-data-download"


def extends(renderer_name: str) -> Callable[[Extension], Extension]:
    def register(extension: Extension) -> Extension:
        if extension not in _BY_TEMPLATE[renderer_name]:
            _BY_TEMPLATE[renderer_name].append(extension)
        return extension

    return register


def extended(name: str, request, values: Mapping[str, Any]) -> dict[str, Any]:
    """What the capabilities add to the page `name`, given its own values."""
    added: dict[str, Any] = {}
    for extension in _BY_TEMPLATE.get(name, ()):
        added.update(extension(request, values) or {})
    return added


@subscriber(BeforeRender)
def extend_page(event) -> None:
    request = event.get("request")
    if request is None:
        return
    values = event.rendering_val if isinstance(event.rendering_val, dict) else {}
    event.update(extended(event.get("renderer_name"), request, values))
