"""Route factory of seats by lot: /tirages/{id}/..., /api/seat-calls/{id}."""

from __future__ import annotations

from uuid import UUID

from pyramid.decorator import reify

from engage.projections.organizations import queries as organization_queries
from engage.projections.organizations.queries import OrganizationView
from engage.projections.seats import queries as seat_queries
from engage.projections.seats.queries import SeatCallView
from engage.views.resources import Resource


class SeatCallResource(Resource):
    """A call for volunteers by its id; an unknown or malformed id is a 404."""

    @reify
    def call(self) -> SeatCallView:
        return self.found(seat_queries.seat_call(self.db, self.uuid("id")))

    @property
    def call_id(self) -> UUID:
        return UUID(self.call.call_id)

    @reify
    def organization(self) -> OrganizationView | None:
        """The organization that opened the call (None once it is gone from the read model)."""
        return organization_queries.organization(self.db, UUID(self.call.organization_id))
