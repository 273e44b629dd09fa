"""Route factories of the Ateliers Citoyens: a session's and a workshop's pages receive them."""

from __future__ import annotations

from pyramid.decorator import reify

from engage.projections.workshops import queries
from engage.views.resources import Resource


class SessionResource(Resource):
    """/ateliers/.../seance/{session_id}...: the session, or 404."""

    @reify
    def session_id(self):
        return self.uuid("session_id")

    @reify
    def session(self) -> queries.SessionView:
        return self.found(queries.session(self.db, self.session_id))

    @reify
    def workshop(self) -> queries.WorkshopView:
        return self.found(queries.workshop(self.db, self.session.workshop_id))


class WorkshopResource(Resource):
    """/ateliers/animation/atelier/{workshop_id}/...: the workshop, or 404."""

    @reify
    def workshop_id(self):
        return self.uuid("workshop_id")

    @reify
    def workshop(self) -> queries.WorkshopView:
        return self.found(queries.workshop(self.db, self.workshop_id.hex))
