"""Use cases of the Ateliers Citoyens. Mixed into EngageApplication."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Callable, Iterable
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from engage.domain.cards.model import CitizenCard
from engage.domain.common import UseCases, last_position
from engage.domain.workshops.errors import (
    CardRequired,
    FeedbackAlreadyGiven,
    NotAttended,
    RegistrationBusy,
    UnknownCard,
    WorkshopNotFound,
)
from engage.domain.workshops.model import (
    Workshop,
    WorkshopFeedback,
    WorkshopSession,
    certificate_code,
    check_rating,
    feedback_id,
)


@dataclass(frozen=True)
class CreationResult:
    id: UUID
    position: int


@dataclass(frozen=True)
class RegistrationResult:
    session_id: UUID
    person_id: UUID
    status: str  # "registered" or "waitlisted"
    rank: int | None  # place on the waitlist, 1 for the first
    position: int
    attempts: int


@dataclass(frozen=True)
class WithdrawalResult:
    promoted: UUID | None
    position: int


@dataclass(frozen=True)
class SessionChangeResult:
    """A reschedule or a cancellation, and who must be told."""
    notify: list[UUID] = field(default_factory=list)
    position: int = 0


@dataclass(frozen=True)
class AttendanceResult:
    changed: int
    position: int | None


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class WorkshopUseCases(UseCases):
    """Create workshops and sessions; register, withdraw, mark attendance, give feedback."""

    # Uses, from the other mixins (annotations only: EngageApplication provides them):
    get_card: Callable[[UUID], CitizenCard]  # cards
    valid_card: Callable[..., CitizenCard | None]  # cards: the valid-card rule
    valid_card_id: Callable[..., UUID | None]  # cards: the valid-card rule

    # Bounded retries on a version conflict, with exponential backoff and full jitter.
    REGISTRATION_ATTEMPTS = 60
    RETRY_BASE_DELAY = 0.002
    RETRY_MAX_DELAY = 0.1

    # -- staff ------------------------------------------------------------------------

    def create_workshop(self, *, title: str, theme: str, description: str, language: str,
                        accessibility: str, created_by: UUID) -> CreationResult:
        workshop = Workshop.create(title=title, theme=theme, description=description,
                                   language=language, accessibility=accessibility,
                                   created_by=created_by)
        return CreationResult(workshop.id, last_position(self.save(workshop)))

    def schedule_session(self, *, workshop_id: UUID, starts_at: datetime, ends_at: datetime,
                         arrondissement: int | None, place: str, online_link: str, capacity: int,
                         facilitator_id: UUID, scheduled_by: UUID, now: datetime | None = None) -> CreationResult:
        self._workshop(workshop_id)
        session = WorkshopSession.schedule(
            workshop_id=workshop_id, starts_at=starts_at, ends_at=ends_at,
            arrondissement=arrondissement, place=place, online_link=online_link,
            capacity=capacity, facilitator_id=facilitator_id, scheduled_by=scheduled_by,
            now=now or utcnow(),
        )
        return CreationResult(session.id, last_position(self.save(session)))

    # Who acts (`by`) and whether they act as an admin (`admin`, from their roles): a session is
    # managed by its facilitator or an admin (WorkshopSession.check_manager), never another one.

    def check_session_manager(self, session_id: UUID, *, by: UUID | None, admin: bool = False) -> None:
        """Before showing the roll (participants, feedback) or a form that changes the session:
        NotFacilitator unless `by` is its facilitator or an admin."""
        self.get_session(session_id).check_manager(by, admin=admin)

    def reschedule_session(self, session_id: UUID, *, starts_at: datetime, ends_at: datetime,
                           by: UUID, admin: bool = False, now: datetime | None = None) -> SessionChangeResult:
        now = now or utcnow()
        session, recordings, _ = self._change_session(
            session_id, lambda s: s.reschedule(starts_at=starts_at, ends_at=ends_at, by=by, now=now, admin=admin))
        return SessionChangeResult(list(session.registered) + list(session.waitlist), last_position(recordings))

    def cancel_session(self, session_id: UUID, *, by: UUID, admin: bool = False,
                       now: datetime | None = None) -> SessionChangeResult:
        now = now or utcnow()
        session, recordings, _ = self._change_session(session_id, lambda s: s.cancel(by=by, now=now, admin=admin))
        return SessionChangeResult(list(session.registered) + list(session.waitlist), last_position(recordings))

    # -- residents --------------------------------------------------------------------

    def check_card_holder(self, person_id: UUID, card_ids: Iterable[UUID], *, on: date | None = None) -> UUID:
        """The valid card among these (found by the caller in the read model), decided on the
        cards' own aggregates by the one rule (card_is_valid): a suspended, revoked, replaced
        or expired card does not count."""
        for card_id in card_ids:
            if self.valid_card(card_id, person_id, on=on) is not None:
                return card_id
        raise CardRequired()

    def register_for_session(self, session_id: UUID, person_id: UUID, *, card_ids: Iterable[UUID],
                             now: datetime | None = None) -> RegistrationResult:
        self.check_card_holder(person_id, list(card_ids), on=now.date() if now else None)
        now = now or utcnow()
        session, recordings, attempts = self._change_session(session_id, lambda s: s.register(person_id, now))
        status = session.status_of(person_id)
        rank = len(session.waitlist) if status == "waitlisted" else None
        return RegistrationResult(session_id, person_id, status, rank, last_position(recordings), attempts)

    def cancel_registration(self, session_id: UUID, person_id: UUID, *,
                            now: datetime | None = None) -> WithdrawalResult:
        now = now or utcnow()
        promoted: list[UUID | None] = [None]

        def withdraw(session: WorkshopSession) -> None:
            promoted[0] = session.cancel_registration(person_id, now)

        _, recordings, _ = self._change_session(session_id, withdraw)
        return WithdrawalResult(promoted[0], last_position(recordings))

    # -- attendance -------------------------------------------------------------------

    def record_attendance(self, session_id: UUID, marks: dict[UUID, bool], *, by: UUID, admin: bool = False,
                          now: datetime | None = None) -> AttendanceResult:
        """The whole roll at once: one save, so either every mark is recorded or none."""
        now = now or utcnow()
        changed = [0]

        def mark(session: WorkshopSession) -> None:
            session.check_manager(by, admin=admin)  # even for an empty roll
            changed[0] = sum(
                session.record_attendance(person_id=person_id, present=present, by=by, now=now, admin=admin)
                for person_id, present in marks.items()
            )

        _, recordings, _ = self._change_session(session_id, mark)
        return AttendanceResult(changed[0], last_position(recordings) if recordings else None)

    def record_walk_in(self, session_id: UUID, card_number: str, *, by: UUID, admin: bool = False,
                       now: datetime | None = None) -> AttendanceResult:
        # First who asks: nobody else learns whether a card number is valid.
        self.check_session_manager(session_id, by=by, admin=admin)
        card_id = self.valid_card_id(card_number, today=now.date() if now else None)
        if card_id is None:
            raise UnknownCard()
        card = self.get_card(card_id)
        now = now or utcnow()
        _, recordings, _ = self._change_session(
            session_id, lambda s: s.record_attendance(person_id=card.person_id, present=True, by=by,
                                                      now=now, walk_in=True, admin=admin))
        return AttendanceResult(1 if recordings else 0, last_position(recordings) if recordings else None)

    def _change_session(self, session_id: UUID, change: Callable[[WorkshopSession], object]):
        """Load the session, apply the change (which checks the rules), save; on a version
        conflict (someone else's change landed first) back off with jitter, reload, decide again.
        Bounded: (session, recordings, attempts), or RegistrationBusy."""
        for attempt in range(1, self.REGISTRATION_ATTEMPTS + 1):
            session = self.get_session(session_id)
            change(session)
            try:
                recordings = self.save(session)
            except IntegrityError:
                ceiling = min(self.RETRY_MAX_DELAY, self.RETRY_BASE_DELAY * 2 ** min(attempt, 10))
                time.sleep(self._rng.uniform(0, ceiling))
                continue
            return session, recordings, attempt
        raise RegistrationBusy()

    # -- after the session ------------------------------------------------------------

    def give_feedback(self, session_id: UUID, person_id: UUID, *, rating: int, comment: str) -> int:
        session = self.get_session(session_id)
        if not session.attended(person_id):
            raise NotAttended()
        rating = check_rating(rating, comment)
        identifier = feedback_id(session_id, person_id, self.identifier_key)
        feedback = WorkshopFeedback(
            feedback_id=identifier, session_id=session_id, rating=rating,
            sealed_comment=self.vault.seal(identifier, {"comment": comment.strip()}),
            sealed_author=self._seal_actor(identifier, person_id),
        )
        try:
            return last_position(self.save(feedback))
        except IntegrityError:
            raise FeedbackAlreadyGiven() from None

    def has_given_feedback(self, session_id: UUID, person_id: UUID) -> bool:
        try:
            self.repository.get(feedback_id(session_id, person_id, self.identifier_key))
        except AggregateNotFoundError:
            return False
        return True

    def certificate_code(self, session_id: UUID, person_id: UUID) -> str:
        session = self.get_session(session_id)
        if not session.attended(person_id):
            raise NotAttended()
        return certificate_code(session_id, person_id, self.identifier_key)

    # -- loading ----------------------------------------------------------------------

    def _workshop(self, workshop_id: UUID) -> Workshop:
        try:
            workshop = self.repository.get(workshop_id)
        except AggregateNotFoundError:
            raise WorkshopNotFound() from None
        if not isinstance(workshop, Workshop):
            raise WorkshopNotFound()
        return workshop

    def get_session(self, session_id: UUID) -> WorkshopSession:
        try:
            session = self.repository.get(session_id)
        except AggregateNotFoundError:
            raise WorkshopNotFound() from None
        if not isinstance(session, WorkshopSession):
            raise WorkshopNotFound()
        return session
