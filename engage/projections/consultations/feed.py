"""The consultations' news feed: one row per public fact a resident may follow (a new
consultation, a phase that starts, the City's answer to a contribution, a published
restitution), fed by those events and read by the Atom feeds (engage/views/consultations/feeds.py).

A row names no person: an answer is the City's official act (its status and justification,
public in the log); the contribution it answers is only linked, never quoted, and the row is
left out while that contribution is hidden or withdrawn, as the restitution report does.
The consultation's title and slug live in their own small table, so a revised title shows in
every entry without touching them.
"""

from __future__ import annotations

from typing import Any

from engage.db import Cursor
from engage.domain.consultations.model import Consultation, Contribution
from engage.domain.restitution.model import Restitution
from engage.projections.base import Projection

CREATED, PHASE, ANSWERED, PUBLISHED = "consultation", "phase", "answer", "restitution"


class ConsultationFeedProjection(Projection):
    name = "consultation_feed"
    follows = (
        Consultation.ConsultationCreated,
        Consultation.ConsultationRevised,
        Consultation.ConsultationPhaseStarted,
        Contribution.ContributionWithdrawn,
        Contribution.ContributionHidden,
        Contribution.ContributionRestored,
        Restitution.RestitutionOpened,
        Restitution.ContributionAnswered,
        Restitution.RestitutionPublished,
    )
    tables = ("rm_feed_consultations", "rm_feed_restitutions", "rm_feed_entries")

    def create_tables(self, cur: Cursor) -> None:
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_feed_consultations (
            consultation_id TEXT PRIMARY KEY, slug TEXT NOT NULL, title TEXT NOT NULL,
            description TEXT NOT NULL)""")
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_feed_restitutions (
            restitution_id TEXT PRIMARY KEY, consultation_id TEXT NOT NULL)""")
        # subject: the phase, the answer's status or the version's number; detail: the
        # answer's justification or the version's counts; item: the contribution answered.
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_feed_entries (
            position BIGINT PRIMARY KEY, consultation_id TEXT NOT NULL, kind TEXT NOT NULL,
            subject TEXT NOT NULL, detail TEXT NOT NULL, item TEXT, revision INTEGER NOT NULL,
            at TEXT NOT NULL, visible BOOLEAN NOT NULL)""")
        cur.execute("CREATE INDEX IF NOT EXISTS rm_feed_entries_latest ON rm_feed_entries (visible, position)")
        cur.execute("CREATE INDEX IF NOT EXISTS rm_feed_entries_consultation"
                    " ON rm_feed_entries (consultation_id, visible, position)")
        cur.execute("CREATE INDEX IF NOT EXISTS rm_feed_entries_item ON rm_feed_entries (item)")

    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        getattr(self, "_" + type(event).__name__)(cur, event, position)

    @staticmethod
    def _entry(cur, position: int, consultation_id: str, kind: str, at, *, subject="", detail="", item=None,
               revision: int = 0) -> None:
        cur.execute(
            "INSERT INTO rm_feed_entries (position, consultation_id, kind, subject, detail, item, revision, at,"
            " visible) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (position) DO NOTHING",
            [position, consultation_id, kind, subject, detail, item, revision, at.isoformat(), True])

    def _ConsultationCreated(self, cur, e, position):
        cur.execute("INSERT INTO rm_feed_consultations (consultation_id, slug, title, description)"
                    " VALUES (%s, %s, %s, %s)", [e.originator_id.hex, e.slug, e.title, e.description])
        self._entry(cur, position, e.originator_id.hex, CREATED, e.timestamp)

    def _ConsultationRevised(self, cur, e, position):
        cur.execute("UPDATE rm_feed_consultations SET title = %s, description = %s WHERE consultation_id = %s",
                    [e.title, e.description, e.originator_id.hex])

    def _ConsultationPhaseStarted(self, cur, e, position):
        self._entry(cur, position, e.originator_id.hex, PHASE, e.timestamp, subject=e.phase)

    def _visible(self, cur, contribution_id, visible: bool) -> None:
        cur.execute("UPDATE rm_feed_entries SET visible = %s WHERE item = %s", [visible, contribution_id.hex])

    def _ContributionWithdrawn(self, cur, e, position):
        self._visible(cur, e.originator_id, False)

    def _ContributionHidden(self, cur, e, position):
        self._visible(cur, e.originator_id, False)

    def _ContributionRestored(self, cur, e, position):
        self._visible(cur, e.originator_id, True)

    def _RestitutionOpened(self, cur, e, position):
        cur.execute("INSERT INTO rm_feed_restitutions (restitution_id, consultation_id) VALUES (%s, %s)",
                    [e.originator_id.hex, e.consultation_id.hex])

    @staticmethod
    def _consultation_of(cur, restitution_id) -> str | None:
        return cur.scalar("SELECT consultation_id FROM rm_feed_restitutions WHERE restitution_id = %s",
                          [restitution_id.hex])

    def _ContributionAnswered(self, cur, e, position):
        consultation_id = self._consultation_of(cur, e.originator_id)
        if consultation_id:
            self._entry(cur, position, consultation_id, ANSWERED, e.timestamp, subject=e.status,
                        detail=e.justification, item=e.contribution_id.hex, revision=e.revision)

    def _RestitutionPublished(self, cur, e, position):
        consultation_id = self._consultation_of(cur, e.originator_id)
        if consultation_id:
            self._entry(cur, position, consultation_id, PUBLISHED, e.timestamp, subject=str(e.number),
                        detail=f"{e.answered}/{e.contributions}")
