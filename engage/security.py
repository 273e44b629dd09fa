"""Who is asking, and what they may do: session identity, one permission matrix, CSRF.

Who is signed in comes only from the server-side sessions table (engage.identity.sessions):
the `engage_auth` cookie carries nothing but a random token. Pyramid's signed-cookie session
keeps what is not identity (the CSRF token, flash messages), for anonymous visitors too."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from pyramid.authorization import ACLHelper, Allow, Authenticated, Everyone
from pyramid.csrf import SessionCSRFStoragePolicy
from pyramid.response import Response
from pyramid.session import JSONSerializer, SignedCookieSessionFactory

from engage.domain.accounts.model import Role
from engage.projections.accounts import queries as account_queries
from engage.services import as_bool

AUTH_COOKIE = "engage_auth"


class Permission(StrEnum):
    VIEW = "view"  # public pages
    REQUEST_CARD = "request-card"
    OWN_ACCOUNT = "own-account"  # a signed-in resident's own pages
    MANAGE_ROLES = "manage-roles"
    MANAGE_CARDS = "manage-cards"  # suspend, revoke
    MANAGE_MEMBERS = "manage-members"  # participatory-budget imports
    MANAGE_ORGANIZATIONS = "manage-organizations"
    FACILITATE = "facilitate"  # workshops and public meetings
    MODERATE = "moderate"
    EDIT = "edit"  # restitution, charter, guide
    OPEN_PHASE = "open-phase"  # a consultation's next phase: editors, and admins who run the calendar
    AUDIT = "audit"
    ERASE_PERSONAL_DATA = "erase-personal-data"  # an admin, on a resident's request
    AMEND = "amend"  # propose and vote on charter amendments (signed in)


# The whole permission matrix, in one place. Staff permissions come only from roles.
PUBLIC = {Permission.VIEW}
# The card is asked for from an account: name and email come from it.
SIGNED_IN = {Permission.OWN_ACCOUNT, Permission.REQUEST_CARD, Permission.AMEND}
ROLE_PERMISSIONS: dict[Role, set[Permission]] = {
    Role.ADMIN: {Permission.MANAGE_ROLES, Permission.MANAGE_CARDS, Permission.MANAGE_MEMBERS,
                 Permission.MANAGE_ORGANIZATIONS, Permission.AUDIT, Permission.ERASE_PERSONAL_DATA,
                 Permission.FACILITATE,  # admins run workshops too
                 Permission.OPEN_PHASE},  # and open a consultation's next phase (not its editorial work)
    Role.FACILITATOR: {Permission.FACILITATE},
    Role.MODERATOR: {Permission.MODERATE},
    Role.EDITOR: {Permission.EDIT, Permission.OPEN_PHASE},
    Role.AUDITOR: {Permission.AUDIT},
}


class Root:
    """The single context of engage's pages: its ACL is the permission matrix."""

    __acl__ = [
        (Allow, Everyone, tuple(PUBLIC)),
        (Allow, Authenticated, tuple(SIGNED_IN)),
    ] + [(Allow, f"role:{role}", tuple(perms)) for role, perms in ROLE_PERMISSIONS.items()]

    def __init__(self, request):
        self.request = request


class SessionSecurityPolicy:
    """The person comes from their open server-side session (one indexed read per request);
    their roles are read fresh from the people read model, so a revoked role stops working at
    the next request. Logout, a password reset, a role change and erasure end sessions in the
    table: a copied cookie is then worth nothing, on every web process."""

    def __init__(self, *, secure: bool = False):
        self.helper = ACLHelper()
        self.secure = secure

    def identity(self, request):
        if "engage.identity" not in request.environ:
            request.environ["engage.identity"] = self._load(request)
        return request.environ["engage.identity"]

    def _load(self, request):
        token = request.cookies.get(AUTH_COOKIE)
        if not token:
            return None
        # The person comes with the session, in the same statement, from the primary: a role
        # withdrawn is gone at once, not after a read replica's lag.
        session = request.engage.sessions.find(token, person_columns=account_queries.PERSON_COLUMNS)
        if session is None:
            # Ended or expired: the browser forgets the token on this very response.
            request.add_response_callback(self._clear)
            return None
        request.environ["engage.session"] = session
        return account_queries.person_from_row(session.person)

    def authenticated_userid(self, request):
        identity = self.identity(request)
        return identity.person_id if identity else None

    def principals(self, request) -> list[str]:
        """Worked out once per request (a page asks permits() several times), again after a
        login or logout within it."""
        if "engage.principals" not in request.environ:
            principals = [Everyone]
            identity = self.identity(request)
            if identity:
                principals += [Authenticated, f"person:{identity.person_id}"]
                principals += [f"role:{role}" for role in sorted(identity.roles)]
            request.environ["engage.principals"] = principals
        return list(request.environ["engage.principals"])

    def permits(self, request, context, permission):
        return self.helper.permits(context, self.principals(request), permission)

    def remember(self, request, userid, **kw):
        # A new session at login: an attacker's planted session id is worth nothing.
        request.engage.sessions.end(request.cookies.get(AUTH_COOKIE))
        request.session.invalidate()
        token = request.engage.sessions.start(UUID(str(userid)), request.user_agent)
        request.environ.pop("engage.identity", None)
        request.environ.pop("engage.principals", None)
        request.environ["engage.session_token"] = token
        return self._cookie_headers(token, max_age=int(request.engage.sessions.max_age.total_seconds()))

    def forget(self, request, **kw):
        request.engage.sessions.end(request.cookies.get(AUTH_COOKIE))
        request.session.invalidate()
        request.environ.pop("engage.identity", None)
        request.environ.pop("engage.principals", None)
        request.environ.pop("engage.session", None)
        return self._cookie_headers("", max_age=0)

    def _cookie_headers(self, value: str, *, max_age: int) -> list[tuple[str, str]]:
        response = Response()
        response.set_cookie(AUTH_COOKIE, value, max_age=max_age, path="/", httponly=True,
                            samesite="Lax", secure=self.secure)
        return [("Set-Cookie", response.headers["Set-Cookie"])]

    def _clear(self, request, response) -> None:
        if "engage.session_token" not in request.environ:  # unless a login just gave a new one
            response.headers.extend(self._cookie_headers("", max_age=0))


def session_token(request) -> str | None:
    """This request's session token (a fresh one right after login), for "this session" marks."""
    return request.environ.get("engage.session_token") or request.cookies.get(AUTH_COOKIE)


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
            timeout=4 * 3600,
            reissue_time=600,
        )
    )
    config.set_root_factory(Root)
    config.set_security_policy(SessionSecurityPolicy(secure=as_bool(settings.get("engage.secure_cookies", "false"))))
    config.set_csrf_storage_policy(SessionCSRFStoragePolicy())
    config.set_default_csrf_options(require_csrf=True)
    config.set_default_permission(Permission.VIEW)
