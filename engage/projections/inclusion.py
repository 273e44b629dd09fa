"""Inclusion statistics: who takes part, by socio-professional group, arrondissement, age band.

Three populations, counted in people (not acts):
- card holders: people to whom a Carte Citoyen·ne was issued (as /api/stats/card-holders);
- workshop attendees: people marked present at one workshop session at least (a later
  correction to "absent" takes them out again);
- contributors: people who posted at least one contribution online under their own id.

A person's arrondissement and age band come from their card (public fields of CardIssued);
the socio-professional group is the optional, sealed field of the card request, opened
with the holder's key: after erasure it is unreadable, so the person moves to "not given"
(a rebuild gives the same). Without a card: "unknown".

    rm_inclusion_people(person_id, card_id, arrondissement, age_band, category,
                        card_holder, present_sessions, contributor)   -- private, one row per person
    rm_inclusion_marks(session_id, person_id, present)                -- the latest mark per roll line
    rm_inclusion_counts(population, dimension, value, people)         -- public counters

The page reads rm_inclusion_counts only (at most ~100 small rows): counters are kept by the
projection, each change of a person moving them from their old cells to their new ones.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from uuid import UUID

from ..db import Cursor
from ..domain.accounts import Account
from ..domain.cards import CitizenCard
from ..domain.consultations import Contribution
from ..domain.personal import PersonalDataVault
from ..domain.workshops import WorkshopSession
from .base import Projection

POPULATIONS = ("card_holders", "attendees", "contributors")
DIMENSIONS = ("category", "arrondissement", "age_band")
TOTAL = "total"
UNKNOWN = "unknown"  # no card: no arrondissement, no age band
NOT_GIVEN = "not-given"  # no socio-professional group declared (or erased)
COLUMNS = ("card_id", "arrondissement", "age_band", "category", "card_holder", "present_sessions", "contributor")


def cells_of(row: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(population, dimension, value) cells where this person counts, the totals included."""
    member_of = {
        "card_holders": bool(row["card_holder"]),
        "attendees": (row["present_sessions"] or 0) > 0,
        "contributors": bool(row["contributor"]),
    }
    values = {
        "category": row["category"] or NOT_GIVEN,
        "arrondissement": str(row["arrondissement"]) if row["arrondissement"] else UNKNOWN,
        "age_band": row["age_band"] or UNKNOWN,
    }
    cells = []
    for population in POPULATIONS:
        if member_of[population]:
            cells.append((population, TOTAL, ""))
            cells += [(population, dimension, values[dimension]) for dimension in DIMENSIONS]
    return cells


