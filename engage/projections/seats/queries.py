"""Queries of seats by lot: a call's public record, the calls of an organization, volunteers (paged)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from uuid import UUID

from engage.db import Database


@dataclass(frozen=True)
class SeatCallView:
    call_id: str
    organization_id: str
    title: str
    seats: int
    strata: list
    volunteers: int
    commitment: str | None
    committed_at: str | None
    closed: bool
    seed: str | None
    selected: list | None
    opened_at: str


SEAT_COLUMNS = ("call_id, organization_id, title, seats, strata, volunteers, commitment, committed_at, closed,"
                " seed, selected, opened_at")


def _call(row) -> SeatCallView:
    values = list(row)
    values[4] = json.loads(values[4])
    values[8] = bool(values[8])
    values[10] = json.loads(values[10]) if values[10] else None
    return SeatCallView(*values)


def seat_call(db: Database, call_id: UUID) -> SeatCallView | None:
    with db.reading() as cur:
        row = cur.execute(f"SELECT {SEAT_COLUMNS} FROM rm_seat_calls WHERE call_id = %s", [call_id.hex]).fetchone()
    return _call(row) if row else None


def seat_calls_of(db: Database, organization_id: UUID, limit: int = 20) -> list[SeatCallView]:
    with db.reading() as cur:
        rows = cur.execute(f"SELECT {SEAT_COLUMNS} FROM rm_seat_calls WHERE organization_id = %s"
                           " ORDER BY opened_at DESC LIMIT %s", [organization_id.hex, limit]).fetchall()
    return [_call(r) for r in rows]


def seat_volunteer_page(db: Database, call_id: UUID, *, after: int = 0, size: int = 500) -> tuple[list[dict], int | None]:
    """A page of the published volunteer list, in sign-up order: at most `size` volunteers
    signed up after log position `after` (0: from the first), read through the
    (call_id, position) index, never an OFFSET; and the position to continue after when
    more follow, else None."""
    with db.reading() as cur:
        rows = cur.execute(
            "SELECT volunteer_id, arrondissement, age_band, position FROM rm_seat_volunteers"
            " WHERE call_id = %s AND position > %s ORDER BY position LIMIT %s",
            [call_id.hex, after, size + 1]).fetchall()
    following = rows[size - 1][3] if len(rows) > size else None
    return [{"id": r[0], "arrondissement": r[1], "age_band": r[2]} for r in rows[:size]], following


def seat_volunteers(db: Database, call_id: UUID, *, size: int = 500) -> list[dict]:
    """The first `size` volunteers, in sign-up order."""
    return seat_volunteer_page(db, call_id, size=size)[0]


def is_volunteer(db: Database, call_id: UUID, volunteer_id: str) -> bool:
    with db.reading() as cur:
        return cur.execute("SELECT 1 FROM rm_seat_volunteers WHERE call_id = %s AND volunteer_id = %s",
                           [call_id.hex, volunteer_id]).fetchone() is not None
