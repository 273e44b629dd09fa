"""Security headers on every answer, and a ceiling on request bodies.

Caching: an answer to a signed-in visitor may show personal data (the account, the card,
the data download, staff pages): it is never stored (`Cache-Control: no-store`), by the
browser or any shared cache. Answers to anonymous visitors keep their own caching.
HSTS: only when the site is served over HTTPS (engage.secure_cookies), never in development.
"""

from typing import Any, Mapping

from pyramid.events import NewResponse
from pyramid.httpexceptions import HTTPRequestEntityTooLarge
from pyramid.interfaces import IRoutesMapper
from pyramid.tweens import EXCVIEW

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}

# Two ceilings on request bodies, one setting each:
# - engage.max_body_bytes: every ordinary form;
# - engage.max_upload_bytes: the routes that receive files (the 65,000-row membership list,
#   about 5 MB), and the largest body of all, so waitress's max_request_body_size (which caps
#   every body before any tween sees it) equals it in the ini files; the import form's own
#   file limit derives from it too.
MAX_BODY_BYTES = "engage.max_body_bytes"
MAX_UPLOAD_BYTES = "engage.max_upload_bytes"
DEFAULT_HSTS_MAX_AGE = 31_536_000  # one year
STATIC_PREFIX = "/static/"  # engage.views.routes: add_static_view("static", ...)

DEFAULT_MAX_BODY_BYTES = 1_000_000
DEFAULT_MAX_UPLOAD_BYTES = 21_000_000
UPLOAD_ROUTES = ("pb_members_import",)


def max_body_bytes(settings: Mapping[str, Any]) -> int:
    return int(settings.get(MAX_BODY_BYTES) or DEFAULT_MAX_BODY_BYTES)


def max_upload_bytes(settings: Mapping[str, Any]) -> int:
    return int(settings.get(MAX_UPLOAD_BYTES) or DEFAULT_MAX_UPLOAD_BYTES)


def upload_paths(registry) -> frozenset[str]:
    """The paths of the upload routes, read from the routes themselves (one place for a URL)."""
    mapper = registry.queryUtility(IRoutesMapper)
    routes = [mapper.get_route(name) for name in UPLOAD_ROUTES] if mapper else []
    return frozenset(route.pattern for route in routes if route is not None)


def body_limit_tween_factory(handler, registry):
    max_body = max_body_bytes(registry.settings)
    max_upload = max_upload_bytes(registry.settings)
    uploads = upload_paths(registry)

    def tween(request):
        # Refused before anything reads the body; the error views render the 413 page.
        limit = max_upload if request.path in uploads else max_body
        if request.content_length is not None and request.content_length > limit:
            raise HTTPRequestEntityTooLarge()
        return handler(request)

    return tween


def _as_bool(value) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on", "y"}


def hsts_header(settings) -> str | None:
    """The Strict-Transport-Security value, or None: only over HTTPS (engage.secure_cookies),
    and not when engage.hsts_max_age is 0."""
    if not _as_bool(settings.get("engage.secure_cookies", "false")):
        return None
    max_age = int(settings.get("engage.hsts_max_age", DEFAULT_HSTS_MAX_AGE))
    return f"max-age={max_age}; includeSubDomains" if max_age > 0 else None


def _signed_in(request) -> bool:
    try:
        return request.authenticated_userid is not None
    except Exception:  # whoever it is could not be told: the safe answer is "do not store"
        return True


def add_security_headers(event: NewResponse) -> None:
    # A subscriber, not a tween, so error pages get the headers too.
    headers = event.response.headers
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    hsts = event.request.registry.settings.get("engage.hsts_header")
    if hsts:
        headers.setdefault("Strict-Transport-Security", hsts)
    # Static files (the same for everyone) keep their max-age, signed in or not.
    if not event.request.path.startswith(STATIC_PREFIX) and _signed_in(event.request):
        headers["Cache-Control"] = "no-store"


def includeme(config) -> None:
    settings = config.registry.settings
    settings["engage.hsts_header"] = hsts_header(settings)
    # Under the exception-view tween, so the 413 is rendered as a page.
    config.add_tween("engage.headers.body_limit_tween_factory", under=EXCVIEW)
    config.add_subscriber(add_security_headers, NewResponse)
