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
