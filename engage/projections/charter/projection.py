"""Charter read model: milestones, articles and their versions, published charter versions,
amendments with their tallies, the adoption, and the guide's page versions.

Ballots are counted from their public facts (ballot id, amendment, choice): no voter id anywhere.
"""

from __future__ import annotations

import json
from typing import Any

from engage.db import Cursor
from engage.domain.charter import textdiff
from engage.domain.charter.model import Amendment, Ballot, Charter, GuidePage, Milestone
from engage.projections.base import Projection
from engage.projections.charter.queries import amendment_diff_key, article_diff_key

CHOICE_COLUMNS = {"agree": "agree", "mixed": "mixed", "disagree": "disagree"}


class CharterProjection(Projection):
    name = "charter"
    follows = (
        Milestone.MilestonePlanned, Milestone.MilestoneProgressRecorded, Milestone.DeliverableLinked,
        Charter.CharterStarted, Charter.ArticleAdded, Charter.ArticleRevised, Charter.CharterDraftingOpened,
        Charter.CharterDraftingClosed, Charter.CharterVersionPublished, Charter.CharterAdopted,
        Amendment.AmendmentProposed, Amendment.AmendmentAccepted, Amendment.AmendmentRejected,
        Ballot.AmendmentBallotCast, Ballot.AmendmentBallotChanged, Ballot.AmendmentBallotWithdrawn,
        GuidePage.GuidePageVersionPublished,
    )
    tables = ("rm_milestones", "rm_milestone_deliverables", "rm_charter", "rm_charter_articles",
              "rm_article_versions", "rm_charter_versions", "rm_amendments", "rm_amendment_ballots",
              "rm_guide_pages", "rm_guide_versions", "rm_charter_diffs")

    def create_tables(self, cur: Cursor) -> None:
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_milestones (
            step INTEGER PRIMARY KEY, milestone_id TEXT NOT NULL UNIQUE, title TEXT NOT NULL, description TEXT NOT NULL,
            planned_start TEXT NOT NULL, planned_end TEXT NOT NULL, level TEXT NOT NULL,
            actual_start TEXT, actual_end TEXT, note TEXT NOT NULL, updated_at TEXT NOT NULL)""")
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_milestone_deliverables (
            step INTEGER NOT NULL, seq INTEGER NOT NULL, title TEXT NOT NULL, url TEXT NOT NULL,
            PRIMARY KEY (step, seq))""")
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_charter (
            charter_id TEXT PRIMARY KEY, title TEXT NOT NULL, drafting_open BOOLEAN NOT NULL,
            adopted_version INTEGER, adopted_sha256 TEXT, deliberation TEXT, adopted_at TEXT)""")
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_charter_articles (
            article_id TEXT PRIMARY KEY, number INTEGER NOT NULL, title TEXT NOT NULL,
            current_version INTEGER NOT NULL)""")
        cur.execute("CREATE INDEX IF NOT EXISTS rm_charter_articles_number ON rm_charter_articles (number)")
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_article_versions (
            article_id TEXT NOT NULL, version INTEGER NOT NULL, text TEXT NOT NULL,
            amendment_id TEXT, reason TEXT NOT NULL, created_at TEXT NOT NULL,
            PRIMARY KEY (article_id, version))""")
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_charter_versions (
            version INTEGER PRIMARY KEY, sha256 TEXT NOT NULL, articles TEXT NOT NULL,
            note TEXT NOT NULL, published_at TEXT NOT NULL, position BIGINT NOT NULL)""")
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_amendments (
            amendment_id TEXT PRIMARY KEY, article_id TEXT NOT NULL, base_version INTEGER NOT NULL,
            text TEXT NOT NULL, rationale TEXT NOT NULL, author_id TEXT NOT NULL, status TEXT NOT NULL,
            reason TEXT, article_version INTEGER, proposed_at TEXT NOT NULL, decided_at TEXT,
            agree INTEGER NOT NULL, mixed INTEGER NOT NULL, disagree INTEGER NOT NULL)""")
        cur.execute("CREATE INDEX IF NOT EXISTS rm_amendments_article ON rm_amendments (article_id, proposed_at)")
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_amendment_ballots (
            ballot_id TEXT PRIMARY KEY, amendment_id TEXT NOT NULL, choice TEXT)""")
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_guide_pages (
            slug TEXT PRIMARY KEY, title TEXT NOT NULL, current_version INTEGER NOT NULL,
            updated_at TEXT NOT NULL)""")
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_guide_versions (
            slug TEXT NOT NULL, version INTEGER NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL,
            sha256 TEXT NOT NULL, published_at TEXT NOT NULL, PRIMARY KEY (slug, version))""")
        # Word diffs, computed once when their event is applied (textdiff.segments, bounded cost):
        # JSON segments, or "null" for texts too different to compare within the budget.
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_charter_diffs (
            diff_key TEXT PRIMARY KEY, segments TEXT NOT NULL)""")

    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        at = event.timestamp.isoformat()
        if isinstance(event, Milestone.MilestonePlanned):
            cur.execute(
                "INSERT INTO rm_milestones (step, milestone_id, title, description, planned_start, planned_end,"
                " level, note, updated_at) VALUES (%s, %s, %s, %s, %s, %s, 'not_started', '', %s)",
                [event.step, event.originator_id.hex, event.title, event.description, event.planned_start, event.planned_end, at])
        elif isinstance(event, Milestone.MilestoneProgressRecorded):
            cur.execute(
                "UPDATE rm_milestones SET level = %s, actual_start = %s, actual_end = %s, note = %s,"
                " updated_at = %s WHERE milestone_id = %s",
                [event.level, event.actual_start, event.actual_end, event.note, at, event.originator_id.hex])
        elif isinstance(event, Milestone.DeliverableLinked):
            step = cur.scalar("SELECT step FROM rm_milestones WHERE milestone_id = %s", [event.originator_id.hex])
            seq = cur.scalar("SELECT COUNT(*) FROM rm_milestone_deliverables WHERE step = %s", [step], 0)
            cur.execute("INSERT INTO rm_milestone_deliverables (step, seq, title, url) VALUES (%s, %s, %s, %s)",
                        [step, seq + 1, event.title, event.url])
        elif isinstance(event, Charter.CharterStarted):
            cur.execute("INSERT INTO rm_charter (charter_id, title, drafting_open) VALUES (%s, %s, %s)",
                        [event.originator_id.hex, event.title, False])
        elif isinstance(event, Charter.ArticleAdded):
            cur.execute("INSERT INTO rm_charter_articles (article_id, number, title, current_version)"
                        " VALUES (%s, %s, %s, 1)", [event.article_id, event.number, event.title])
            cur.execute("INSERT INTO rm_article_versions (article_id, version, text, amendment_id, reason,"
                        " created_at) VALUES (%s, 1, %s, NULL, '', %s)", [event.article_id, event.text, at])
        elif isinstance(event, Charter.ArticleRevised):
            cur.execute("UPDATE rm_charter_articles SET current_version = %s WHERE article_id = %s",
                        [event.version, event.article_id])
            cur.execute("INSERT INTO rm_article_versions (article_id, version, text, amendment_id, reason,"
                        " created_at) VALUES (%s, %s, %s, %s, %s, %s)",
                        [event.article_id, event.version, event.text, event.amendment_id, event.reason, at])
            self._article_revised_diffs(cur, event)
        elif isinstance(event, (Charter.CharterDraftingOpened, Charter.CharterDraftingClosed)):
            cur.execute("UPDATE rm_charter SET drafting_open = %s WHERE charter_id = %s",
                        [isinstance(event, Charter.CharterDraftingOpened), event.originator_id.hex])
        elif isinstance(event, Charter.CharterVersionPublished):
            cur.execute("INSERT INTO rm_charter_versions (version, sha256, articles, note, published_at, position)"
                        " VALUES (%s, %s, %s, %s, %s, %s)",
                        [event.version, event.sha256, json.dumps(event.articles, sort_keys=True), event.note,
                         at, position])
        elif isinstance(event, Charter.CharterAdopted):
            cur.execute("UPDATE rm_charter SET drafting_open = %s, adopted_version = %s, adopted_sha256 = %s,"
                        " deliberation = %s, adopted_at = %s WHERE charter_id = %s",
                        [False, event.version, event.sha256, json.dumps(event.deliberation, sort_keys=True), at,
                         event.originator_id.hex])
        elif isinstance(event, Amendment.AmendmentProposed):
            cur.execute("INSERT INTO rm_amendments (amendment_id, article_id, base_version, text, rationale,"
                        " author_id, status, proposed_at, agree, mixed, disagree)"
                        " VALUES (%s, %s, %s, %s, %s, %s, 'pending', %s, 0, 0, 0)",
                        [event.originator_id.hex, event.article_id, event.base_version, event.text,
                         event.rationale, event.author_id.hex, at])
            base = cur.scalar("SELECT text FROM rm_article_versions WHERE article_id = %s AND version = %s",
                              [event.article_id, event.base_version], "")
            self._store_diff(cur, amendment_diff_key(event.originator_id.hex, event.base_version), base, event.text)
        elif isinstance(event, Amendment.AmendmentAccepted):
            cur.execute("UPDATE rm_amendments SET status = 'accepted', reason = %s, article_version = %s,"
                        " decided_at = %s WHERE amendment_id = %s",
                        [event.reason, event.article_version, at, event.originator_id.hex])
        elif isinstance(event, Amendment.AmendmentRejected):
            cur.execute("UPDATE rm_amendments SET status = 'rejected', reason = %s, decided_at = %s"
                        " WHERE amendment_id = %s", [event.reason, at, event.originator_id.hex])
        elif isinstance(event, (Ballot.AmendmentBallotCast, Ballot.AmendmentBallotChanged,
                                Ballot.AmendmentBallotWithdrawn)):
            self._ballot(cur, event)
        elif isinstance(event, GuidePage.GuidePageVersionPublished):
            slug = event.slug
            cur.execute("INSERT INTO rm_guide_versions (slug, version, title, body, sha256, published_at)"
                        " VALUES (%s, %s, %s, %s, %s, %s)",
                        [slug, event.version, event.title, event.body, event.sha256, at])
            cur.execute("INSERT INTO rm_guide_pages (slug, title, current_version, updated_at)"
                        " VALUES (%s, %s, %s, %s) ON CONFLICT (slug) DO UPDATE SET title = excluded.title,"
                        " current_version = excluded.current_version, updated_at = excluded.updated_at",
                        [slug, event.title, event.version, at])

    def _store_diff(self, cur: Cursor, key: str, old: str, new: str) -> None:
        cur.execute("INSERT INTO rm_charter_diffs (diff_key, segments) VALUES (%s, %s)"
                    " ON CONFLICT (diff_key) DO UPDATE SET segments = excluded.segments",
                    [key, textdiff.dumps(textdiff.segments(old, new))])

    def _article_revised_diffs(self, cur: Cursor, event: Any) -> None:
        """The new version against the previous one; each pending amendment of the article against
        the new text (its page shows it, as the article has changed since it was written)."""
        previous = cur.scalar("SELECT text FROM rm_article_versions WHERE article_id = %s AND version = %s",
                              [event.article_id, event.version - 1], "")
        self._store_diff(cur, article_diff_key(event.article_id, event.version), previous, event.text)
        pending = cur.execute(
            "SELECT amendment_id, base_version, text FROM rm_amendments WHERE article_id = %s AND status = 'pending'"
            " AND base_version < %s ORDER BY proposed_at, amendment_id",
            [event.article_id, event.version]).fetchall()
        for amendment_id, base_version, text in pending:
            if amendment_id == event.amendment_id:
                continue
            if base_version < event.version - 1:  # the diff against the text this one replaces
                cur.execute("DELETE FROM rm_charter_diffs WHERE diff_key = %s",
                            [amendment_diff_key(amendment_id, event.version - 1)])
            self._store_diff(cur, amendment_diff_key(amendment_id, event.version), event.text, text)

    def _ballot(self, cur: Cursor, event: Any) -> None:
        ballot = event.originator_id.hex
        if isinstance(event, Ballot.AmendmentBallotCast):
            amendment, previous = event.amendment_id.hex, None
            cur.execute("INSERT INTO rm_amendment_ballots (ballot_id, amendment_id, choice) VALUES (%s, %s, %s)",
                        [ballot, amendment, event.choice])
        else:
            amendment, previous = cur.execute(
                "SELECT amendment_id, choice FROM rm_amendment_ballots WHERE ballot_id = %s", [ballot]).fetchone()
            new = None if isinstance(event, Ballot.AmendmentBallotWithdrawn) else event.choice
            cur.execute("UPDATE rm_amendment_ballots SET choice = %s WHERE ballot_id = %s", [new, ballot])
        if previous:
            column = CHOICE_COLUMNS[previous]
            cur.execute(f"UPDATE rm_amendments SET {column} = {column} - 1 WHERE amendment_id = %s", [amendment])
        new = None if isinstance(event, Ballot.AmendmentBallotWithdrawn) else event.choice
        if new:
            column = CHOICE_COLUMNS[new]
            cur.execute(f"UPDATE rm_amendments SET {column} = {column} + 1 WHERE amendment_id = %s", [amendment])
