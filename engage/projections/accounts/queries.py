"""Queries of people: a person's public display name and roles."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from engage.db import Database


@dataclass(frozen=True)
class PersonView:
    person_id: str
    display_name: str
    email_confirmed: bool
    roles: frozenset[str]


# A person's columns, for a statement that joins rm_people as p (the session's, engage/security.py).
PERSON_COLUMNS = ("p.person_id", "p.display_name", "p.email_confirmed", "p.roles")


def person(db: Database, person_id: UUID, *, primary: bool = False) -> PersonView | None:
    """`primary`: never from a read replica (who is asking, and their roles)."""
    with db.reading(primary=primary) as cur:
        row = cur.execute(
            f"SELECT {', '.join(PERSON_COLUMNS)} FROM rm_people p WHERE p.person_id = %s",
            [person_id.hex],
        ).fetchone()
    return person_from_row(row)


def person_from_row(row: tuple | None) -> PersonView | None:
    """The PersonView of PERSON_COLUMNS' values (None: no such person)."""
    if row is None or row[0] is None:
        return None
    return PersonView(row[0], row[1], bool(row[2]), frozenset(filter(None, row[3].split(","))))