class InclusionProjection(Projection):
    name = "inclusion"
    follows = (
        CitizenCard.CardIssued,
        CitizenCard.SocioProfessionalCategoryDeclared,
        WorkshopSession.AttendanceRecorded,
        Contribution.ContributionPosted,
        Account.PersonalDataErased,
    )
    tables = ("rm_inclusion_people", "rm_inclusion_marks", "rm_inclusion_counts")

    def __init__(self, vault: PersonalDataVault):
        self.vault = vault

    def create_tables(self, cur: Cursor) -> None:
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_inclusion_people (
                person_id TEXT PRIMARY KEY,
                card_id TEXT,
                arrondissement INTEGER,
                age_band TEXT,
                category TEXT,
                card_holder BOOLEAN NOT NULL,
                present_sessions INTEGER NOT NULL,
                contributor BOOLEAN NOT NULL
            )"""
        )
        cur.execute("CREATE INDEX IF NOT EXISTS rm_inclusion_people_card ON rm_inclusion_people (card_id)")
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_inclusion_marks (
                session_id TEXT NOT NULL,
                person_id TEXT NOT NULL,
                present BOOLEAN NOT NULL,
                PRIMARY KEY (session_id, person_id)
            )"""
        )
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_inclusion_counts (
                population TEXT NOT NULL,
                dimension TEXT NOT NULL,
                value TEXT NOT NULL,
                people INTEGER NOT NULL,
                PRIMARY KEY (population, dimension, value)
            )"""
        )

    # -- one person's row, and the counters it moves -----------------------------------
    def _row(self, cur: Cursor, person_id: str) -> dict[str, Any] | None:
        found = cur.execute(
            f"SELECT {', '.join(COLUMNS)} FROM rm_inclusion_people WHERE person_id = %s", [person_id]).fetchone()
        return dict(zip(COLUMNS, found)) if found else None

    def _change(self, cur: Cursor, deltas: Counter, person_id: str, **changes: Any) -> None:
        old = self._row(cur, person_id)
        if old is None:
            old = dict(card_id=None, arrondissement=None, age_band=None, category=None, card_holder=False,
                       present_sessions=0, contributor=False)
            cur.execute(
                "INSERT INTO rm_inclusion_people (person_id, card_holder, present_sessions, contributor)"
                " VALUES (%s, %s, 0, %s)", [person_id, False, False])
        new = {**old, **changes}
        if new == old:
            return
        for cell in cells_of(old):
            deltas[cell] -= 1
        for cell in cells_of(new):
            deltas[cell] += 1
        assignments = ", ".join(f"{column} = %s" for column in changes)
        cur.execute(f"UPDATE rm_inclusion_people SET {assignments} WHERE person_id = %s",
                    [*changes.values(), person_id])

    @staticmethod
    def _flush(cur: Cursor, deltas: Counter) -> None:
        rows = [[population, dimension, value, delta, delta]
                for (population, dimension, value), delta in sorted(deltas.items()) if delta]
        if rows:
            cur.executemany(
                "INSERT INTO rm_inclusion_counts (population, dimension, value, people) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (population, dimension, value)"
                " DO UPDATE SET people = rm_inclusion_counts.people + %s", rows)

    # -- events ------------------------------------------------------------------------
    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        self.apply_batch(cur, [(event, position)])

    def apply_batch(self, cur: Cursor, events: list[tuple[Any, int]]) -> None:
        """Counters move once per batch (a summed delta per cell), people rows per event."""
        deltas: Counter = Counter()
        for event, _position in events:
            self._apply_one(cur, deltas, event)
        self._flush(cur, deltas)

    def _apply_one(self, cur: Cursor, deltas: Counter, event: Any) -> None:
        if isinstance(event, CitizenCard.CardIssued):
            self._change(cur, deltas, event.person_id.hex, card_id=event.originator_id.hex,
                         arrondissement=event.arrondissement, age_band=event.age_band, card_holder=True)
        elif isinstance(event, CitizenCard.SocioProfessionalCategoryDeclared):
            person = cur.scalar("SELECT person_id FROM rm_inclusion_people WHERE card_id = %s",
                                [event.originator_id.hex])
            if person is not None:
                opened = self.vault.unseal(UUID(person), event.sealed_category, cur=cur)
                self._change(cur, deltas, person, category=opened.get("category") if opened else None)
        elif isinstance(event, WorkshopSession.AttendanceRecorded):
            session, person = event.originator_id.hex, event.person_id.hex
            before = cur.scalar("SELECT present FROM rm_inclusion_marks WHERE session_id = %s AND person_id = %s",
                                [session, person])
            cur.execute(
                "INSERT INTO rm_inclusion_marks (session_id, person_id, present) VALUES (%s, %s, %s)"
                " ON CONFLICT (session_id, person_id) DO UPDATE SET present = excluded.present",
                [session, person, bool(event.present)])
            step = int(bool(event.present)) - int(bool(before))
            if step:
                row = self._row(cur, person)
                sessions = (row["present_sessions"] if row else 0) + step
                self._change(cur, deltas, person, present_sessions=sessions)
        elif isinstance(event, Contribution.ContributionPosted):
            if event.author_id is not None:
                self._change(cur, deltas, event.author_id.hex, contributor=True)
        elif isinstance(event, Account.PersonalDataErased):
            if self._row(cur, event.originator_id.hex) is not None:
                self._change(cur, deltas, event.originator_id.hex, category=None)


def inclusion_counts(db) -> dict[tuple[str, str, str], int]:
    """Every counter (a hundred small rows at most): {(population, dimension, value): people}."""
    with db.reading() as cur:
        rows = cur.execute("SELECT population, dimension, value, people FROM rm_inclusion_counts").fetchall()
    return {(r[0], r[1], r[2]): int(r[3]) for r in rows}
