"""The site's address as residents see it: the one base of every absolute URL that leaves
the request (mails, feeds, open-data documents, exports).

Never built from the request's Host or X-Forwarded-Host: anyone can send those, and a
reset link mailed to a forged host hands its token to that host; a cached export naming
the host would poison every later reader's copy.

Setting: ``engage.public_url`` (or ENGAGE_PUBLIC_URL), e.g. ``https://participez.paris.fr``
(a path prefix is allowed). Required: the application refuses to start without it
(development.ini says http://localhost:6543; production.ini leaves it to the environment).
"""

from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import quote, urlsplit

from pyramid.encode import urlencode
from pyramid.interfaces import IRoutesMapper

SETTING = "engage.public_url"


class PublicURLError(RuntimeError):
    """The public URL is missing or is not an http(s) address."""


def base_from(settings: Mapping[str, Any]) -> str:
    """The configured public URL without its trailing slash, checked."""
    value = str(settings.get(SETTING) or "").strip()
    if not value:
        raise PublicURLError(f"set {SETTING} (or ENGAGE_PUBLIC_URL) to the site's address as residents"
                             " see it, e.g. https://participez.paris.fr: mail links and open data use it")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment \
            or "@" in parts.netloc or value.endswith("?") or value.endswith("#"):
        raise PublicURLError(f"{SETTING} must be an http(s) address without user, query or fragment,"
                             f" not {value!r}")
    return value.rstrip("/")


def _registry(source):
    return getattr(source, "registry", source)


def public_base(source) -> str:
    """The public URL, from a request or a registry (policies run without a request)."""
    return base_from(_registry(source).settings)


def public_host(source) -> str:
    """The public URL's host name (calendar UIDs and the like)."""
    return urlsplit(public_base(source)).hostname


def public_url(source, route_name: str, *, _query=None, _anchor: str = "", **kw) -> str:
    """The absolute URL of a route on the public site: the route's path (Pyramid's route
    generator, segments quoted) joined to the configured base; from a request or a registry."""
    registry = _registry(source)
    route = registry.getUtility(IRoutesMapper).get_route(route_name)
    if route is None:
        raise KeyError(f"no route named {route_name}")
    url = base_from(registry.settings) + route.generate(kw)
    if _query:
        url += "?" + urlencode(_query, doseq=True)
    if _anchor:
        url += "#" + quote(_anchor, safe="")
    return url


def includeme(config) -> None:
    """Refuse to start without a valid public URL."""
    base_from(config.get_settings())
