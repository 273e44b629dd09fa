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


def person(db: Database, person_id: UUID, *, primary: bool = False) -> PersonView | None:
    """`primary`: never from a read replica (who is asking, and their roles)."""
    with db.reading(primary=primary) as cur:
        row = cur.execute(
            "SELECT person_id, display_name, email_confirmed, roles FROM rm_people WHERE person_id = %s",
            [person_id.hex],
        ).fetchone()
    if row is None:
        return None
    return PersonView(row[0], row[1], bool(row[2]), frozenset(filter(None, row[3].split(","))))
