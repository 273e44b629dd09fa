"""Organizations (associations, consultative bodies, civic tech), their representatives,
and the offers they publish for Carte Citoyen·ne holders.

Who represents an organization is decided from the Organization aggregate itself
(`check_representative`), never from a read model: a representative posts in the
organization's name only while the aggregate says so.
"""

from __future__ import annotations

import re
from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from engage.domain.common import check_arrondissement
from engage.domain.organizations.errors import (
    AlreadyRepresentative,
    InvalidOffer,
    InvalidOfferDate,
    InvalidOfferKind,
    InvalidOrganization,
    InvalidOrganizationKind,
    InvalidWebsite,
    NotARepresentative,
    OfferAlreadyWithdrawn,
    OfferDatesInverted,
    PersonNotRepresentative,
)
from engage.domain.publicity import event
from engage.domain.topics import keep_topics

ORGANIZATION_NAMESPACE = uuid5(NAMESPACE_URL, "https://engage.paris/ns/organization")

# Codes are stable (events use them); labels are French msgids.
ORGANIZATION_KINDS = {
    "association": "Association",
    "consultative-body": "Instance consultative",
    "civic-tech": "Organisation de civic tech",
}
OFFER_KINDS = {
    "civic": "Civique",
    "cultural": "Culturelle",
    "associative": "Associative",
}
WEBSITE = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]{2,}$", re.IGNORECASE)


def organization_id_for(name: str) -> UUID:
    """From the normalized name: two registrations of one name collide in the event store."""
    return uuid5(ORGANIZATION_NAMESPACE, " ".join(name.lower().split()))


def _text(value: object, *, low: int, high: int) -> str:
    if not isinstance(value, str):
        raise InvalidOrganization()
    text = " ".join(value.split()) if high <= 200 else value.strip()
    if not low <= len(text) <= high:
        raise InvalidOrganization()
    return text


def _website(value: str) -> str:
    value = (value or "").strip()
    if value and (len(value) > 300 or not WEBSITE.match(value)):
        raise InvalidWebsite()
    return value


def _arrondissement_or_city(value: int | None) -> int | None:
    return None if value is None else check_arrondissement(value)


class Organization(Aggregate):
    public_id = True  # a public object: its events show its id
    @staticmethod
    def create_id(name: str, **_: object) -> UUID:
        return organization_id_for(name)

    @event("OrganizationRegistered",
           public=("name", "kind", "description", "website", "arrondissement"),
           commit=("registered_by",))
    def __init__(self, name: str, kind: str, description: str, website: str,
                 arrondissement: int | None, registered_by: UUID):
        # arrondissement None: city-wide.
        self.name = name
        self.kind = kind
        self.description = description
        self.website = website
        self.arrondissement = arrondissement
        self.representatives: set[UUID] = set()

    @classmethod
    def register(cls, *, name: str, kind: str, description: str, website: str,
                 arrondissement: int | None, registered_by: UUID) -> "Organization":
        if kind not in ORGANIZATION_KINDS:
            raise InvalidOrganizationKind()
        return cls(
            name=_text(name, low=2, high=120), kind=kind,
            description=_text(description, low=10, high=2000), website=_website(website),
            arrondissement=_arrondissement_or_city(arrondissement), registered_by=registered_by,
        )

    def attach_representative(self, person_id: UUID, attached_by: UUID) -> None:
        if person_id in self.representatives:
            raise AlreadyRepresentative()
        self._attached(person_id=person_id, attached_by=attached_by)

    @event("RepresentativeAttached", commit=("person_id", "attached_by"))
    def _attached(self, person_id: UUID, attached_by: UUID) -> None:
        self.representatives.add(person_id)

    def detach_representative(self, person_id: UUID, detached_by: UUID) -> None:
        if person_id not in self.representatives:
            raise PersonNotRepresentative()
        self._detached(person_id=person_id, detached_by=detached_by)

    @event("RepresentativeDetached", commit=("person_id", "detached_by"))
    def _detached(self, person_id: UUID, detached_by: UUID) -> None:
        self.representatives.discard(person_id)

    def check_representative(self, person_id: UUID) -> None:
        if person_id not in self.representatives:
            raise NotARepresentative()


def _iso_date(value: object, *, optional: bool) -> str:
    if value in (None, "") and optional:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise InvalidOfferDate() from None


class Offer(Aggregate):
    public_id = True  # a public object: its events show its id
    @event("OfferPublished",
           public=("organization_id", "title", "description", "kind", "arrondissement", "starts_on",
                   "ends_on", "link", "card_conditions"),
           commit=("published_by",))
    def __init__(self, organization_id: UUID, title: str, description: str, kind: str,
                 arrondissement: int | None, starts_on: str, ends_on: str, link: str,
                 card_conditions: str, published_by: UUID):
        self.organization_id = organization_id
        self.title = title
        self.description = description
        self.kind = kind
        self.arrondissement = arrondissement
        self.starts_on = starts_on
        self.ends_on = ends_on
        self.link = link
        self.card_conditions = card_conditions
        self.withdrawn = False

    @classmethod
    def publish(cls, *, organization_id: UUID, title: str, description: str, kind: str,
                arrondissement: int | None, starts_on: object, ends_on: object, link: str,
                card_conditions: str, published_by: UUID) -> "Offer":
        if kind not in OFFER_KINDS:
            raise InvalidOfferKind()
        try:
            title = _text(title, low=3, high=150)
            description = _text(description, low=10, high=3000)
            card_conditions = _text(card_conditions, low=3, high=500)
            link = _website(link)
        except InvalidWebsite:
            raise
        except InvalidOrganization:
            raise InvalidOffer() from None
        starts, ends = _iso_date(starts_on, optional=False), _iso_date(ends_on, optional=True)
        if ends and ends < starts:
            raise OfferDatesInverted()
        return cls(organization_id=organization_id, title=title, description=description, kind=kind,
                   arrondissement=_arrondissement_or_city(arrondissement), starts_on=starts, ends_on=ends,
                   link=link, card_conditions=card_conditions, published_by=published_by)

    def withdraw(self, withdrawn_by: UUID) -> None:
        if self.withdrawn:
            raise OfferAlreadyWithdrawn()
        self._withdrawn(withdrawn_by=withdrawn_by)

    @event("OfferWithdrawn", commit=("withdrawn_by",))
    def _withdrawn(self, withdrawn_by: UUID) -> None:
        self.withdrawn = True


keep_topics(__name__, stored_as="engage.domain.organizations")
