"""Queries of the consultation pages: each one reads a few indexed rows, paged."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from uuid import UUID

from engage.db import Cursor, Database
from engage.domain.consultations.model import CHANNELS, OPTIONS, sheet_label, slugify

PAGE_SIZE = 20


@dataclass(frozen=True)
class ConsultationView:
    consultation_id: str
    slug: str
    title: str
    description: str
    themes: list[str]
    plan: list[dict]
    card_required: bool
    support_threshold: int
    current_phase: str | None
    created_at: str

    @property
    def theme_labels(self) -> dict[str, str]:
        return {slugify(t): t for t in self.themes}


_CONSULTATION = ("SELECT consultation_id, slug, title, description, themes, plan, card_required,"
                 " support_threshold, current_phase, created_at FROM rm_consultations")


def _consultation(row) -> ConsultationView:
    return ConsultationView(row[0], row[1], row[2], row[3], json.loads(row[4]), json.loads(row[5]),
                            bool(row[6]), row[7], row[8], row[9])


def consultations(db: Database, *, page: int = 1, size: int = PAGE_SIZE) -> tuple[list[ConsultationView], bool]:
    """Newest first; (rows, whether a next page exists)."""
    with db.reading() as cur:
        rows = cur.execute(_CONSULTATION + " ORDER BY position DESC LIMIT %s OFFSET %s",
                           [size + 1, (page - 1) * size]).fetchall()
    return [_consultation(r) for r in rows[:size]], len(rows) > size


def consultation(db: Database, ref: str) -> ConsultationView | None:
    """By slug, or by id (32 hex digits or a UUID)."""
    with db.reading() as cur:
        row = cur.execute(_CONSULTATION + " WHERE slug = %s", [ref]).fetchone()
        if row is None:
            try:
                row = cur.execute(_CONSULTATION + " WHERE consultation_id = %s", [UUID(ref).hex]).fetchone()
            except ValueError:
                row = None
    return _consultation(row) if row else None


@dataclass(frozen=True)
class ContributionView:
    contribution_id: str
    consultation_id: str
    parent_id: str | None
    kind: str
    theme: str
    channel: str
    author_id: str | None
    author_name: str | None
    meeting_id: str | None
    paper_reference: str | None
    scan_sha256: str | None
    body: str | None  # None when hidden or withdrawn: the text never leaves this module then
    status: str
    hidden_reason: str | None
    posted_at: str
    edited_at: str | None
    versions: int
    replies: int
    agree: int
    flagged_for_study: bool
    organization_name: str | None = None
    sheet: str | None = None  # the number of the contribution sheet it was transcribed from, as printed
    flagged_at: str | None = None  # when it reached the support threshold

    @property
    def published(self) -> bool:
        return self.status == "publiee"


_CONTRIBUTION = (
    "SELECT c.contribution_id, c.consultation_id, c.parent_id, c.kind, c.theme, c.channel, c.author_id,"
    " p.display_name, c.meeting_id, c.paper_reference, c.scan_sha256,"
    " CASE WHEN c.status = 'publiee' THEN c.body ELSE NULL END, c.status, c.hidden_reason, c.posted_at,"
    " c.edited_at, c.versions, COALESCE(k.replies, 0), COALESCE(k.agree, 0), c.flagged_for_study, o.name,"
    " c.sheet, c.flagged_at"
    " FROM rm_contributions c LEFT JOIN rm_contribution_counts k ON k.contribution_id = c.contribution_id"
    " LEFT JOIN rm_people p ON p.person_id = c.author_id"
    " LEFT JOIN rm_organizations o ON o.organization_id = c.organization_id"
)


def _contribution(row) -> ContributionView:
    return ContributionView(*row[:19], bool(row[19]), row[20], row[21], row[22])


def contributions(db: Database, consultation_id: str, *, kind: str | None = None, theme: str | None = None,
                  channel: str | None = None, page: int = 1, size: int = PAGE_SIZE
                  ) -> tuple[list[ContributionView], bool]:
    """Top-level contributions, newest first, filtered on at most the indexed columns."""
    where, params = ["c.consultation_id = %s", "c.top_level = %s"], [consultation_id, True]
    for column, value in (("kind", kind), ("theme", theme), ("channel", channel)):
        if value:
            where.append(f"c.{column} = %s")
            params.append(value)
    with db.reading() as cur:
        rows = cur.execute(
            _CONTRIBUTION + " WHERE " + " AND ".join(where) + " ORDER BY c.position DESC LIMIT %s OFFSET %s",
            params + [size + 1, (page - 1) * size]).fetchall()
    return [_contribution(r) for r in rows[:size]], len(rows) > size


def contribution(db: Database, contribution_id: str) -> ContributionView | None:
    try:
        key = UUID(contribution_id).hex
    except ValueError:
        return None
    with db.reading() as cur:
        row = cur.execute(_CONTRIBUTION + " WHERE c.contribution_id = %s", [key]).fetchone()
    return _contribution(row) if row else None


def consultation_and_contribution(db: Database, ref: str, contribution_id: str,
                                  extra: tuple[str, list] | None = None
                                  ) -> tuple[ConsultationView | None, ContributionView | None, list[tuple]]:
    """A consultation (by slug, or by id) and one contribution by id, and the rows of one more
    independent read (`extra`: the visitor's valid card, for a vote), in one round trip."""
    found, item, more = consultation_and_contribution_with(db, ref, contribution_id,
                                                           [extra] if extra is not None else [])
    return found, item, more[0] if extra is not None else []


def consultation_and_contribution_with(db: Database, ref: str, contribution_id: str,
                                       extra: list[tuple[str, list]]
                                       ) -> tuple[ConsultationView | None, ContributionView | None, list[list[tuple]]]:
    """consultation_and_contribution with any number of more independent reads, each one's rows;
    nothing but the first two is read for a malformed contribution id (a 404)."""
    try:
        key = UUID(contribution_id).hex
    except ValueError:
        key = None
    statements = [(_CONSULTATION + " WHERE slug = %s", [ref])]
    if key is not None:
        statements += [(_CONTRIBUTION + " WHERE c.contribution_id = %s", [key]), *extra]
    results = db.read_together(statements)
    found = _consultation(results[0][0]) if results[0] else consultation(db, ref)  # an id: rare
    item = _contribution(results[1][0]) if key is not None and results[1] else None
    return found, item, results[2:] if key is not None else [[] for _ in extra]


# -- a contribution's page: every read of its own in one round trip ------------------------------

REPLIES_PAGE = 50
_REPLIES = _CONTRIBUTION + " WHERE c.parent_id = %s ORDER BY c.position LIMIT %s OFFSET %s"
_VOTE_COUNTS = "SELECT channel, option, votes FROM rm_vote_counts WHERE item_id = %s"
_VOTE_OPTION = "SELECT option FROM rm_votes WHERE vote_id = %s"
_MEETINGS = "SELECT * FROM rm_meetings WHERE consultation_id = %s ORDER BY starts_at LIMIT %s"
# The meetings of the contribution's consultation, found from the contribution (the URL may name
# the consultation by slug); a contribution of another consultation is a 404 anyway.
_MEETINGS_OF_ITEM = ("SELECT * FROM rm_meetings WHERE consultation_id ="
                     " (SELECT consultation_id FROM rm_contributions WHERE contribution_id = %s)"
                     " ORDER BY starts_at LIMIT %s")


@dataclass(frozen=True)
class ItemPage:
    """What a contribution's page reads of the consultations' read models."""

    consultation: ConsultationView | None
    item: ContributionView | None
    card: bool  # the visitor holds a valid card (False when no card was asked)
    replies: list[ContributionView]
    more_replies: bool
    counts: dict[str, dict[str, int]]
    mine: str | None  # the visitor's ballot's option (None: none asked, none, or withdrawn)
    meetings: list[MeetingView]
    more: list[list[tuple]]  # the rows of each of `more`'s statements


def contribution_key(contribution_id: str) -> str:
    """A contribution's id as the read models key it; "" for a malformed one (found nowhere)."""
    try:
        return UUID(contribution_id).hex
    except ValueError:
        return ""


def item_page(db: Database, ref: str, contribution_id: str, *, page: int = 1,
              card: tuple[str, list] | None = None, vote_id: UUID | None = None,
              more: list[tuple[str, list]] = ()) -> ItemPage:
    """The consultation, the contribution, the visitor's valid card (`card`: its statement),
    a page of replies, the vote counts, the visitor's ballot (`vote_id`), the consultation's
    meetings and `more` statements (what other capabilities show on the page), in one round
    trip (the same reads as consultation_and_contribution, replies, vote_counts, vote_option and
    meetings)."""
    key = contribution_key(contribution_id)
    extra = [(_REPLIES, [key, REPLIES_PAGE + 1, (page - 1) * REPLIES_PAGE]), (_VOTE_COUNTS, [key]),
             (_MEETINGS_OF_ITEM, [key, MEETINGS_LIMIT]), *more]
    if card is not None:
        extra.append(card)
    if vote_id is not None:
        extra.append((_VOTE_OPTION, [vote_id.hex]))
    found, item, rows = consultation_and_contribution_with(db, ref, contribution_id, extra)
    replies_rows, count_rows, meeting_rows = rows[:3]
    mine_rows = rows.pop() if vote_id is not None else []
    card_rows = rows.pop() if card is not None else []
    return ItemPage(
        consultation=found, item=item, card=bool(card_rows),
        replies=[_contribution(r) for r in replies_rows[:REPLIES_PAGE]],
        more_replies=len(replies_rows) > REPLIES_PAGE, counts=_vote_counts(count_rows),
        mine=mine_rows[0][0] if mine_rows else None,
        meetings=[MeetingView(*r) for r in meeting_rows], more=rows[3:3 + len(more)])


def vote_option(db: Database, vote_id: UUID) -> str | None:
    """A ballot's current option by its keyed id (None: no ballot, or withdrawn)."""
    with db.reading() as cur:
        return cur.scalar(_VOTE_OPTION, [vote_id.hex])


def replies(db: Database, parent_id: str, *, page: int = 1, size: int = REPLIES_PAGE
            ) -> tuple[list[ContributionView], bool]:
    with db.reading() as cur:
        rows = cur.execute(_REPLIES, [parent_id, size + 1, (page - 1) * size]).fetchall()
    return [_contribution(r) for r in rows[:size]], len(rows) > size


def vote_counts(db: Database, item_id: str) -> dict[str, dict[str, int]]:
    """{channel: {option: votes}} with zeros filled in, plus a "total" channel."""
    with db.reading() as cur:
        return _vote_counts(cur.execute(_VOTE_COUNTS, [item_id]).fetchall())


def _vote_counts(rows) -> dict[str, dict[str, int]]:
    counts = {channel: dict.fromkeys(OPTIONS, 0) for channel in (*CHANNELS, "total")}
    for channel, option, votes in rows:
        counts[channel][option] = votes
        counts["total"][option] += votes
    return counts


def agree_as_published(db: Database, agree: dict[str, int]) -> dict[str, int | None]:
    """{contribution id: its d'accord total as the open data publishes it} (None: blanked)."""
    from engage.opendata.aggregates import published_agree

    with db.reading() as cur:
        return published_agree(cur, agree)


def contribution_counts(db: Database, consultation_id: str) -> dict[str, int]:
    counts = dict.fromkeys(CHANNELS, 0)
    with db.reading() as cur:
        counts.update(cur.execute("SELECT channel, contributions FROM rm_consultation_counts"
                                  " WHERE consultation_id = %s", [consultation_id]).fetchall())
    return counts


@dataclass(frozen=True)
class MeetingView:
    meeting_id: str
    consultation_id: str
    title: str
    starts_at: str
    place: str | None
    arrondissement: int | None
    online_url: str | None
    facilitator_id: str
    headcount: int | None
    contributions: int


MEETINGS_LIMIT = 50


def meetings(db: Database, consultation_id: str, *, limit: int = MEETINGS_LIMIT) -> list[MeetingView]:
    with db.reading() as cur:
        rows = cur.execute(_MEETINGS, [consultation_id, limit]).fetchall()
    return [MeetingView(*r) for r in rows]


def meeting(db: Database, meeting_id: str) -> MeetingView | None:
    try:
        key = UUID(meeting_id).hex
    except ValueError:
        return None
    with db.reading() as cur:
        row = cur.execute("SELECT * FROM rm_meetings WHERE meeting_id = %s", [key]).fetchone()
    return MeetingView(*row) if row else None


@dataclass(frozen=True)
class SheetBatch:
    """Contribution sheets numbered first..last for a meeting, printed as one PDF."""

    meeting_id: str
    first: int
    last: int
    numbered_at: str

    @property
    def labels(self) -> tuple[str, str]:
        return sheet_label(self.first), sheet_label(self.last)

    @property
    def count(self) -> int:
        return self.last - self.first + 1


def sheet_batches(db: Database, meeting_id: str, *, limit: int = 100) -> list[SheetBatch]:
    with db.reading() as cur:
        rows = cur.execute("SELECT meeting_id, first_number, last_number, numbered_at FROM rm_meeting_sheets"
                           " WHERE meeting_id = %s ORDER BY first_number LIMIT %s", [meeting_id, limit]).fetchall()
    return [SheetBatch(*r) for r in rows]


def sheet_batch(db: Database, meeting_id: str, first: str) -> SheetBatch | None:
    """One batch of the meeting, by its first number (as in its URL); None when unknown."""
    if not re.fullmatch(r"[0-9]{1,15}", first):
        return None
    with db.reading() as cur:
        row = cur.execute("SELECT meeting_id, first_number, last_number, numbered_at FROM rm_meeting_sheets"
                          " WHERE meeting_id = %s AND first_number = %s", [meeting_id, int(first)]).fetchone()
    return SheetBatch(*row) if row else None


def represented_organizations(db: Database, person_id: UUID) -> list[tuple[str, str]]:
    """(organization id, name) of the organizations this person represents (indexed on person)."""
    with db.reading() as cur:
        return [tuple(r) for r in cur.execute(
            "SELECT o.organization_id, o.name FROM rm_organization_representatives r"
            " JOIN rm_organizations o ON o.organization_id = r.organization_id"
            " WHERE r.person_id = %s ORDER BY o.sort_name LIMIT 50", [person_id.hex]).fetchall()]


@dataclass(frozen=True)
class OwnText:
    """A contribution as its author wrote it, whatever its status: their own personal data."""
    contribution_id: str
    consultation_id: str
    consultation_title: str | None
    kind: str
    theme: str
    status: str
    posted_at: str
    edited_at: str | None
    text: str | None
    position: int


def texts_of_author(db: Database, person_id: UUID, *, after: int = -1, limit: int = 500) -> list[OwnText]:
    """A person's own contributions, oldest first, from log position `after` (index author)."""
    with db.reading() as cur:
        rows = cur.execute(
            "SELECT c.contribution_id, c.consultation_id, k.title, c.kind, c.theme, c.status, c.posted_at,"
            " c.edited_at, c.body, c.position FROM rm_contributions c"
            " LEFT JOIN rm_consultations k ON k.consultation_id = c.consultation_id"
            " WHERE c.author_id = %s AND c.position > %s ORDER BY c.position LIMIT %s",
            [person_id.hex, after, limit]).fetchall()
    return [OwnText(*row) for row in rows]


@dataclass(frozen=True)
class ReportedView:
    contribution_id: str
    reports: int
    last_reason: str


def moderation_queue(db: Database, *, page: int = 1, size: int = PAGE_SIZE) -> tuple[list[ReportedView], bool]:
    with db.reading() as cur:
        rows = cur.execute("SELECT contribution_id, reports, last_reason FROM rm_moderation_queue"
                           " ORDER BY last_position DESC LIMIT %s OFFSET %s",
                           [size + 1, (page - 1) * size]).fetchall()
    return [ReportedView(*r) for r in rows[:size]], len(rows) > size


@dataclass(frozen=True)
class NotificationView:
    kind: str
    contribution_id: str
    consultation_id: str
    detail: str | None
    created_at: str


def notifications(db: Database, person_id: UUID, *, page: int = 1, size: int = PAGE_SIZE
                  ) -> tuple[list[NotificationView], bool]:
    with db.reading() as cur:
        rows = cur.execute("SELECT kind, contribution_id, consultation_id, detail, created_at"
                           " FROM rm_notifications WHERE person_id = %s ORDER BY position DESC LIMIT %s OFFSET %s",
                           [person_id.hex, size + 1, (page - 1) * size]).fetchall()
    return [NotificationView(*r) for r in rows[:size]], len(rows) > size


# -- search ------------------------------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)


def search(db: Database, consultation_id: str, text: str, *, page: int = 1, size: int = PAGE_SIZE
           ) -> tuple[list[ContributionView], bool]:
    """Published contributions matching every word, best first. One function, two engines:
    PostgreSQL's French full-text search, SQLite's FTS5 on the embedded default."""
    words = _WORD.findall(text or "")[:12]
    if not words:
        return [], False
    with db.reading() as cur:
        rows = (_search_postgresql if cur.backend == "postgresql" else _search_sqlite)(
            cur, consultation_id, words, size + 1, (page - 1) * size)
    return [_contribution(r) for r in rows[:size]], len(rows) > size


def _search_postgresql(cur: Cursor, consultation_id, words, limit, offset):
    query = " ".join(words)
    return cur.execute(
        _CONTRIBUTION + ", plainto_tsquery('french', %s) q WHERE c.search @@ q AND c.consultation_id = %s"
        " AND c.status = 'publiee' ORDER BY ts_rank(c.search, q) DESC, c.position DESC LIMIT %s OFFSET %s",
        [query, consultation_id, limit, offset]).fetchall()


def _search_sqlite(cur: Cursor, consultation_id, words, limit, offset):
    # Each word quoted (FTS5 syntax never comes from the user), prefix-matched for French endings.
    query = " ".join('"' + w.replace('"', "") + '"*' for w in words)
    return cur.execute(
        _CONTRIBUTION + " JOIN rm_contributions_fts f ON f.contribution_id = c.contribution_id"
        " WHERE rm_contributions_fts MATCH %s AND c.consultation_id = %s AND c.status = 'publiee'"
        " ORDER BY f.rank, c.position DESC LIMIT %s OFFSET %s",
        [query, consultation_id, limit, offset]).fetchall()


# -- the auditor's figures -----------------------------------------------------------------


def votes_per_item_as_of(db: Database, *, after: str = "", items: int = 100) -> tuple[int, list[tuple], str | None]:
    """(position, [(item_id, channel, option, votes)], next) in one statement: one snapshot.

    A page of at most `items` whole items (their counts are suppressed together), those whose
    id comes after `after` (a UUID, as the log spells it; "" for the first page), read
    through the primary key's index: never the whole table. `next` is the last item of the
    page when more follow (the next page's `after`), else None. Item ids are UUIDs as the
    public log spells them."""
    start = UUID(after).hex if after else ""
    with db.reading() as cur:
        rows = cur.execute(
            "SELECT t.position, v.item_id, v.channel, v.option, v.votes FROM projection_tracking t"
            " LEFT JOIN rm_vote_counts v ON v.votes <> 0 AND v.item_id IN ("
            "   SELECT item_id FROM rm_vote_counts WHERE item_id > %s AND votes <> 0"
            "   GROUP BY item_id ORDER BY item_id LIMIT %s)"
            " WHERE t.projection = %s ORDER BY v.item_id, v.channel, v.option",
            [start, items + 1, "consultations"]).fetchall()
    position = rows[0][0] if rows else 0
    found = [r for r in rows if r[1] is not None]
    page_items = list(dict.fromkeys(r[1] for r in found))
    following = None
    if len(page_items) > items:
        found = [r for r in found if r[1] != page_items[-1]]
        following = str(UUID(page_items[items - 1]))
    return position, [(str(UUID(r[1])), *r[2:]) for r in found], following


def contributions_per_consultation_as_of(db: Database) -> tuple[int, list[tuple]]:
    with db.reading() as cur:
        rows = cur.execute(
            "SELECT t.position, c.consultation_id, c.channel, c.contributions FROM projection_tracking t"
            " LEFT JOIN rm_consultation_counts c ON 1 = 1 WHERE t.projection = %s"
            " ORDER BY c.consultation_id, c.channel", ["consultations"]).fetchall()
    position = rows[0][0] if rows else 0
    return position, [(str(UUID(r[1])), *r[2:]) for r in rows if r[1] is not None]
