"""Security headers on every answer, and a ceiling on request bodies."""

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


def add_security_headers(event: NewResponse) -> None:
    # A subscriber, not a tween, so error pages get the headers too.
    for name, value in SECURITY_HEADERS.items():
        event.response.headers.setdefault(name, value)


def includeme(config) -> None:
    # Under the exception-view tween, so the 413 is rendered as a page.
    config.add_tween("engage.headers.body_limit_tween_factory", under=EXCVIEW)
    config.add_subscriber(add_security_headers, NewResponse)
