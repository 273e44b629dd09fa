"""Participatory-budget members read model: who can be polled, by arrondissement.

No personal field here: the member id (a keyed hash), the linked account if any,
the arrondissement. Questionnaires iterate it with `pb_members_page`.
"""

from __future__ import annotations

from typing import Any

from engage.db import Cursor
from engage.domain.common import PersonalDataVault
from engage.domain.members.model import MembershipImport, PBMember
from engage.projections.base import Projection


class PBMembersProjection(Projection):
    """Unseals the linked account with the member's key (erased: no link shown)."""

    name = "pb_members"
    follows = (PBMember.PBMemberImported, PBMember.PBMemberLinked, PBMember.PBMemberErased,
               MembershipImport.MembershipListImported)
    tables = ("rm_pb_members", "rm_pb_imports", "rm_pb_members_erased")

    def __init__(self, vault: PersonalDataVault):
        self.vault = vault

    def create_tables(self, cur: Cursor) -> None:
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_pb_members (
                member_id TEXT PRIMARY KEY,
                person_id TEXT,
                arrondissement INTEGER NOT NULL,
                position BIGINT NOT NULL
            )"""
        )
        cur.execute("CREATE INDEX IF NOT EXISTS rm_pb_members_arrondissement ON rm_pb_members (arrondissement, member_id)")
        cur.execute("CREATE INDEX IF NOT EXISTS rm_pb_members_person ON rm_pb_members (person_id)")
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_pb_imports (
                import_id TEXT PRIMARY KEY,
                file_sha256 TEXT NOT NULL,
                rows_count INTEGER NOT NULL,
                imported INTEGER NOT NULL,
                duplicates_in_file INTEGER NOT NULL,
                already_present INTEGER NOT NULL,
                imported_by TEXT NOT NULL,
                imported_at TEXT NOT NULL,
                position BIGINT NOT NULL
            )"""
        )
        cur.execute("CREATE INDEX IF NOT EXISTS rm_pb_imports_position ON rm_pb_imports (position)")
        # Members erased with their linked person: their link is gone, their key destroyed.
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_pb_members_erased (
                member_id TEXT PRIMARY KEY,
                erased_at TEXT NOT NULL
            )"""
        )

    def apply_batch(self, cur: Cursor, events: list[tuple[Any, int]]) -> None:
        """Runs of imported members (an import is thousands in a row) in one executemany."""
        run: list[list] = []
        for event, position in events:
            if isinstance(event, PBMember.PBMemberImported):
                run.append([event.originator_id.hex, event.arrondissement, position])
                continue
            self._insert_members(cur, run)
            run = []
            self.apply(cur, event, position)
        self._insert_members(cur, run)

    @staticmethod
    def _insert_members(cur: Cursor, rows: list[list]) -> None:
        if rows:
            cur.executemany(
                "INSERT INTO rm_pb_members (member_id, person_id, arrondissement, position)"
                " VALUES (%s, NULL, %s, %s) ON CONFLICT (member_id) DO NOTHING", rows)

    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        if isinstance(event, PBMember.PBMemberImported):
            cur.execute(
                "INSERT INTO rm_pb_members (member_id, person_id, arrondissement, position)"
                " VALUES (%s, NULL, %s, %s) ON CONFLICT (member_id) DO NOTHING",
                [event.originator_id.hex, event.arrondissement, position],
            )
        elif isinstance(event, PBMember.PBMemberErased):
            cur.execute("UPDATE rm_pb_members SET person_id = NULL WHERE member_id = %s", [event.originator_id.hex])
            cur.execute("INSERT INTO rm_pb_members_erased (member_id, erased_at) VALUES (%s, %s)"
                        " ON CONFLICT (member_id) DO NOTHING",
                        [event.originator_id.hex, event.timestamp.isoformat()])
        elif isinstance(event, PBMember.PBMemberLinked):
            opened = self.vault.unseal(event.originator_id, event.sealed_person, cur=cur)
            cur.execute("UPDATE rm_pb_members SET person_id = %s WHERE member_id = %s",
                        [opened["person_id"] if opened else None, event.originator_id.hex])
        elif isinstance(event, MembershipImport.MembershipListImported):
            cur.execute(
                "INSERT INTO rm_pb_imports (import_id, file_sha256, rows_count, imported, duplicates_in_file,"
                " already_present, imported_by, imported_at, position)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (import_id) DO NOTHING",
                [event.originator_id.hex, event.file_sha256, event.rows, event.imported,
                 event.duplicates_in_file, event.already_present, event.imported_by.hex,
                 event.timestamp.isoformat(), position],
            )
