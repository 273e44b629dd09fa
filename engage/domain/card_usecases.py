"""Use cases of the Carte Citoyen·ne."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from . import card_numbers
from .cards import CardNumberClaim, CitizenCard, card_number_claim_id
from .errors import CardNumberUnavailable
from .recording import last_position


@dataclass(frozen=True)
class CardIssued:
    card_id: UUID
    person_id: UUID
    number: str
    position: int


class CardUseCases:
    """Mixed into EngageApplication."""

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
    ) -> CardIssued:
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
            return CardIssued(card.id, person_id, number, last_position(recordings))
        raise CardNumberUnavailable()

    def get_card(self, card_id: UUID) -> CitizenCard:
        return self.repository.get(card_id)

    def find_card_id(self, number: str) -> UUID | None:
        """The card bearing this number, found through its claim (no read model needed)."""
        if not card_numbers.is_valid(number):
            return None
        try:
            claim = self.repository.get(card_number_claim_id(number, self.identifier_key))
        except AggregateNotFoundError:
            return None
        return claim.card_id
