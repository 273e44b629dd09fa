"""Queries of participatory-budget members: who can be polled (keyset pages for questionnaires), imports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator
from uuid import UUID

from engage.db import Database


@dataclass(frozen=True)
class PBMemberView:
    member_id: str
    person_id: str | None
    arrondissement: int
    erased: bool = False


def existing_pb_members(db: Database, member_ids: list[UUID]) -> set[UUID]:
    """Which of these member ids are already imported (chunks of 500 on the primary key)."""
    found: set[UUID] = set()
    with db.reading() as cur:
        for start in range(0, len(member_ids), 500):
            chunk = [m.hex for m in member_ids[start:start + 500]]
            marks = ", ".join(["%s"] * len(chunk))
            found.update(UUID(r[0]) for r in cur.execute(
                f"SELECT member_id FROM rm_pb_members WHERE member_id IN ({marks})", chunk).fetchall())
    return found


def pb_members_page(db: Database, *, arrondissements: Iterable[int] | None = None, after: str = "",
                    limit: int = 1000) -> list[PBMemberView]:
    """One page of members in member_id order, after `after` (keyset): a questionnaire
    walks the whole list page by page without ever scanning it per request."""
    sql = ("SELECT m.member_id, m.person_id, m.arrondissement, e.member_id IS NOT NULL FROM rm_pb_members m"
           " LEFT JOIN rm_pb_members_erased e ON e.member_id = m.member_id WHERE m.member_id > %s")
    params: list = [after]
    chosen = sorted(set(arrondissements or []))
    if chosen:
        sql += f" AND m.arrondissement IN ({', '.join(['%s'] * len(chosen))})"
        params += chosen
    sql += " ORDER BY m.member_id LIMIT %s"
    with db.reading() as cur:
        rows = cur.execute(sql, params + [limit]).fetchall()
    return [PBMemberView(row[0], row[1], row[2], bool(row[3])) for row in rows]


def iter_pb_members(db: Database, *, arrondissements: Iterable[int] | None = None,
                    page_size: int = 1000) -> Iterator[PBMemberView]:
    after = ""
    while True:
        page = pb_members_page(db, arrondissements=arrondissements, after=after, limit=page_size)
        yield from page
        if len(page) < page_size:
            return
        after = page[-1].member_id


def pb_members_erased(db: Database) -> int:
    """Members erased with their linked person (a small table of its own)."""
    with db.reading() as cur:
        return int(cur.scalar("SELECT COUNT(*) FROM rm_pb_members_erased", [], 0))


def pb_member_counts(db: Database) -> tuple[int, int]:
    """(members, members linked to an account)."""
    with db.reading() as cur:
        row = cur.execute("SELECT COUNT(*), COUNT(person_id) FROM rm_pb_members").fetchone()
    return int(row[0]), int(row[1])


@dataclass(frozen=True)
class ImportView:
    file_sha256: str
    rows: int
    imported: int
    duplicates_in_file: int
    already_present: int
    imported_at: str


def recent_imports(db: Database, limit: int = 10) -> list[ImportView]:
    with db.reading() as cur:
        rows = cur.execute(
            "SELECT file_sha256, rows_count, imported, duplicates_in_file, already_present, imported_at"
            " FROM rm_pb_imports ORDER BY position DESC LIMIT %s", [limit]).fetchall()
    return [ImportView(*row) for row in rows]





