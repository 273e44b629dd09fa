"""Use cases of the Carte Citoyen·ne."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from engage.domain.accounts.errors import AlreadyErased
from engage.domain.accounts.model import Account
from engage.domain.cards import model as card_model
from engage.domain.cards import numbers as card_numbers
from engage.domain.cards.errors import CardAlreadyHeld, NoCard, ReasonRequired, UnknownCategory
from engage.domain.cards.model import (
    NEWSLETTER,
    PCS_2020_GROUPS,
    CardNumberClaim,
    CitizenCard,
    card_id_for_person,
    card_number_claim_id,
)
from engage.domain.common import CardNumberUnavailable, UseCases, last_position


@dataclass(frozen=True)
class CardIssueResult:
    card_id: UUID
    person_id: UUID
    number: str
    position: int


class CardUseCases(UseCases):
    """Mixed into EngageApplication."""

    # Uses, from the other mixins (annotations only: EngageApplication provides them):
    look_up_card_number: Callable[[str], CardNumberLookup]  # cards' lifecycle

    NUMBER_ATTEMPTS = 8

    def issue_card(
        self,
        *,
        name: str,
        email: str,
        arrondissement: int,
        age_band: str,
        consent_to_consultation: bool,
        person_id: UUID | None = None,
    ) -> CardIssueResult:
        person_id = person_id or uuid4()
        sealed = self.vault.seal(person_id, {"name": name, "email": email})
        for _ in range(self.NUMBER_ATTEMPTS):
            number = card_numbers.new_card_number(self._rng)
            card = CitizenCard.issue(
                person_id=person_id,
                arrondissement=arrondissement,
                age_band=age_band,
                consent_to_consultation=consent_to_consultation,
                sealed_identity=sealed,
                sealed_number=self.vault.seal(person_id, {"card_number": number}),
            )
            claim = CardNumberClaim(
                claim_id=card_number_claim_id(number, self.identifier_key), card_id=card.id
            )
            try:
                recordings = self.save(card, claim)
            except IntegrityError:
                continue  # number already taken: draw another
            return CardIssueResult(card.id, person_id, number, last_position(recordings))
        raise CardNumberUnavailable()

    def get_card(self, card_id: UUID) -> CitizenCard:
        return self.repository.get(card_id)

    def find_card_id(self, number: str) -> UUID | None:
        """The card bearing this number, found through its claim (no read model needed).
        None for a malformed or unknown number, and for the old number of a replaced card:
        look_up_card_number says which."""
        found = self.look_up_card_number(number)
        return found.card_id if found.status == "current" else None


# --------------------------------------------------------------------------- lifecycle


@dataclass(frozen=True)
class CardNumberLookup:
    """What a card number says, for a desk or a staff page.

    status: "malformed" (fails the check digit), "unknown", "replaced" (an old number of a
    card that was replaced: it opens nothing any more) or "current".
    """

    status: str
    card_id: UUID | None = None


class CardLifecycleUseCases(UseCases):
    """The card of a signed-in resident, from request to revocation. Mixed into EngageApplication."""

    # Uses, from the other mixins (annotations only: EngageApplication provides them):
    NUMBER_ATTEMPTS: int  # cards
    get_card: Callable[[UUID], CitizenCard]  # cards
    get_account: Callable[[UUID], Account]  # accounts

    def request_card(
        self,
        *,
        person_id: UUID,
        arrondissement: int,
        age_band: str,
        consent_to_consultation: bool,
        consent_to_newsletter: bool,
        category: str | None = None,
    ) -> CardIssueResult:
        """Name and email come from the account (already sealed with the person's key)."""
        account = self.get_account(person_id)
        if account.erased:
            raise AlreadyErased()
        if category is not None and category not in PCS_2020_GROUPS:
            raise UnknownCategory()
        card_id = card_id_for_person(person_id)
        if self.card_of(person_id) is not None:
            raise CardAlreadyHeld()
        for _ in range(self.NUMBER_ATTEMPTS):
            number = card_numbers.new_card_number(self._rng)
            card = CitizenCard.issue(
                card_id=card_id,
                person_id=person_id,
                arrondissement=arrondissement,
                age_band=age_band,
                consent_to_consultation=consent_to_consultation,
                sealed_identity=account.sealed_identity,
                sealed_number=self.vault.seal(person_id, {"card_number": number}),
            )
            if consent_to_newsletter:
                card.give_consent(NEWSLETTER)
            if category is not None:
                card.declare_category(self.vault.seal(person_id, {"category": category}))
            claim = CardNumberClaim(claim_id=card_number_claim_id(number, self.identifier_key), card_id=card.id)
            try:
                recordings = self.save(card, claim)
            except IntegrityError:
                if self.card_of(person_id) is not None:
                    raise CardAlreadyHeld() from None
                continue  # the number was taken: draw another
            return CardIssueResult(card.id, person_id, number, last_position(recordings))
        raise CardNumberUnavailable()

    def card_of(self, person_id: UUID) -> CitizenCard | None:
        try:
            return self.repository.get(card_id_for_person(person_id))
        except AggregateNotFoundError:
            return None

    def _holder_card(self, person_id: UUID) -> CitizenCard:
        card = self.card_of(person_id)
        if card is None:
            raise NoCard()
        return card

    def renew_card(self, person_id: UUID, *, today: date | None = None) -> int:
        card = self._holder_card(person_id)
        card.renew(today or card_model.today())
        return last_position(self.save(card))

    def replace_card(self, person_id: UUID, reason: str) -> CardIssueResult:
        """A lost, stolen or damaged card: a new number; the old one never opens anything again."""
        card = self._holder_card(person_id)
        old_number = self.vault.unseal(person_id, card.sealed_number)["card_number"]
        old_claim = self.repository.get(card_number_claim_id(old_number, self.identifier_key))
        for _ in range(self.NUMBER_ATTEMPTS):
            card = self._holder_card(person_id)
            number = card_numbers.new_card_number(self._rng)
            card.replace(reason, self.vault.seal(person_id, {"card_number": number}))
            old_claim.retire("replaced")
            claim = CardNumberClaim(claim_id=card_number_claim_id(number, self.identifier_key), card_id=card.id)
            try:
                recordings = self.save(card, old_claim, claim)
            except IntegrityError:
                old_claim = self.repository.get(old_claim.id)
                continue
            return CardIssueResult(card.id, person_id, number, last_position(recordings))
        raise CardNumberUnavailable()

    def _staff_decision(self, card_id: UUID, action: str, reason: str, by: UUID) -> int:
        reason = " ".join((reason or "").split())
        if not reason:
            raise ReasonRequired()
        card = self.get_card(card_id)
        getattr(card, action)(self.vault.seal(card.person_id, {"reason": reason}), by)
        return last_position(self.save(card))

    def suspend_card(self, card_id: UUID, *, reason: str, by: UUID) -> int:
        return self._staff_decision(card_id, "suspend", reason, by)

    def reinstate_card(self, card_id: UUID, *, reason: str, by: UUID) -> int:
        return self._staff_decision(card_id, "reinstate", reason, by)

    def revoke_card(self, card_id: UUID, *, reason: str, by: UUID) -> int:
        return self._staff_decision(card_id, "revoke", reason, by)

    def declare_category(self, person_id: UUID, category: str, *, card_id: UUID | None = None) -> int:
        """The optional socio-professional group, declared (or changed) after the request;
        card_id for a card issued at a counter (its id is not derived from the person)."""
        if category not in PCS_2020_GROUPS:
            raise UnknownCategory()
        card = self.get_card(card_id) if card_id is not None else self._holder_card(person_id)
        if card.person_id != person_id:
            raise NoCard()
        card.declare_category(self.vault.seal(person_id, {"category": category}))
        return last_position(self.save(card))

    def give_consent(self, person_id: UUID, purpose: str) -> int:
        card = self._holder_card(person_id)
        card.give_consent(purpose)
        return last_position(self.save(card))

    def withdraw_consent(self, person_id: UUID, purpose: str) -> int:
        card = self._holder_card(person_id)
        card.withdraw_consent(purpose)
        return last_position(self.save(card))

    def look_up_card_number(self, number: str) -> CardNumberLookup:
        if not card_numbers.is_valid(number):
            return CardNumberLookup("malformed")
        try:
            claim = self.repository.get(card_number_claim_id(number, self.identifier_key))
        except AggregateNotFoundError:
            return CardNumberLookup("unknown")
        if getattr(claim, "retired", False):
            return CardNumberLookup("replaced", claim.card_id)
        return CardNumberLookup("current", claim.card_id)

    def valid_card_id(self, number: str, *, today: date | None = None) -> UUID | None:
        """For other capabilities (workshop walk-ins): the card bearing this number if it
        opens something today: current number, active status, within its validity."""
        found = self.look_up_card_number(number)
        if found.status != "current":
            return None
        card = self.get_card(found.card_id)
        return card.id if card.is_valid_on(today or card_model.today()) else None

    def valid_card(self, card_id: UUID | None, person_id: UUID, *, on: date | None = None) -> CitizenCard | None:
        """For other capabilities: this card, if it is the person's and valid on the day (today by
        default), decided on the card's own aggregate (card_is_valid); None otherwise."""
        if card_id is None:
            return None
        try:
            card = self.repository.get(card_id)
        except AggregateNotFoundError:
            return None
        if not isinstance(card, CitizenCard) or not card.is_valid_for(person_id, on or card_model.today()):
            return None
        return card
