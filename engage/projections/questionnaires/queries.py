"""Queries of the questionnaire pages: paged, indexed; and who belongs to which public."""

from __future__ import annotations

import json
from dataclasses import dataclass
from uuid import UUID

from engage.db import Cursor, Database
from engage.projections.cards import queries as card_queries

PAGE_SIZE = 20


@dataclass(frozen=True)
class QuestionnaireView:
    questionnaire_id: str
    title: str
    introduction: str
    questions: list[dict]
    target: str
    organization_id: str | None
    is_open: bool
    responses: int
    created_at: str


_SELECT = ("SELECT questionnaire_id, title, introduction, questions, target, organization_id, is_open,"
           " responses, created_at FROM rm_questionnaires")


def _view(row) -> QuestionnaireView:
    return QuestionnaireView(row[0], row[1], row[2], json.loads(row[3]), row[4], row[5], bool(row[6]), row[7], row[8])


def questionnaires(db: Database, *, page: int = 1, size: int = PAGE_SIZE) -> tuple[list[QuestionnaireView], bool]:
    with db.reading() as cur:
        rows = cur.execute(_SELECT + " ORDER BY position DESC LIMIT %s OFFSET %s",
                           [size + 1, (page - 1) * size]).fetchall()
    return [_view(r) for r in rows[:size]], len(rows) > size


def questionnaire(db: Database, questionnaire_id: str) -> QuestionnaireView | None:
    try:
        key = UUID(questionnaire_id).hex
    except ValueError:
        return None
    with db.reading() as cur:
        row = cur.execute(_SELECT + " WHERE questionnaire_id = %s", [key]).fetchone()
    return _view(row) if row else None


def counts(db: Database, questionnaire_id: str) -> dict[str, dict[str, int]]:
    """{question key: {option: answers}}: a handful of rows per question."""
    found: dict[str, dict[str, int]] = {}
    with db.reading() as cur:
        for key, option, answers in cur.execute(
                "SELECT question_key, option, answers FROM rm_questionnaire_counts WHERE questionnaire_id = %s",
                [questionnaire_id]).fetchall():
            found.setdefault(key, {})[option] = answers
    return found


def texts(db: Database, questionnaire_id: str, question_key: str, *, page: int = 1, size: int = PAGE_SIZE
          ) -> tuple[list[str], bool]:
    with db.reading() as cur:
        rows = cur.execute(
            "SELECT body FROM rm_questionnaire_texts WHERE questionnaire_id = %s AND question_key = %s"
            " AND body IS NOT NULL ORDER BY position LIMIT %s OFFSET %s",
            [questionnaire_id, question_key, size + 1, (page - 1) * size]).fetchall()
    return [r[0] for r in rows[:size]], len(rows) > size


def _table_exists(cur: Cursor, table: str) -> bool:
    if cur.backend == "postgresql":
        return cur.scalar("SELECT to_regclass(%s) IS NOT NULL", [table], False)
    return cur.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [table]) is not None


def in_target(db: Database, person_id: UUID, target: str, organization_id: str | None) -> bool:
    """Whether the person belongs to the questionnaire's public, from the read models of
    cards, participatory-budget members (rm_pb_members) and organizations' representatives
    (the organization's people on the platform). A missing read model means nobody qualifies."""
    if target == "tous":
        return True
    checks = {
        "carte": ("rm_cards", card_queries.VALID_CARD, card_queries.valid_card_params(person_id)),
        "budget-participatif": ("rm_pb_members", "SELECT 1 FROM rm_pb_members WHERE person_id = %s LIMIT 1",
                                [person_id.hex]),
        "organisation": ("rm_organization_representatives",
                         "SELECT 1 FROM rm_organization_representatives WHERE person_id = %s"
                         " AND organization_id = %s LIMIT 1", [person_id.hex, organization_id or ""]),
    }
    if target not in checks:
        return False
    table, sql, params = checks[target]
    with db.reading() as cur:
        return _table_exists(cur, table) and cur.execute(sql, params).fetchone() is not None
