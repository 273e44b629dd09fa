"""Who is asking, and what they may do: session identity, one permission matrix, CSRF."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from pyramid.authorization import ACLHelper, Allow, Authenticated, Everyone
from pyramid.csrf import SessionCSRFStoragePolicy, get_csrf_token
from pyramid.session import JSONSerializer, SignedCookieSessionFactory

from engage.domain.accounts.model import Role
from engage.projections.accounts import queries as account_queries
from engage.services import as_bool

SESSION_PERSON = "person_id"


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
                 Permission.FACILITATE},  # admins run workshops too
    Role.FACILITATOR: {Permission.FACILITATE},
    Role.MODERATOR: {Permission.MODERATE},
    Role.EDITOR: {Permission.EDIT},
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
    """The session holds the person's id; their roles are read fresh from the people read model,
    so a revoked role stops working at the next request."""

    def __init__(self):
        self.helper = ACLHelper()

    def identity(self, request):
        if "engage.identity" not in request.environ:
            request.environ["engage.identity"] = self._load(request)
        return request.environ["engage.identity"]

    def _load(self, request):
        person_id = request.session.get(SESSION_PERSON)
        if not person_id:
            return None
        person = account_queries.person(request.engage.db, UUID(person_id))
        if person is None:
            return None
        return person

    def authenticated_userid(self, request):
        identity = self.identity(request)
        return identity.person_id if identity else None

    def principals(self, request) -> list[str]:
        principals = [Everyone]
        identity = self.identity(request)
        if identity:
            principals += [Authenticated, f"person:{identity.person_id}"]
            principals += [f"role:{role}" for role in sorted(identity.roles)]
        return principals

    def permits(self, request, context, permission):
        return self.helper.permits(context, self.principals(request), permission)

    def remember(self, request, userid, **kw):
        # A new session at login: an attacker's planted session id is worth nothing.
        request.session.invalidate()
        request.session[SESSION_PERSON] = str(userid)
        request.environ.pop("engage.identity", None)
        return []

    def forget(self, request, **kw):
        request.session.invalidate()
        request.environ.pop("engage.identity", None)
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
            timeout=4 * 3600,
            reissue_time=600,
        )
    )
    config.set_root_factory(Root)
    config.set_security_policy(SessionSecurityPolicy())
    config.set_csrf_storage_policy(SessionCSRFStoragePolicy())
    config.set_default_csrf_options(require_csrf=True)
    config.add_request_method(get_csrf_token, "csrf_token", reify=True)
    config.set_default_permission(Permission.VIEW)
