"""Consultations: a plan of phases, contributions online and in person, votes, meetings.

What is public and what is not:
- a consultation, its plan, its phase transitions: public facts;
- a contribution's author is a pseudonymous person id (pages show the display name);
  its text is sealed under the contribution's own key (`sealed_text`), so the public log
  carries only its digest and a text removed by law can be crypto-shredded without
  touching a leaf; moderation reasons are public (they are shown in the item's place);
- a vote's aggregate id is a keyed hash of (person, item): the log shows the option and
  the item, never who voted. The same id makes "one vote per person per item" an
  invariant of the event store: two first votes collide on (originator_id, version).
- a report is its own aggregate, keyed the same way (ContributionReport): one report per
  person and item, the reporter never in the log, the reason sealed.
"""

from __future__ import annotations

import datetime
import hmac
import re
import unicodedata
from dataclasses import dataclass
from hashlib import sha256
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from engage.domain.common import DomainError, check_arrondissement
from engage.domain.consultations.errors import (
    AlreadyHidden,
    AlreadyWithdrawn,
    CardRequired,
    ContributionClosed,
    DuplicateTheme,
    EditWindowClosed,
    EmptyText,
    InvalidCardSetting,
    InvalidCount,
    InvalidDescription,
    InvalidMeeting,
    InvalidMeetingTime,
    InvalidModerationReason,
    InvalidPaperReference,
    InvalidPlan,
    InvalidScanDigest,
    InvalidSheetCount,
    InvalidSheetNumber,
    InvalidSlug,
    InvalidThemes,
    InvalidThreshold,
    InvalidTitle,
    ItemUnavailable,
    NoSheetsOnline,
    NotHidden,
    NotTheAuthor,
    NoVoteToWithdraw,
    PhaseOrder,
    SheetAlreadyTranscribed,
    TextTooLong,
    UnknownKind,
    UnknownOption,
    UnknownSheet,
    UnknownTheme,
    WrongCheckDigit,
)
from engage.domain.publicity import event
from engage.domain.topics import keep_topics

CONSULTATION_NAMESPACE = uuid5(NAMESPACE_URL, "https://engage.paris/ns/consultation")
VOTE_NAMESPACE = uuid5(NAMESPACE_URL, "https://engage.paris/ns/vote")
REPORT_NAMESPACE = uuid5(NAMESPACE_URL, "https://engage.paris/ns/contribution-report")
# The one city-wide counter of contribution-sheet numbers (SheetNumbering).
SHEET_NUMBERING_ID = uuid5(NAMESPACE_URL, "https://engage.paris/ns/contribution-sheet-numbering")

# The commitment's four phases, in order. Contributions and votes are accepted in the first.
PHASES = ("consultation", "restitution", "redaction", "adoption")
PHASE_LABELS = {
    "consultation": "Consultation",
    "restitution": "Restitution",
    "redaction": "Rédaction",
    "adoption": "Adoption",
}
CONTRIBUTION_PHASE = "consultation"
# Paper handed in during the consultation may still be transcribed during the restitution.
TRANSCRIPTION_PHASES = ("consultation", "restitution")

KINDS = {
    "proposition": "Proposition",
    "avis": "Avis",
    "argument-pour": "Argument pour",
    "argument-contre": "Argument contre",
    "question": "Question",
}
ONLINE, IN_PERSON = "en ligne", "en présentiel"
CHANNELS = (ONLINE, IN_PERSON)
OPTIONS = {"d-accord": "D'accord", "mitige": "Mitigé", "pas-d-accord": "Pas d'accord"}
AGREE = "d-accord"

TEXT_MAX = 4000
EDIT_WINDOW = datetime.timedelta(minutes=15)
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
# Paper contribution sheets: at most this many printed at once; numbers shown on 6 digits at least.
SHEET_BATCH_MAX = 200
SHEET_DIGITS = 6
_SHEET_LABEL = re.compile(r"[0-9]{2,13}")


def next_phase(current: str | None) -> str | None:
    """The phase that may start after `current` (the first when none has started), or None
    after the last: phases only move forward, one at a time."""
    if current is None:
        return PHASES[0]
    position = PHASES.index(current) + 1
    return PHASES[position] if position < len(PHASES) else None


def open_for_contributions(current_phase: str | None) -> bool:
    """Contributions and votes are accepted in the consultation phase only."""
    return current_phase == CONTRIBUTION_PHASE


