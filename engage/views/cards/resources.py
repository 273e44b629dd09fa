"""Route factories of the card: the staff card pages receive the card of {card_id}."""

from __future__ import annotations

from pyramid.decorator import reify

from engage.projections.cards import queries
from engage.views.resources import Resource


class CardResource(Resource):
    """/admin/cartes/{card_id}...: the card's details, or 404."""

    @reify
    def card_id(self):
        return self.uuid("card_id")

    @reify
    def card(self) -> queries.CardDetails:
        return self.found(queries.card_details(self.db, self.card_id))
