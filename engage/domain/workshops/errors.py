"""The named errors of workshops: each carries its French message, also its translation msgid."""

from __future__ import annotations

from engage.domain.common import AlreadyDone, Busy, Closed, DomainError, NotAllowed, NotFound
from engage.domain.common import CardRequired as CommonCardRequired


class InvalidWorkshop(DomainError):
    message = "Le titre doit compter de 3 à 120 caractères et la description au plus 4 000."


class InvalidTheme(DomainError):
    message = "Choisissez l'une des trois familles d'ateliers."


class InvalidLanguage(DomainError):
    message = "Choisissez la langue de l'atelier dans la liste."


class InvalidSchedule(DomainError):
    message = "La fin de la séance doit suivre son début, le même jour, et la séance ne peut pas être dans le passé."


class InvalidCapacity(DomainError):
    message = "Le nombre de places doit être compris entre 1 et 500."


class PlaceRequired(DomainError):
    message = "Indiquez un lieu avec son arrondissement, ou un lien de visioconférence commençant par https://."


class WorkshopNotFound(NotFound):
    message = "Cet atelier ou cette séance n'existe pas."


class AlreadyRegistered(AlreadyDone):
    message = "Vous êtes déjà inscrit·e à cette séance, ou sur sa liste d'attente."


class SessionStarted(Closed):
    message = "Cette séance a déjà commencé : les inscriptions et les désinscriptions sont closes."


class SessionCancelled(Closed):
    message = "Cette séance est annulée : on ne peut plus s'y inscrire ni la modifier."


class NotRegistered(DomainError):
    message = "Vous n'êtes ni inscrit·e ni sur la liste d'attente de cette séance."


class NotFacilitator(NotAllowed):
    message = ("Seul·e l'animateur·rice de cette séance, ou un·e administrateur·rice, peut la déplacer, "
               "l'annuler ou tenir sa feuille de présence.")


class RollNotOpen(Closed):
    message = "La feuille de présence s'ouvre 30 minutes avant le début de la séance."


class UnknownCard(DomainError):
    message = "Aucune Carte Citoyen·ne valide ne porte ce numéro. Vérifiez les 10 chiffres."


class NotAttended(DomainError):
    message = "Seules les personnes présentes à la séance peuvent en donner un avis ou en obtenir une attestation."


class FeedbackAlreadyGiven(AlreadyDone):
    message = "Vous avez déjà donné votre avis sur cette séance : un seul avis par personne."


class InvalidRating(DomainError):
    message = "La note doit être un nombre entier de 1 à 5, et le commentaire compter au plus 2 000 caractères."


class RegistrationBusy(Busy):
    message = "Beaucoup de personnes s'inscrivent en même temps : réessayez dans un instant."


class CardRequired(CommonCardRequired):
    message = "Une Carte Citoyen·ne valide est nécessaire pour s'inscrire aux ateliers. Demandez-la, ou vérifiez qu'elle n'est pas suspendue."
