"""Consultations read model: consultations, contributions, live vote counts, meetings,
moderation queue, notifications, full-text search.

One projection owns all these tables, so a vote is always applied after the contribution
it counts for, whatever the rebuild order. Counts are kept per (item, channel, option) and
per (consultation, channel): pages read one small row set, never count the votes.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from engage.db import Cursor
from engage.domain.common import PersonalDataVault
from engage.domain.consultations.model import (
    AGREE,
    IN_PERSON,
    ONLINE,
    Consultation,
    Contribution,
    ContributionReport,
    PublicMeeting,
    Vote,
    sheet_label,
)
from engage.domain.restitution.model import Restitution
from engage.projections.base import (
    Projection,
    add_column,
    append_rows,
    insert_rows,
    runs,
    select_in,
    update_rows,
)
from engage.projections.consultations.ballots import ballots_of, by_key, stored_ballots
from engage.projections.consultations.counters import room_to_update
from engage.projections.consultations.keyed import select_keyed

PUBLISHED, WITHDRAWN, HIDDEN = "publiee", "retiree", "masquee"
_RUN_KINDS = {Vote.VoteCast: "votes", Vote.VoteChanged: "votes", Vote.VoteWithdrawn: "votes",
              Contribution.ContributionPosted: "posts"}


def sheet_of(posted: Any) -> str | None:
    """The number, as printed (check digit included), of the contribution sheet a ContributionPosted
    was transcribed from; None without one (older events have no such field)."""
    number = getattr(posted, "sheet_number", None)
    return sheet_label(number) if number else None


class ConsultationsProjection(Projection):
    name = "consultations"
    follows = (
        Consultation.ConsultationCreated,
        Consultation.ConsultationRevised,
        Consultation.ConsultationPhaseStarted,
        Contribution.ContributionPosted,
        Contribution.ContributionEdited,
        Contribution.ContributionWithdrawn,
        Contribution.ContributionReported,
        ContributionReport.ReportFiled,
        Contribution.ContributionHidden,
        Contribution.ContributionRestored,
        Contribution.ContributionFlaggedForStudy,
        Vote.VoteCast,
        Vote.VoteChanged,
        Vote.VoteWithdrawn,
        PublicMeeting.PublicMeetingScheduled,
        PublicMeeting.MeetingHeadcountRecorded,
        PublicMeeting.ShowOfHandsRecorded,
        PublicMeeting.ContributionSheetsNumbered,
        # The City's answer ("suite donnée") reaches the contribution's author as a notification.
        Restitution.ContributionAnswered,
    )
    tables = (
        "rm_consultations",
        "rm_contributions",
        "rm_contributions_fts",
        "rm_contribution_counts",
        "rm_consultation_counts",
        "rm_votes",
        "rm_vote_counts",
        "rm_show_of_hands",
        "rm_support_due",
        "rm_meetings",
        "rm_meeting_sheets",
        "rm_moderation_queue",
        "rm_notifications",
    )
    # Looked up by key only while the log is replayed (here and by the change feed): a full
    # rebuild builds the other indexes at its end (engage/projections/deferred_indexes.py).
    rebuild_defers_indexes = True

    def __init__(self, vault: PersonalDataVault):
        self.vault = vault
        # Told, in the batch, that a row was written into rm_support_due: the support policy
        # reads that table only then (engage/policies/support.py; wired in engage/services.py).
        self.support_due: Callable[[], None] | None = None

    def _tell_support_due(self) -> None:
        if self.support_due is not None:
            self.support_due()

    # -- schema --------------------------------------------------------------------------
    def create_tables(self, cur: Cursor) -> None:
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_consultations (
                consultation_id TEXT PRIMARY KEY,
                slug TEXT NOT NULL UNIQUE,
                title TEXT NOT NULL,
                description TEXT NOT NULL,
                themes TEXT NOT NULL,
                plan TEXT NOT NULL,
                card_required BOOLEAN NOT NULL,
                support_threshold INTEGER NOT NULL,
                current_phase TEXT,
                created_at TEXT NOT NULL,
                position BIGINT NOT NULL
            )"""
        )
        cur.execute("CREATE INDEX IF NOT EXISTS rm_consultations_position ON rm_consultations (position)")
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_contributions (
                contribution_id TEXT PRIMARY KEY,
                consultation_id TEXT NOT NULL,
                position BIGINT NOT NULL,
                parent_id TEXT,
                top_level BOOLEAN NOT NULL,
                kind TEXT NOT NULL,
                theme TEXT NOT NULL,
                channel TEXT NOT NULL,
                author_id TEXT,
                organization_id TEXT,
                meeting_id TEXT,
                transcriber_id TEXT,
                paper_reference TEXT,
                scan_sha256 TEXT,
                body TEXT,
                status TEXT NOT NULL,
                hidden_reason TEXT,
                posted_at TEXT NOT NULL,
                edited_at TEXT,
                versions INTEGER NOT NULL,
                reports INTEGER NOT NULL,
                flagged_for_study BOOLEAN NOT NULL,
                sheet TEXT,
                flagged_at TEXT
            )"""
        )
        # Added with the numbered contribution sheets: every older row was transcribed without one.
        add_column(cur, "rm_contributions", "sheet", "TEXT")
        add_column(cur, "rm_contributions", "flagged_at", "TEXT")  # filled by the next rebuild
        # The live counters, in their own narrow table: a vote or a reply rewrites this short
        # row, never the searchable one (on PostgreSQL an UPDATE of rm_contributions recomputes
        # its stored French tsvector and adds entries to its seven indexes). A contribution
        # nobody voted for or answered has no row here: readers LEFT JOIN and COALESCE to 0.
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_contribution_counts (
                contribution_id TEXT PRIMARY KEY,
                agree INTEGER NOT NULL,
                replies INTEGER NOT NULL
            )""" + room_to_update(cur)
        )
        for name, columns in (
            ("all", "consultation_id, top_level, position"),
            ("kind", "consultation_id, top_level, kind, position"),
            ("theme", "consultation_id, top_level, theme, position"),
            ("channel", "consultation_id, top_level, channel, position"),
            ("parent", "parent_id, position"),
            ("author", "author_id, position"),
        ):
            cur.execute(f"CREATE INDEX IF NOT EXISTS rm_contributions_{name} ON rm_contributions ({columns})")
        if cur.backend == "postgresql":
            # French stemming and stop words; the GIN index answers @@ without a scan.
            cur.execute(
                "ALTER TABLE rm_contributions ADD COLUMN IF NOT EXISTS search tsvector"
                " GENERATED ALWAYS AS (to_tsvector('french', coalesce(body, ''))) STORED"
            )
            cur.execute("CREATE INDEX IF NOT EXISTS rm_contributions_search ON rm_contributions USING GIN (search)")
            cur.execute("CREATE TABLE IF NOT EXISTS rm_contributions_fts (unused INTEGER)")
        else:
            cur.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS rm_contributions_fts USING fts5("
                "contribution_id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2')"
            )
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_consultation_counts (
                consultation_id TEXT NOT NULL,
                channel TEXT NOT NULL,
                contributions INTEGER NOT NULL,
                PRIMARY KEY (consultation_id, channel)
            )"""
        )
        # Not public: which keyed vote id holds which option, to apply changes as deltas.
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_votes (
                vote_id TEXT PRIMARY KEY,
                item_id TEXT NOT NULL,
                option TEXT
            )"""
        )
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_vote_counts (
                item_id TEXT NOT NULL,
                channel TEXT NOT NULL,
                option TEXT NOT NULL,
                votes INTEGER NOT NULL,
                PRIMARY KEY (item_id, channel, option)
            )""" + room_to_update(cur)
        )
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_show_of_hands (
                meeting_id TEXT NOT NULL,
                item_id TEXT NOT NULL,
                option TEXT NOT NULL,
                votes INTEGER NOT NULL,
                PRIMARY KEY (meeting_id, item_id, option)
            )"""
        )
        # Items that reached their threshold and await the support policy's event.
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_support_due (
                item_id TEXT PRIMARY KEY,
                agree INTEGER NOT NULL,
                threshold INTEGER NOT NULL
            )"""
        )
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_meetings (
                meeting_id TEXT PRIMARY KEY,
                consultation_id TEXT NOT NULL,
                title TEXT NOT NULL,
                starts_at TEXT NOT NULL,
                place TEXT,
                arrondissement INTEGER,
                online_url TEXT,
                facilitator_id TEXT NOT NULL,
                headcount INTEGER,
                contributions INTEGER NOT NULL
            )"""
        )
        cur.execute("CREATE INDEX IF NOT EXISTS rm_meetings_consultation ON rm_meetings (consultation_id, starts_at)")
        # The batches of numbered contribution sheets printed for each meeting.
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_meeting_sheets (
                meeting_id TEXT NOT NULL,
                first_number BIGINT NOT NULL,
                last_number BIGINT NOT NULL,
                numbered_at TEXT NOT NULL,
                PRIMARY KEY (meeting_id, first_number)
            )"""
        )
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_moderation_queue (
                contribution_id TEXT PRIMARY KEY,
                last_position BIGINT NOT NULL,
                reports INTEGER NOT NULL,
                last_reason TEXT NOT NULL
            )"""
        )
        cur.execute("CREATE INDEX IF NOT EXISTS rm_moderation_queue_position ON rm_moderation_queue (last_position)")
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_notifications (
                person_id TEXT NOT NULL,
                position BIGINT NOT NULL,
                kind TEXT NOT NULL,
                contribution_id TEXT NOT NULL,
                consultation_id TEXT NOT NULL,
                detail TEXT,
                created_at TEXT NOT NULL,
                PRIMARY KEY (person_id, position, kind)
            )"""
        )

    # -- events --------------------------------------------------------------------------
    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        handler = getattr(self, "_" + type(event).__name__, None)
        if handler is not None:
            handler(cur, event, position)

    def apply_batch(self, cur: Cursor, events: list[tuple[Any, int]]) -> None:
        """Runs of votes and runs of new contributions (nearly the whole log at scale) are
        written with a few statements per run; anything else, one event at a time, in log
        order. The tables end exactly as `apply` one by one would leave them."""
        for kind, run in runs(events, _RUN_KINDS):
            if kind is None:
                self.apply(cur, *run[0])
            else:
                self._apply_run(cur, kind, run)

    def _apply_run(self, cur: Cursor, kind: str, run: list[tuple[Any, int]]) -> None:
        if kind == "votes":
            self._apply_votes(cur, run)
        else:
            self._apply_posts(cur, run)

    def _apply_posts(self, cur: Cursor, run: list[tuple[Any, int]]) -> None:
        bodies = self.vault.unseal_many([(e.originator_id, e.sealed_text) for e, _ in run], cur=cur)
        bodies = [fields["text"] if fields else None for fields in bodies]
        hexed = lambda value: value.hex if value else None  # noqa: E731
        columns = ("contribution_id", "consultation_id", "position", "parent_id", "top_level", "kind", "theme",
                   "channel", "author_id", "organization_id", "meeting_id", "transcriber_id", "paper_reference",
                   "scan_sha256", "body", "status", "hidden_reason", "posted_at", "edited_at", "versions",
                   "reports", "flagged_for_study", "sheet")
        rows = [(e.originator_id.hex, e.consultation_id.hex, position, hexed(e.parent_id), e.parent_id is None,
                 e.kind, e.theme, e.channel, hexed(e.author_id), hexed(e.organization_id), hexed(e.meeting_id),
                 hexed(e.transcriber_id), e.paper_reference, e.scan_sha256, body, PUBLISHED, None,
                 e.timestamp.isoformat(), None, 1, 0, False, sheet_of(e))
                for (e, position), body in zip(run, bodies)]
        # A contribution's row is created by its one ContributionPosted: new by construction.
        if not append_rows(cur, "rm_contributions", columns, rows):
            insert_rows(cur, "rm_contributions", columns, rows)
        if cur.backend == "sqlite":
            cur.executemany("INSERT INTO rm_contributions_fts (contribution_id, body) VALUES (%s, %s)",
                            [(e.originator_id.hex, body) for (e, _), body in zip(run, bodies) if body])
        per_channel: dict[tuple[str, str], int] = {}
        per_meeting: dict[str, int] = {}
        for e, _ in run:
            key = (e.consultation_id.hex, e.channel)
            per_channel[key] = per_channel.get(key, 0) + 1
            if e.meeting_id:
                per_meeting[e.meeting_id.hex] = per_meeting.get(e.meeting_id.hex, 0) + 1
        insert_rows(
            cur, "rm_consultation_counts", ("consultation_id", "channel", "contributions"),
            [(consultation, channel, n) for (consultation, channel), n in per_channel.items()],
            "ON CONFLICT (consultation_id, channel)"
            " DO UPDATE SET contributions = rm_consultation_counts.contributions + excluded.contributions",
        )
        per_parent: dict[str, int] = {}
        for e, _ in run:
            if e.parent_id:
                per_parent[e.parent_id.hex] = per_parent.get(e.parent_id.hex, 0) + 1
        self._add_replies(cur, per_parent)
        cur.executemany("UPDATE rm_meetings SET contributions = contributions + %s WHERE meeting_id = %s",
                        [(n, meeting) for meeting, n in per_meeting.items()])
        replies = [(e, position) for e, position in run if e.parent_id]
        parents = dict(select_in(cur, "SELECT contribution_id, author_id FROM rm_contributions"
                                      " WHERE contribution_id IN ({marks})",
                                 list({e.parent_id.hex for e, _ in replies})))
        for e, position in replies:
            parent_author = parents.get(e.parent_id.hex)
            if parent_author and parent_author != hexed(e.author_id):
                self._notify(cur, parent_author, position, "reply", e.parent_id.hex, e.consultation_id.hex,
                             e.originator_id.hex, e.timestamp)

    def _apply_votes(self, cur: Cursor, run: list[tuple[Any, int]]) -> None:
        """The votes' current options and the counts' starting points are read once; the run
        is replayed in memory (the support check after every vote, as `_vote` does); the
        results are written once, each table's rows in key order (the writes walk its
        primary key in order: ~20 % less of the backend's CPU for an upsert of 30,000 rows,
        ~40 % less for a COPY of 20,000 new ballots into 500,000)."""
        ballots = ballots_of(run)
        votes = {vote: (item, option) for vote, item, option in select_keyed(
            cur, "SELECT vote_id, item_id, option FROM rm_votes WHERE vote_id {in_keys}", stored_ballots(ballots))}
        stored = set(votes)
        for vote, item, _, cast in ballots:
            if vote in votes:
                continue
            if not cast:
                for event, position in run:  # a change without its vote: the one-by-one path decides
                    self.apply(cur, event, position)
                return
            votes[vote] = (item, None)
        items = sorted({item for item, _ in votes.values()})
        agree = dict.fromkeys(items, 0)
        # The counts row's agree is the sum of the item's d'accord votes (`_check_support`
        # writes it after every change of them): one read for the rules and the starting points.
        rules = {}
        counted_rows = set()  # items whose rm_contribution_counts row exists (read with the rules)
        for item, flagged, threshold, counted in select_keyed(
                cur, "SELECT c.contribution_id, c.flagged_for_study, s.support_threshold, k.agree"
                     " FROM rm_contributions c JOIN rm_consultations s ON s.consultation_id = c.consultation_id"
                     " LEFT JOIN rm_contribution_counts k ON k.contribution_id = c.contribution_id"
                     " WHERE c.contribution_id {in_keys}", items):
            rules[item] = (flagged, threshold)
            agree[item] = counted or 0
            if counted is not None:
                counted_rows.add(item)
        # Votes for an item this read model does not hold (none in a well-formed log).
        agree.update(select_keyed(cur, f"SELECT item_id, SUM(votes) FROM rm_vote_counts WHERE option = '{AGREE}'"
                                       " AND item_id {in_keys} GROUP BY item_id",
                                  [item for item in items if item not in rules]))
        stored_agree = dict(agree)
        # Votes already stored keep their row's item (as `_vote` reads it); new ones take the event's.
        current = {vote: option for vote, (_, option) in votes.items()}
        deltas: dict[str, dict[str, int]] = {}  # item: option: votes added
        due: dict[str, tuple[int, int]] = {}
        for vote, _, new, _ in ballots:
            item, old = votes[vote][0], current[vote]
            current[vote] = new
            for option, delta in ((old, -1), (new, +1)):
                if option is not None:
                    per_option = deltas.setdefault(item, {})
                    per_option[option] = per_option.get(option, 0) + delta
                    if option == AGREE:
                        agree[item] += delta
            rule = rules.get(item)
            if rule and not rule[0] and agree[item] >= rule[1]:
                due[item] = (agree[item], rule[1])
        # A ballot's row is created by its one VoteCast (stored_ballots): the new ones are a plain
        # INSERT (an ON CONFLICT insert writes a third WAL record per row, and the rows of
        # 2 M ballots are most of the rebuild's writes), a COPY when many (before the pipeline:
        # COPY cannot run in it), the others an UPDATE.
        new_ballots = sorted(((vote, votes[vote][0], option) for vote, option in current.items() if vote not in stored),
                             key=by_key)
        if append_rows(cur, "rm_votes", ("vote_id", "item_id", "option"), new_ballots):
            new_ballots = []
        with cur.writes():  # no answer read: they go with the batch's next statement
            insert_rows(cur, "rm_votes", ("vote_id", "item_id", "option"), new_ballots)
            update_rows(cur, "rm_votes", "vote_id", ("option",),
                        sorted(((vote, option) for vote, option in current.items() if vote in stored), key=by_key))
            insert_rows(cur, "rm_vote_counts", ("item_id", "channel", "option", "votes"),
                        [(item, ONLINE, option, delta) for item in sorted(deltas)
                         for option, delta in deltas[item].items()],
                        "ON CONFLICT (item_id, channel, option) DO UPDATE SET votes = rm_vote_counts.votes + excluded.votes"
                        " WHERE excluded.votes <> 0")
            self._write_agree(cur, items, agree, stored_agree, counted_rows, rules)
            insert_rows(cur, "rm_support_due", ("item_id", "agree", "threshold"),
                        [(item, *due[item]) for item in sorted(due)],
                        "ON CONFLICT (item_id) DO UPDATE SET agree = excluded.agree"
                        " WHERE rm_support_due.agree <> excluded.agree")
        if due:
            self._tell_support_due()

    @staticmethod
    def _write_agree(cur, items: list[str], agree: dict, stored_agree: dict, counted_rows: set, rules: dict) -> None:
        """rm_contribution_counts.agree of a run's items, as `_check_support`'s upsert leaves it:
        a row whose count did not move is left as it is. The rows read with the rules are
        updated (cheaper than an upsert: no insertion attempted first), the items found without
        one get a plain INSERT (a row there after all would be an error, never a silent
        difference), and items the rules did not find (none in a well-formed log) the upsert."""
        update_rows(cur, "rm_contribution_counts", "contribution_id", ("agree",),
                    [(item, agree[item]) for item in items
                     if item in counted_rows and agree[item] != stored_agree[item]])
        insert_rows(cur, "rm_contribution_counts", ("contribution_id", "agree", "replies"),
                    [(item, agree[item], 0) for item in items if item in rules and item not in counted_rows])
        insert_rows(cur, "rm_contribution_counts", ("contribution_id", "agree", "replies"),
                    [(item, agree[item], 0) for item in items if item not in rules],
                    "ON CONFLICT (contribution_id) DO UPDATE SET agree = excluded.agree"
                    " WHERE rm_contribution_counts.agree <> excluded.agree")

    def _ConsultationCreated(self, cur, e, position):
        cur.execute(
            "INSERT INTO rm_consultations (consultation_id, slug, title, description, themes, plan,"
            " card_required, support_threshold, current_phase, created_at, position)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, NULL, %s, %s)",
            [e.originator_id.hex, e.slug, e.title, e.description, json.dumps(e.themes),
             json.dumps(e.plan), e.card_required, e.support_threshold, e.timestamp.isoformat(), position],
        )

    def _ConsultationRevised(self, cur, e, position):
        cur.execute(
            "UPDATE rm_consultations SET title = %s, description = %s, themes = %s, plan = %s,"
            " card_required = %s, support_threshold = %s WHERE consultation_id = %s",
            [e.title, e.description, json.dumps(e.themes), json.dumps(e.plan), e.card_required,
             e.support_threshold, e.originator_id.hex],
        )

    def _ConsultationPhaseStarted(self, cur, e, position):
        cur.execute("UPDATE rm_consultations SET current_phase = %s WHERE consultation_id = %s",
                    [e.phase, e.originator_id.hex])

    def _text(self, cur, contribution_id, sealed: str) -> str | None:
        fields = self.vault.unseal(contribution_id, sealed, cur=cur)
        return fields["text"] if fields else None

    def _ContributionPosted(self, cur, e, position):
        cid = e.originator_id.hex
        body = self._text(cur, e.originator_id, e.sealed_text)
        hexed = lambda value: value.hex if value else None  # noqa: E731
        cur.execute(
            "INSERT INTO rm_contributions (contribution_id, consultation_id, position, parent_id, top_level,"
            " kind, theme, channel, author_id, organization_id, meeting_id, transcriber_id, paper_reference,"
            " scan_sha256, body, status, hidden_reason, posted_at, edited_at, versions, reports,"
            " flagged_for_study, sheet) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
            " %s, %s, %s, NULL, %s, NULL, 1, 0, %s, %s)",
            [cid, e.consultation_id.hex, position, hexed(e.parent_id), e.parent_id is None, e.kind, e.theme,
             e.channel, hexed(e.author_id), hexed(e.organization_id), hexed(e.meeting_id),
             hexed(e.transcriber_id), e.paper_reference, e.scan_sha256, body, PUBLISHED,
             e.timestamp.isoformat(), False, sheet_of(e)],
        )
        self._index_text(cur, cid, body)
        cur.execute(
            "INSERT INTO rm_consultation_counts (consultation_id, channel, contributions) VALUES (%s, %s, 1)"
            " ON CONFLICT (consultation_id, channel)"
            " DO UPDATE SET contributions = rm_consultation_counts.contributions + 1",
            [e.consultation_id.hex, e.channel],
        )
        if e.meeting_id:
            cur.execute("UPDATE rm_meetings SET contributions = contributions + 1 WHERE meeting_id = %s",
                        [e.meeting_id.hex])
        if e.parent_id:
            self._add_replies(cur, {e.parent_id.hex: 1})
            parent_author = cur.scalar("SELECT author_id FROM rm_contributions WHERE contribution_id = %s",
                                       [e.parent_id.hex])
            if parent_author and parent_author != hexed(e.author_id):
                self._notify(cur, parent_author, position, "reply", e.parent_id.hex, e.consultation_id.hex,
                             cid, e.timestamp)

    @staticmethod
    def _add_replies(cur, per_parent: dict[str, int]) -> None:
        insert_rows(cur, "rm_contribution_counts", ("contribution_id", "agree", "replies"),
                    [(parent, 0, n) for parent, n in per_parent.items()],
                    "ON CONFLICT (contribution_id)"
                    " DO UPDATE SET replies = rm_contribution_counts.replies + excluded.replies")

    def _index_text(self, cur, cid: str, body: str | None) -> None:
        if cur.backend == "sqlite":
            cur.execute("DELETE FROM rm_contributions_fts WHERE contribution_id = %s", [cid])
            if body:
                cur.execute("INSERT INTO rm_contributions_fts (contribution_id, body) VALUES (%s, %s)", [cid, body])

    def _ContributionEdited(self, cur, e, position):
        cid = e.originator_id.hex
        body = self._text(cur, e.originator_id, e.sealed_text)
        cur.execute(
            "UPDATE rm_contributions SET body = %s, edited_at = %s, versions = versions + 1"
            " WHERE contribution_id = %s", [body, e.timestamp.isoformat(), cid])
        if self._status(cur, cid) == PUBLISHED:
            self._index_text(cur, cid, body)

    def _status(self, cur, cid):
        return cur.scalar("SELECT status FROM rm_contributions WHERE contribution_id = %s", [cid])

    def _ContributionWithdrawn(self, cur, e, position):
        cid = e.originator_id.hex
        cur.execute("UPDATE rm_contributions SET status = %s WHERE contribution_id = %s", [WITHDRAWN, cid])
        self._index_text(cur, cid, None)
        cur.execute("DELETE FROM rm_moderation_queue WHERE contribution_id = %s", [cid])

    def _ContributionReported(self, cur, e, position):
        # Reports recorded before issue 16 (on the contribution itself, the reason public).
        self._count_report(cur, e.originator_id.hex, position, e.reason)

    def _ReportFiled(self, cur, e, position):
        # One per person and item (its keyed id says so); the reason, sealed, for the moderators.
        fields = self.vault.unseal(e.originator_id, e.sealed_reason, cur=cur)
        self._count_report(cur, e.contribution_id.hex, position, fields["reason"] if fields else "")

    def _count_report(self, cur, cid, position, reason):
        cur.execute("UPDATE rm_contributions SET reports = reports + 1 WHERE contribution_id = %s", [cid])
        if self._status(cur, cid) == PUBLISHED:
            cur.execute(
                "INSERT INTO rm_moderation_queue (contribution_id, last_position, reports, last_reason)"
                " VALUES (%s, %s, 1, %s) ON CONFLICT (contribution_id) DO UPDATE SET"
                " last_position = excluded.last_position, last_reason = excluded.last_reason,"
                " reports = rm_moderation_queue.reports + 1",
                [cid, position, reason],
            )

    def _ContributionHidden(self, cur, e, position):
        cid = e.originator_id.hex
        # A contribution its author withdrew stays withdrawn, hidden or not (as its aggregate).
        cur.execute("UPDATE rm_contributions SET status = CASE WHEN status = %s THEN status ELSE %s END,"
                    " hidden_reason = %s WHERE contribution_id = %s", [WITHDRAWN, HIDDEN, e.reason, cid])
        self._index_text(cur, cid, None)
        cur.execute("DELETE FROM rm_moderation_queue WHERE contribution_id = %s", [cid])
        self._notify_author(cur, cid, position, "hidden", e.reason, e.timestamp)

    def _ContributionRestored(self, cur, e, position):
        cid = e.originator_id.hex
        # Published again only if it was hidden, not withdrawn meanwhile (or before).
        cur.execute("UPDATE rm_contributions SET status = CASE WHEN status = %s THEN %s ELSE status END,"
                    " hidden_reason = NULL WHERE contribution_id = %s", [HIDDEN, PUBLISHED, cid])
        if self._status(cur, cid) == PUBLISHED:
            self._index_text(cur, cid, cur.scalar("SELECT body FROM rm_contributions WHERE contribution_id = %s",
                                                  [cid]))
        self._notify_author(cur, cid, position, "restored", None, e.timestamp)

    def _ContributionFlaggedForStudy(self, cur, e, position):
        cid = e.originator_id.hex
        # When the threshold was reached: the flag stays if support falls, and says since when.
        cur.execute("UPDATE rm_contributions SET flagged_for_study = %s, flagged_at = %s WHERE contribution_id = %s",
                    [True, e.timestamp.isoformat(), cid])
        cur.execute("DELETE FROM rm_support_due WHERE item_id = %s", [cid])
        self._notify_author(cur, cid, position, "threshold", str(e.agree_votes), e.timestamp)

    def _ContributionAnswered(self, cur, e, position):
        # Every answer and every revision of it: the author sees the status it now has.
        self._notify_author(cur, e.contribution_id.hex, position, "answered", e.status, e.timestamp)

    def _notify_author(self, cur, cid, position, kind, detail, at):
        row = cur.execute("SELECT author_id, consultation_id FROM rm_contributions WHERE contribution_id = %s",
                          [cid]).fetchone()
        if row and row[0]:
            self._notify(cur, row[0], position, kind, cid, row[1], detail, at)

    def _notify(self, cur, person_id, position, kind, cid, consultation_id, detail, at):
        cur.execute(
            "INSERT INTO rm_notifications (person_id, position, kind, contribution_id, consultation_id,"
            " detail, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            [person_id, position, kind, cid, consultation_id, detail, at.isoformat()],
        )

    # -- votes and counts ----------------------------------------------------------------
    def _count(self, cur, item_id: str, channel: str, option: str | None, delta: int) -> None:
        if option is None:
            return
        cur.execute(
            "INSERT INTO rm_vote_counts (item_id, channel, option, votes) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (item_id, channel, option) DO UPDATE SET votes = rm_vote_counts.votes + %s",
            [item_id, channel, option, delta, delta],
        )

    def _vote(self, cur, vote_id: str, new_option: str | None, item_id: str | None = None) -> None:
        row = cur.execute("SELECT item_id, option FROM rm_votes WHERE vote_id = %s", [vote_id]).fetchone()
        if row is None:
            cur.execute("INSERT INTO rm_votes (vote_id, item_id, option) VALUES (%s, %s, %s)",
                        [vote_id, item_id, new_option])
            item, old = item_id, None
        else:
            item, old = row
            cur.execute("UPDATE rm_votes SET option = %s WHERE vote_id = %s", [new_option, vote_id])
        self._count(cur, item, ONLINE, old, -1)
        self._count(cur, item, ONLINE, new_option, +1)
        self._check_support(cur, item)

    def _VoteCast(self, cur, e, position):
        self._vote(cur, e.originator_id.hex, e.option, e.item_id.hex)

    def _VoteChanged(self, cur, e, position):
        self._vote(cur, e.originator_id.hex, e.option)

    def _VoteWithdrawn(self, cur, e, position):
        self._vote(cur, e.originator_id.hex, None)

    def _check_support(self, cur, item: str) -> None:
        agree = cur.scalar("SELECT SUM(votes) FROM rm_vote_counts WHERE item_id = %s AND option = %s",
                           [item, AGREE], 0)
        cur.execute("INSERT INTO rm_contribution_counts (contribution_id, agree, replies) VALUES (%s, %s, 0)"
                    " ON CONFLICT (contribution_id) DO UPDATE SET agree = excluded.agree", [item, agree])
        row = cur.execute(
            "SELECT c.flagged_for_study, s.support_threshold FROM rm_contributions c"
            " JOIN rm_consultations s ON s.consultation_id = c.consultation_id WHERE c.contribution_id = %s",
            [item]).fetchone()
        if row and not row[0] and agree >= row[1]:
            cur.execute(
                "INSERT INTO rm_support_due (item_id, agree, threshold) VALUES (%s, %s, %s)"
                " ON CONFLICT (item_id) DO UPDATE SET agree = excluded.agree", [item, agree, row[1]])
            self._tell_support_due()

    # -- meetings ------------------------------------------------------------------------
    def _PublicMeetingScheduled(self, cur, e, position):
        cur.execute(
            "INSERT INTO rm_meetings (meeting_id, consultation_id, title, starts_at, place, arrondissement,"
            " online_url, facilitator_id, headcount, contributions)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, NULL, 0)",
            [e.originator_id.hex, e.consultation_id.hex, e.title, e.starts_at, e.place, e.arrondissement,
             e.online_url, e.facilitator_id.hex],
        )

    def _ContributionSheetsNumbered(self, cur, e, position):
        cur.execute("INSERT INTO rm_meeting_sheets (meeting_id, first_number, last_number, numbered_at)"
                    " VALUES (%s, %s, %s, %s)", [e.originator_id.hex, e.first, e.last, e.timestamp.isoformat()])

    def _MeetingHeadcountRecorded(self, cur, e, position):
        cur.execute("UPDATE rm_meetings SET headcount = %s WHERE meeting_id = %s",
                    [e.headcount, e.originator_id.hex])

    def _ShowOfHandsRecorded(self, cur, e, position):
        meeting, item = e.originator_id.hex, e.item_id.hex
        for option, votes in e.counts.items():
            old = cur.scalar("SELECT votes FROM rm_show_of_hands WHERE meeting_id = %s AND item_id = %s"
                             " AND option = %s", [meeting, item, option], 0)
            cur.execute(
                "INSERT INTO rm_show_of_hands (meeting_id, item_id, option, votes) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (meeting_id, item_id, option) DO UPDATE SET votes = excluded.votes",
                [meeting, item, option, votes])
            self._count(cur, item, IN_PERSON, option, votes - old)
        self._check_support(cur, item)
