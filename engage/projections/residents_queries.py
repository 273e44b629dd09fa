"""Queries of participatory-budget members, organizations, offers and seat calls.
Paged on indexes: keyset for the members a questionnaire iterates, LIMIT/OFFSET for catalogues."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable, Iterator
from uuid import UUID

from ..db import Database

PAGE_SIZE = 20


# --------------------------------------------------------------------------- members

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


# --------------------------------------------------------------------------- organizations

@dataclass(frozen=True)
class OrganizationView:
    organization_id: str
    name: str
    kind: str
    description: str
    website: str
    arrondissement: int | None


ORG_COLUMNS = "organization_id, name, kind, description, website, arrondissement"


def _where(filters: dict) -> tuple[str, list]:
    clauses, params = [], []
    for column, value in filters.items():
        if value is None:
            continue
        if value == "city":
            clauses.append(f"{column} IS NULL")
        else:
            clauses.append(f"{column} = %s")
            params.append(value)
    return (" AND ".join(clauses) or "1 = 1"), params


def organizations_page(db: Database, *, kind: str | None = None, arrondissement: int | str | None = None,
                       page: int = 1, size: int = PAGE_SIZE) -> tuple[list[OrganizationView], int]:
    """(one page by name, total matching)."""
    where, params = _where({"kind": kind, "arrondissement": arrondissement})
    with db.reading() as cur:
        total = cur.scalar(f"SELECT COUNT(*) FROM rm_organizations WHERE {where}", params, 0)
        rows = cur.execute(
            f"SELECT {ORG_COLUMNS} FROM rm_organizations WHERE {where} ORDER BY sort_name LIMIT %s OFFSET %s",
            params + [size, (page - 1) * size]).fetchall()
    return [OrganizationView(*r) for r in rows], int(total)


def organization(db: Database, organization_id: UUID) -> OrganizationView | None:
    with db.reading() as cur:
        row = cur.execute(f"SELECT {ORG_COLUMNS} FROM rm_organizations WHERE organization_id = %s",
                          [organization_id.hex]).fetchone()
    return OrganizationView(*row) if row else None


def representatives(db: Database, organization_id: UUID) -> list[tuple[str, str]]:
    """(person_id, public display name) of the current representatives."""
    with db.reading() as cur:
        return cur.execute(
            "SELECT r.person_id, COALESCE(p.display_name, '') FROM rm_organization_representatives r"
            " LEFT JOIN rm_people p ON p.person_id = r.person_id WHERE r.organization_id = %s"
            " ORDER BY p.display_name", [organization_id.hex]).fetchall()


def represented_by(db: Database, person_id: UUID) -> list[OrganizationView]:
    with db.reading() as cur:
        rows = cur.execute(
            f"SELECT {', '.join('o.' + c.strip() for c in ORG_COLUMNS.split(','))} FROM rm_organizations o"
            " JOIN rm_organization_representatives r ON r.organization_id = o.organization_id"
            " WHERE r.person_id = %s ORDER BY o.sort_name", [person_id.hex]).fetchall()
    return [OrganizationView(*r) for r in rows]


# --------------------------------------------------------------------------- offers

@dataclass(frozen=True)
class OfferView:
    offer_id: str
    organization_id: str
    organization_name: str
    title: str
    description: str
    kind: str
    arrondissement: int | None
    starts_on: str
    ends_on: str
    link: str
    card_conditions: str
    withdrawn: bool


OFFER_SELECT = (
    "SELECT f.offer_id, f.organization_id, o.name, f.title, f.description, f.kind, f.arrondissement,"
    " f.starts_on, f.ends_on, f.link, f.card_conditions, f.withdrawn"
    " FROM rm_offers f JOIN rm_organizations o ON o.organization_id = f.organization_id"
)


def _offer(row) -> OfferView:
    return OfferView(*row[:-1], bool(row[-1]))


def offers_page(db: Database, *, kind: str | None = None, arrondissement: int | str | None = None,
                page: int = 1, size: int = PAGE_SIZE) -> tuple[list[OfferView], int]:
    where, params = _where({"f.kind": kind, "f.arrondissement": arrondissement})
    where = f"f.withdrawn = %s AND {where}"
    params = [False] + params
    with db.reading() as cur:
        total = cur.scalar(f"SELECT COUNT(*) FROM rm_offers f WHERE {where}", params, 0)
        rows = cur.execute(f"{OFFER_SELECT} WHERE {where} ORDER BY f.starts_on, f.offer_id LIMIT %s OFFSET %s",
                           params + [size, (page - 1) * size]).fetchall()
    return [_offer(r) for r in rows], int(total)


def offers_of(db: Database, organization_id: UUID, *, limit: int = 50) -> list[OfferView]:
    with db.reading() as cur:
        rows = cur.execute(f"{OFFER_SELECT} WHERE f.organization_id = %s AND f.withdrawn = %s"
                           " ORDER BY f.starts_on LIMIT %s", [organization_id.hex, False, limit]).fetchall()
    return [_offer(r) for r in rows]


def offer(db: Database, offer_id: UUID) -> OfferView | None:
    with db.reading() as cur:
        row = cur.execute(f"{OFFER_SELECT} WHERE f.offer_id = %s", [offer_id.hex]).fetchone()
    return _offer(row) if row else None


# --------------------------------------------------------------------------- seat calls

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


def seat_volunteers(db: Database, call_id: UUID, *, page: int = 1, size: int = 500) -> list[dict]:
    """The published volunteer list, in sign-up order (paged: a call may have thousands)."""
    with db.reading() as cur:
        rows = cur.execute(
            "SELECT volunteer_id, arrondissement, age_band FROM rm_seat_volunteers WHERE call_id = %s"
            " ORDER BY position LIMIT %s OFFSET %s", [call_id.hex, size, (page - 1) * size]).fetchall()
    return [{"id": r[0], "arrondissement": r[1], "age_band": r[2]} for r in rows]


def active_card_of(db: Database, person_id: UUID) -> str | None:
    """The person's active card id, if any (rm_cards: person_id, status)."""
    with db.reading() as cur:
        return cur.scalar("SELECT card_id FROM rm_cards WHERE person_id = %s AND status = %s"
                          " ORDER BY position DESC LIMIT 1", [person_id.hex, "active"])
