"""Accounts: a person who signed up, their confirmed email, their staff roles.

The password never enters the log (it lives in a credentials table); the email
is sealed with the person's own key, and found again through a claim whose id
is a keyed hash of the normalized address, which also makes it unique.
"""

from __future__ import annotations

import hmac
from enum import StrEnum
from hashlib import sha256
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from engage.domain.accounts.errors import (
    AlreadyErased,
    EmailAlreadyConfirmed,
    EmailAlreadyRegistered,
    InvalidDisplayName,
    RoleAlreadyGranted,
    RoleNotHeld,
)
from engage.domain.publicity import event
from engage.domain.topics import keep_topics

EMAIL_NAMESPACE = uuid5(NAMESPACE_URL, "https://engage.paris/ns/email")


class Role(StrEnum):
    ADMIN = "admin"
    FACILITATOR = "facilitator"  # workshops and public meetings
    MODERATOR = "moderator"
    EDITOR = "editor"  # restitution, charter, guide
    AUDITOR = "auditor"


class Account(Aggregate):
    public_id = False  # one person's: its id would link their acts
    @staticmethod
    def create_id(person_id: UUID) -> UUID:
        return person_id

    @event("AccountRegistered", commit=("person_id",))
    def __init__(self, person_id: UUID, display_name: str, sealed_identity: str):
        # display_name is the public pseudonym; name and email are sealed.
        self.display_name = display_name
        self.sealed_identity = sealed_identity
        self.email_confirmed = False
        self.roles: set[str] = set()

    @classmethod
    def register(cls, *, person_id: UUID, display_name: str, sealed_identity: str) -> "Account":
        display_name = " ".join(display_name.split())
        if not 3 <= len(display_name) <= 40:
            raise InvalidDisplayName()
        return cls(person_id=person_id, display_name=display_name, sealed_identity=sealed_identity)

    @property
    def person_id(self) -> UUID:
        return self.id

    def confirm_email(self) -> None:
        if self.email_confirmed:
            raise EmailAlreadyConfirmed()
        self._email_confirmed()

    @event("EmailConfirmed")
    def _email_confirmed(self) -> None:
        self.email_confirmed = True

    def record_password_change(self) -> None:
        self._password_changed()

    @event("PasswordChanged")
    def _password_changed(self) -> None:
        """The fact only: the hash itself is not history, it is a secret."""

    def grant_role(self, role: Role, granted_by: UUID) -> None:
        role = Role(role)
        if self.erased:
            raise AlreadyErased()
        if role in self.roles:
            raise RoleAlreadyGranted()
        self._role_granted(role=role.value, granted_by=granted_by)

    @event("RoleGranted", public=("role",), commit=("granted_by",))
    def _role_granted(self, role: str, granted_by: UUID) -> None:
        self.roles.add(role)

    def revoke_role(self, role: Role, revoked_by: UUID) -> None:
        role = Role(role)
        if role not in self.roles:
            raise RoleNotHeld()
        self._role_revoked(role=role.value, revoked_by=revoked_by)

    @event("RoleRevoked", public=("role",), commit=("revoked_by",))
    def _role_revoked(self, role: str, revoked_by: UUID) -> None:
        self.roles.discard(role)

    @property
    def erased(self) -> bool:
        return getattr(self, "_erased", False)

    def erase_personal_data(self, requested_by: UUID) -> None:
        """Right to erasure: the application destroys the person's key after this event.
        requested_by is the person themself, or the admin who acted on their request."""
        if self.erased:
            raise AlreadyErased()
        self._personal_data_erased(requested_by=requested_by)

    @event("PersonalDataErased")
    def _personal_data_erased(self, requested_by: UUID) -> None:
        self._erased = True
        self.roles = set()


class EmailClaim(Aggregate):
    """Reserves one email address for one person."""
    public_id = False  # one person's: its id would link their acts

    @staticmethod
    def create_id(claim_id: UUID) -> UUID:
        return claim_id

    @event("EmailClaimed")
    def __init__(self, claim_id: UUID, person_id: UUID):
        self.person_id = person_id

    @property
    def released(self) -> bool:
        return getattr(self, "_released", False)

    def release(self) -> None:
        """At erasure: the address no longer designates anyone, and may sign up again."""
        if not self.released:
            self._released_event()

    @event("EmailClaimReleased")
    def _released_event(self) -> None:
        self._released = True

    def reclaim(self, person_id: UUID) -> None:
        if not self.released:
            raise EmailAlreadyRegistered()
        self._reclaimed(person_id=person_id)

    @event("EmailReclaimed")
    def _reclaimed(self, person_id: UUID) -> None:
        self.person_id = person_id
        self._released = False


def normalize_email(email: str) -> str:
    return email.strip().lower()


def email_claim_id(email: str, key: bytes) -> UUID:
    digest = hmac.new(key, normalize_email(email).encode(), sha256).hexdigest()
    return uuid5(EMAIL_NAMESPACE, digest)


keep_topics(__name__, stored_as="engage.domain.accounts")
