"""The Carte Citoyen·ne de Paris.

A card is issued to a person; its number is reserved by a separate claim
aggregate whose id is derived from the number, so the event store itself
refuses a second card with the same number, even under concurrent requests.

Card numbers are personal: the log holds them only sealed with the holder's key,
and the claim's id is a keyed hash (HMAC) of the number, so the public log's
aggregate ids cannot be brute-forced back into the 10^8 possible numbers.
"""

from __future__ import annotations

import hmac
from datetime import date, datetime, timezone
from hashlib import sha256
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from engage.domain.cards import numbers as card_numbers
from engage.domain.cards.errors import (
    CardAlreadyRevoked,
    CardNotActive,
    CardNotSuspended,
    ConsentAlreadyGiven,
    ConsentAlreadyWithdrawn,
    RenewalTooEarly,
    UnknownConsent,
    UnknownReplacementReason,
)
from engage.domain.common import ConsentRequired, check_age_band, check_arrondissement
from engage.domain.publicity import event
from engage.domain.topics import keep_topics

CARD_NUMBER_NAMESPACE = uuid5(NAMESPACE_URL, "https://engage.paris/ns/card-number")

# A signed-in resident's card has an id derived from their person id: a second first
# request collides on (originator_id, version) in the event store, so a person never
# holds two cards, even under concurrent requests. The whole lifecycle (renewal,
# replacement, suspension, revocation, consents) is recorded on that one aggregate.
# Cards issued before accounts existed keep their random ids and work the same.

PERSON_CARD_NAMESPACE = uuid5(NAMESPACE_URL, "https://engage.paris/ns/person-card")
VALIDITY_YEARS = 3
RENEWAL_WINDOW_DAYS = 90

STATUS_ACTIVE = "active"
STATUS_SUSPENDED = "suspended"
STATUS_REVOKED = "revoked"
STATUS_CLOSED = "closed"  # the holder's personal data was erased

CONSULTATION = "consultation"
NEWSLETTER = "newsletter"
CONSENT_PURPOSES = (CONSULTATION, NEWSLETTER)

# INSEE PCS 2020, level 1 (groupes socioprofessionnels), plus the two groups of people
# without a profession that INSEE's population statistics use. Codes only: labels are UI.
PCS_2020_GROUPS = ("1", "2", "3", "4", "5", "6", "7", "8")

# Why a card is replaced: public codes, no personal detail.
REPLACEMENT_REASONS = ("lost", "stolen", "damaged")


def card_id_for_person(person_id: UUID) -> UUID:
    return uuid5(PERSON_CARD_NAMESPACE, person_id.hex)


def today() -> date:
    """The day the card rules are applied to when none is given (UTC). Tests move it to make a card expire."""
    return datetime.now(timezone.utc).date()


def card_is_valid(status: str, valid_until: str | date | None, on: date) -> bool:
    """THE rule of a valid card, for every capability and the read side: active, and not past
    its end of validity (an ISO date; None when a read model has not learnt it yet)."""
    if status != STATUS_ACTIVE:
        return False
    if valid_until is None:
        return True
    end = date.fromisoformat(valid_until) if isinstance(valid_until, str) else valid_until
    return on <= end


def status_on(status: str, valid_until: str | date | None, on: date) -> str:
    """The status a person sees on a given day: an active card past its validity is "expired"."""
    if status == STATUS_ACTIVE and not card_is_valid(status, valid_until, on):
        return "expired"
    return status


