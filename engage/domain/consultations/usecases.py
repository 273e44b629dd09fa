"""Use cases of consultations: plan, contribute, vote, moderate, meet in person."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Callable
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from engage.domain.common import UseCases, last_position
from engage.domain.consultations.errors import (
    AlreadyReported,
    ConsultationNotFound,
    ContributionNotFound,
    MeetingNotFound,
    NoVoteToWithdraw,
    SheetsBusy,
    SlugTaken,
)
from engage.domain.consultations.model import (
    IN_PERSON,
    ONLINE,
    SHEET_NUMBERING_ID,
    TRANSCRIPTION_PHASES,
    Consultation,
    Contribution,
    ContributionReport,
    ItemAsShown,
    PublicMeeting,
    SheetNumbering,
    Vote,
    check_reason,
    check_sheet_count,
    clean_text,
    parse_sheet_label,
    report_id,
    vote_id,
)


@dataclass(frozen=True)
class ConsultationResult:
    """The aggregate a command wrote, and the log position a page waits for (None: nothing new)."""

    id: UUID
    position: int | None


@dataclass(frozen=True)
class SheetNumberingResult:
    """A batch of contribution sheets numbered for a meeting: numbers first..last."""

    id: UUID
    position: int | None
    first: int
    last: int


class ConsultationUseCases(UseCases):
    """Mixed into EngageApplication."""

    # Uses, from the other mixins (annotations only: EngageApplication provides them):
    check_representative: Callable[[UUID, UUID], None]  # organizations

    VOTE_ATTEMPTS = 5

    # -- consultations -------------------------------------------------------------------
    def create_consultation(self, *, slug: str, created_by: UUID, title: str, description: str,
                            themes: list[str], plan: list[dict], card_required: bool,
                            support_threshold: int) -> ConsultationResult:
        consultation = Consultation.create(
            slug=slug, created_by=created_by, title=title, description=description, themes=themes,
            plan=plan, card_required=card_required, support_threshold=support_threshold)
        try:
            recordings = self.save(consultation)
        except IntegrityError:
            raise SlugTaken() from None
        return ConsultationResult(consultation.id, last_position(recordings))

    def get_consultation(self, consultation_id: UUID) -> Consultation:
        try:
            return self.repository.get(consultation_id)
        except AggregateNotFoundError:
            raise ConsultationNotFound() from None

    def revise_consultation(self, consultation_id: UUID, *, revised_by: UUID, **fields) -> ConsultationResult:
        consultation = self.get_consultation(consultation_id)
        consultation.revise(revised_by=revised_by, **fields)
        return ConsultationResult(consultation.id, last_position(self.save(consultation)))

    def start_phase(self, consultation_id: UUID, phase: str, *, started_by: UUID) -> ConsultationResult:
        consultation = self.get_consultation(consultation_id)
        consultation.start_phase(phase, started_by)
        return ConsultationResult(consultation.id, last_position(self.save(consultation)))

    # -- contributions -------------------------------------------------------------------
    def get_contribution(self, contribution_id: UUID) -> Contribution:
        try:
            found = self.repository.get(contribution_id)
        except AggregateNotFoundError:
            raise ContributionNotFound() from None
        if not isinstance(found, Contribution):
            raise ContributionNotFound()
        return found

    def _seal_text(self, contribution_id: UUID, text: str) -> str:
        # Sealed under the contribution's own key: the log keeps a digest, the pages the text.
        return self.vault.seal(contribution_id, {"text": text})

    def _new_contribution(self, consultation: Consultation, *, text: str, parent_id: UUID | None,
                          **fields) -> Contribution:
        text = clean_text(text)
        parent = self.get_contribution(parent_id) if parent_id else None
        contribution_id = uuid4()
        return Contribution.post(
            contribution_id=contribution_id, consultation=consultation, parent=parent,
            sealed_text=self._seal_text(contribution_id, text), **fields)

    def _post(self, consultation: Consultation, *, text: str, parent_id: UUID | None, **fields) -> ConsultationResult:
        contribution = self._new_contribution(consultation, text=text, parent_id=parent_id, **fields)
        return ConsultationResult(contribution.id, last_position(self.save(contribution)))

    def contribute(self, *, consultation_id: UUID, person_id: UUID, has_valid_card: bool, kind: str,
                   theme: str, text: str, parent_id: UUID | None = None,
                   organization_id: UUID | None = None) -> ConsultationResult:
        consultation = self.get_consultation(consultation_id)
        consultation.check_participation(has_valid_card=has_valid_card)
        if organization_id is not None:
            # In an organization's name: only its representative, as its own events say now.
            self.check_representative(person_id, organization_id)
        return self._post(consultation, text=text, parent_id=parent_id, kind=kind, theme=theme,
                          channel=ONLINE, author_id=person_id, organization_id=organization_id)

    def transcribe_contribution(self, *, meeting_id: UUID, transcriber_id: UUID, kind: str, theme: str,
                                text: str, paper_reference: str | None = None,
                                scan_sha256: str | None = None, parent_id: UUID | None = None,
                                sheet: str | None = None) -> ConsultationResult:
        """A facilitator types in what was said at a meeting or handed in on paper. `sheet`: the
        number printed on the contribution sheet, check digit included; the meeting records it
        with the contribution (saved together), so a sheet is transcribed once, even by two
        facilitators at the same moment (they conflict on the meeting's version)."""
        number = parse_sheet_label(sheet) if sheet is not None else None
        for _ in range(self.VOTE_ATTEMPTS):
            meeting = self.get_meeting(meeting_id)
            consultation = self.get_consultation(meeting.consultation_id)
            consultation.check_participation(has_valid_card=True, phases=TRANSCRIPTION_PHASES)
            if number is not None:
                meeting.check_sheet(number)  # before the text is sealed: a refusal writes nothing
            contribution = self._new_contribution(
                consultation, text=text, parent_id=parent_id, kind=kind, theme=theme, channel=IN_PERSON,
                meeting_id=meeting.id, transcriber_id=transcriber_id, paper_reference=paper_reference,
                scan_sha256=scan_sha256, sheet_number=number)
            if number is None:
                return ConsultationResult(contribution.id, last_position(self.save(contribution)))
            meeting.transcribe_sheet(number=number, contribution_id=contribution.id)
            try:
                return ConsultationResult(contribution.id, last_position(self.save(meeting, contribution)))
            except IntegrityError:
                continue  # another write to the meeting came first: reload, check the sheet again
        raise SheetsBusy()  # pragma: no cover - needs 5 racing writers

    def number_sheets(self, meeting_id: UUID, *, count: int, numbered_by: UUID) -> SheetNumberingResult:
        """Number `count` contribution sheets for an in-person meeting, from the city-wide
        counter; the counter and the meeting are saved together, and a conflict on either
        (another batch, another write to the meeting) reloads both and tries again."""
        check_sheet_count(count)
        for _ in range(self.VOTE_ATTEMPTS):
            meeting = self.get_meeting(meeting_id)
            try:
                numbering = self.repository.get(SHEET_NUMBERING_ID)
            except AggregateNotFoundError:
                numbering = SheetNumbering()
            first, last = numbering.allocate(meeting_id=meeting.id, count=count)
            meeting.number_sheets(first=first, last=last, numbered_by=numbered_by)
            try:
                recordings = self.save(numbering, meeting)
            except IntegrityError:
                continue
            return SheetNumberingResult(meeting.id, last_position(recordings), first, last)
        raise SheetsBusy()  # pragma: no cover - needs 5 racing writers

    def edit_contribution(self, contribution_id: UUID, *, person_id: UUID, text: str,
                          now: datetime.datetime | None = None) -> ConsultationResult:
        contribution = self.get_contribution(contribution_id)
        text = clean_text(text)
        contribution.edit(person_id=person_id, sealed_text=self._seal_text(contribution.id, text),
                          now=now or datetime.datetime.now(datetime.timezone.utc))
        return ConsultationResult(contribution.id, last_position(self.save(contribution)))

    def withdraw_contribution(self, contribution_id: UUID, *, person_id: UUID) -> ConsultationResult:
        contribution = self.get_contribution(contribution_id)
        contribution.withdraw(person_id=person_id)
        return ConsultationResult(contribution.id, last_position(self.save(contribution)))

    # -- votes ---------------------------------------------------------------------------
    def _votable(self, item_id: UUID, has_valid_card: bool) -> Contribution:
        contribution = self.get_contribution(item_id)
        contribution.check_available()
        self.get_consultation(contribution.consultation_id).check_participation(
            has_valid_card=has_valid_card)
        return contribution

    def cast_vote(self, *, person_id: UUID, item_id: UUID, option: str, has_valid_card: bool,
                  shown: ItemAsShown | None = None) -> ConsultationResult:
        """First vote, change of mind, or a vote again after withdrawing: one aggregate per
        (person, item). `shown`: the item as the voter's page read it (its checks then load
        nothing from the log); without it, the item and its consultation are loaded.

        A first vote is the common case: it is saved without reading the log first. If the
        person has voted on the item before (or votes in another tab at the same moment), the
        event store refuses a second first version of the ballot; then, and only then, the
        ballot is loaded and the change recorded (or nothing, for the same option)."""
        if shown is None:
            self._votable(item_id, has_valid_card)
        else:
            shown.check_votable(has_valid_card=has_valid_card)
        key = vote_id(person_id, item_id, self.identifier_key)
        first_try = True
        for _ in range(self.VOTE_ATTEMPTS):
            if first_try:
                vote = Vote.cast(vote_id=key, item_id=item_id, option=option,
                                 sealed_voter=self._seal_actor(key, person_id))
                first_try = False
            else:
                try:
                    vote = self.repository.get(key)
                except AggregateNotFoundError:
                    vote = Vote.cast(vote_id=key, item_id=item_id, option=option,
                                     sealed_voter=self._seal_actor(key, person_id))
                else:
                    if not vote.change(option):
                        return ConsultationResult(key, None)
            try:
                return ConsultationResult(key, last_position(self.save(vote)))
            except IntegrityError:
                continue  # a ballot exists (an earlier vote, or another tab just now): load it
        raise IntegrityError("vote kept conflicting")  # pragma: no cover - needs 5 racing writers

    def vote_key(self, person_id: UUID, item_id: UUID) -> UUID:
        """The keyed id of a person's ballot on an item (only the application holds the key):
        what the read model of ballots (rm_votes) is looked up by."""
        return vote_id(person_id, item_id, self.identifier_key)

    def withdraw_vote(self, *, person_id: UUID, item_id: UUID, shown: ItemAsShown | None = None) -> ConsultationResult:
        """`shown`: as for cast_vote, the item as the voter's page read it (then only the ballot
        is loaded from the log)."""
        key = vote_id(person_id, item_id, self.identifier_key)
        try:
            vote = self.repository.get(key)
        except AggregateNotFoundError:
            raise NoVoteToWithdraw() from None
        if shown is None:
            self._votable(item_id, has_valid_card=True)
        else:
            shown.check_votable(has_valid_card=True)
        vote.withdraw()
        return ConsultationResult(key, last_position(self.save(vote)))

    def my_vote(self, *, person_id: UUID, item_id: UUID) -> str | None:
        """The person's own current option: only they can compute the keyed id."""
        try:
            return self.repository.get(vote_id(person_id, item_id, self.identifier_key)).option
        except AggregateNotFoundError:
            return None

    def flag_for_study(self, item_id: UUID, *, agree_votes: int, threshold: int) -> ConsultationResult:
        """Run by the support policy when a projection sees an item reach its threshold.
        Exactly once: the contribution knows whether it is flagged, and two policies racing
        collide on its version; the loser reloads and finds it already done."""
        for _ in range(self.VOTE_ATTEMPTS):
            contribution = self.get_contribution(item_id)
            if not contribution.flag_for_study(agree_votes=agree_votes, threshold=threshold):
                return ConsultationResult(item_id, None)
            try:
                return ConsultationResult(item_id, last_position(self.save(contribution)))
            except IntegrityError:
                continue
        return ConsultationResult(item_id, None)

    # -- moderation ----------------------------------------------------------------------
    def report_contribution(self, contribution_id: UUID, *, person_id: UUID, reason: str) -> ConsultationResult:
        """Once per person and item: the report's keyed id collides in the event store on a
        second one (AlreadyReported), concurrent ones included; nothing else is written."""
        contribution = self.get_contribution(contribution_id)
        reason = check_reason(reason)
        key = report_id(person_id, contribution.id, self.identifier_key)
        if self._reported_already(key):
            raise AlreadyReported()
        report = ContributionReport.file(report_id=key, contribution=contribution,
                                         sealed_reason=self.vault.seal(key, {"reason": reason}))
        try:
            return ConsultationResult(key, last_position(self.save(report)))
        except IntegrityError:
            raise AlreadyReported() from None

    def _reported_already(self, aggregate_id: UUID) -> bool:
        try:
            self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return False
        return True

    def hide_contribution(self, contribution_id: UUID, *, reason: str, moderator_id: UUID) -> ConsultationResult:
        contribution = self.get_contribution(contribution_id)
        contribution.hide(reason=reason, moderator_id=moderator_id)
        return ConsultationResult(contribution.id, last_position(self.save(contribution)))

    def restore_contribution(self, contribution_id: UUID, *, moderator_id: UUID) -> ConsultationResult:
        contribution = self.get_contribution(contribution_id)
        contribution.restore(moderator_id=moderator_id)
        return ConsultationResult(contribution.id, last_position(self.save(contribution)))

    # -- public meetings -----------------------------------------------------------------
    def schedule_meeting(self, *, consultation_id: UUID, facilitator_id: UUID, title: str,
                         starts_at: datetime.datetime, place: str | None = None,
                         arrondissement: int | None = None, online_url: str | None = None) -> ConsultationResult:
        consultation = self.get_consultation(consultation_id)
        meeting = PublicMeeting.schedule(
            consultation=consultation, title=title, starts_at=starts_at, place=place,
            arrondissement=arrondissement, online_url=online_url, facilitator_id=facilitator_id)
        return ConsultationResult(meeting.id, last_position(self.save(meeting)))

    def get_meeting(self, meeting_id: UUID) -> PublicMeeting:
        try:
            found = self.repository.get(meeting_id)
        except AggregateNotFoundError:
            found = None
        if not isinstance(found, PublicMeeting):
            raise MeetingNotFound()
        return found

    def record_headcount(self, meeting_id: UUID, headcount: int, *, recorded_by: UUID) -> ConsultationResult:
        meeting = self.get_meeting(meeting_id)
        meeting.record_headcount(headcount, recorded_by)
        return ConsultationResult(meeting.id, last_position(self.save(meeting)))

    def record_show_of_hands(self, meeting_id: UUID, *, item_id: UUID, counts: dict[str, int],
                             recorded_by: UUID) -> ConsultationResult:
        meeting = self.get_meeting(meeting_id)
        contribution = self.get_contribution(item_id)
        contribution.check_available()
        if contribution.consultation_id != meeting.consultation_id:
            raise ContributionNotFound()
        meeting.record_show_of_hands(item_id=item_id, counts=counts, recorded_by=recorded_by)
        return ConsultationResult(meeting.id, last_position(self.save(meeting)))
