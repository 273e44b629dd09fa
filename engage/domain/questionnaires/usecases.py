"""Use cases of the targeted questionnaires."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from engage.domain.common import UseCases, last_position
from engage.domain.consultations.usecases import ConsultationResult
from engage.domain.questionnaires.errors import AlreadyAnswered, NotInTarget, QuestionnaireNotFound
from engage.domain.questionnaires.model import Questionnaire, QuestionnaireResponse, response_id


class QuestionnaireUseCases(UseCases):
    """Mixed into EngageApplication."""

    def create_questionnaire(self, *, title: str, introduction: str, questions: list[dict], target: str,
                             created_by: UUID, organization_id: UUID | None = None, open_now: bool = True) -> ConsultationResult:
        questionnaire = Questionnaire.create(title=title, introduction=introduction, questions=questions,
                                             target=target, organization_id=organization_id, created_by=created_by)
        if open_now:
            questionnaire.open_for_answers(created_by)
        return ConsultationResult(questionnaire.id, last_position(self.save(questionnaire)))

    def get_questionnaire(self, questionnaire_id: UUID) -> Questionnaire:
        try:
            found = self.repository.get(questionnaire_id)
        except AggregateNotFoundError:
            found = None
        if not isinstance(found, Questionnaire):
            raise QuestionnaireNotFound()
        return found

    def close_questionnaire(self, questionnaire_id: UUID, *, by: UUID) -> ConsultationResult:
        questionnaire = self.get_questionnaire(questionnaire_id)
        questionnaire.close(by)
        return ConsultationResult(questionnaire.id, last_position(self.save(questionnaire)))

    def answer_questionnaire(self, questionnaire_id: UUID, *, person_id: UUID, answers: dict[str, object],
                             in_target: bool) -> ConsultationResult:
        """`in_target`: whether the person belongs to the questionnaire's public (read by the
        caller from the cards, members or organizations read models)."""
        questionnaire = self.get_questionnaire(questionnaire_id)
        choices, texts = questionnaire.check_answers(answers)
        if not in_target:
            raise NotInTarget()
        key = response_id(person_id, questionnaire_id, self.identifier_key)
        sealed = self.vault.seal(key, texts) if texts else None
        response = QuestionnaireResponse(response_id=key, questionnaire_id=questionnaire_id, choices=choices,
                                         sealed_texts=sealed, sealed_respondent=self._seal_actor(key, person_id))
        try:
            recordings = self.save(response)
        except IntegrityError:
            raise AlreadyAnswered() from None
        return ConsultationResult(key, last_position(recordings))

    def has_answered(self, questionnaire_id: UUID, *, person_id: UUID) -> bool:
        try:
            self.repository.get(response_id(person_id, questionnaire_id, self.identifier_key))
        except AggregateNotFoundError:
            return False
        return True
