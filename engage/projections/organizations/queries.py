"""Queries of organizations, their representatives and offers: catalogues paged with LIMIT/OFFSET on indexes."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from engage.db import Database

PAGE_SIZE = 20



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



