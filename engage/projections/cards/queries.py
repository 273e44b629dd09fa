"""Queries of the card pages: the holder's card, a card for staff, a card's history (paged)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from engage.db import Database
from engage.domain.cards import model as card_model
from engage.domain.cards.model import STATUS_ACTIVE, card_id_for_person
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



# The domain's valid-card rule (card_is_valid) in SQL, for one person's cards (both tables are
# indexed on person_id): active, and valid_until (an ISO date, compared as text) not passed.
# A card whose details the lifecycle projection has not written yet counts as within validity.
VALID_CARD = (
    "SELECT c.card_id FROM rm_cards c LEFT JOIN rm_card_details d ON d.card_id = c.card_id"
    " WHERE c.person_id = %s AND c.status = %s AND (d.valid_until IS NULL OR d.valid_until >= %s)"
    " ORDER BY c.position DESC LIMIT 1"
)


def valid_card_params(person_id: UUID, on: date | None = None) -> list:
    return [person_id.hex, STATUS_ACTIVE, (on or card_model.today()).isoformat()]


def valid_card_of(db: Database, person_id: UUID, on: date | None = None) -> str | None:
    """The person's valid card id on the day (today by default), if any: the same rule as
    the domain's card_is_valid."""
    with db.reading() as cur:
        return cur.scalar(VALID_CARD, valid_card_params(person_id, on))