def participation_refused(*, current_phase: str | None, card_required: bool, has_valid_card: bool,
                          phases: tuple[str, ...] = (CONTRIBUTION_PHASE,)) -> DomainError | None:
    """Why a person may not contribute or vote now, or None when they may: the rule the
    consultation enforces (check_participation), asked by pages before they offer a form."""
    if current_phase not in phases:
        return ContributionClosed()
    if card_required and not has_valid_card:
        return CardRequired()
    return None


def phase_over(current_phase: str | None, phase: str = CONTRIBUTION_PHASE) -> bool:
    """`phase` is behind (phases only move forward): what it opened will not open again."""
    return current_phase in PHASES and PHASES.index(current_phase) > PHASES.index(phase)


def planned_span(plan: list[dict], phase: str = CONTRIBUTION_PHASE) -> tuple[str, str] | None:
    """The planned (start, end) ISO dates of a phase in a consultation's plan."""
    for step in plan:
        if step["phase"] == phase:
            return step["starts_on"], step["ends_on"]
    return None


def edit_deadline(posted: datetime.datetime) -> datetime.datetime:
    """Until when the author may edit a contribution posted at `posted`."""
    return posted + EDIT_WINDOW


# -- contribution sheets: numbers with a check digit --------------------------------------


def luhn_digit(digits: str) -> int:
    """The Luhn (mod 10) check digit of a string of digits: it catches every single wrong digit
    and every swap of two adjacent digits except 09 <-> 90."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:  # the digit next to the check digit is doubled
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return (10 - total % 10) % 10


def sheet_label(number: int) -> str:
    """A sheet number as printed and typed back: its digits, a hyphen, the check digit."""
    digits = f"{number:0{SHEET_DIGITS}d}"
    return f"{digits}-{luhn_digit(digits)}"


def parse_sheet_label(text: str) -> int:
    """The sheet number a label carries (spaces and hyphens ignored), its check digit verified."""
    compact = re.sub(r"[\s-]", "", text or "")
    if not _SHEET_LABEL.fullmatch(compact):
        raise InvalidSheetNumber()
    digits, check = compact[:-1], int(compact[-1])
    if luhn_digit(digits) != check:
        raise WrongCheckDigit()
    number = int(digits)
    if number < 1:
        raise InvalidSheetNumber()
    return number


def check_sheet_count(count: int) -> int:
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= SHEET_BATCH_MAX:
        raise InvalidSheetCount()
    return count


# -- helpers ---------------------------------------------------------------------------


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80]


def consultation_id(slug: str) -> UUID:
    """A slug names one consultation forever: a second one collides in the event store."""
    return uuid5(CONSULTATION_NAMESPACE, slug)


def vote_id(person_id: UUID, item_id: UUID, key: bytes) -> UUID:
    """Keyed, so the public log's vote ids cannot be recomputed from public person ids."""
    digest = hmac.new(key, f"{person_id.hex}:{item_id.hex}".encode(), sha256).hexdigest()
    return uuid5(VOTE_NAMESPACE, digest)


