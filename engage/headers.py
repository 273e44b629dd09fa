"""Security headers on every answer, and a ceiling on request bodies."""

from pyramid.events import NewResponse
from pyramid.httpexceptions import HTTPRequestEntityTooLarge
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

DEFAULT_MAX_BODY_BYTES = 1_000_000
# Paths that receive files (the 65,000-row membership list): a larger ceiling.
UPLOAD_PATHS = ("/gestion/membres",)
DEFAULT_MAX_UPLOAD_BYTES = 21_000_000


def body_limit_tween_factory(handler, registry):
    max_body = int(registry.settings.get("engage.max_body_bytes", DEFAULT_MAX_BODY_BYTES))
    max_upload = int(registry.settings.get("engage.max_upload_bytes", DEFAULT_MAX_UPLOAD_BYTES))

    def tween(request):
        # Refused before anything reads the body; the error views render the 413 page.
        limit = max_upload if request.path in UPLOAD_PATHS else max_body
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
