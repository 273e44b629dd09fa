"""The named errors of accounts: each carries its French message, also its translation msgid."""

from __future__ import annotations

from engage.domain.common import DomainError


class EmailAlreadyRegistered(DomainError):
    message = "Un compte existe déjà avec cette adresse électronique."


class EmailAlreadyConfirmed(DomainError):
    message = "Cette adresse électronique est déjà confirmée."


class RoleAlreadyGranted(DomainError):
    message = "Cette personne a déjà ce rôle."


class RoleNotHeld(DomainError):
    message = "Cette personne n'a pas ce rôle."


class InvalidDisplayName(DomainError):
    message = "Le nom public doit compter de 3 à 40 caractères."


class InvalidCredentials(DomainError):
    message = "Adresse électronique ou mot de passe incorrect."


class WrongPassword(DomainError):
    """The signed-in person's password, asked again before an irreversible act, is not theirs."""
    message = "Mot de passe incorrect : rien n'a été effacé."


class LoginThrottled(DomainError):
    message = "Trop de tentatives de connexion. Par sécurité, attendez ${minutes} minutes avant de réessayer, ou réinitialisez votre mot de passe."

    def __init__(self, minutes: int = 15):
        super().__init__()
        self.mapping = {"minutes": minutes}


class MailThrottled(DomainError):
    """Too many mails asked for one address, or from one client: the same answer whether or
    not the address has an account."""
    message = "Trop de demandes pour cette adresse ou depuis votre connexion. Par sécurité, aucun message n'a été envoyé : réessayez dans ${minutes} minutes."

    def __init__(self, minutes: int = 60):
        super().__init__()
        self.mapping = {"minutes": minutes}


class EmailNotConfirmed(DomainError):
    message = "Confirmez d'abord votre adresse électronique : nous venons de vous renvoyer le lien de confirmation."


class LinkUnknown(DomainError):
    message = "Ce lien n'est pas valide. Vérifiez qu'il a été copié en entier."


class LinkExpired(DomainError):
    message = "Ce lien a expiré. Demandez-en un nouveau."


class LinkUsed(DomainError):
    message = "Ce lien a déjà été utilisé. Chaque lien ne sert qu'une fois."


class WeakPassword(DomainError):
    """Its message says why; the rules live with the credentials, outside the domain."""


class AlreadyErased(DomainError):
    message = "Les données personnelles de cette personne sont déjà effacées."