def clean_text(text: str) -> str:
    """Stored as typed (HTML is escaped when shown, never interpreted); empty or oversized refused."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise EmptyText()
    if len(text) > TEXT_MAX:
        raise TextTooLong()
    return text


def check_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not 5 <= len(reason) <= 300:
        raise InvalidModerationReason()
    return reason


def check_plan(plan: list[dict]) -> list[dict]:
    """Four phases, in order, each with ISO dates, start <= end, no overlap."""
    try:
        if [p["phase"] for p in plan] != list(PHASES):
            raise InvalidPlan()
        checked, previous_end = [], None
        for p in plan:
            start = datetime.date.fromisoformat(str(p["starts_on"]))
            end = datetime.date.fromisoformat(str(p["ends_on"]))
            if end < start or (previous_end and start < previous_end):
                raise InvalidPlan()
            previous_end = end
            checked.append({"phase": p["phase"], "starts_on": start.isoformat(), "ends_on": end.isoformat()})
    except (KeyError, TypeError, ValueError):
        raise InvalidPlan() from None
    return checked


def check_themes(themes: list[str]) -> list[str]:
    cleaned = [" ".join(t.split()) for t in themes if t and t.strip()]
    if not 1 <= len(cleaned) <= 20 or any(not 2 <= len(t) <= 80 for t in cleaned):
        raise InvalidThemes()
    if len({slugify(t) for t in cleaned}) != len(cleaned):
        raise DuplicateTheme()
    return cleaned


# -- aggregates ------------------------------------------------------------------------


class Consultation(Aggregate):
    public_id = True  # a public object: its events show its id
    @staticmethod
    def create_id(slug: str) -> UUID:
        return consultation_id(slug)

    @event("ConsultationCreated",
           public=("slug", "title", "description", "themes", "plan", "card_required", "support_threshold"),
           commit=("created_by",))
    def __init__(self, slug: str, title: str, description: str, themes: list[str], plan: list[dict],
                 card_required: bool, support_threshold: int, created_by: UUID):
        self.slug = slug
        self._revise(title, description, themes, plan, card_required, support_threshold)
        self.current_phase: str | None = None

    def _revise(self, title, description, themes, plan, card_required, support_threshold):
        self.title = title
        self.description = description
        self.themes = list(themes)
        self.plan = [dict(p) for p in plan]
        self.card_required = card_required
        self.support_threshold = support_threshold

    @staticmethod
    def check(title: str, description: str, themes: list[str], plan: list[dict],
              card_required: bool, support_threshold: int) -> dict:
        title = " ".join((title or "").split())
        description = (description or "").strip()
        if not 5 <= len(title) <= 200:
            raise InvalidTitle()
        if not 1 <= len(description) <= 5000:
            raise InvalidDescription()
        if not isinstance(card_required, bool):
            raise InvalidCardSetting()
        if not isinstance(support_threshold, int) or not 1 <= support_threshold <= 10_000_000:
            raise InvalidThreshold()
        return dict(title=title, description=description, themes=check_themes(themes),
                    plan=check_plan(plan), card_required=card_required,
                    support_threshold=support_threshold)

    @classmethod
    def create(cls, *, slug: str, created_by: UUID, **fields) -> "Consultation":
        slug = slugify(slug)
        if len(slug) < 3:
            raise InvalidSlug()
        return cls(slug=slug, created_by=created_by, **cls.check(**fields))

    def revise(self, *, revised_by: UUID, **fields) -> None:
        """Edit the title, description, themes, plan and settings (the plan stays editable)."""
        self._revised(revised_by=revised_by, **self.check(**fields))

    @event("ConsultationRevised",
           public=("title", "description", "themes", "plan", "card_required", "support_threshold"),
           commit=("revised_by",))
    def _revised(self, title, description, themes, plan, card_required, support_threshold, revised_by):
        self._revise(title, description, themes, plan, card_required, support_threshold)

    def start_phase(self, phase: str, started_by: UUID) -> None:
        """Phases only move forward, one at a time: the transition itself is the public fact."""
        if phase != next_phase(self.current_phase):
            raise PhaseOrder()
        self._phase_started(phase=phase, started_by=started_by)

    @event("ConsultationPhaseStarted", public=("phase",), commit=("started_by",))
    def _phase_started(self, phase: str, started_by: UUID) -> None:
        self.current_phase = phase

    def theme_key(self, theme: str) -> str:
        keys = {slugify(t): t for t in self.themes}
        key = slugify(theme or "")
        if key not in keys:
            raise UnknownTheme()
        return key

    def check_participation(self, *, has_valid_card: bool, phases=(CONTRIBUTION_PHASE,)) -> None:
        refusal = participation_refused(current_phase=self.current_phase, card_required=self.card_required,
                                        has_valid_card=has_valid_card, phases=phases)
        if refusal is not None:
            raise refusal


class Contribution(Aggregate):
    public_id = True  # a public object: its events show its id
    @staticmethod
    def create_id(contribution_id: UUID) -> UUID:
        return contribution_id

    # Not the paper form's reference: staff's free text, no statistic needs it; the scan's
    # digest ties the leaf to the paper.
    @event("ContributionPosted",
           public=("contribution_id", "consultation_id", "kind", "theme", "parent_id", "channel",
                   "organization_id", "meeting_id", "scan_sha256", "sheet_number", "sealed_text"),
           commit=("author_id", "transcriber_id"))
    def __init__(self, contribution_id: UUID, consultation_id: UUID, kind: str, theme: str, parent_id: UUID | None,
                 channel: str, author_id: UUID | None, organization_id: UUID | None,
                 meeting_id: UUID | None, transcriber_id: UUID | None, paper_reference: str | None,
                 scan_sha256: str | None, sealed_text: str, sheet_number: int | None = None):
        # sheet_number: the numbered paper sheet it was transcribed from (optional: older
        # transcriptions, and contributions said aloud at a meeting, have none).
        self.consultation_id = consultation_id
        self.kind = kind
        self.theme = theme
        self.parent_id = parent_id
        self.channel = channel
        self.author_id = author_id
        self.organization_id = organization_id
        self.meeting_id = meeting_id
        self.withdrawn = False
        self.hidden = False
        self.flagged_for_study = False
        self.edits = 0

    @classmethod
    def post(cls, *, contribution_id: UUID, consultation: Consultation, kind: str, theme: str, parent: "Contribution | None",
             channel: str, sealed_text: str, author_id: UUID | None = None,
             organization_id: UUID | None = None, meeting_id: UUID | None = None,
             transcriber_id: UUID | None = None, paper_reference: str | None = None,
             scan_sha256: str | None = None, sheet_number: int | None = None) -> "Contribution":
        if kind not in KINDS:
            raise UnknownKind()
        theme_key = consultation.theme_key(theme)
        if parent is not None:
            parent.check_available()
            if parent.consultation_id != consultation.id:
                raise ItemUnavailable()
        if channel not in CHANNELS:
            raise ValueError(channel)
        if paper_reference is not None:
            paper_reference = paper_reference.strip() or None
            if paper_reference and len(paper_reference) > 60:
                raise InvalidPaperReference()
        if scan_sha256 is not None:
            scan_sha256 = scan_sha256.strip().lower() or None
            if scan_sha256 and not SHA256_HEX.match(scan_sha256):
                raise InvalidScanDigest()
        return cls(contribution_id=contribution_id, consultation_id=consultation.id, kind=kind, theme=theme_key,
                   parent_id=parent.id if parent else None, channel=channel, author_id=author_id,
                   organization_id=organization_id, meeting_id=meeting_id,
                   transcriber_id=transcriber_id, paper_reference=paper_reference,
                   scan_sha256=scan_sha256, sealed_text=sealed_text, sheet_number=sheet_number)

    def check_available(self) -> None:
        if self.withdrawn or self.hidden:
            raise ItemUnavailable()

    def _check_author(self, person_id: UUID) -> None:
        if self.author_id is None or self.author_id != person_id:
            raise NotTheAuthor()

    def edit(self, *, person_id: UUID, sealed_text: str, now: datetime.datetime) -> None:
        self._check_author(person_id)
        if self.withdrawn:
            raise AlreadyWithdrawn()
        if self.hidden:
            raise ItemUnavailable()
        if now > edit_deadline(self.created_on):
            raise EditWindowClosed()
        self._edited(sealed_text=sealed_text)

    @event("ContributionEdited", public=("sealed_text",))
    def _edited(self, sealed_text: str) -> None:
        self.edits += 1  # every version stays in the log, each in its own event

    def withdraw(self, *, person_id: UUID) -> None:
        self._check_author(person_id)
        if self.withdrawn:
            raise AlreadyWithdrawn()
        self._withdrawn()

    @event("ContributionWithdrawn")
    def _withdrawn(self) -> None:
        self.withdrawn = True

    @event("ContributionReported")
    def _reported(self, reason: str) -> None:
        """Reports recorded before issue 16 (any number per person, the reason public): kept
        for replay. A report is now a ContributionReport of its own."""

    def hide(self, *, reason: str, moderator_id: UUID) -> None:
        if self.hidden:
            raise AlreadyHidden()
        self._hidden(reason=check_reason(reason), moderator_id=moderator_id)

    # The reason is a moderator's free text about a resident's words: not in the log.
    @event("ContributionHidden", commit=("moderator_id",))
    def _hidden(self, reason: str, moderator_id: UUID) -> None:
        self.hidden = True

    def restore(self, *, moderator_id: UUID) -> None:
        if not self.hidden:
            raise NotHidden()
        self._restored(moderator_id=moderator_id)

    @event("ContributionRestored", commit=("moderator_id",))
    def _restored(self, moderator_id: UUID) -> None:
        self.hidden = False

    def flag_for_study(self, *, agree_votes: int, threshold: int) -> bool:
        """Once per item, ever: the aggregate's own state says whether it already happened."""
        if self.flagged_for_study:
            return False
        self._flagged(agree_votes=agree_votes, threshold=threshold)
        return True

    @event("ContributionFlaggedForStudy", public=("agree_votes", "threshold"))
    def _flagged(self, agree_votes: int, threshold: int) -> None:
        self.flagged_for_study = True


