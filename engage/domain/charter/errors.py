"""The named errors of charter: each carries its French message, also its translation msgid."""

from __future__ import annotations

from engage.domain.common import Closed, DomainError, NotFound
from engage.domain.common import ReasonRequired as CommonReasonRequired


class EmptyText(DomainError):
    message = "Le texte ne peut pas être vide."


class TextTooLong(DomainError):
    message = "Le texte est trop long (20 000 caractères au plus)."


class InvalidLevel(DomainError):
    message = "Le niveau d'avancement choisi n'existe pas."


class InvalidDate(DomainError):
    message = "Saisissez une date au format AAAA-MM-JJ."


class DatesOutOfOrder(DomainError):
    message = "La date de fin réelle précède la date de début réelle."


class InvalidDeliverableUrl(DomainError):
    message = "Le lien du livrable doit être une adresse du site (commençant par /) ou une adresse https://."


class CharterAlreadyStarted(DomainError):
    message = "La charte existe déjà."


class MilestoneAlreadyPlanned(DomainError):
    message = "Cette étape de l'engagement existe déjà."


class CharterNotStarted(DomainError):
    message = "La charte n'a pas encore été commencée."


class UnknownAmendment(NotFound):
    message = "Cet amendement n'existe pas."


class CharterFrozen(DomainError):
    message = "La charte a été adoptée par le Conseil de Paris : son texte est figé."


class DraftingNotOpen(Closed):
    message = "La phase de rédaction de la charte n'est pas ouverte : les amendements et les votes sont fermés."


class CharterNotLinked(DomainError):
    message = "La charte n'est liée à aucune consultation : un éditeur doit d'abord la lier à sa consultation."


class AlreadyLinked(DomainError):
    message = "La charte est déjà liée à cette consultation."


class UnknownContribution(DomainError):
    message = "La contribution « ${ref} » n'existe pas dans la consultation de la charte : elle ne peut pas être citée."

    def __init__(self, ref: str):
        super().__init__()
        self.mapping = {"ref": ref}  # the first 8 hex digits of its id, as its pages show it


class ContributionNotCitable(UnknownContribution):
    message = "La contribution « ${ref} » a été masquée ou retirée : elle ne peut pas être citée."


class TooManyCitations(DomainError):
    message = "Citez au plus 20 contributions pour une version d'article."


class UnknownArticle(NotFound):
    message = "Cet article n'existe pas."


class UnknownVersion(NotFound):
    message = "Cette version n'existe pas."


class NothingChanged(DomainError):
    message = "Le texte proposé est identique au texte actuel."


class AmendmentOutdated(DomainError):
    message = ("Conflit : cet amendement a été rédigé sur la version ${base} de l'article, "
               "qui est maintenant à la version ${current}. Il reste en attente, marqué « à actualiser » ; "
               "rien n'a été perdu. Son auteur ou un éditeur peut proposer un nouvel amendement sur le texte actuel.")

    def __init__(self, base: int, current: int):
        super().__init__()
        self.mapping = {"base": str(base), "current": str(current)}


class AmendmentAlreadyDecided(DomainError):
    message = "Cet amendement a déjà été accepté ou rejeté."


class InvalidChoice(DomainError):
    message = "Choisissez « d'accord », « mitigé » ou « pas d'accord »."


class NoBallot(DomainError):
    message = "Vous n'avez pas de vote à retirer sur cet amendement."


class InvalidDeliberation(DomainError):
    message = "La délibération est incomplète : ${field}."

    def __init__(self, field: str):
        super().__init__()
        self.mapping = {"field": field}


class NothingPublished(DomainError):
    message = "La charte n'a encore aucun article : il n'y a rien à publier."


class InvalidSlug(DomainError):
    message = "L'adresse de la page ne peut contenir que des lettres minuscules sans accent, des chiffres et des tirets."


class ReasonRequired(CommonReasonRequired):
    message = "Indiquez la raison de la décision."
