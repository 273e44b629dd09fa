"""Seats by lot in consultative bodies: a call for volunteers among card holders, a seed
committed before the call closes, revealed after, and a draw anyone can recompute.

Volunteers are recorded in the call itself (so the draw decides from the call's own events),
each under a pseudonymous id: a keyed hash of (person, call). A claim aggregate with that
id makes the event store refuse a second sign-up by the same person.
"""

from __future__ import annotations

import hmac
import re
from hashlib import sha256
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from engage.domain.common import AGE_BANDS, ARRONDISSEMENTS
from engage.domain.publicity import event
from engage.domain.seats import lots
from engage.domain.seats.errors import (
    AlreadyVolunteered,
    CommitmentRequired,
    InvalidCommitment,
    InvalidSeatCall,
    InvalidSeed,
    InvalidStrata,
    SeatCallClosed,
    SeatCallStillOpen,
    SeedAlreadyCommitted,
    SeedAlreadyRevealed,
    SeedDoesNotMatch,
)
from engage.domain.topics import keep_topics

VOLUNTEER_NAMESPACE = uuid5(NAMESPACE_URL, "https://engage.paris/ns/seat-volunteer")
HEX64 = re.compile(r"^[0-9a-f]{64}$")


def volunteer_id_for(person_id: UUID, call_id: UUID, key: bytes) -> UUID:
    digest = hmac.new(key, person_id.bytes + call_id.bytes, sha256).hexdigest()
    return uuid5(VOLUNTEER_NAMESPACE, digest)


def check_strata(seats: object, strata: list[dict]) -> list[dict]:
    if isinstance(seats, bool) or not isinstance(seats, int) or not 1 <= seats <= 500:
        raise InvalidSeatCall()
    checked = []
    for stratum in strata:
        arrondissements = sorted(set(stratum.get("arrondissements") or []))
        age_bands = sorted(set(stratum.get("age_bands") or []))
        quota = stratum.get("quota")
        label = " ".join(str(stratum.get("label", "")).split())
        if (isinstance(quota, bool) or not isinstance(quota, int) or quota < 1
                or any(a not in ARRONDISSEMENTS for a in arrondissements)
                or any(b not in AGE_BANDS for b in age_bands)
                or not 1 <= len(label) <= 80 or not (arrondissements or age_bands)):
            raise InvalidStrata()
        checked.append({"label": label, "arrondissements": arrondissements, "age_bands": age_bands, "quota": quota})
    if sum(s["quota"] for s in checked) > seats:
        raise InvalidStrata()
    return checked


class SeatCall(Aggregate):
    public_id = True  # a public object: its events show its id
    @event("SeatCallOpened", public=("organization_id", "title", "seats", "strata"), commit=("opened_by",))
    def __init__(self, organization_id: UUID, title: str, seats: int, strata: list[dict], opened_by: UUID):
        self.organization_id = organization_id
        self.title = title
        self.seats = seats
        self.strata = strata
        self.volunteers: list[dict] = []  # {"id", "arrondissement", "age_band"}: public, pseudonymous
        self.commitment: str | None = None
        self.closed = False
        self.seed: str | None = None
        self.selected: list[str] | None = None

    @classmethod
    def open(cls, *, organization_id: UUID, title: str, seats: int, strata: list[dict], opened_by: UUID) -> "SeatCall":
        title = " ".join(str(title).split())
        if not 3 <= len(title) <= 150:
            raise InvalidSeatCall()
        strata = check_strata(seats, strata)
        return cls(organization_id=organization_id, title=title, seats=seats, strata=strata, opened_by=opened_by)

    def volunteer(self, volunteer_id: UUID, arrondissement: int, age_band: str) -> None:
        if self.closed:
            raise SeatCallClosed()
        if any(v["id"] == str(volunteer_id) for v in self.volunteers):
            raise AlreadyVolunteered()
        self._volunteered(volunteer_id=str(volunteer_id), arrondissement=arrondissement, age_band=age_band)

    @event("VolunteerRegistered", public=("volunteer_id", "arrondissement", "age_band"))
    def _volunteered(self, volunteer_id: str, arrondissement: int, age_band: str) -> None:
        self.volunteers.append({"id": volunteer_id, "arrondissement": arrondissement, "age_band": age_band})

    def commit_seed(self, seed_sha256: str, committed_by: UUID) -> None:
        seed_sha256 = str(seed_sha256).strip().lower()
        if not HEX64.match(seed_sha256):
            raise InvalidCommitment()
        if self.closed:
            raise SeatCallClosed()
        if self.commitment is not None:
            raise SeedAlreadyCommitted()
        self._committed(seed_sha256=seed_sha256, committed_by=committed_by)

    @event("SeedCommitted", public=("seed_sha256",), commit=("committed_by",))
    def _committed(self, seed_sha256: str, committed_by: UUID) -> None:
        self.commitment = seed_sha256

    def close(self, closed_by: UUID) -> None:
        if self.closed:
            raise SeatCallClosed()
        if self.commitment is None:
            raise CommitmentRequired()
        self._closed(closed_by=closed_by, volunteers=len(self.volunteers))

    @event("SeatCallClosed", public=("volunteers",), commit=("closed_by",))
    def _closed(self, closed_by: UUID, volunteers: int) -> None:
        self.closed = True

    def reveal_seed_and_draw(self, seed: str, revealed_by: UUID) -> None:
        seed = str(seed).strip().lower()
        if not HEX64.match(seed):
            raise InvalidSeed()
        if not self.closed:
            raise SeatCallStillOpen()
        if self.seed is not None:
            raise SeedAlreadyRevealed()
        if lots.seed_commitment(seed) != self.commitment:
            raise SeedDoesNotMatch()
        self._revealed(seed=seed, revealed_by=revealed_by)
        selected = lots.draw(seed, self.volunteers, self.seats, self.strata)
        self._drawn(selected=selected, algorithm="engage-lots-v1")

    @event("SeedRevealed", public=("seed",), commit=("revealed_by",))
    def _revealed(self, seed: str, revealed_by: UUID) -> None:
        self.seed = seed

    @event("SeatsDrawn", public=("selected", "algorithm"))
    def _drawn(self, selected: list[str], algorithm: str) -> None:
        self.selected = selected


class VolunteerClaim(Aggregate):
    """One per (person, call), under a keyed-hash id: a second sign-up collides."""
    public_id = False  # one person's: its id would link their acts

    @staticmethod
    def create_id(volunteer_id: UUID) -> UUID:
        return volunteer_id

    @event("VolunteerClaimed", public=("call_id", "volunteer_id"), commit=("sealed_volunteer",))
    def __init__(self, volunteer_id: UUID, call_id: UUID, sealed_volunteer: str | None = None):
        # sealed_volunteer: for the volunteer's own history only (see attribution.py); optional.
        self.call_id = call_id


keep_topics(__name__, stored_as="engage.domain.seats")
