"""Every route of the app, found by introspecting Pyramid's registry, with sample URLs.

Used by the permission matrix and the public-pages scan, so a route added by anyone is
covered without touching those tests. A route whose pattern has a placeholder needs a
sample value: by placeholder name in SAMPLE_VALUES, or for one route in ROUTE_SAMPLES.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyramid.interfaces import IDefaultPermission

# A sample per placeholder name. Values need not exist: an unknown id giving 404 still
# shows whether the permission check let the request through.
SAMPLE_VALUES = {
    "code": "en",
    "token": "lien-inconnu",
    "card_id": "0" * 32,
    "action": "suspend",
    "dataset": "card-holders",  # an open-data package (engage/opendata/datasets)
    "resource": "card-holders",
    "workshop_id": "0" * 32,  # Ateliers Citoyens
    "session_id": "0" * 32,
    "ref": "consultation-inconnue",  # Consultations
    "item": "0" * 32,
    "meeting": "0" * 32,
    "first": "1",  # a batch of a meeting's contribution sheets
    "qid": "0" * 32,  # questionnaires
    "id": "0" * 32,  # organizations, offers, seat calls
    "article_id": "0" * 32,  # the charter
    "amendment_id": "0" * 32,
    "version": "1",
    "slug": "page-inconnue",  # guide pages
    "step": "1",  # commitment milestones
}
# Overrides for one route: {route name: {placeholder: value}}.
ROUTE_SAMPLES: dict[str, dict[str, str]] = {"transparency_tile": {"path": "0/000"}}

NO_PERMISSION = "__no_permission_required__"


@dataclass(frozen=True)
class RouteView:
    route: str
    pattern: str
    method: str  # the method to call it with: GET, or POST for POST-only views
    permission: str | None  # None: no permission required
    path: str  # the sample URL


def _placeholders(route) -> list[str]:
    import re

    return re.findall(r"\{(\w+)(?::[^}]*)?\}", route.pattern)


def route_views(registry) -> list[RouteView]:
    introspector = registry.introspector
    default = registry.queryUtility(IDefaultPermission)
    routes = {item["introspectable"]["name"]: item["introspectable"] for item in introspector.get_category("routes")}
    found: list[RouteView] = []
    missing: list[str] = []
    for item in introspector.get_category("views"):
        view = item["introspectable"]
        name = view["route_name"]
        if name is None or name.startswith("__"):  # exception views, static files
            continue
        route = routes[name]["object"]
        permissions = [related["value"] for related in item["related"] if related.category_name == "permissions"]
        permission = permissions[0] if permissions else default
        if permission == NO_PERMISSION:
            permission = None
        methods = view.get("request_methods") or ("GET",)
        methods = (methods,) if isinstance(methods, str) else tuple(methods)
        method = "GET" if "GET" in methods else sorted(methods)[0]
        values = {}
        for placeholder in _placeholders(route):
            value = ROUTE_SAMPLES.get(name, {}).get(placeholder, SAMPLE_VALUES.get(placeholder))
            if value is None:
                missing.append(f"{name} ({route.pattern}): no sample for {{{placeholder}}}")
            values[placeholder] = value
        if any(v is None for v in values.values()):
            continue
        found.append(RouteView(name, route.pattern, method, str(permission) if permission else None,
                               route.generate(values)))
    assert not missing, (
        "routes without a sample value, add one to SAMPLE_VALUES or ROUTE_SAMPLES in "
        "tests/functional/route_samples.py: " + "; ".join(missing)
    )
    return sorted(set(found), key=lambda r: (r.route, r.method))
