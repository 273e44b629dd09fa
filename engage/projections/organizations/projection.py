"""Organizations, their representatives and offers: the public catalogues' read models."""

from __future__ import annotations

from typing import Any

from engage.db import Cursor
from engage.domain.organizations.model import Offer, Organization
from engage.projections.base import Projection


class OrganizationsProjection(Projection):
    name = "organizations"
    follows = (
        Organization.OrganizationRegistered,
        Organization.RepresentativeAttached,
        Organization.RepresentativeDetached,
        Offer.OfferPublished,
        Offer.OfferWithdrawn,
    )
    tables = ("rm_organizations", "rm_organization_representatives", "rm_offers")

    def create_tables(self, cur: Cursor) -> None:
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_organizations (
                organization_id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                sort_name TEXT NOT NULL,
                kind TEXT NOT NULL,
                description TEXT NOT NULL,
                website TEXT NOT NULL,
                arrondissement INTEGER,
                registered_at TEXT NOT NULL
            )"""
        )
        cur.execute("CREATE INDEX IF NOT EXISTS rm_organizations_sort ON rm_organizations (sort_name)")
        cur.execute("CREATE INDEX IF NOT EXISTS rm_organizations_kind ON rm_organizations (kind, sort_name)")
        cur.execute("CREATE INDEX IF NOT EXISTS rm_organizations_arr ON rm_organizations (arrondissement, sort_name)")
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_organization_representatives (
                organization_id TEXT NOT NULL,
                person_id TEXT NOT NULL,
                PRIMARY KEY (organization_id, person_id)
            )"""
        )
        cur.execute("CREATE INDEX IF NOT EXISTS rm_org_reps_person ON rm_organization_representatives (person_id)")
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_offers (
                offer_id TEXT PRIMARY KEY,
                organization_id TEXT NOT NULL,
                title TEXT NOT NULL,
                description TEXT NOT NULL,
                kind TEXT NOT NULL,
                arrondissement INTEGER,
                starts_on TEXT NOT NULL,
                ends_on TEXT NOT NULL,
                link TEXT NOT NULL,
                card_conditions TEXT NOT NULL,
                withdrawn BOOLEAN NOT NULL,
                position BIGINT NOT NULL
            )"""
        )
        cur.execute("CREATE INDEX IF NOT EXISTS rm_offers_listing ON rm_offers (withdrawn, starts_on, offer_id)")
        cur.execute("CREATE INDEX IF NOT EXISTS rm_offers_kind ON rm_offers (withdrawn, kind, starts_on)")
        cur.execute("CREATE INDEX IF NOT EXISTS rm_offers_arr ON rm_offers (withdrawn, arrondissement, starts_on)")
        cur.execute("CREATE INDEX IF NOT EXISTS rm_offers_org ON rm_offers (organization_id, starts_on)")

    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        oid = event.originator_id.hex
        if isinstance(event, Organization.OrganizationRegistered):
            cur.execute(
                "INSERT INTO rm_organizations (organization_id, name, sort_name, kind, description, website,"
                " arrondissement, registered_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [oid, event.name, event.name.lower(), event.kind, event.description, event.website,
                 event.arrondissement, event.timestamp.isoformat()],
            )
        elif isinstance(event, Organization.RepresentativeAttached):
            cur.execute(
                "INSERT INTO rm_organization_representatives (organization_id, person_id) VALUES (%s, %s)"
                " ON CONFLICT DO NOTHING", [oid, event.person_id.hex])
        elif isinstance(event, Organization.RepresentativeDetached):
            cur.execute("DELETE FROM rm_organization_representatives WHERE organization_id = %s AND person_id = %s",
                        [oid, event.person_id.hex])
        elif isinstance(event, Offer.OfferPublished):
            cur.execute(
                "INSERT INTO rm_offers (offer_id, organization_id, title, description, kind, arrondissement,"
                " starts_on, ends_on, link, card_conditions, withdrawn, position)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [oid, event.organization_id.hex, event.title, event.description, event.kind, event.arrondissement,
                 event.starts_on, event.ends_on, event.link, event.card_conditions, False, position],
            )
        elif isinstance(event, Offer.OfferWithdrawn):
            cur.execute("UPDATE rm_offers SET withdrawn = %s WHERE offer_id = %s", [True, oid])