class Vote(Aggregate):
    """One person's current opinion on one item. No person id in any of its events."""
    public_id = True  # a public object: its events show its id

    @staticmethod
    def create_id(vote_id: UUID) -> UUID:
        return vote_id

    @event("VoteCast", public=("item_id", "option"), commit=("sealed_voter",))
    def __init__(self, vote_id: UUID, item_id: UUID, option: str, sealed_voter: str | None = None):
        # sealed_voter: the voter, sealed for the voter's own history (see attribution.py);
        # the public log shows only its digest. Optional: older votes have none.
        self.item_id = item_id
        self.option: str | None = option

    @classmethod
    def cast(cls, *, vote_id: UUID, item_id: UUID, option: str, sealed_voter: str | None = None) -> "Vote":
        return cls(vote_id=vote_id, item_id=item_id, option=check_option(option), sealed_voter=sealed_voter)

    def change(self, option: str) -> bool:
        option = check_option(option)
        if option == self.option:
            return False
        self._changed(option=option)
        return True

    @event("VoteChanged", public=("option",))
    def _changed(self, option: str) -> None:
        self.option = option

    def withdraw(self) -> None:
        if self.option is None:
            raise NoVoteToWithdraw()
        self._withdrawn()

    @event("VoteWithdrawn")
    def _withdrawn(self) -> None:
        self.option = None


