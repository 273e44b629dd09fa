"""The account use cases that need secrets: passwords, one-time links, throttling.

Simple types in, simple types out: the views call this, never the tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Mapping
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError

from engage.domain.accounts.errors import (
    AlreadyErased,
    EmailAlreadyConfirmed,
    EmailAlreadyRegistered,
    EmailNotConfirmed,
    InvalidCredentials,
    LinkExpired,
    LinkUnknown,
    LinkUsed,
    LoginThrottled,
    MailThrottled,
    WeakPassword,
    WrongPassword,
)
from engage.domain.accounts.model import email_claim_id
from engage.domain.application import EngageApplication
from engage.identity import passwords
from engage.identity.sessions import SessionStore
from engage.identity.store import IdentityStore

CONFIRM = "confirm-email"
RESET = "reset-password"
SIGN_UP = "sign-up"
CONFIRM_LIFETIME = timedelta(hours=48)
RESET_LIFETIME = timedelta(hours=1)


@dataclass(frozen=True)
class Limits:
    """How many attempts each key gets in its window. Logins: failed attempts per account and
    per client address. Mails: per recipient address, for each form that sends one (sign-up,
    confirmation re-sent, password reset), and per client address for all of them, whether
    or not the address has an account."""
    login_window: timedelta = timedelta(minutes=15)
    login_per_account: int = 5
    login_per_address: int = 20
    mail_window: timedelta = timedelta(hours=1)
    mail_per_recipient: int = 5
    mail_per_address: int = 50

    SETTINGS = {  # setting (engage.throttle.<name>) -> field; windows in minutes
        "login_window_minutes": "login_window",
        "login_per_account": "login_per_account",
        "login_per_address": "login_per_address",
        "mail_window_minutes": "mail_window",
        "mail_per_recipient": "mail_per_recipient",
        "mail_per_address": "mail_per_address",
    }

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> "Limits":
        values: dict[str, Any] = {}
        for name, attribute in cls.SETTINGS.items():
            raw = settings.get("engage.throttle." + name)
            if raw in (None, ""):
                continue
            number = int(raw)
            if number < 1:
                raise ValueError(f"engage.throttle.{name} must be at least 1, not {raw!r}")
            values[attribute] = timedelta(minutes=number) if name.endswith("_minutes") else number
        return cls(**values)


def _minutes(window: timedelta) -> int:
    return max(1, round(window.total_seconds() / 60))


@dataclass(frozen=True)
class SignedUp:
    """A sign-up's outcome. When the address already has an account, nothing was written:
    already_registered is True, person_id is that account's, and there is no token. The
    page says the same either way (no account enumeration); the owner gets a mail."""
    person_id: UUID
    position: int | None
    confirmation_token: str | None
    already_registered: bool = False


@dataclass(frozen=True)
class LoggedIn:
    person_id: UUID


class AccountService:
    def __init__(self, app: EngageApplication, store: IdentityStore, limits: Limits | None = None,
                 sessions: SessionStore | None = None):
        self.app = app
        self.store = store
        self.limits = limits or Limits()
        self.sessions = sessions or SessionStore(store.db)

    def _email_key(self, email: str) -> str:
        # The keyed digest the email claim uses: no address in clear in the counters.
        return email_claim_id(email, self.app.identifier_key).hex

    def count_mail(self, purpose: str, email: str, address: str | None) -> None:
        """Counts a mail of this purpose (sign-up, confirmation, reset) about to be sent to
        `email` at the request of client `address` (None: not a web request, only the
        recipient is counted). MailThrottled past either limit, whether or not the address
        has an account: the caller then sends nothing and writes nothing."""
        limits = self.limits
        counters = [(f"mail-to:{purpose}:{self._email_key(email)}", limits.mail_window)]
        if address is not None:
            counters.append(("mail-from:" + address, limits.mail_window))
        counts = self.store.hit(counters)
        caps = [limits.mail_per_recipient, limits.mail_per_address]
        if any(count > cap for count, cap in zip(counts, caps)):
            raise MailThrottled(_minutes(limits.mail_window))

    def sign_up(self, *, name: str, email: str, display_name: str, password: str,
                address: str | None = None) -> SignedUp:
        """A new account and its confirmation token; or, when the address already has an
        account, nothing written and already_registered (the caller mails the owner)."""
        problem = passwords.weakness(password, email=email, display_name=display_name)
        if problem:
            raise WeakPassword(problem)
        self.count_mail(SIGN_UP, email, address)  # either answer sends a mail
        person_id = uuid4()
        # The credential row first: if the events are refused (email taken), it is removed,
        # so nothing is left half-written. Hashing either way keeps both answers as slow.
        self.store.set_password_hash(person_id, passwords.hash_password(password))
        try:
            registered = self.app.register_account(
                name=name, email=email, display_name=display_name, person_id=person_id
            )
        except EmailAlreadyRegistered:
            self.store.delete_credentials(person_id)
            # The owner, to mail; if the people read model lags, an id without an account
            # (mail.send then finds nobody to write to: still no clue for the visitor).
            owner = self.app.find_person_by_email(email)
            return SignedUp(owner or person_id, None, None, already_registered=True)
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

    def names_of(self, people: list[tuple[UUID, UUID | None]]) -> dict[UUID, str]:
        """Each person's name, unsealed for the staff page that needs it (a session's roll, for
        its facilitator), from (person id, their card id or None): from the account, or from
        the card of someone who has none (a card made at a desk). Never for a public page.
        Nobody erased or unknown is in the answer."""
        names = {}
        for person_id, card_id in people:
            try:
                sealed = self.app.get_account(person_id).sealed_identity
            except AggregateNotFoundError:
                sealed = self.app.get_card(card_id).sealed_identity if card_id else None
            identity = self.app.vault.unseal(person_id, sealed) if sealed else None
            if identity and identity.get("name"):
                names[person_id] = identity["name"]
        return names

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

    def resend_confirmation(self, email: str, address: str | None = None) -> str | None:
        """A new confirmation token for this address's account (None without one), counted
        as a mail: MailThrottled past the limits."""
        self.count_mail(CONFIRM, email, address)
        person_id = self.app.find_person_by_email(email)
        return self.new_confirmation_token(person_id) if person_id else None

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

    def _count_attempt(self, email: str, address: str) -> tuple[str, str]:
        """One more password attempt on this account and from this address, counted before
        the password is checked (LoginThrottled past the limits); their counters' keys."""
        limits = self.limits
        account_key = "account:" + self._email_key(email)
        address_key = "address:" + address
        on_account, on_address = self.store.hit([(account_key, limits.login_window),
                                                 (address_key, limits.login_window)])
        if on_account > limits.login_per_account or on_address > limits.login_per_address:
            raise LoginThrottled(_minutes(limits.login_window))
        return account_key, address_key

    def _attempt_succeeded(self, account_key: str, address_key: str) -> None:
        """The password proved right: the account's failures forgotten, the address's attempt given back."""
        self.store.clear(account_key)
        self.store.release(address_key)

    def log_in(self, *, email: str, password: str, address: str) -> LoggedIn:
        """Every attempt is counted before the password is checked, atomically, and given
        back once the password proves right: of any number of concurrent attempts, at most
        the limit reach the password check."""
        counted = self._count_attempt(email, address)
        person_id = self.app.find_person_by_email(email)
        stored = self.store.password_hash(person_id) if person_id else None
        if not passwords.verify_password(stored or passwords.DUMMY_HASH, password) or stored is None:
            raise InvalidCredentials()  # the attempt stays counted: a failure
        self._attempt_succeeded(*counted)
        if not self.app.get_account(person_id).email_confirmed:
            raise EmailNotConfirmed()
        if passwords.needs_rehash(stored):
            self.store.set_password_hash(person_id, passwords.hash_password(password))
        # A participatory-budget member who signed up with the listed address: link them (idempotent).
        self.app.link_pb_member(person_id, email)
        return LoggedIn(person_id)

    def check_password(self, person_id: UUID, password: str, *, address: str) -> None:
        """Re-authentication before an irreversible act (erasure): the signed-in person's
        current password, or WrongPassword. Counted as login attempts on the same account and
        address (LoginThrottled past the limits): a stolen session cannot guess it at leisure."""
        counted = self._count_attempt(self.email_of(person_id) or person_id.hex, address)
        stored = self.store.password_hash(person_id)
        if not passwords.verify_password(stored or passwords.DUMMY_HASH, password) or stored is None:
            raise WrongPassword()  # the attempt stays counted
        self._attempt_succeeded(*counted)

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

    def request_password_reset(self, email: str, address: str | None = None) -> tuple[UUID, str] | None:
        """A reset token, or None when no account has this address (the page says the same).
        Counted as a mail either way: MailThrottled past the limits."""
        self.count_mail(RESET, email, address)
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
