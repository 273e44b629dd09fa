"""The named errors of consultations: each carries its French message, also its translation msgid."""

from __future__ import annotations

from engage.domain.common import AlreadyDone, Busy, Closed, DomainError, NotAllowed, NotFound
from engage.domain.common import CardRequired as CommonCardRequired


class InvalidConsultation(DomainError):
    message = "La consultation est incomplète ou mal renseignée."


class InvalidPlan(DomainError):
    message = "Le calendrier doit donner, pour chacune des quatre phases, une date de début et une date de fin dans l'ordre (consultation, restitution, rédaction, adoption)."


class SlugTaken(DomainError):
    message = "Une consultation porte déjà cette adresse courte ; choisissez-en une autre."


class PhaseOrder(DomainError):
    message = "Les phases se suivent dans l'ordre : consultation, restitution, rédaction, adoption."


class ContributionClosed(Closed):
    message = "Les contributions et les votes ne sont possibles que pendant la phase de consultation."


class CardRequired(CommonCardRequired):
    message = "Cette consultation est réservée aux détenteurs d'une Carte Citoyen·ne valide."


class UnknownKind(DomainError):
    message = "Choisissez le type de contribution : proposition, avis, argument pour, argument contre ou question."


class UnknownTheme(DomainError):
    message = "Choisissez l'un des thèmes de la consultation."


class ItemUnavailable(DomainError):
    message = "Cette contribution a été retirée ou masquée : on ne peut plus y répondre ni voter."


class NotTheAuthor(NotAllowed):
    message = "Seul l'auteur ou l'autrice d'une contribution peut la modifier ou la retirer."


class EditWindowClosed(DomainError):
    message = "Une contribution ne peut être modifiée que dans les 15 minutes qui suivent sa publication ; vous pouvez encore la retirer."


class AlreadyWithdrawn(DomainError):
    message = "Cette contribution est déjà retirée."


class UnknownOption(DomainError):
    message = "Choisissez une réponse : d'accord, mitigé ou pas d'accord."


class NoVoteToWithdraw(DomainError):
    message = "Vous n'avez pas de vote à retirer sur cette contribution."


class InvalidModerationReason(DomainError):
    message = "Indiquez un motif de 5 à 300 caractères."


class AlreadyReported(AlreadyDone):
    message = "Vous avez déjà signalé cette contribution : l'équipe de modération l'a reçu. Un seul signalement par personne."


class AlreadyHidden(DomainError):
    message = "Cette contribution est déjà masquée."


class NotHidden(DomainError):
    message = "Cette contribution n'est pas masquée."


class InvalidMeeting(DomainError):
    message = "La réunion doit avoir un titre, une date, et soit un lieu avec son arrondissement, soit un lien de visioconférence en https."


class InvalidCount(DomainError):
    message = "Les nombres doivent être des entiers positifs ou nuls."


class InvalidScanDigest(DomainError):
    message = "L'empreinte SHA-256 du scan doit compter 64 caractères hexadécimaux."


class InvalidPaperReference(DomainError):
    message = "La référence du formulaire papier ne peut pas dépasser 60 caractères."


class InvalidThemes(InvalidConsultation):
    message = "Donnez de 1 à 20 thèmes, de 2 à 80 caractères chacun."


class DuplicateTheme(InvalidConsultation):
    message = "Deux thèmes portent le même nom."


class InvalidTitle(InvalidConsultation):
    message = "Le titre doit compter de 5 à 200 caractères."


class InvalidDescription(InvalidConsultation):
    message = "La description doit compter de 1 à 5 000 caractères."


class InvalidCardSetting(InvalidConsultation):
    message = "Indiquez si une Carte Citoyen·ne valide est requise."


class InvalidThreshold(InvalidConsultation):
    message = "Le seuil de soutien doit être un nombre entier de 1 à 10 000 000."


class MeetingNotFound(NotFound, InvalidConsultation):
    message = "Cette réunion publique n'existe pas."


class InvalidMeetingTime(InvalidMeeting):
    message = "Indiquez la date et l'heure de la réunion, par exemple 2026-12-03T18:30."


class ConsultationNotFound(NotFound, InvalidConsultation):
    message = "Cette consultation n'existe pas."


class ContributionNotFound(NotFound, ItemUnavailable):
    message = "Cette contribution n'existe pas."


class EmptyText(DomainError):
    message = "Le texte de la contribution est vide : écrivez quelques mots."


class TextTooLong(DomainError):
    message = "Le texte de la contribution ne peut pas dépasser 4 000 caractères."


class InvalidSlug(InvalidConsultation):
    message = "L'adresse courte doit compter au moins 3 lettres ou chiffres."


class InvalidSheetCount(DomainError):
    message = "Indiquez un nombre de feuilles de 1 à 200."


class NoSheetsOnline(DomainError):
    message = "Une réunion en ligne n'a pas de feuilles de contribution à imprimer."


class InvalidSheetNumber(DomainError):
    message = "Le numéro de feuille s'écrit en chiffres, clé de contrôle comprise, comme il est imprimé (par exemple 000012-5)."


class WrongCheckDigit(InvalidSheetNumber):
    message = "La clé de contrôle ne correspond pas à ce numéro de feuille : vérifiez le numéro recopié."


class UnknownSheet(NotFound, InvalidSheetNumber):
    message = "Ce numéro de feuille n'appartient à aucune série imprimée pour cette réunion."


class SheetAlreadyTranscribed(AlreadyDone):
    message = "Cette feuille a déjà été transcrite : une feuille ne se transcrit qu'une fois."


class SheetsBusy(Busy):
    message = "D'autres feuilles sont enregistrées au même moment : rien n'a été enregistré, réessayez."
