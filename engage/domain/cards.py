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
from hashlib import sha256
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
    ) -> "CitizenCard":
        if not isinstance(consent_to_consultation, bool):
            raise ConsentRequired()
        return cls(
            person_id=person_id,
            arrondissement=check_arrondissement(arrondissement),
            age_band=check_age_band(age_band),
            consent_to_consultation=consent_to_consultation,
            sealed_identity=sealed_identity,
            sealed_number=sealed_number,
        )


class CardNumberClaim(Aggregate):
    """Reserves one card number for one card, forever (a lost card's number is never reused)."""

    @staticmethod
    def create_id(claim_id: UUID) -> UUID:
        return claim_id

    @event("CardNumberClaimed")
    def __init__(self, claim_id: UUID, card_id: UUID):
        self.card_id = card_id


def card_number_claim_id(number: str, key: bytes) -> UUID:
    """The claim's id: a keyed hash of the number. Finding a card by number recomputes it."""
    if not card_numbers.is_valid(number):
        raise ValueError("invalid card number")
    digest = hmac.new(key, card_numbers.normalize(number).encode(), sha256).hexdigest()
    return uuid5(CARD_NUMBER_NAMESPACE, digest)
