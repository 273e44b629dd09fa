"""Queries the pages run: small, indexed reads of the read models, never of the log."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from ..db import Database
from ..domain.places import ARRONDISSEMENTS


@dataclass(frozen=True)
class CardView:
    card_id: str
    number: str
    arrondissement: int
    age_band: str
    status: str
    issued_at: str


def card_holders_by_arrondissement(db: Database) -> list[tuple[int, int]]:
    """(arrondissement, holders) for all twenty, zeros included."""
    with db.reading() as cur:
        counts = dict(
            cur.execute(
                "SELECT arrondissement, holders FROM rm_card_holders_by_arrondissement"
            ).fetchall()
        )
    return [(number, counts.get(number, 0)) for number in ARRONDISSEMENTS]


def card(db: Database, card_id: UUID) -> CardView | None:
    with db.reading() as cur:
        row = cur.execute(
            "SELECT card_id, number, arrondissement, age_band, status, issued_at"
            " FROM rm_cards WHERE card_id = %s",
            [card_id.hex],
        ).fetchone()
    return CardView(*row) if row else None


@dataclass(frozen=True)
class PersonView:
    person_id: str
    display_name: str
    email_confirmed: bool
    roles: frozenset[str]


def person(db: Database, person_id: UUID) -> PersonView | None:
    with db.reading() as cur:
        row = cur.execute(
            "SELECT person_id, display_name, email_confirmed, roles FROM rm_people WHERE person_id = %s",
            [person_id.hex],
        ).fetchone()
    if row is None:
        return None
    return PersonView(row[0], row[1], bool(row[2]), frozenset(filter(None, row[3].split(","))))
