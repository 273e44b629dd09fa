"""Ateliers Citoyens: workshops, their sessions, registrations, waitlist, attendance, feedback.

A session is one aggregate holding its capacity, its registered participants and its
ordered waitlist: every registration is a new version of it, so two concurrent
registrations for the last seat collide on (originator_id, version) in the event store and
the loser retries against the new state. The capacity can never be exceeded.

Feedback is its own aggregate whose id is a keyed hash of (session, person): the event
store refuses a second one, and the public log cannot link a rating to a person.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta
from hashlib import sha256
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from engage.domain.common import DomainError, check_arrondissement
from engage.domain.publicity import event
from engage.domain.topics import keep_topics
from engage.domain.workshops.errors import (
    AlreadyRegistered,
    InvalidCapacity,
    InvalidLanguage,
    InvalidRating,
    InvalidSchedule,
    InvalidTheme,
    InvalidWorkshop,
    NotFacilitator,
    NotRegistered,
    PlaceRequired,
    RollNotOpen,
    SessionCancelled,
    SessionStarted,
)

FEEDBACK_NAMESPACE = uuid5(NAMESPACE_URL, "https://engage.paris/ns/workshop-feedback")

# Codes are stable (events and open data use them); labels are French msgids.
THEMES = {
    "construire-son-projet": "Construire son projet",
    "comprendre-les-institutions": "Comprendre les institutions",
    "rencontrer-des-elus": "Rencontrer des élus",
}
LANGUAGES = {
    "fr": "Français",
    "fr-lsf": "Français, interprété en langue des signes (LSF)",
    "en": "Anglais",
}
MAX_CAPACITY = 500
# The roll opens a little before the start, so the facilitator can welcome people.
ROLL_OPENS_BEFORE = timedelta(minutes=30)


def check_theme(theme: object) -> str:
    if theme not in THEMES:
        raise InvalidTheme()
    return str(theme)


class Workshop(Aggregate):
    """What a workshop is about; its sessions are separate aggregates that name it."""
    public_id = True  # a public object: its events show its id

    @event("WorkshopCreated",
           public=("title", "theme", "description", "language", "accessibility"),
           commit=("created_by",))
    def __init__(self, title: str, theme: str, description: str, language: str,
                 accessibility: str, created_by: UUID):
        self.title = title
        self.theme = theme
        self.description = description
        self.language = language
        self.accessibility = accessibility
        self.created_by = created_by

    @classmethod
    def create(cls, *, title: str, theme: str, description: str, language: str,
               accessibility: str, created_by: UUID) -> "Workshop":
        title = " ".join(title.split())
        if not 3 <= len(title) <= 120 or len(description) > 4000 or len(accessibility) > 1000:
            raise InvalidWorkshop()
        if language not in LANGUAGES:
            raise InvalidLanguage()
        return cls(title=title, theme=check_theme(theme), description=description.strip(),
                   language=language, accessibility=accessibility.strip(), created_by=created_by)


def registration_refused(*, cancelled: bool, starts_at: datetime, now: datetime) -> DomainError | None:
    """Why nobody may register for (or withdraw from) a session now, or None: the rule the session
    enforces, asked by its page before offering a form."""
    if cancelled:
        return SessionCancelled()
    if now >= starts_at:
        return SessionStarted()
    return None


def _check_schedule(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    if (
        starts_at.tzinfo is None or ends_at.tzinfo is None
        or ends_at <= starts_at or ends_at - starts_at > timedelta(hours=12)
        or starts_at < now
    ):
        raise InvalidSchedule()


class WorkshopSession(Aggregate):
    """One session: capacity, registered participants, ordered waitlist, attendance."""
    public_id = True  # a public object: its events show its id

    @event("SessionScheduled",
           public=("workshop_id", "starts_at", "ends_at", "arrondissement", "place", "capacity"),
           commit=("facilitator_id", "scheduled_by"))
    def __init__(self, workshop_id: UUID, starts_at: datetime, ends_at: datetime,
                 arrondissement: int | None, place: str, online_link: str, capacity: int,
                 facilitator_id: UUID, scheduled_by: UUID):
        self.workshop_id = workshop_id
        self.starts_at = starts_at
        self.ends_at = ends_at
        self.arrondissement = arrondissement
        self.place = place
        self.online_link = online_link
        self.capacity = capacity
        self.facilitator_id = facilitator_id
        self.cancelled = False
        self.registered: list[UUID] = []
        self.waitlist: list[UUID] = []
        self.attendance: dict[UUID, bool] = {}

    @classmethod
    def schedule(cls, *, workshop_id: UUID, starts_at: datetime, ends_at: datetime,
                 arrondissement: int | None, place: str, online_link: str, capacity: int,
                 facilitator_id: UUID, scheduled_by: UUID, now: datetime) -> "WorkshopSession":
        _check_schedule(starts_at, ends_at, now)
        if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
            raise InvalidCapacity()
        place, online_link = place.strip(), online_link.strip()
        if online_link:
            if not online_link.startswith("https://") or len(online_link) > 500:
                raise PlaceRequired()
            arrondissement = None if not place else arrondissement
        if place or not online_link:
            if not place or len(place) > 200 or arrondissement is None:
                raise PlaceRequired()
            check_arrondissement(arrondissement)
        return cls(workshop_id=workshop_id, starts_at=starts_at, ends_at=ends_at,
                   arrondissement=arrondissement, place=place, online_link=online_link,
                   capacity=capacity, facilitator_id=facilitator_id, scheduled_by=scheduled_by)

    # -- what a session knows ---------------------------------------------------------

    def status_of(self, person_id: UUID) -> str | None:
        if person_id in self.registered:
            return "registered"
        if person_id in self.waitlist:
            return "waitlisted"
        return None

    def attended(self, person_id: UUID) -> bool:
        return self.attendance.get(person_id) is True

    def check_manager(self, by: UUID | None, *, admin: bool = False) -> None:
        """Who manages this session (moves it, cancels it, keeps and reads its roll): its own
        facilitator, or an admin. Any other facilitator is refused (NotFacilitator)."""
        if not may_manage_session(self.facilitator_id, by, admin=admin):
            raise NotFacilitator()

    def _check_open(self, now: datetime) -> None:
        refusal = registration_refused(cancelled=self.cancelled, starts_at=self.starts_at, now=now)
        if refusal is not None:
            raise refusal

    # -- registration -------------------------------------------------------------------

    def register(self, person_id: UUID, now: datetime) -> str:
        """'registered' while seats are left, else 'waitlisted' at the end of the line."""
        self._check_open(now)
        if self.status_of(person_id):
            raise AlreadyRegistered()
        if len(self.registered) < self.capacity:
            self._registered(person_id=person_id)
            return "registered"
        self._waitlisted(person_id=person_id, rank=len(self.waitlist) + 1)
        return "waitlisted"

    @event("SessionRegistered", commit={"person_id": "registration"})
    def _registered(self, person_id: UUID) -> None:
        self.registered.append(person_id)

    @event("SessionWaitlisted", public=("rank",), commit={"person_id": "registration"})
    def _waitlisted(self, person_id: UUID, rank: int) -> None:
        self.waitlist.append(person_id)

    def cancel_registration(self, person_id: UUID, now: datetime) -> UUID | None:
        """Withdraw; a freed seat goes to the first on the waitlist. Returns who was promoted."""
        self._check_open(now)
        status = self.status_of(person_id)
        if status is None:
            raise NotRegistered()
        self._registration_cancelled(person_id=person_id)
        if status == "registered" and self.waitlist and len(self.registered) < self.capacity:
            promoted = self.waitlist[0]
            self._promoted(person_id=promoted)
            return promoted
        return None

    @event("RegistrationCancelled", commit={"person_id": "registration"})
    def _registration_cancelled(self, person_id: UUID) -> None:
        if person_id in self.registered:
            self.registered.remove(person_id)
        else:
            self.waitlist.remove(person_id)

    @event("WaitlistPromoted", commit={"person_id": "registration"})
    def _promoted(self, person_id: UUID) -> None:
        self.waitlist.remove(person_id)
        self.registered.append(person_id)

    # -- changes by the staff -----------------------------------------------------------

    def reschedule(self, *, starts_at: datetime, ends_at: datetime, by: UUID, now: datetime,
                   admin: bool = False) -> None:
        self.check_manager(by, admin=admin)
        self._check_open(now)
        _check_schedule(starts_at, ends_at, now)
        self._rescheduled(starts_at=starts_at, ends_at=ends_at, rescheduled_by=by)

    @event("SessionRescheduled", public=("starts_at", "ends_at"), commit=("rescheduled_by",))
    def _rescheduled(self, starts_at: datetime, ends_at: datetime, rescheduled_by: UUID) -> None:
        self.starts_at = starts_at
        self.ends_at = ends_at

    def cancel(self, *, by: UUID, now: datetime, admin: bool = False) -> None:
        self.check_manager(by, admin=admin)
        self._check_open(now)
        self._cancelled(cancelled_by=by)

    @event("SessionCancelled", commit=("cancelled_by",))
    def _cancelled(self, cancelled_by: UUID) -> None:
        self.cancelled = True

    # -- attendance ---------------------------------------------------------------------

    def record_attendance(self, *, person_id: UUID, present: bool, by: UUID, now: datetime,
                          walk_in: bool = False, admin: bool = False) -> bool:
        """Mark one person present or absent; False when nothing changes (same mark again)."""
        self.check_manager(by, admin=admin)
        if self.cancelled:
            raise SessionCancelled()
        if now < self.starts_at - ROLL_OPENS_BEFORE:
            raise RollNotOpen()
        if person_id not in self.registered and person_id not in self.attendance:
            if not walk_in:
                raise NotRegistered()
            present = True  # a walk-in is, by definition, there
        if self.attendance.get(person_id) is present:
            return False
        self._attendance_recorded(person_id=person_id, present=bool(present),
                                  walk_in=person_id not in self.registered, recorded_by=by)
        return True

    @event("AttendanceRecorded",
           public=("present", "walk_in"),
           commit={"person_id": "attendance", "recorded_by": None})
    def _attendance_recorded(self, person_id: UUID, present: bool, walk_in: bool,
                             recorded_by: UUID) -> None:
        self.attendance[person_id] = present


class WorkshopFeedback(Aggregate):
    """One attendee's rating and comment; its id is a keyed hash of (session, person)."""
    public_id = False  # one person's: its id would link their acts

    @staticmethod
    def create_id(feedback_id: UUID) -> UUID:
        return feedback_id

    @event("FeedbackGiven", public=("session_id", "rating"), commit=("sealed_author",))
    def __init__(self, feedback_id: UUID, session_id: UUID, rating: int, sealed_comment: str,
                 sealed_author: str | None = None):
        # sealed_author: for the attendee's own history only (see attribution.py); optional.
        # The comment may name people: it is sealed with a key of this feedback's own,
        # readable by the facilitators through the read model, never public in the log.
        self.session_id = session_id
        self.rating = rating
        self.sealed_comment = sealed_comment


def may_manage_session(facilitator_id: UUID, by: UUID | None, *, admin: bool = False) -> bool:
    """THE rule of who manages a session: its facilitator or an admin (pages ask it to show links)."""
    return admin is True or (by is not None and by == facilitator_id)


def check_rating(rating: object, comment: str) -> int:
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5 or len(comment) > 2000:
        raise InvalidRating()
    return rating


def feedback_id(session_id: UUID, person_id: UUID, key: bytes) -> UUID:
    digest = hmac.new(key, f"feedback:{session_id.hex}:{person_id.hex}".encode(), sha256).hexdigest()
    return uuid5(FEEDBACK_NAMESPACE, digest)


def certificate_code(session_id: UUID, person_id: UUID, key: bytes) -> str:
    """Ten characters of base32 (50 bits) from an HMAC: unguessable, easy to read aloud."""
    import base64

    digest = hmac.new(key, f"certificate:{session_id.hex}:{person_id.hex}".encode(), sha256).digest()
    return base64.b32encode(digest).decode()[:10]


keep_topics(__name__, stored_as="engage.domain.workshops")
