"""The consultations' route factories: a consultation by its ref (slug or id), one of its
contributions, one of its meetings.

Each object is loaded the first time a view asks for it, after Pyramid's permission check;
an unknown or malformed ref, or a contribution or meeting of another consultation, is a 404.
The restitution's routes use them too (through engage/views/routes.py).
"""

from __future__ import annotations

from typing import Callable
from uuid import UUID

from pyramid.decorator import reify

from engage.projections.cards import queries as card_queries
from engage.projections.consultations import queries as q
from engage.public_url import public_url
from engage.views.extensions import prefetched, statements_of
from engage.views.resources import Resource


class ConsultationResource(Resource):
    @reify
    def consultation(self) -> q.ConsultationView:
        return self.found(q.consultation(self.db, self.request.matchdict["ref"]))

    def of_this_consultation(self, found):
        """`found` if it belongs to this consultation: a URL never mixes two consultations."""
        if found is None or found.consultation_id != self.consultation.consultation_id:
            return self.found(None)
        return found

    @reify
    def contribution(self) -> q.ContributionView:
        return self.of_this_consultation(q.contribution(self.db, self.request.matchdict["item"]))

    def load_item(self, *, card_of: UUID | None = None) -> bool:
        """The consultation and the contribution of the URL, and whether `card_of` holds a valid
        card today, read together in one round trip (a vote's and the item page's reads);
        `context.consultation` and `context.contribution` are then these (404s as above)."""
        consultation, contribution, card = q.consultation_and_contribution(
            self.db, self.request.matchdict["ref"], self.request.matchdict["item"],
            extra=(card_queries.VALID_CARD, list(card_queries.valid_card_params(card_of))) if card_of else None)
        self.__dict__["consultation"] = self.found(consultation)  # what @reify would have kept
        self.__dict__["contribution"] = self.of_this_consultation(contribution)
        return bool(card)

    def load_item_page(self, *, page: int = 1, card_of: UUID | None = None,
                       vote_of: Callable[[UUID], UUID] | None = None, template: str | None = None) -> q.ItemPage:
        """What the contribution's page reads (q.item_page) in one round trip: the consultation
        and the contribution (404s as above), `card_of`'s valid card, the ballot whose id
        `vote_of(contribution id)` gives, and what the extensions of `template` that declare
        their reads show (engage/views/extensions.py)."""
        key = q.contribution_key(self.request.matchdict["item"])
        reads = statements_of(template, {"contribution_id": key}) if template and key else []
        read = q.item_page(
            self.db, self.request.matchdict["ref"], self.request.matchdict["item"], page=page,
            card=(card_queries.VALID_CARD, list(card_queries.valid_card_params(card_of))) if card_of else None,
            vote_id=vote_of(UUID(key)) if vote_of is not None and key else None,
            more=[statement for _extension, statements in reads for statement in statements])
        if reads:
            prefetched(self.request, reads, read.more)
        self.__dict__["consultation"] = self.found(read.consultation)
        self.__dict__["contribution"] = self.of_this_consultation(read.item)
        return read

    @reify
    def meeting(self) -> q.MeetingView:
        return self.of_this_consultation(q.meeting(self.db, self.request.matchdict["meeting"]))

    @reify
    def sheet_batch(self) -> q.SheetBatch:
        """A batch of contribution sheets of this meeting, by its first number."""
        return self.found(q.sheet_batch(self.db, self.meeting.meeting_id, self.request.matchdict["first"]))

    def item_url(self, contribution_id: str, anchor: str = "") -> str:
        """The page of one of this consultation's contributions."""
        url = self.request.route_url("contribution", ref=self.consultation.slug, item=contribution_id)
        return url + anchor

    def item_link(self, contribution_id: str, anchor: str = "") -> str:
        """The same page on the public site, for mails: never built from the request's Host."""
        return public_url(self.request, "contribution", ref=self.consultation.slug, item=contribution_id) + anchor
