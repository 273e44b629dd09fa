"""Staff read model: who holds which role, for the roles page (small, indexed by role)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engage.db import Cursor, Database
from engage.domain.accounts.model import Account
from engage.projections.base import Projection


class StaffProjection(Projection):
    name = "staff"
    follows = (Account.AccountRegistered, Account.RoleGranted, Account.RoleRevoked, Account.PersonalDataErased)
    tables = ("rm_staff_display_names", "rm_staff_roles")

    def create_tables(self, cur: Cursor) -> None:
        # Display names are public pseudonyms; kept here so the roles page needs one query.
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_staff_display_names (
                person_id TEXT PRIMARY KEY,
                display_name TEXT NOT NULL
            )"""
        )
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_staff_roles (
                person_id TEXT NOT NULL,
                role TEXT NOT NULL,
                granted_at TEXT NOT NULL,
                granted_by TEXT NOT NULL,
                PRIMARY KEY (role, person_id)
            )"""
        )

    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        person = event.originator_id.hex
        if isinstance(event, Account.AccountRegistered):
            cur.execute(
                "INSERT INTO rm_staff_display_names (person_id, display_name) VALUES (%s, %s)"
                " ON CONFLICT (person_id) DO NOTHING", [person, event.display_name])
        elif isinstance(event, Account.RoleGranted):
            cur.execute(
                "INSERT INTO rm_staff_roles (person_id, role, granted_at, granted_by) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (role, person_id) DO NOTHING",
                [person, event.role, event.timestamp.isoformat(), event.granted_by.hex])
        elif isinstance(event, Account.RoleRevoked):
            cur.execute("DELETE FROM rm_staff_roles WHERE person_id = %s AND role = %s", [person, event.role])
        elif isinstance(event, Account.PersonalDataErased):
            cur.execute("DELETE FROM rm_staff_roles WHERE person_id = %s", [person])
            cur.execute("UPDATE rm_staff_display_names SET display_name = %s WHERE person_id = %s",
                        ["Personne effacée", person])


@dataclass(frozen=True)
class StaffMember:
    person_id: str
    display_name: str
    role: str
    granted_at: str


def staff_members(db: Database, *, limit: int = 200, offset: int = 0) -> list[StaffMember]:
    with db.reading() as cur:
        rows = cur.execute(
            "SELECT r.person_id, n.display_name, r.role, r.granted_at FROM rm_staff_roles r"
            " JOIN rm_staff_display_names n ON n.person_id = r.person_id"
            " ORDER BY r.role, n.display_name LIMIT %s OFFSET %s",
            [limit, offset],
        ).fetchall()
    return [StaffMember(*row) for row in rows]
