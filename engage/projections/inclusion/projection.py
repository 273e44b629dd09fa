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

from engage.db import Cursor
from engage.domain.accounts.model import Account
from engage.domain.cards.model import CitizenCard
from engage.domain.common import PersonalDataVault
from engage.domain.consultations.model import Contribution
from engage.domain.workshops.model import WorkshopSession
from engage.projections.base import Projection, insert_rows, select_in

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
    # People rows are read once per batch (`_load`), changed in memory, and written once at
    # the end of the batch (`_write`): a few statements per batch instead of three per event.
    def _load(self, cur: Cursor, people: dict, person_ids: set[str]) -> None:
        missing = [p for p in person_ids if p not in people]
        people.update(dict.fromkeys(missing))
        for found in select_in(cur, f"SELECT person_id, {', '.join(COLUMNS)} FROM rm_inclusion_people"
                                    " WHERE person_id IN ({marks})", missing):
            people[found[0]] = dict(zip(COLUMNS, found[1:]))

    def _row(self, cur: Cursor, person_id: str) -> dict[str, Any] | None:
        self._load(cur, self._people, {person_id})
        return self._people[person_id]

    def _change(self, cur: Cursor, deltas: Counter, person_id: str, **changes: Any) -> None:
        old = self._row(cur, person_id)
        if old is None:
            old = dict(card_id=None, arrondissement=None, age_band=None, category=None, card_holder=False,
                       present_sessions=0, contributor=False)
            self._people[person_id] = old
            self._dirty.add(person_id)
        new = {**old, **changes}
        if new == old:
            return
        for cell in cells_of(old):
            deltas[cell] -= 1
        for cell in cells_of(new):
            deltas[cell] += 1
        self._people[person_id] = new
        self._dirty.add(person_id)

    def _write(self, cur: Cursor) -> None:
        insert_rows(cur, "rm_inclusion_people", ("person_id", *COLUMNS),
                    [(p, *(self._people[p][c] for c in COLUMNS)) for p in sorted(self._dirty)],
                    "ON CONFLICT (person_id) DO UPDATE SET "
                    + ", ".join(f"{c} = excluded.{c}" for c in COLUMNS))

    def _person_with_card(self, cur: Cursor, card_id: str) -> str | None:
        for person, row in self._people.items():
            if row is not None and row["card_id"] == card_id:
                return person
        person = cur.scalar("SELECT person_id FROM rm_inclusion_people WHERE card_id = %s", [card_id])
        if person is None or person in self._people:  # the batch's own version of that row wins
            return None
        return person

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
        """Counters move once per batch (a summed delta per cell), people rows too."""
        deltas: Counter = Counter()
        self._people: dict[str, dict[str, Any] | None] = {}
        self._dirty: set[str] = set()
        self._load(cur, self._people, {p.hex for event, _ in events for p in (
            getattr(event, "person_id", None), getattr(event, "author_id", None),
            event.originator_id if isinstance(event, Account.PersonalDataErased) else None) if p is not None})
        for event, _position in events:
            self._apply_one(cur, deltas, event)
        self._write(cur)
        self._flush(cur, deltas)

    def _apply_one(self, cur: Cursor, deltas: Counter, event: Any) -> None:
        if isinstance(event, CitizenCard.CardIssued):
            self._change(cur, deltas, event.person_id.hex, card_id=event.originator_id.hex,
                         arrondissement=event.arrondissement, age_band=event.age_band, card_holder=True)
        elif isinstance(event, CitizenCard.SocioProfessionalCategoryDeclared):
            person = self._person_with_card(cur, event.originator_id.hex)
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
