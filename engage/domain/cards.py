"""The Carte Citoyen·ne de Paris.

A card is issued to a person; its number is reserved by a separate claim
aggregate whose id is derived from the number, so the event store itself
refuses a second card with the same number, even under concurrent requests.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from . import card_numbers
from .errors import ConsentRequired
from .places import check_age_band, check_arrondissement

CARD_NUMBER_NAMESPACE = uuid5(NAMESPACE_URL, "https://engage.paris/ns/card-number")


class CitizenCard(Aggregate):
    STATUS_ACTIVE = "active"

    @event("CardIssued")
    def __init__(
        self,
        number: str,
        person_id: UUID,
        arrondissement: int,
        age_band: str,
        consent_to_consultation: bool,
        sealed_identity: str,
    ):
        # sealed_identity: name and email, encrypted with the person's own key
        # (crypto-shredding); never in clear in the log.
        self.number = number
        self.person_id = person_id
        self.arrondissement = arrondissement
        self.age_band = age_band
        self.consent_to_consultation = consent_to_consultation
        self.sealed_identity = sealed_identity
        self.status = self.STATUS_ACTIVE

    @classmethod
    def issue(
        cls,
        *,
        number: str,
        person_id: UUID,
        arrondissement: int,
        age_band: str,
        consent_to_consultation: bool,
        sealed_identity: str,
    ) -> "CitizenCard":
        if not card_numbers.is_valid(number):
            raise ValueError(f"invalid card number {number!r}")
        if not isinstance(consent_to_consultation, bool):
            raise ConsentRequired()
        return cls(
            number=number,
            person_id=person_id,
            arrondissement=check_arrondissement(arrondissement),
            age_band=check_age_band(age_band),
            consent_to_consultation=consent_to_consultation,
            sealed_identity=sealed_identity,
        )


class CardNumberClaim(Aggregate):
    """Reserves one card number for one card, forever (a lost card's number is never reused)."""

    @staticmethod
    def create_id(number: str) -> UUID:
        return card_number_claim_id(number)

    @event("CardNumberClaimed")
    def __init__(self, number: str, card_id: UUID):
        self.number = number
        self.card_id = card_id


def card_number_claim_id(number: str) -> UUID:
    return uuid5(CARD_NUMBER_NAMESPACE, card_numbers.normalize(number))
