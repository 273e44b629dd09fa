"""The named errors of questionnaires: each carries its French message, also its translation msgid."""

from __future__ import annotations

from engage.domain.common import AlreadyDone, Closed, DomainError, NotFound


class InvalidQuestionnaire(DomainError):
    message = "Le questionnaire doit avoir un titre (5 à 200 caractères) et de 1 à 30 questions."


class InvalidQuestion(DomainError):
    message = "Chaque question a un libellé, un type connu, et de 2 à 20 réponses possibles pour un choix."


class InvalidTarget(DomainError):
    message = "Choisissez le public visé ; pour les membres d'une organisation, indiquez l'organisation."


class QuestionnaireClosed(Closed):
    message = "Ce questionnaire n'est pas ouvert aux réponses."


class NotInTarget(DomainError):
    message = "Ce questionnaire s'adresse à un autre public que le vôtre."


class AlreadyAnswered(AlreadyDone):
    message = "Vous avez déjà répondu à ce questionnaire : une seule réponse par personne."


class AnswerRequired(DomainError):
    message = "Répondez à toutes les questions obligatoires."


class InvalidAnswer(DomainError):
    message = "Une réponse ne correspond pas aux choix proposés, ou dépasse 2 000 caractères."


class QuestionnaireNotFound(NotFound):
    message = "Ce questionnaire n'existe pas."
