"""The named errors of organizations: each carries its French message, also its translation msgid."""

from __future__ import annotations

from engage.domain.common import DomainError, NotAllowed, NotFound


class InvalidOrganization(DomainError):
    message = "Les informations de l'organisation sont incomplètes ou invalides."


class OrganizationNameTaken(DomainError):
    message = "Une organisation porte déjà ce nom."


class UnknownOrganization(NotFound):
    message = "Cette organisation n'existe pas."


class AlreadyRepresentative(DomainError):
    message = "Cette personne représente déjà l'organisation."


class NotARepresentative(NotAllowed):
    message = "Vous ne représentez pas cette organisation."


class NoAccountForEmail(DomainError):
    message = "Aucun compte n'existe avec cette adresse électronique : la personne doit d'abord créer son compte."


class InvalidOrganizationKind(InvalidOrganization):
    message = "Choisissez un type d'organisation."


class InvalidWebsite(InvalidOrganization):
    message = "L'adresse du site doit commencer par https:// ou http://."


class PersonNotRepresentative(DomainError):
    message = "Cette personne ne représente pas l'organisation."


class InvalidOffer(DomainError):
    message = "L'offre est incomplète ou invalide."


class InvalidOfferKind(InvalidOffer):
    message = "Choisissez le type de l'offre."


class InvalidOfferDate(InvalidOffer):
    message = "Les dates doivent être valides (AAAA-MM-JJ)."


class OfferDatesInverted(DomainError):
    message = "La date de fin de l'offre précède sa date de début."


class OfferAlreadyWithdrawn(DomainError):
    message = "Cette offre est déjà retirée."


class UnknownOffer(NotFound):
    message = "Cette offre n'existe pas."
