"""The named errors of cards: each carries its French message, also its translation msgid."""

from __future__ import annotations

from engage.domain.common import AlreadyDone, DomainError
from engage.domain.common import ReasonRequired as CommonReasonRequired


class CardError(DomainError):
    pass


class CardAlreadyHeld(AlreadyDone, CardError):
    message = "Vous avez déjà une Carte Citoyen·ne : une seule carte par personne."


class CardNotActive(CardError):
    message = "Cette carte n'est pas active : l'opération est impossible."


class CardNotSuspended(CardError):
    message = "Cette carte n'est ni suspendue ni révoquée."


class CardAlreadyRevoked(CardError):
    message = "Cette carte est déjà révoquée."


class RenewalTooEarly(CardError):
    message = "La carte ne peut être renouvelée que dans les trois mois précédant sa date de fin de validité."


class ReasonRequired(CommonReasonRequired, CardError):
    message = "Indiquez un motif."


class UnknownConsent(CardError):
    message = "Ce consentement n'existe pas."


class ConsentAlreadyGiven(CardError):
    message = "Ce consentement est déjà donné."


class ConsentAlreadyWithdrawn(CardError):
    message = "Ce consentement est déjà retiré."


class UnknownCategory(CardError):
    message = "Cette catégorie socioprofessionnelle n'existe pas."


class NoCard(CardError):
    message = "Vous n'avez pas encore de Carte Citoyen·ne."


class UnknownReplacementReason(CardError):
    message = "Choisissez pourquoi la carte doit être remplacée."
