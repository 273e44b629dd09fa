"""What every capability of the domain shares.

- DomainError, the base of every named domain error: each carries a French message, also
  its translation msgid;
- the twenty arrondissements of Paris and the age bands used in public statistics;
- last_position, what a command hands back to the interface: where its events landed;
- PersonalDataVault: personal data is sealed per person before it enters an event. The vault
  holds one key per person outside the event store; destroying the key (erasure) leaves every
  event intact and every sealed field unreadable.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any, Callable, Mapping, Protocol
from uuid import UUID

if TYPE_CHECKING:
    from eventsourcing.application import Repository


class DomainError(Exception):
    message = "L'opération n'a pas pu être effectuée."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.message)
        if message:
            self.message = message


class InvalidArrondissement(DomainError):
    message = "L'arrondissement doit être un nombre de 1 à 20."


class InvalidAgeBand(DomainError):
    message = "La tranche d'âge choisie n'existe pas."


class ConsentRequired(DomainError):
    message = "Le consentement doit être une réponse explicite (oui ou non)."


class CardNumberUnavailable(DomainError):
    message = "Aucun numéro de carte libre n'a pu être attribué ; réessayez."


ARRONDISSEMENTS = tuple(range(1, 21))
# Since 2020 the first four arrondissements also form one sector, "Paris Centre".
PARIS_CENTRE = (1, 2, 3, 4)

# Codes are stable (events and open data use them); labels are French msgids.
AGE_BANDS = {
    "under-18": "Moins de 18 ans",
    "18-24": "18 à 24 ans",
    "25-34": "25 à 34 ans",
    "35-49": "35 à 49 ans",
    "50-64": "50 à 64 ans",
    "65-plus": "65 ans et plus",
}


def arrondissement_label(number: int) -> str:
    """French ordinal, as written on street signs: 1er, 2e, ... 20e."""
    return "1er" if number == 1 else f"{number}e"


def check_arrondissement(number: object) -> int:
    if isinstance(number, bool) or not isinstance(number, int) or number not in ARRONDISSEMENTS:
        raise InvalidArrondissement()
    return number


def check_age_band(code: object) -> str:
    if code not in AGE_BANDS:
        raise InvalidAgeBand()
    return str(code)


def last_position(recordings: list[Any]) -> int:
    """Notification id of the last event written: the position a page waits for."""
    return max(r.notification.id for r in recordings)


class PersonalDataVault(Protocol):
    def seal(self, person_id: UUID, fields: Mapping[str, str]) -> str:
        """Encrypt fields with the person's key (created on first use)."""

    def unseal(self, person_id: UUID, sealed: str) -> dict[str, str] | None:
        """The fields, or None once the person's key has been destroyed."""

    def erased_among(self, ids: list[UUID]) -> set[UUID]:
        """Which of these ids were erased: no key will ever be created for them again."""


# -- errors with one meaning across capabilities ---------------------------------------------
# Each capability's error keeps its own French message (its msgid) and subclasses one of
# these: an interface catches the meaning (say, NotFound for a 404) without listing every
# capability's class. They add no message of their own.


class NotFound(DomainError):
    """The aggregate named does not exist (or is not of the kind asked for)."""


class CardRequired(DomainError):
    """The act is open to holders of a valid card only (see engage.domain.cards.model.card_is_valid)."""


class NotAllowed(DomainError):
    """The person is not the one who may do this (the author, the facilitator, the representative)."""


class Closed(DomainError):
    """The act is not open at this stage (phase, call, questionnaire, roll, session)."""


class AlreadyDone(DomainError):
    """Once per person, and this person already did it."""


class Busy(DomainError):
    """Too many concurrent changes: nothing was recorded, try again."""


class ReasonRequired(DomainError):
    """A decision needs its reason."""



# -- what the use-case mixins share ------------------------------------------------------------


class UseCases:
    """The base of every use-case mixin of EngageApplication: what the application gives them
    all. Annotations only, so nothing here shadows the application's own attributes.

    A mixin that uses something of another mixin declares it the same way, as a class
    annotation under "Uses, from the other mixins" (tests/domain/test_mixins.py checks that
    each mixin uses only what it defines or declares, and that the application provides it)."""

    repository: Repository
    save: Callable[..., list[Any]]  # eventsourcing's Application.save (or the group commit's)
    vault: PersonalDataVault
    identifier_key: bytes
    _rng: random.Random
    _seal_actor: Callable[[UUID, UUID], str]  # engage.domain.attribution.ActorSealing
