"""Use cases of the charter, the commitment's milestones and the participation guide."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from engage.domain.charter.errors import (
    CharterAlreadyStarted,
    CharterNotStarted,
    InvalidChoice,
    MilestoneAlreadyPlanned,
    NoBallot,
    TooManyCitations,
    UnknownAmendment,
)
from engage.domain.charter.model import (
    CHARTER_ID,
    CHOICES,
    MAX_CITED,
    Amendment,
    Ballot,
    Charter,
    GuidePage,
    Milestone,
    ballot_id,
    check_citable,
    check_slug,
    guide_page_id,
    milestone_id,
)
from engage.domain.common import UseCases, last_position
from engage.domain.consultations.model import Consultation, Contribution


@dataclass(frozen=True)
class CharterResult:
    position: int
    id: UUID | None = None
    version: int | None = None


class CharterUseCases(UseCases):
    """Mixed into EngageApplication."""

    # Uses, from the other mixins (annotations only: EngageApplication provides them):
    get_consultation: Callable[[UUID], Consultation]  # consultations

    CHARTER_RETRIES = 5

    # ---- milestones
    def plan_milestone(self, *, step: int, title: str, description: str, planned_start: str, planned_end: str) -> CharterResult:
        milestone = Milestone.plan(step=step, title=title, description=description,
                                   planned_start=planned_start, planned_end=planned_end)
        try:
            return CharterResult(last_position(self.save(milestone)), milestone.id)
        except IntegrityError:
            raise MilestoneAlreadyPlanned() from None

    def get_milestone(self, step: int) -> Milestone:
        return self.repository.get(milestone_id(step))

    def record_milestone_progress(self, step: int, *, level: str, actual_start: str | None = None,
                                  actual_end: str | None = None, note: str = "") -> CharterResult:
        milestone = self.get_milestone(step)
        milestone.record_progress(level=level, actual_start=actual_start, actual_end=actual_end, note=note)
        return CharterResult(last_position(self.save(milestone)), milestone.id)

    def link_milestone_deliverable(self, step: int, *, title: str, url: str) -> CharterResult:
        milestone = self.get_milestone(step)
        milestone.link_deliverable(title=title, url=url)
        return CharterResult(last_position(self.save(milestone)), milestone.id)

    # ---- the charter, drafted by editors
    def start_charter(self, title: str = "Charte parisienne de la participation") -> CharterResult:
        try:
            return CharterResult(last_position(self.save(Charter(title=title))), CHARTER_ID)
        except IntegrityError:
            raise CharterAlreadyStarted() from None

    def get_charter(self) -> Charter:
        try:
            return self.repository.get(CHARTER_ID)
        except AggregateNotFoundError:
            raise CharterNotStarted() from None

    def _on_charter(self, change) -> CharterResult:
        """Apply a change to the charter; on a concurrent write, reload and apply it again."""
        for attempt in range(self.CHARTER_RETRIES):
            charter = self.get_charter()
            result = change(charter)
            try:
                return CharterResult(last_position(self.save(charter)), CHARTER_ID, result)
            except IntegrityError:
                if attempt == self.CHARTER_RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def add_article(self, *, title: str, text: str) -> CharterResult:
        article_id = uuid4().hex
        done = self._on_charter(lambda c: c.add_article(article_id=article_id, title=title, text=text))
        return CharterResult(done.position, UUID(article_id), 1)

    def revise_article(self, article_id: str, *, text: str, base_version: int, reason: str = "",
                       contributions: list[UUID] | tuple[UUID, ...] = ()) -> CharterResult:
        # Not retried: a concurrent revision makes base_version outdated, which must be said.
        charter = self.get_charter()
        cited = self._citable(charter, contributions)
        version = charter.revise_article(article_id=article_id, text=text, base_version=base_version, reason=reason,
                                         contributions=cited)
        return CharterResult(last_position(self.save(charter)), CHARTER_ID, version)

    def link_charter_to_consultation(self, consultation_id: UUID) -> CharterResult:
        self.get_consultation(consultation_id)  # an unknown consultation: a clear refusal
        return self._on_charter(lambda c: c.link_consultation(consultation_id))

    def _citable(self, charter: Charter, contributions) -> list[str]:
        """The ids (hex) of the contributions an article version cites, each checked from its own events."""
        wanted = list(dict.fromkeys(contributions))
        if len(wanted) > MAX_CITED:
            raise TooManyCitations()
        cited = []
        for contribution_id in wanted:
            try:
                found = self.repository.get(contribution_id)
            except AggregateNotFoundError:
                found = None
            cited.append(check_citable(charter, found if isinstance(found, Contribution) else None,
                                       contribution_id.hex[:8]))
        return cited

    def _drafting_phase(self, charter: Charter) -> str | None:
        """The current phase of the charter's consultation (None when it has none)."""
        if charter.consultation_id is None:
            return None
        return self.get_consultation(charter.consultation_id).current_phase

    def publish_charter_version(self, note: str = "") -> CharterResult:
        return self._on_charter(lambda c: c.publish_version(note))

    def adopt_charter(self, deliberation: dict[str, Any]) -> CharterResult:
        return self._on_charter(lambda c: c.adopt(deliberation))

    # ---- amendments, proposed by residents and decided by editors
    def propose_amendment(self, *, article_id: str, base_version: int, text: str, rationale: str,
                          author_id: UUID) -> CharterResult:
        charter = self.get_charter()
        amendment = Amendment.propose(charter, article_id=article_id, base_version=base_version,
                                      text=text, rationale=rationale, author_id=author_id,
                                      consultation_phase=self._drafting_phase(charter))
        return CharterResult(last_position(self.save(amendment)), amendment.id)

    def get_amendment(self, amendment_id: UUID) -> Amendment:
        try:
            return self.repository.get(amendment_id)
        except AggregateNotFoundError:
            raise UnknownAmendment() from None

    def accept_amendment(self, amendment_id: UUID, *, reason: str,
                         contributions: list[UUID] | tuple[UUID, ...] = ()) -> CharterResult:
        """Amendment and article change (with the contributions it cites) in one atomic write;
        an outdated amendment stays pending."""
        amendment = self.get_amendment(amendment_id)
        charter = self.get_charter()
        version = amendment.accept(charter, reason, self._citable(charter, contributions))
        return CharterResult(last_position(self.save(charter, amendment)), amendment.id, version)

    def reject_amendment(self, amendment_id: UUID, *, reason: str) -> CharterResult:
        amendment = self.get_amendment(amendment_id)
        amendment.reject(reason)
        return CharterResult(last_position(self.save(amendment)), amendment.id)

    # ---- ballots: one per person per amendment, enforced by the event store
    def _amendment_votable(self, amendment_id: UUID) -> Amendment:
        amendment = self.get_amendment(amendment_id)
        charter = self.get_charter()
        charter.check_drafting_open(self._drafting_phase(charter))
        amendment._check_pending()
        return amendment

    def vote_on_amendment(self, amendment_id: UUID, *, person_id: UUID, choice: str) -> CharterResult:
        if choice not in CHOICES:
            raise InvalidChoice()
        self._amendment_votable(amendment_id)
        bid = ballot_id(person_id, amendment_id, self.identifier_key)
        for attempt in range(self.CHARTER_RETRIES):
            try:
                ballot = self.repository.get(bid)
            except AggregateNotFoundError:
                ballot = Ballot(ballot_id=bid, amendment_id=amendment_id, choice=choice,
                                sealed_voter=self._seal_actor(bid, person_id))
            else:
                ballot.change(choice)
            try:
                recordings = self.save(ballot)
            except IntegrityError:
                continue  # a concurrent first ballot of the same person: change it instead
            if not recordings:
                return CharterResult(0, amendment_id)  # same choice again: nothing to record
            return CharterResult(last_position(recordings), amendment_id)
        raise InvalidChoice()

    def withdraw_amendment_vote(self, amendment_id: UUID, *, person_id: UUID) -> CharterResult:
        self._amendment_votable(amendment_id)
        try:
            ballot = self.repository.get(ballot_id(person_id, amendment_id, self.identifier_key))
        except AggregateNotFoundError:
            raise NoBallot() from None
        ballot.withdraw()
        return CharterResult(last_position(self.save(ballot)), amendment_id)

    def my_amendment_vote(self, amendment_id: UUID, person_id: UUID) -> str | None:
        """The person's own current choice, read from their ballot (never from a public table)."""
        try:
            return self.repository.get(ballot_id(person_id, amendment_id, self.identifier_key)).choice
        except AggregateNotFoundError:
            return None

    # ---- the participation guide
    def publish_guide_page(self, *, slug: str, title: str, body: str) -> CharterResult:
        slug = check_slug(slug)
        for attempt in range(self.CHARTER_RETRIES):
            try:
                page = self.repository.get(guide_page_id(slug))
            except AggregateNotFoundError:
                page = GuidePage(slug=slug)
            version = page.publish(title=title, body=body)
            try:
                return CharterResult(last_position(self.save(page)), page.id, version)
            except IntegrityError:
                if attempt == self.CHARTER_RETRIES - 1:
                    raise
        raise AssertionError("unreachable")
