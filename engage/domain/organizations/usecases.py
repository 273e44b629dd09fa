"""Use cases of organizations, representatives and offers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from engage.domain.common import UseCases, last_position
from engage.domain.organizations.errors import (
    NoAccountForEmail,
    OrganizationNameTaken,
    UnknownOffer,
    UnknownOrganization,
)
from engage.domain.organizations.model import Offer, Organization


@dataclass(frozen=True)
class OrganizationResult:
    id: UUID
    position: int


class OrganizationUseCases(UseCases):
    """Mixed into EngageApplication."""

    # Uses, from the other mixins (annotations only: EngageApplication provides them):
    find_person_by_email: Callable[[str], UUID | None]  # accounts

    def register_organization(self, *, name: str, kind: str, description: str, website: str,
                              arrondissement: int | None, registered_by: UUID) -> OrganizationResult:
        organization = Organization.register(name=name, kind=kind, description=description, website=website,
                                             arrondissement=arrondissement, registered_by=registered_by)
        try:
            recordings = self.save(organization)
        except IntegrityError:
            raise OrganizationNameTaken() from None
        return OrganizationResult(organization.id, last_position(recordings))

    def get_organization(self, organization_id: UUID) -> Organization:
        try:
            organization = self.repository.get(organization_id)
        except AggregateNotFoundError:
            raise UnknownOrganization() from None
        if not isinstance(organization, Organization):
            raise UnknownOrganization()
        return organization

    def _retrying(self, organization_id: UUID, change) -> int:
        """Apply a change to the organization, retrying if a concurrent change got there first."""
        for attempt in range(5):
            organization = self.get_organization(organization_id)
            change(organization)
            try:
                return last_position(self.save(organization))
            except IntegrityError:
                if attempt == 4:
                    raise
        raise AssertionError("unreachable")

    def attach_representative(self, organization_id: UUID, *, email: str, attached_by: UUID) -> int:
        person_id = self.find_person_by_email(email)
        if person_id is None:
            raise NoAccountForEmail()
        return self._retrying(organization_id, lambda o: o.attach_representative(person_id, attached_by))

    def detach_representative(self, organization_id: UUID, *, person_id: UUID, detached_by: UUID) -> int:
        return self._retrying(organization_id, lambda o: o.detach_representative(person_id, detached_by))

    def check_representative(self, person_id: UUID, organization_id: UUID) -> None:
        """Raises a DomainError unless the person represents the organization now.
        Authoritative: decided from the Organization aggregate's own events."""
        self.get_organization(organization_id).check_representative(person_id)

    def publish_offer(self, organization_id: UUID, *, published_by: UUID, as_staff: bool = False, **fields) -> OrganizationResult:
        organization = self.get_organization(organization_id)
        if not as_staff:
            organization.check_representative(published_by)
        offer = Offer.publish(organization_id=organization.id, published_by=published_by, **fields)
        return OrganizationResult(offer.id, last_position(self.save(offer)))

    def get_offer(self, offer_id: UUID) -> Offer:
        try:
            offer = self.repository.get(offer_id)
        except AggregateNotFoundError:
            raise UnknownOffer() from None
        if not isinstance(offer, Offer):
            raise UnknownOffer()
        return offer

    def withdraw_offer(self, offer_id: UUID, *, withdrawn_by: UUID, as_staff: bool = False) -> int:
        offer = self.get_offer(offer_id)
        if not as_staff:
            self.check_representative(withdrawn_by, offer.organization_id)
        offer.withdraw(withdrawn_by)
        return last_position(self.save(offer))
