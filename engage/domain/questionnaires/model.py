"""Targeted questionnaires: editors ask card holders, participatory-budget members, an
organization's members or every resident; each person answers once.

One response per person is an invariant of the event store: the response's id is a keyed
hash of (person, questionnaire), so a second first answer collides on (originator_id,
version). The log shows the choices (they are the results) but never who answered, and
free-text answers are sealed under the response's own key.
"""

from __future__ import annotations

import hmac
from hashlib import sha256
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from engage.domain.publicity import event
from engage.domain.questionnaires.errors import (
    AnswerRequired,
    InvalidAnswer,
    InvalidQuestion,
    InvalidQuestionnaire,
    InvalidTarget,
    QuestionnaireClosed,
)
from engage.domain.topics import keep_topics

RESPONSE_NAMESPACE = uuid5(NAMESPACE_URL, "https://engage.paris/ns/questionnaire-response")

QUESTION_KINDS = {
    "choix-unique": "Choix unique",
    "choix-multiple": "Choix multiple",
    "echelle": "Échelle de 1 à 5",
    "texte": "Texte libre",
}
SCALE = ["1", "2", "3", "4", "5"]
TARGETS = {
    "tous": "Tous les habitants inscrits",
    "carte": "Détenteurs de la Carte Citoyen·ne",
    "budget-participatif": "Adhérents au budget participatif",
    "organisation": "Membres d'une organisation",
}
ANSWER_MAX = 2000


def response_id(person_id: UUID, questionnaire_id: UUID, key: bytes) -> UUID:
    digest = hmac.new(key, f"{person_id.hex}:{questionnaire_id.hex}".encode(), sha256).hexdigest()
    return uuid5(RESPONSE_NAMESPACE, digest)


def check_questions(questions: list[dict]) -> list[dict]:
    if not 1 <= len(questions) <= 30:
        raise InvalidQuestionnaire()
    checked = []
    for index, q in enumerate(questions):
        label = " ".join(str(q.get("label", "")).split())
        kind = q.get("kind")
        options = [" ".join(str(o).split()) for o in q.get("options") or [] if str(o).strip()]
        if not 2 <= len(label) <= 300 or kind not in QUESTION_KINDS:
            raise InvalidQuestion()
        if kind in ("choix-unique", "choix-multiple"):
            if not 2 <= len(options) <= 20 or len(set(options)) != len(options) or any(len(o) > 120 for o in options):
                raise InvalidQuestion()
        elif kind == "echelle":
            options = list(SCALE)
        else:
            options = []
        checked.append({"key": f"q{index + 1}", "label": label, "kind": kind,
                        "required": bool(q.get("required")), "options": options})
    return checked


class Questionnaire(Aggregate):
    public_id = True  # a public object: its events show its id
    @event("QuestionnaireCreated",
           public=("title", "introduction", "questions", "target", "organization_id"),
           commit=("created_by",))
    def __init__(self, title: str, introduction: str, questions: list[dict], target: str,
                 organization_id: UUID | None, created_by: UUID):
        self.title = title
        self.questions = questions
        self.target = target
        self.organization_id = organization_id
        self.open = False

    @classmethod
    def create(cls, *, title: str, introduction: str, questions: list[dict], target: str,
               organization_id: UUID | None, created_by: UUID) -> "Questionnaire":
        title = " ".join((title or "").split())
        if not 5 <= len(title) <= 200 or len(introduction or "") > 3000:
            raise InvalidQuestionnaire()
        if target not in TARGETS or (target == "organisation") != (organization_id is not None):
            raise InvalidTarget()
        return cls(title=title, introduction=(introduction or "").strip(), questions=check_questions(questions),
                   target=target, organization_id=organization_id, created_by=created_by)

    def open_for_answers(self, by: UUID) -> None:
        if not self.open:
            self._opened(by=by)

    @event("QuestionnaireOpened", commit=("by",))
    def _opened(self, by: UUID) -> None:
        self.open = True

    def close(self, by: UUID) -> None:
        if self.open:
            self._closed(by=by)

    @event("QuestionnaireClosed", commit=("by",))
    def _closed(self, by: UUID) -> None:
        self.open = False

    def check_answers(self, answers: dict[str, object]) -> tuple[dict[str, list[str]], dict[str, str]]:
        """(choices per question, free texts per question), or a named error."""
        if not self.open:
            raise QuestionnaireClosed()
        choices: dict[str, list[str]] = {}
        texts: dict[str, str] = {}
        for q in self.questions:
            given = answers.get(q["key"])
            if q["kind"] == "texte":
                text = str(given or "").strip()
                if len(text) > ANSWER_MAX:
                    raise InvalidAnswer()
                if text:
                    texts[q["key"]] = text
                elif q["required"]:
                    raise AnswerRequired()
                continue
            values = [given] if isinstance(given, str) else list(given or [])
            values = [v for v in values if v]
            if q["kind"] != "choix-multiple" and len(values) > 1:
                raise InvalidAnswer()
            if any(v not in q["options"] for v in values) or len(set(values)) != len(values):
                raise InvalidAnswer()
            if not values and q["required"]:
                raise AnswerRequired()
            if values:
                choices[q["key"]] = values
        return choices, texts


class QuestionnaireResponse(Aggregate):
    """One person's answers; its id is keyed, and no person id appears in its event."""
    public_id = False  # one person's: its id would link their acts

    @staticmethod
    def create_id(response_id: UUID) -> UUID:
        return response_id

    @event("QuestionnaireAnswered", public=("questionnaire_id", "choices"), commit=("sealed_respondent",))
    def __init__(self, response_id: UUID, questionnaire_id: UUID, choices: dict, sealed_texts: str | None,
                 sealed_respondent: str | None = None):
        # sealed_respondent: for the respondent's own history only (see attribution.py); optional.
        self.questionnaire_id = questionnaire_id


keep_topics(__name__, stored_as="engage.domain.questionnaires")