def years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class CitizenCard(Aggregate):
    public_id = False  # one person's: its id would link their acts
    STATUS_ACTIVE = STATUS_ACTIVE

    @event("CardIssued", public=("arrondissement", "age_band"), commit=("person_id",))
    def __init__(
        self,
        person_id: UUID,
        arrondissement: int,
        age_band: str,
        consent_to_consultation: bool,
        sealed_identity: str,
        sealed_number: str,
    ):
        # Sealed fields are encrypted with the person's own key (crypto-shredding):
        # name and email in sealed_identity, the card number in sealed_number.
        self.person_id = person_id
        self.arrondissement = arrondissement
        self.age_band = age_band
        self.consent_to_consultation = consent_to_consultation
        self.sealed_identity = sealed_identity
        self.sealed_number = sealed_number
        self.status = self.STATUS_ACTIVE
        self._lifecycle_defaults()

    @classmethod
    def issue(
        cls,
        *,
        person_id: UUID,
        arrondissement: int,
        age_band: str,
        consent_to_consultation: bool,
        sealed_identity: str,
        sealed_number: str,
        card_id: UUID | None = None,
    ) -> "CitizenCard":
        """card_id: derived from the person (card_id_for_person) for a signed-in resident."""
        if not isinstance(consent_to_consultation, bool):
            raise ConsentRequired()
        return cls._create(
            cls.CardIssued,
            id=card_id,
            person_id=person_id,
            arrondissement=check_arrondissement(arrondissement),
            age_band=check_age_band(age_band),
            consent_to_consultation=consent_to_consultation,
            sealed_identity=sealed_identity,
            sealed_number=sealed_number,
        )


    # -- state derived from the events (old cards included) --------------------------
    def _lifecycle_defaults(self) -> None:
        if not hasattr(self, "consents"):
            self.consents = {CONSULTATION: self.consent_to_consultation, NEWSLETTER: False}
            self.valid_until = years_later(self.created_on.date(), VALIDITY_YEARS).isoformat()
            self.sealed_numbers = [self.sealed_number]
            self.sealed_category = None

    def is_valid_on(self, day: date) -> bool:
        return card_is_valid(self.status, self.valid_until, day)

    def is_valid_for(self, person_id: UUID, day: date) -> bool:
        """Held by this person and valid on this day."""
        return self.person_id == person_id and self.is_valid_on(day)

    # -- renewal ------------------------------------------------------------------
    def renew(self, today: date) -> None:
        if self.status != STATUS_ACTIVE:
            raise CardNotActive()
        end = date.fromisoformat(self.valid_until)
        if (end - today).days > RENEWAL_WINDOW_DAYS:
            raise RenewalTooEarly()
        start = max(today, end)
        self._renewed(valid_until=years_later(start, VALIDITY_YEARS).isoformat())

    # -- replacement (lost, stolen, damaged): a new number, the old one invalid -----
    def replace(self, reason: str, sealed_number: str) -> None:
        if self.status != STATUS_ACTIVE:
            raise CardNotActive()
        if reason not in REPLACEMENT_REASONS:
            raise UnknownReplacementReason()
        self._replaced(reason=reason, sealed_number=sealed_number)

    # -- staff decisions ------------------------------------------------------------
    def suspend(self, sealed_reason: str, by: UUID) -> None:
        if self.status != STATUS_ACTIVE:
            raise CardNotActive()
        self._suspended(sealed_reason=sealed_reason, by=by)

    def reinstate(self, sealed_reason: str, by: UUID) -> None:
        if self.status not in (STATUS_SUSPENDED, STATUS_REVOKED):
            raise CardNotSuspended()
        self._reinstated(sealed_reason=sealed_reason, by=by)

    def revoke(self, sealed_reason: str, by: UUID) -> None:
        if self.status in (STATUS_REVOKED, STATUS_CLOSED):
            raise CardAlreadyRevoked()
        self._revoked(sealed_reason=sealed_reason, by=by)

    def close_for_erasure(self) -> None:
        if self.status != STATUS_CLOSED:
            self._closed(reason="personal-data-erased")

    # -- consents, the holder's to give and withdraw ---------------------------------
    def give_consent(self, purpose: str) -> None:
        self._lifecycle_defaults()
        if purpose not in CONSENT_PURPOSES:
            raise UnknownConsent()
        if self.consents[purpose]:
            raise ConsentAlreadyGiven()
        self._consent_given(purpose=purpose)

    def withdraw_consent(self, purpose: str) -> None:
        self._lifecycle_defaults()
        if purpose not in CONSENT_PURPOSES:
            raise UnknownConsent()
        if not self.consents[purpose]:
            raise ConsentAlreadyWithdrawn()
        self._consent_withdrawn(purpose=purpose)

    def declare_category(self, sealed_category: str) -> None:
        self._category_declared(sealed_category=sealed_category)

    # -- events after issue (each one new; CardIssued is unchanged) ---------------------
    @event("CardRenewed")
    def _renewed(self, valid_until: str) -> None:
        self._lifecycle_defaults()
        self.valid_until = valid_until

    @event("CardReplaced")
    def _replaced(self, reason: str, sealed_number: str) -> None:
        self._lifecycle_defaults()
        self.sealed_number = sealed_number
        self.sealed_numbers.append(sealed_number)

    @event("CardSuspended", commit=("by",))
    def _suspended(self, sealed_reason: str, by: UUID) -> None:
        self._lifecycle_defaults()
        self.status = STATUS_SUSPENDED

    @event("CardReinstated", commit=("by",))
    def _reinstated(self, sealed_reason: str, by: UUID) -> None:
        self._lifecycle_defaults()
        self.status = STATUS_ACTIVE

    @event("CardRevoked", commit=("by",))
    def _revoked(self, sealed_reason: str, by: UUID) -> None:
        self._lifecycle_defaults()
        self.status = STATUS_REVOKED

    @event("CardClosed")
    def _closed(self, reason: str) -> None:
        self._lifecycle_defaults()
        self.status = STATUS_CLOSED

    @event("ConsentGiven")
    def _consent_given(self, purpose: str) -> None:
        self.consents[purpose] = True

    @event("ConsentWithdrawn")
    def _consent_withdrawn(self, purpose: str) -> None:
        self.consents[purpose] = False

    @event("SocioProfessionalCategoryDeclared")
    def _category_declared(self, sealed_category: str) -> None:
        """The INSEE PCS 2020 group, sealed: optional, for inclusion statistics only."""
        self._lifecycle_defaults()
        self.sealed_category = sealed_category


class CardNumberClaim(Aggregate):
    """Reserves one card number for one card, forever (a lost card's number is never reused)."""
    public_id = False  # one person's: its id would link their acts

    @staticmethod
    def create_id(claim_id: UUID) -> UUID:
        return claim_id

    @event("CardNumberClaimed")
    def __init__(self, claim_id: UUID, card_id: UUID):
        self.card_id = card_id
        self.retired = False

    def retire(self, reason: str) -> None:
        if not getattr(self, "retired", False):
            self._retired(reason=reason)

    @event("CardNumberRetired")
    def _retired(self, reason: str) -> None:
        """The number no longer opens anything (its card was replaced); never reused."""
        self.retired = True


def card_number_claim_id(number: str, key: bytes) -> UUID:
    """The claim's id: a keyed hash of the number. Finding a card by number recomputes it."""
    if not card_numbers.is_valid(number):
        raise ValueError("invalid card number")
    digest = hmac.new(key, card_numbers.normalize(number).encode(), sha256).hexdigest()
    return uuid5(CARD_NUMBER_NAMESPACE, digest)


keep_topics(__name__, stored_as="engage.domain.cards")
