"""Who is asking, and what they may do: session identity, ACL, CSRF."""

from __future__ import annotations

from enum import StrEnum

from pyramid.authorization import ACLHelper, Allow, Authenticated, Everyone
from pyramid.csrf import SessionCSRFStoragePolicy
from pyramid.session import JSONSerializer, SignedCookieSessionFactory

from .services import as_bool


class Permission(StrEnum):
    VIEW = "view"
    REQUEST_CARD = "request-card"


class Root:
    """The single context of engage's pages: permissions by role."""

    __acl__ = [
        (Allow, Everyone, (Permission.VIEW, Permission.REQUEST_CARD)),
    ]

    def __init__(self, request):
        self.request = request


class SessionSecurityPolicy:
    """Identity is the signed-in person's id kept in the server-signed session cookie."""

    def __init__(self):
        self.helper = ACLHelper()

    def identity(self, request):
        person_id = request.session.get("person_id")
        return {"person_id": person_id, "roles": request.session.get("roles", [])} if person_id else None

    def authenticated_userid(self, request):
        identity = request.identity
        return identity["person_id"] if identity else None

    def principals(self, request) -> list[str]:
        principals = [Everyone]
        identity = request.identity
        if identity:
            principals += [Authenticated, f"person:{identity['person_id']}"]
            principals += [f"role:{role}" for role in identity["roles"]]
        return principals

    def permits(self, request, context, permission):
        return self.helper.permits(context, self.principals(request), permission)

    def remember(self, request, userid, **kw):
        request.session.invalidate()  # new session at login: no fixation
        request.session["person_id"] = userid
        request.session["roles"] = list(kw.get("roles", []))
        return []

    def forget(self, request, **kw):
        request.session.invalidate()
        return []


def includeme(config) -> None:
    settings = config.get_settings()
    secret = settings.get("engage.session_secret")
    if not secret:
        raise ValueError("set ENGAGE_SESSION_SECRET (or engage.session_secret in a development ini)")
    config.set_session_factory(
        SignedCookieSessionFactory(
            secret,
            cookie_name="engage_session",
            httponly=True,
            samesite="Lax",
            secure=as_bool(settings.get("engage.secure_cookies", "false")),
            serializer=JSONSerializer(),
        )
    )
    config.set_root_factory(Root)
    config.set_security_policy(SessionSecurityPolicy())
    config.set_csrf_storage_policy(SessionCSRFStoragePolicy())
    config.set_default_csrf_options(require_csrf=True)
    config.set_default_permission(Permission.VIEW)
