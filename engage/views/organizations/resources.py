"""Route factories of organizations and their offers: /organisations/{id}/..., /offres/{id}/..."""

from __future__ import annotations

from uuid import UUID

from pyramid.decorator import reify

from engage.projections.organizations import queries as organization_queries
from engage.projections.organizations.queries import OfferView, OrganizationView
from engage.views.resources import Resource


class OrganizationResource(Resource):
    """An organization by its id; an unknown or malformed id is a 404."""

    @reify
    def organization(self) -> OrganizationView:
        return self.found(organization_queries.organization(self.db, self.uuid("id")))

    @property
    def organization_id(self) -> UUID:
        return UUID(self.organization.organization_id)


class OfferResource(Resource):
    """An offer by its id; an unknown or malformed id is a 404."""

    @reify
    def offer(self) -> OfferView:
        return self.found(organization_queries.offer(self.db, self.uuid("id")))

    @property
    def offer_id(self) -> UUID:
        return UUID(self.offer.offer_id)
