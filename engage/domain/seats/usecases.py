"""Use cases of seats by lot."""

from __future__ import annotations

from typing import Callable
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from engage.domain.cards.model import CitizenCard
from engage.domain.common import UseCases, last_position
from engage.domain.organizations.model import Organization
from engage.domain.organizations.usecases import OrganizationResult
from engage.domain.seats.errors import (
    AlreadyVolunteered,
    CardHolderRequired,
    NotAConsultativeBody,
    UnknownSeatCall,
)
from engage.domain.seats.model import SeatCall, VolunteerClaim, volunteer_id_for


class SeatUseCases(UseCases):
    """Mixed into EngageApplication."""

    # Uses, from the other mixins (annotations only: EngageApplication provides them):
    get_organization: Callable[[UUID], Organization]  # organizations
    valid_card: Callable[..., CitizenCard | None]  # cards: the valid-card rule

    RETRIES = 8

    def open_seat_call(self, organization_id: UUID, *, title: str, seats: int, strata: list[dict],
                       opened_by: UUID) -> OrganizationResult:
        organization: Organization = self.get_organization(organization_id)
        if organization.kind != "consultative-body":
            raise NotAConsultativeBody()
        call = SeatCall.open(organization_id=organization.id, title=title, seats=seats, strata=strata,
                             opened_by=opened_by)
        return OrganizationResult(call.id, last_position(self.save(call)))

    def get_seat_call(self, call_id: UUID) -> SeatCall:
        try:
            call = self.repository.get(call_id)
        except AggregateNotFoundError:
            raise UnknownSeatCall() from None
        if not isinstance(call, SeatCall):
            raise UnknownSeatCall()
        return call

    def volunteer_id(self, person_id: UUID, call_id: UUID) -> UUID:
        """The person's pseudonymous id in this call (only they, and the app, can compute it)."""
        return volunteer_id_for(person_id, call_id, self.identifier_key)

    def volunteer_for_seat(self, call_id: UUID, *, person_id: UUID, card_id: UUID | None) -> OrganizationResult:
        """The card decides eligibility and strata (arrondissement, age band): read from the card
        aggregate itself. The claim makes a second sign-up collide; the call's version makes
        concurrent sign-ups retry."""
        card = self._active_card_of(person_id, card_id)
        volunteer_id = self.volunteer_id(person_id, call_id)
        for attempt in range(self.RETRIES):
            call = self.get_seat_call(call_id)
            call.volunteer(volunteer_id, card.arrondissement, card.age_band)
            claim = VolunteerClaim(volunteer_id=volunteer_id, call_id=call.id,
                                   sealed_volunteer=self._seal_actor(volunteer_id, person_id))
            try:
                return OrganizationResult(volunteer_id, last_position(self.save(call, claim)))
            except IntegrityError:
                try:
                    self.repository.get(volunteer_id)
                except AggregateNotFoundError:
                    if attempt == self.RETRIES - 1:
                        raise
                    continue  # the call moved on: retry
                raise AlreadyVolunteered() from None
        raise AssertionError("unreachable")

    def _active_card_of(self, person_id: UUID, card_id: UUID | None):
        card = self.valid_card(card_id, person_id)
        if card is None:
            raise CardHolderRequired()
        return card

    def _change_call(self, call_id: UUID, change) -> int:
        for attempt in range(self.RETRIES):
            call = self.get_seat_call(call_id)
            change(call)
            try:
                return last_position(self.save(call))
            except IntegrityError:
                if attempt == self.RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def commit_seat_seed(self, call_id: UUID, *, seed_sha256: str, committed_by: UUID) -> int:
        return self._change_call(call_id, lambda c: c.commit_seed(seed_sha256, committed_by))

    def close_seat_call(self, call_id: UUID, *, closed_by: UUID) -> int:
        return self._change_call(call_id, lambda c: c.close(closed_by))

    def reveal_seat_seed(self, call_id: UUID, *, seed: str, revealed_by: UUID) -> int:
        return self._change_call(call_id, lambda c: c.reveal_seed_and_draw(seed, revealed_by))
