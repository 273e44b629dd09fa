"""Queries of charter provenance: small indexed reads, both ways."""

from __future__ import annotations

from dataclasses import dataclass

from engage.db import Database
from engage.domain.charter.model import amendments_open

CITED_LIMIT = 100  # per article page; one version cites at most MAX_CITED (20)
WENT_LIMIT = 50  # article versions shown on a contribution page


@dataclass(frozen=True)
class CharterConsultation:
    consultation_id: str
    slug: str
    title: str
    current_phase: str | None


def charter_consultation(db: Database) -> CharterConsultation | None:
    """The charter's consultation and its current phase (one row each side, by primary key)."""
    with db.reading() as cur:
        row = cur.execute(
            "SELECT l.consultation_id, c.slug, c.title, c.current_phase FROM rm_charter_consultation l"
            " JOIN rm_consultations c ON c.consultation_id = l.consultation_id LIMIT 1").fetchone()
    return CharterConsultation(*row) if row else None


def drafting_open(db: Database, adopted: bool) -> bool:
    """The domain's rule (amendments_open) applied to the read models."""
    link = charter_consultation(db)
    return amendments_open(adopted=adopted, consultation_phase=link.current_phase if link else None)


@dataclass(frozen=True)
class CitedContribution:
    version: int
    contribution_id: str
    slug: str
    kind: str
    status: str
    body: str | None  # None unless published: a hidden or withdrawn text never leaves here
    author_name: str | None

    @property
    def published(self) -> bool:
        return self.status == "publiee"

    @property
    def ref(self) -> str:
        return self.contribution_id[:8]


_CITED = (
    "SELECT x.version, x.contribution_id, k.slug, c.kind, c.status,"
    " CASE WHEN c.status = 'publiee' THEN c.body ELSE NULL END, p.display_name"
    " FROM rm_article_citations x JOIN rm_contributions c ON c.contribution_id = x.contribution_id"
    " JOIN rm_consultations k ON k.consultation_id = c.consultation_id"
    " LEFT JOIN rm_people p ON p.person_id = c.author_id"
)


def cited_by_version(db: Database, article_id: str, version: int) -> list[CitedContribution]:
    with db.reading() as cur:
        rows = cur.execute(_CITED + " WHERE x.article_id = %s AND x.version = %s ORDER BY x.seq LIMIT %s",
                           [article_id, version, CITED_LIMIT]).fetchall()
    return [CitedContribution(*row) for row in rows]


def cited_by_article(db: Database, article_id: str) -> dict[int, list[CitedContribution]]:
    """{version: contributions it cites} for one article (primary-key prefix)."""
    with db.reading() as cur:
        rows = cur.execute(_CITED + " WHERE x.article_id = %s ORDER BY x.version, x.seq LIMIT %s",
                           [article_id, CITED_LIMIT]).fetchall()
    out: dict[int, list[CitedContribution]] = {}
    for row in rows:
        out.setdefault(row[0], []).append(CitedContribution(*row))
    return out


@dataclass(frozen=True)
class Destination:
    article_id: str
    number: int
    title: str
    version: int
    cited_at: str
    amendment_id: str | None


def where_it_went_read(contribution_id: str) -> tuple[str, list]:
    """where_it_went's statement, for a page that reads it with others (Database.read_together)."""
    return ("SELECT x.article_id, a.number, a.title, x.version, x.cited_at, v.amendment_id"
            " FROM rm_article_citations x JOIN rm_charter_articles a ON a.article_id = x.article_id"
            " JOIN rm_article_versions v ON v.article_id = x.article_id AND v.version = x.version"
            " WHERE x.contribution_id = %s ORDER BY x.position LIMIT %s", [contribution_id, WENT_LIMIT])


def destinations(rows) -> list[Destination]:
    return [Destination(*row) for row in rows]


def where_it_went(db: Database, contribution_id: str) -> list[Destination]:
    """The article versions that cite a contribution, oldest first (index on contribution_id)."""
    with db.reading() as cur:
        return destinations(cur.execute(*where_it_went_read(contribution_id)).fetchall())


@dataclass(frozen=True)
class VersionTrace:
    version: int
    amendment_id: str | None
    contributions: int


def version_traces(db: Database, article_ids: list[str]) -> dict[str, list[VersionTrace]]:
    """Every version of these articles, with its amendment and its count of cited contributions
    (primary-key reads of both tables, for the adopted charter's history)."""
    if not article_ids:
        return {}
    marks = ", ".join(["%s"] * len(article_ids))
    with db.reading() as cur:
        versions = cur.execute(f"SELECT article_id, version, amendment_id FROM rm_article_versions"
                               f" WHERE article_id IN ({marks}) ORDER BY article_id, version LIMIT 5000",
                               list(article_ids)).fetchall()
        counts = dict(((a, v), n) for a, v, n in cur.execute(
            f"SELECT article_id, version, COUNT(*) FROM rm_article_citations WHERE article_id IN ({marks})"
            f" GROUP BY article_id, version", list(article_ids)).fetchall())
    out: dict[str, list[VersionTrace]] = {}
    for article_id, version, amendment_id in versions:
        out.setdefault(article_id, []).append(VersionTrace(version, amendment_id, counts.get((article_id, version), 0)))
    return out
