"""Questionnaires read model: the questionnaires, counts per option, free-text answers.

Results are counts kept as answers arrive: a results page reads one row per option and
one page of free texts, never the responses themselves.
"""

from __future__ import annotations

import json
from typing import Any

from engage.db import Cursor
from engage.domain.common import PersonalDataVault
from engage.domain.questionnaires.model import Questionnaire, QuestionnaireResponse
from engage.projections.base import Projection


class QuestionnairesProjection(Projection):
    name = "questionnaires"
    follows = (
        Questionnaire.QuestionnaireCreated,
        Questionnaire.QuestionnaireOpened,
        Questionnaire.QuestionnaireClosed,
        QuestionnaireResponse.QuestionnaireAnswered,
    )
    tables = ("rm_questionnaires", "rm_questionnaire_counts", "rm_questionnaire_texts")

    def __init__(self, vault: PersonalDataVault):
        self.vault = vault

    def create_tables(self, cur: Cursor) -> None:
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_questionnaires (
                questionnaire_id TEXT PRIMARY KEY,
                title TEXT NOT NULL,
                introduction TEXT NOT NULL,
                questions TEXT NOT NULL,
                target TEXT NOT NULL,
                organization_id TEXT,
                is_open BOOLEAN NOT NULL,
                responses INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                position BIGINT NOT NULL
            )"""
        )
        cur.execute("CREATE INDEX IF NOT EXISTS rm_questionnaires_position ON rm_questionnaires (position)")
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_questionnaire_counts (
                questionnaire_id TEXT NOT NULL,
                question_key TEXT NOT NULL,
                option TEXT NOT NULL,
                answers INTEGER NOT NULL,
                PRIMARY KEY (questionnaire_id, question_key, option)
            )"""
        )
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_questionnaire_texts (
                questionnaire_id TEXT NOT NULL,
                question_key TEXT NOT NULL,
                position BIGINT NOT NULL,
                body TEXT,
                PRIMARY KEY (questionnaire_id, question_key, position)
            )"""
        )

    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        qid = getattr(event, "questionnaire_id", None) or event.originator_id
        if isinstance(event, Questionnaire.QuestionnaireCreated):
            cur.execute(
                "INSERT INTO rm_questionnaires (questionnaire_id, title, introduction, questions, target,"
                " organization_id, is_open, responses, created_at, position)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, 0, %s, %s)",
                [qid.hex, event.title, event.introduction, json.dumps(event.questions), event.target,
                 event.organization_id.hex if event.organization_id else None, False,
                 event.timestamp.isoformat(), position])
        elif isinstance(event, (Questionnaire.QuestionnaireOpened, Questionnaire.QuestionnaireClosed)):
            cur.execute("UPDATE rm_questionnaires SET is_open = %s WHERE questionnaire_id = %s",
                        [isinstance(event, Questionnaire.QuestionnaireOpened), qid.hex])
        elif isinstance(event, QuestionnaireResponse.QuestionnaireAnswered):
            cur.execute("UPDATE rm_questionnaires SET responses = responses + 1 WHERE questionnaire_id = %s",
                        [qid.hex])
            for key, options in event.choices.items():
                for option in options:
                    cur.execute(
                        "INSERT INTO rm_questionnaire_counts (questionnaire_id, question_key, option, answers)"
                        " VALUES (%s, %s, %s, 1) ON CONFLICT (questionnaire_id, question_key, option)"
                        " DO UPDATE SET answers = rm_questionnaire_counts.answers + 1",
                        [qid.hex, key, option])
            if event.sealed_texts:
                texts = self.vault.unseal(event.originator_id, event.sealed_texts, cur=cur) or {}
                for key, body in texts.items():
                    cur.execute("INSERT INTO rm_questionnaire_texts (questionnaire_id, question_key, position, body)"
                                " VALUES (%s, %s, %s, %s)", [qid.hex, key, position, body])