@dataclass(frozen=True)
class ItemAsShown:
    """An item and its consultation as the read models show them to the voter: what a vote's
    checks need, without loading two aggregates from the log. The same rules as
    Contribution.check_available and Consultation.check_participation, in the same order."""

    available: bool  # neither withdrawn nor hidden
    current_phase: str | None
    card_required: bool

    def check_votable(self, *, has_valid_card: bool) -> None:
        if not self.available:
            raise ItemUnavailable()
        refusal = participation_refused(current_phase=self.current_phase, card_required=self.card_required,
                                        has_valid_card=has_valid_card)
        if refusal is not None:
            raise refusal


def check_option(option: str) -> str:
    if option not in OPTIONS:
        raise UnknownOption()
    return option


class PublicMeeting(Aggregate):
    public_id = True  # a public object: its events show its id
    @event("PublicMeetingScheduled",
           public=("consultation_id", "title", "starts_at", "place", "arrondissement", "online_url"),
           commit=("facilitator_id",))
    def __init__(self, consultation_id: UUID, title: str, starts_at: str, place: str | None,
                 arrondissement: int | None, online_url: str | None, facilitator_id: UUID):
        self.consultation_id = consultation_id
        self.title = title
        self.starts_at = starts_at
        self.facilitator_id = facilitator_id
        self.headcount: int | None = None
        self.online = online_url is not None
        self.sheet_batches: list[tuple[int, int]] = []
        self.sheets_transcribed: set[int] = set()

    @classmethod
    def schedule(cls, *, consultation: Consultation, title: str, starts_at: datetime.datetime,
                 place: str | None, arrondissement: int | None, online_url: str | None,
                 facilitator_id: UUID) -> "PublicMeeting":
        title = " ".join((title or "").split())
        place = " ".join((place or "").split()) or None
        online_url = (online_url or "").strip() or None
        if not 5 <= len(title) <= 200 or starts_at.tzinfo is None:
            raise InvalidMeeting()
        try:
            starts_at = starts_at.astimezone(datetime.timezone.utc)
        except OverflowError:  # the first hours of year 1 east of Greenwich: no UTC year for them
            raise InvalidMeetingTime() from None
        if online_url:
            if not online_url.startswith("https://") or len(online_url) > 300 or place:
                raise InvalidMeeting()
            arrondissement = None
        else:
            if not place or len(place) > 200 or arrondissement is None:
                raise InvalidMeeting()
            arrondissement = check_arrondissement(arrondissement)
        return cls(consultation_id=consultation.id, title=title,
                   starts_at=starts_at.isoformat(),
                   place=place, arrondissement=arrondissement, online_url=online_url,
                   facilitator_id=facilitator_id)

    def record_headcount(self, headcount: int, recorded_by: UUID) -> None:
        if not isinstance(headcount, int) or headcount < 0 or headcount > 100_000:
            raise InvalidCount()
        self._headcount(headcount=headcount, recorded_by=recorded_by)

    @event("MeetingHeadcountRecorded", public=("headcount",), commit=("recorded_by",))
    def _headcount(self, headcount: int, recorded_by: UUID) -> None:
        self.headcount = headcount

    def record_show_of_hands(self, *, item_id: UUID, counts: dict[str, int], recorded_by: UUID) -> None:
        if set(counts) != set(OPTIONS) or any(
                not isinstance(v, int) or not 0 <= v <= 100_000 for v in counts.values()):
            raise InvalidCount()
        self._show_of_hands(item_id=item_id, counts=dict(counts), recorded_by=recorded_by)

    @event("ShowOfHandsRecorded", public=("item_id", "counts"), commit=("recorded_by",))
    def _show_of_hands(self, item_id: UUID, counts: dict, recorded_by: UUID) -> None:
        """A later count for the same item replaces the earlier one (a correction)."""

    def number_sheets(self, *, first: int, last: int, numbered_by: UUID) -> None:
        """A batch of contribution sheets printed for this meeting: numbers first..last, given
        by SheetNumbering (saved with it, so no number belongs to two batches)."""
        if self.online:
            raise NoSheetsOnline()
        check_sheet_count(last - first + 1)
        self._sheets_numbered(first=first, last=last, numbered_by=numbered_by)

    @event("ContributionSheetsNumbered", public=("first", "last"), commit=("numbered_by",))
    def _sheets_numbered(self, first: int, last: int, numbered_by: UUID) -> None:
        self.sheet_batches.append((first, last))

    def has_sheet(self, number: int) -> bool:
        return any(first <= number <= last for first, last in self.sheet_batches)

    def check_sheet(self, number: int) -> None:
        """The sheet was printed for this meeting and is not transcribed yet."""
        if not self.has_sheet(number):
            raise UnknownSheet()
        if number in self.sheets_transcribed:
            raise SheetAlreadyTranscribed()

    def transcribe_sheet(self, *, number: int, contribution_id: UUID) -> None:
        """One transcription per sheet: two concurrent ones conflict on the meeting's version."""
        self.check_sheet(number)
        self._sheet_transcribed(number=number, contribution_id=contribution_id)

    @event("ContributionSheetTranscribed", public=("number", "contribution_id"))
    def _sheet_transcribed(self, number: int, contribution_id: UUID) -> None:
        self.sheets_transcribed.add(number)


