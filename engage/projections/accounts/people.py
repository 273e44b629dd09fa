"""People read model: public display name, confirmation, current staff roles."""

from __future__ import annotations

from typing import Any

from engage.db import Cursor
from engage.domain.accounts.model import Account
from engage.projections.base import Projection


class PeopleProjection(Projection):
    name = "people"
    follows = (Account.AccountRegistered, Account.EmailConfirmed, Account.RoleGranted, Account.RoleRevoked,
               Account.PersonalDataErased)
    ERASED_NAME = "Personne effacée"  # neutral, the same for everyone erased
    tables = ("rm_people",)

    def create_tables(self, cur: Cursor) -> None:
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_people (
                person_id TEXT PRIMARY KEY,
                display_name TEXT NOT NULL,
                email_confirmed BOOLEAN NOT NULL,
                roles TEXT NOT NULL,
                registered_at TEXT NOT NULL
            )"""
        )

    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        person_id = event.originator_id.hex
        if isinstance(event, Account.AccountRegistered):
            cur.execute(
                "INSERT INTO rm_people (person_id, display_name, email_confirmed, roles, registered_at)"
                " VALUES (%s, %s, %s, '', %s)",
                [person_id, event.display_name, False, event.timestamp.isoformat()],
            )
        elif isinstance(event, Account.PersonalDataErased):
            cur.execute("UPDATE rm_people SET display_name = %s, roles = '' WHERE person_id = %s",
                        [self.ERASED_NAME, person_id])
        elif isinstance(event, Account.EmailConfirmed):
            cur.execute("UPDATE rm_people SET email_confirmed = %s WHERE person_id = %s", [True, person_id])
        elif isinstance(event, (Account.RoleGranted, Account.RoleRevoked)):
            current = set(filter(None, cur.scalar(
                "SELECT roles FROM rm_people WHERE person_id = %s", [person_id], "").split(",")))
            if isinstance(event, Account.RoleGranted):
                current.add(event.role)
            else:
                current.discard(event.role)
            cur.execute("UPDATE rm_people SET roles = %s WHERE person_id = %s",
                        [",".join(sorted(current)), person_id])
