"""Charter provenance read model: the charter's consultation, and which contributions shaped which
article version, indexed both ways (version → contributions, contribution → versions).

Its own tables (not columns added to the charter's), so an existing database gets them by simply
replaying the log into this new projection.
"""

from __future__ import annotations

from typing import Any

from engage.db import Cursor
from engage.domain.charter.model import Charter
from engage.projections.base import Projection


class CharterProvenanceProjection(Projection):
    name = "charter_provenance"
    follows = (Charter.CharterLinkedToConsultation, Charter.ContributionsCited)
    tables = ("rm_charter_consultation", "rm_article_citations")

    def create_tables(self, cur: Cursor) -> None:
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_charter_consultation (
            charter_id TEXT PRIMARY KEY, consultation_id TEXT NOT NULL, linked_at TEXT NOT NULL)""")
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_article_citations (
            article_id TEXT NOT NULL, version INTEGER NOT NULL, contribution_id TEXT NOT NULL,
            seq INTEGER NOT NULL, cited_at TEXT NOT NULL, position BIGINT NOT NULL,
            PRIMARY KEY (article_id, version, contribution_id))""")
        # The other way round: where a contribution went.
        cur.execute("CREATE INDEX IF NOT EXISTS rm_article_citations_contribution"
                    " ON rm_article_citations (contribution_id, position)")

    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        at = event.timestamp.isoformat()
        if isinstance(event, Charter.CharterLinkedToConsultation):
            cur.execute("INSERT INTO rm_charter_consultation (charter_id, consultation_id, linked_at)"
                        " VALUES (%s, %s, %s) ON CONFLICT (charter_id) DO UPDATE SET"
                        " consultation_id = excluded.consultation_id, linked_at = excluded.linked_at",
                        [event.originator_id.hex, event.consultation_id.hex, at])
        elif isinstance(event, Charter.ContributionsCited):
            for seq, contribution_id in enumerate(event.contribution_ids):
                cur.execute("INSERT INTO rm_article_citations (article_id, version, contribution_id, seq, cited_at,"
                            " position) VALUES (%s, %s, %s, %s, %s, %s)",
                            [event.article_id, event.version, contribution_id, seq, at, position])