class SheetNumbering(Aggregate):
    """The city-wide counter of contribution-sheet numbers: one aggregate, so two batches
    allocated at once conflict on its version and one is retried; a number is never reused."""

    public_id = True  # one counter for the city: its events show its id

    @staticmethod
    def create_id() -> UUID:
        return SHEET_NUMBERING_ID

    @event("SheetNumberingStarted")
    def __init__(self):
        self.next_number = 1

    def allocate(self, *, meeting_id: UUID, count: int) -> tuple[int, int]:
        first = self.next_number
        last = first + check_sheet_count(count) - 1
        self._allocated(meeting_id=meeting_id, first=first, last=last)
        return first, last

    @event("SheetNumbersAllocated", public=("meeting_id", "first", "last"))
    def _allocated(self, meeting_id: UUID, first: int, last: int) -> None:
        self.next_number = last + 1


def report_id(person_id: UUID, item_id: UUID, key: bytes) -> UUID:
    """Keyed like vote_id (and apart from it), so the public log cannot name the reporter."""
    digest = hmac.new(key, f"report:{person_id.hex}:{item_id.hex}".encode(), sha256).hexdigest()
    return uuid5(REPORT_NAMESPACE, digest)


class ContributionReport(Aggregate):
    """One person's report of one contribution: its id is report_id(person, item), so a second
    report by the same person collides in the event store (two concurrent ones too). No person
    id in its event; the reason, free text that may name people, is sealed under the report's
    own key and read by the moderators through the read model only."""
    public_id = False  # one person's: its id would link their acts

    @staticmethod
    def create_id(report_id: UUID) -> UUID:
        return report_id

    @event("ReportFiled")
    def __init__(self, report_id: UUID, contribution_id: UUID, sealed_reason: str):
        self.contribution_id = contribution_id

    @classmethod
    def file(cls, *, report_id: UUID, contribution: Contribution, sealed_reason: str) -> "ContributionReport":
        return cls(report_id=report_id, contribution_id=contribution.id, sealed_reason=sealed_reason)


keep_topics(__name__, stored_as="engage.domain.consultations")
