"""The named errors of seats: each carries its French message, also its translation msgid."""

from __future__ import annotations

from engage.domain.common import AlreadyDone, CardRequired, Closed, DomainError, NotFound


class InvalidSeatCall(DomainError):
    message = "L'appel est invalide : indiquez un titre et au moins un siège."


class InvalidStrata(DomainError):
    message = "Les strates sont invalides : chaque quota doit être positif et leur somme ne peut pas dépasser le nombre de sièges."


class NotAConsultativeBody(DomainError):
    message = "Seule une instance consultative peut ouvrir un appel à volontaires."


class SeatCallClosed(Closed):
    message = "Cet appel à volontaires est clos."


class SeatCallStillOpen(DomainError):
    message = "L'appel est encore ouvert : fermez-le avant de révéler la graine."


class AlreadyVolunteered(AlreadyDone):
    message = "Vous êtes déjà inscrit·e comme volontaire à cet appel."


class CardHolderRequired(CardRequired):
    message = "Seuls les titulaires d'une Carte Citoyen·ne active peuvent se porter volontaires."


class InvalidCommitment(DomainError):
    message = "L'engagement doit être une empreinte SHA-256 : 64 caractères hexadécimaux (0-9, a-f)."


class SeedAlreadyCommitted(DomainError):
    message = "L'empreinte de la graine est déjà enregistrée."


class CommitmentRequired(DomainError):
    message = "Enregistrez l'empreinte de la graine avant de fermer l'appel."


class InvalidSeed(DomainError):
    message = "La graine doit compter 64 caractères hexadécimaux (0-9, a-f)."


class SeedDoesNotMatch(DomainError):
    message = "Cette graine ne correspond pas à l'empreinte enregistrée : révélation refusée."


class SeedAlreadyRevealed(DomainError):
    message = "La graine est déjà révélée et le tirage effectué."


class UnknownSeatCall(NotFound):
    message = "Cet appel à volontaires n'existe pas."
