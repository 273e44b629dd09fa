"""Queries of the card pages: the holder's card, a card for staff, a card's history (paged)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from engage.db import Database
from engage.domain.cards.model import card_id_for_person
from engage.domain.common import ARRONDISSEMENTS


@dataclass(frozen=True)
class CardDetails:
    card_id: str
    person_id: str
    number: str | None
    arrondissement: int
    age_band: str
    status: str
    issued_at: str
    valid_until: str | None
    consent_consultation: bool
    consent_newsletter: bool
    category: str | None
    replacements: int


_SELECT = (
    "SELECT c.card_id, c.person_id, c.number, c.arrondissement, c.age_band, c.status, c.issued_at,"
    " d.valid_until, d.consent_consultation, d.consent_newsletter, d.category, d.replacements"
    " FROM rm_cards c LEFT JOIN rm_card_details d ON d.card_id = c.card_id"
)


def _details(row) -> CardDetails | None:
    if row is None:
        return None
    return CardDetails(*row[:8], bool(row[8]), bool(row[9]), row[10], row[11] or 0)


def card_details(db: Database, card_id: UUID) -> CardDetails | None:
    with db.reading() as cur:
        return _details(cur.execute(_SELECT + " WHERE c.card_id = %s", [card_id.hex]).fetchone())


def card_of_person(db: Database, person_id: UUID) -> CardDetails | None:
    """The card of a signed-in resident (its id derives from theirs)."""
    return card_details(db, card_id_for_person(person_id))


def cards_of_person(db: Database, person_id: UUID) -> list[CardDetails]:
    """Every card of a person, older ones included (for the data download)."""
    with db.reading() as cur:
        rows = cur.execute(_SELECT + " WHERE c.person_id = %s ORDER BY c.issued_at", [person_id.hex]).fetchall()
    return [_details(row) for row in rows]


@dataclass(frozen=True)
class CardEvent:
    position: int
    event: str
    occurred_at: str
    actor_id: str | None
    detail: str | None


def card_history(db: Database, card_id: UUID, *, before: int | None = None, limit: int = 50) -> list[CardEvent]:
    with db.reading() as cur:
        rows = cur.execute(
            "SELECT position, event, occurred_at, actor_id, detail FROM rm_card_history"
            " WHERE card_id = %s AND position < %s ORDER BY position DESC LIMIT %s",
            [card_id.hex, before if before is not None else 2**62, limit],
        ).fetchall()
    return [CardEvent(*row) for row in rows]


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






def active_card_of(db: Database, person_id: UUID) -> str | None:
    """The person's active card id, if any (rm_cards: person_id, status)."""
    with db.reading() as cur:
        return cur.scalar("SELECT card_id FROM rm_cards WHERE person_id = %s AND status = %s"
                          " ORDER BY position DESC LIMIT 1", [person_id.hex, "active"])
