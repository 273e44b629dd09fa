"""The named errors of restitution: each carries its French message, also its translation msgid."""

from __future__ import annotations

from engage.domain.common import Busy, Closed, DomainError


class RestitutionNotOpen(Closed):
    message = "La suite donnée, les citations et la publication du rapport ne sont possibles qu'à partir de la phase de restitution."


class UnknownAnswerStatus(DomainError):
    message = "Choisissez la suite donnée : retenue, partiellement retenue, non retenue ou hors champ."


class InvalidJustification(DomainError):
    message = "La justification doit compter de 10 à 2 000 caractères."


class AnswerUnchanged(DomainError):
    message = "Cette réponse est identique à la réponse en vigueur : rien n'a été enregistré."


class AlreadyQuoted(DomainError):
    message = "Cette contribution est déjà citée dans le rapport."


class NotQuoted(DomainError):
    message = "Cette contribution n'est pas citée dans le rapport."


class TooManyQuotes(DomainError):
    message = "Le rapport cite au plus 20 contributions : retirez-en une avant d'en ajouter une autre."


class EmptyReport(DomainError):
    message = "Le rapport ne peut pas être publié : aucune contribution publiée n'a encore reçu la réponse de la Ville."


class ReportUnchanged(DomainError):
    message = "Le rapport n'a pas changé depuis la dernière version publiée : rien n'a été enregistré."


class RestitutionBusy(Busy):
    message = "D'autres modifications du rapport sont en cours : rien n'a été enregistré, réessayez dans un instant."


class InvalidSnapshot(DomainError):
    message = "L'instantané du rapport est invalide."
