"""The restitution of a consultation: the City's answer to each contribution, editors'
quotes, and the report published as numbered, immutable versions.

One `Restitution` aggregate per consultation (its id derives from the consultation's), so
the event store itself numbers the published versions: two editors publishing at once
collide on (originator_id, version) and the loser retries, it never overwrites.

What is public in its events (every field but `sealed_snapshot` is in the transparency log):
- an answer: the contribution id, the status, the justification (the City's own words),
  its revision number and the editor's pseudonymous id;
- a quote: only the contribution id (its text stays sealed under the contribution's key);
- a published version: its number, the SHA-256 of the snapshot's exact bytes, and counts.
  The snapshot itself quotes contributions' texts, so it is sealed under the version's
  own key: a text removed by law can be shredded without touching a leaf, and anyone can
  still check the bytes served against the digest in the log.
"""

from __future__ import annotations

import re
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from engage.domain.publicity import event
from engage.domain.restitution.errors import (
    AlreadyQuoted,
    AnswerUnchanged,
    EmptyReport,
    InvalidJustification,
    InvalidSnapshot,
    NotQuoted,
    ReportUnchanged,
    RestitutionNotOpen,
    TooManyQuotes,
    UnknownAnswerStatus,
)
from engage.domain.topics import keep_topics

RESTITUTION_NAMESPACE = uuid5(NAMESPACE_URL, "https://engage.paris/ns/restitution")

# The City's answer ("suite donnée"): stable codes (events, open data), French labels.
ANSWER_STATUSES = {
    "retenue": "Retenue",
    "partiellement-retenue": "Partiellement retenue",
    "non-retenue": "Non retenue",
    "hors-champ": "Hors champ",
}
# Answers, quotes and publication open with the restitution and stay open afterwards: the
# City keeps answering while the charter is drafted and adopted. Never during the
# consultation itself, so an answer cannot sway votes still being cast.
RESTITUTION_PHASES = ("restitution", "redaction", "adoption")
JUSTIFICATION_MIN, JUSTIFICATION_MAX = 10, 2000
MAX_QUOTES = 20
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


def restitution_id(consultation_id: UUID) -> UUID:
    return uuid5(RESTITUTION_NAMESPACE, consultation_id.hex)


def check_phase(current_phase: str | None) -> None:
    if current_phase not in RESTITUTION_PHASES:
        raise RestitutionNotOpen()


def check_status(status: str) -> str:
    if status not in ANSWER_STATUSES:
        raise UnknownAnswerStatus()
    return status


def check_justification(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not JUSTIFICATION_MIN <= len(text) <= JUSTIFICATION_MAX:
        raise InvalidJustification()
    return text


class Restitution(Aggregate):
    public_id = True  # a public object: its events show its id
    @staticmethod
    def create_id(consultation_id: UUID) -> UUID:
        return restitution_id(consultation_id)

    @event("RestitutionOpened", public=("consultation_id",))
    def __init__(self, consultation_id: UUID):
        self.consultation_id = consultation_id
        self.answers: dict[str, tuple[str, str]] = {}  # contribution hex -> (status, justification)
        self.revisions: dict[str, int] = {}
        self.quotes: list[str] = []
        self.versions: list[str] = []  # SHA-256 of each published snapshot, in order

    # -- the City's answer ---------------------------------------------------------------
    def answer(self, *, contribution_id: UUID, status: str, justification: str, answered_by: UUID) -> int:
        """Record (or revise) the answer; returns its revision number (1 for the first)."""
        answer = (check_status(status), check_justification(justification))
        if self.answers.get(contribution_id.hex) == answer:
            raise AnswerUnchanged()
        revision = self.revisions.get(contribution_id.hex, 0) + 1
        self._answered(contribution_id=contribution_id, status=answer[0], justification=answer[1],
                       revision=revision, answered_by=answered_by)
        return revision

    @event("ContributionAnswered",
           public=("contribution_id", "status", "justification", "revision"),
           commit=("answered_by",))
    def _answered(self, contribution_id: UUID, status: str, justification: str, revision: int,
                  answered_by: UUID) -> None:
        self.answers[contribution_id.hex] = (status, justification)
        self.revisions[contribution_id.hex] = revision

    # -- quotes --------------------------------------------------------------------------
    def quote(self, *, contribution_id: UUID, quoted_by: UUID) -> None:
        if contribution_id.hex in self.quotes:
            raise AlreadyQuoted()
        if len(self.quotes) >= MAX_QUOTES:
            raise TooManyQuotes()
        self._quoted(contribution_id=contribution_id, quoted_by=quoted_by)

    @event("ContributionQuoted", public=("contribution_id",), commit=("quoted_by",))
    def _quoted(self, contribution_id: UUID, quoted_by: UUID) -> None:
        self.quotes.append(contribution_id.hex)

    def unquote(self, *, contribution_id: UUID, removed_by: UUID) -> None:
        if contribution_id.hex not in self.quotes:
            raise NotQuoted()
        self._unquoted(contribution_id=contribution_id, removed_by=removed_by)

    @event("QuoteRemoved", public=("contribution_id",), commit=("removed_by",))
    def _unquoted(self, contribution_id: UUID, removed_by: UUID) -> None:
        self.quotes.remove(contribution_id.hex)

    # -- publication ---------------------------------------------------------------------
    def publish(self, *, snapshot_sha256: str, sealed_snapshot: str, answered: int, contributions: int,
                published_by: UUID) -> int:
        """A new version, numbered by the aggregate; returns its number."""
        if not SHA256_HEX.match(snapshot_sha256 or ""):
            raise InvalidSnapshot()
        if not self.answers or answered < 1 or contributions < 1:
            raise EmptyReport()
        if self.versions and self.versions[-1] == snapshot_sha256:
            raise ReportUnchanged()
        number = len(self.versions) + 1
        self._published(number=number, snapshot_sha256=snapshot_sha256, sealed_snapshot=sealed_snapshot,
                        answered=answered, contributions=contributions, published_by=published_by)
        return number

    @event("RestitutionPublished",
           public=("number", "snapshot_sha256", "answered", "contributions"),
           commit=("published_by",))
    def _published(self, number: int, snapshot_sha256: str, sealed_snapshot: str, answered: int,
                   contributions: int, published_by: UUID) -> None:
        self.versions.append(snapshot_sha256)


keep_topics(__name__, stored_as="engage.domain.restitution")
