"""The account use cases that need secrets: passwords, one-time links, throttling.

Simple types in, simple types out: the views call this, never the tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError

from engage.domain.accounts.errors import (
    AlreadyErased,
    EmailAlreadyConfirmed,
    EmailNotConfirmed,
    InvalidCredentials,
    LinkExpired,
    LinkUnknown,
    LinkUsed,
    LoginThrottled,
    WeakPassword,
)
from engage.domain.accounts.model import email_claim_id
from engage.domain.application import EngageApplication
from engage.identity import passwords
from engage.identity.sessions import SessionStore
from engage.identity.store import IdentityStore

CONFIRM = "confirm-email"
RESET = "reset-password"
CONFIRM_LIFETIME = timedelta(hours=48)
RESET_LIFETIME = timedelta(hours=1)
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20


@dataclass(frozen=True)
class SignedUp:
    person_id: UUID
    position: int
    confirmation_token: str


@dataclass(frozen=True)
class LoggedIn:
    person_id: UUID


class AccountService:
    def __init__(self, app: EngageApplication, store: IdentityStore, sessions: SessionStore | None = None):
        self.app = app
        self.store = store
        self.sessions = sessions or SessionStore(store.db)

    def sign_up(self, *, name: str, email: str, display_name: str, password: str) -> SignedUp:
        problem = passwords.weakness(password, email=email, display_name=display_name)
        if problem:
            raise WeakPassword(problem)
        person_id = uuid4()
        # The credential row first: if the events are refused (email taken), it is removed,
        # so nothing is left half-written.
        self.store.set_password_hash(person_id, passwords.hash_password(password))
        try:
            registered = self.app.register_account(
                name=name, email=email, display_name=display_name, person_id=person_id
            )
        except BaseException:
            self.store.delete_credentials(person_id)
            raise
        token = self.store.issue_token(person_id, CONFIRM, CONFIRM_LIFETIME)
        return SignedUp(person_id, registered.position, token)

    def email_of(self, person_id: UUID) -> str | None:
        """The address to write to a person, unsealed only for sending; None without an account
        (a walk-in known by their card) or once their data is erased."""
        try:
            account = self.app.get_account(person_id)
        except AggregateNotFoundError:
            return None
        identity = self.app.vault.unseal(person_id, account.sealed_identity)
        return (identity or {}).get("email") or None

    def own_personal_data(self, person_id: UUID, card_ids: list[UUID]) -> dict:
        """What the log holds sealed about a person, unsealed for their own right of access
        (the export of their data), and nowhere else: their name and email, their account's
        facts, and for each of their cards its previous numbers and socio-professional category.
        Erased fields come back as None."""
        account = self.app.get_account(person_id)
        vault = self.app.vault
        identity = vault.unseal(person_id, account.sealed_identity) or {}
        cards = {}
        for card_id in card_ids:
            card = self.app.get_card(card_id)
            numbers = [vault.unseal(person_id, sealed) for sealed in card.sealed_numbers]
            category = vault.unseal(person_id, card.sealed_category) if card.sealed_category else None
            cards[card_id] = {
                "previous_numbers": [n["card_number"] for n in numbers[:-1] if n],
                "socio_professional_category": category["category"] if category else None,
            }
        return {
            "name": identity.get("name"),
            "email": identity.get("email"),
            "display_name": account.display_name,
            "email_confirmed": account.email_confirmed,
            "roles": sorted(account.roles),
            "erased": account.erased,
            "cards": cards,
        }

    def new_confirmation_token(self, person_id: UUID) -> str:
        return self.store.issue_token(person_id, CONFIRM, CONFIRM_LIFETIME)

    def check_link(self, token: str, purpose: str) -> UUID:
        status, person_id = self.store.token_status(token, purpose)
        if status == "unknown":
            raise LinkUnknown()
        if status == "expired":
            raise LinkExpired()
        if status == "used":
            raise LinkUsed()
        return person_id

    def confirm_email(self, token: str) -> int | None:
        """Position of the EmailConfirmed event (None if the address was already confirmed)."""
        self.check_link(token, CONFIRM)
        person_id = self.store.use_token(token, CONFIRM)
        if person_id is None:
            raise LinkUsed()  # a concurrent click used it first
        try:
            return self.app.confirm_email(person_id)
        except EmailAlreadyConfirmed:
            return None

    def log_in(self, *, email: str, password: str, address: str) -> LoggedIn:
        account_key = "account:" + email_claim_id(email, self.app.identifier_key).hex
        address_key = "address:" + address
        if (
            self.store.failures(account_key, THROTTLE_WINDOW) >= MAX_FAILURES_PER_ACCOUNT
            or self.store.failures(address_key, THROTTLE_WINDOW) >= MAX_FAILURES_PER_ADDRESS
        ):
            raise LoginThrottled()
        person_id = self.app.find_person_by_email(email)
        stored = self.store.password_hash(person_id) if person_id else None
        if not passwords.verify_password(stored or passwords.DUMMY_HASH, password) or stored is None:
            self.store.record_failure(account_key, THROTTLE_WINDOW)
            self.store.record_failure(address_key, THROTTLE_WINDOW)
            raise InvalidCredentials()
        if not self.app.get_account(person_id).email_confirmed:
            raise EmailNotConfirmed()
        self.store.clear_failures(account_key)
        if passwords.needs_rehash(stored):
            self.store.set_password_hash(person_id, passwords.hash_password(password))
        # A participatory-budget member who signed up with the listed address: link them (idempotent).
        self.app.link_pb_member(person_id, email)
        return LoggedIn(person_id)

    def erase(self, person_id: UUID, *, requested_by: UUID) -> int | None:
        """Right to erasure: PersonalDataErased first, then the key, then the credentials.

        In this order a failure half-way leaves a state a retry completes: the event says
        "erased" while the key may still exist, and a second call only destroys what is left.
        Returns the event's position (None when it was already recorded).
        A linked participatory-budget member is erased in the same save; its key is destroyed
        before the person's, from which it is found (so a retry still finds it)."""
        member_id = self.app.linked_member_id(person_id)
        try:
            position = self.app.erase_personal_data(person_id, requested_by=requested_by)
        except AlreadyErased:
            position = None
        if member_id is not None:
            self.app.vault.erase(member_id)
        self.app.vault.erase(person_id)
        self.store.delete_credentials(person_id)
        self.store.delete_tokens(person_id)
        self.sessions.delete_all(person_id)  # every other browser of theirs is out at once
        return position

    def request_password_reset(self, email: str) -> tuple[UUID, str] | None:
        """A reset token, or None when no account has this address (the page says the same)."""
        person_id = self.app.find_person_by_email(email)
        if person_id is None:
            return None
        return person_id, self.store.issue_token(person_id, RESET, RESET_LIFETIME)

    def reset_password(self, token: str, password: str) -> int:
        person_id = self.check_link(token, RESET)
        account = self.app.get_account(person_id)
        problem = passwords.weakness(password, display_name=account.display_name)
        if problem:
            raise WeakPassword(problem)
        if self.store.use_token(token, RESET) is None:
            raise LinkUsed()
        self.store.set_password_hash(person_id, passwords.hash_password(password))
        self.sessions.end_all(person_id)  # whoever knew the old password is out
        position = self.app.record_password_change(person_id)
        if not account.email_confirmed:
            # The link reached the mailbox: that proves the address as well.
            position = self.app.confirm_email(person_id)
        return position
