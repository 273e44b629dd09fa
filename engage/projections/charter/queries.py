"""Queries of the charter pages, the milestones dashboard and the guide: small indexed reads."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from engage.db import Database

PAGE_SIZE = 50


@dataclass(frozen=True)
class MilestoneView:
    step: int
    title: str
    description: str
    planned_start: str
    planned_end: str
    level: str
    actual_start: str | None
    actual_end: str | None
    note: str
    deliverables: list[tuple[str, str]] = field(default_factory=list)


def milestones(db: Database) -> list[MilestoneView]:
    with db.reading() as cur:
        rows = cur.execute(
            "SELECT step, title, description, planned_start, planned_end, level, actual_start, actual_end, note"
            " FROM rm_milestones ORDER BY step LIMIT 20").fetchall()
        links = cur.execute(
            "SELECT step, title, url FROM rm_milestone_deliverables ORDER BY step, seq LIMIT 400").fetchall()
    by_step: dict[int, list[tuple[str, str]]] = {}
    for step, title, url in links:
        by_step.setdefault(step, []).append((title, url))
    return [MilestoneView(*row, deliverables=by_step.get(row[0], [])) for row in rows]


@dataclass(frozen=True)
class CharterView:
    title: str
    drafting_open: bool
    adopted_version: int | None
    adopted_sha256: str | None
    deliberation: dict[str, Any] | None
    adopted_at: str | None


def charter(db: Database) -> CharterView | None:
    with db.reading() as cur:
        row = cur.execute("SELECT title, drafting_open, adopted_version, adopted_sha256, deliberation, adopted_at"
                          " FROM rm_charter LIMIT 1").fetchone()
    if row is None:
        return None
    return CharterView(row[0], bool(row[1]), row[2], row[3], json.loads(row[4]) if row[4] else None, row[5])


@dataclass(frozen=True)
class ArticleView:
    article_id: str
    number: int
    title: str
    current_version: int
    text: str
    pending_amendments: int = 0


def articles(db: Database) -> list[ArticleView]:
    """The current text of every article, with its count of pending amendments."""
    with db.reading() as cur:
        rows = cur.execute(
            "SELECT a.article_id, a.number, a.title, a.current_version, v.text,"
            " (SELECT COUNT(*) FROM rm_amendments m WHERE m.article_id = a.article_id AND m.status = 'pending')"
            " FROM rm_charter_articles a JOIN rm_article_versions v"
            " ON v.article_id = a.article_id AND v.version = a.current_version ORDER BY a.number LIMIT 200"
        ).fetchall()
    return [ArticleView(*row) for row in rows]


def article(db: Database, article_id: str) -> ArticleView | None:
    with db.reading() as cur:
        row = cur.execute(
            "SELECT a.article_id, a.number, a.title, a.current_version, v.text FROM rm_charter_articles a"
            " JOIN rm_article_versions v ON v.article_id = a.article_id AND v.version = a.current_version"
            " WHERE a.article_id = %s", [article_id]).fetchone()
    return ArticleView(*row) if row else None


@dataclass(frozen=True)
class ArticleVersionView:
    version: int
    text: str
    amendment_id: str | None
    reason: str
    created_at: str


def article_versions(db: Database, article_id: str) -> list[ArticleVersionView]:
    with db.reading() as cur:
        rows = cur.execute("SELECT version, text, amendment_id, reason, created_at FROM rm_article_versions"
                           " WHERE article_id = %s ORDER BY version LIMIT 500", [article_id]).fetchall()
    return [ArticleVersionView(*row) for row in rows]


def article_version(db: Database, article_id: str, version: int) -> ArticleVersionView | None:
    with db.reading() as cur:
        row = cur.execute("SELECT version, text, amendment_id, reason, created_at FROM rm_article_versions"
                          " WHERE article_id = %s AND version = %s", [article_id, version]).fetchone()
    return ArticleVersionView(*row) if row else None


@dataclass(frozen=True)
class AmendmentView:
    amendment_id: str
    article_id: str
    base_version: int
    text: str
    rationale: str
    author: str
    status: str
    reason: str | None
    article_version: int | None
    proposed_at: str
    decided_at: str | None
    agree: int
    mixed: int
    disagree: int
    current_version: int
    article_number: int
    article_title: str

    @property
    def outdated(self) -> bool:
        """Pending, but written against an article version that has since changed."""
        return self.status == "pending" and self.base_version < self.current_version


AMENDMENT_SELECT = (
    "SELECT m.amendment_id, m.article_id, m.base_version, m.text, m.rationale, COALESCE(p.display_name, ''),"
    " m.status, m.reason, m.article_version, m.proposed_at, m.decided_at, m.agree, m.mixed, m.disagree,"
    " a.current_version, a.number, a.title FROM rm_amendments m"
    " JOIN rm_charter_articles a ON a.article_id = m.article_id"
    " LEFT JOIN rm_people p ON p.person_id = m.author_id"
)


def amendments_of(db: Database, article_id: str, *, offset: int = 0, limit: int = PAGE_SIZE) -> list[AmendmentView]:
    with db.reading() as cur:
        rows = cur.execute(AMENDMENT_SELECT + " WHERE m.article_id = %s ORDER BY m.proposed_at LIMIT %s OFFSET %s",
                           [article_id, limit, offset]).fetchall()
    return [AmendmentView(*row) for row in rows]


def amendment(db: Database, amendment_id: str) -> AmendmentView | None:
    with db.reading() as cur:
        row = cur.execute(AMENDMENT_SELECT + " WHERE m.amendment_id = %s", [amendment_id]).fetchone()
    return AmendmentView(*row) if row else None


@dataclass(frozen=True)
class CharterVersionView:
    version: int
    sha256: str
    articles: dict[str, int]
    note: str
    published_at: str


def charter_versions(db: Database) -> list[CharterVersionView]:
    with db.reading() as cur:
        rows = cur.execute("SELECT version, sha256, articles, note, published_at FROM rm_charter_versions"
                           " ORDER BY version LIMIT 500").fetchall()
    return [CharterVersionView(r[0], r[1], json.loads(r[2]), r[3], r[4]) for r in rows]


def charter_version(db: Database, version: int) -> CharterVersionView | None:
    with db.reading() as cur:
        r = cur.execute("SELECT version, sha256, articles, note, published_at FROM rm_charter_versions"
                        " WHERE version = %s", [version]).fetchone()
    return CharterVersionView(r[0], r[1], json.loads(r[2]), r[3], r[4]) if r else None


def charter_version_text(db: Database, version: CharterVersionView) -> list[tuple[int, str, str]]:
    """(number, title, text, article id) of each article as it was in that published version."""
    out = []
    with db.reading() as cur:
        for article_id, article_version in version.articles.items():
            row = cur.execute(
                "SELECT a.number, a.title, v.text, a.article_id FROM rm_charter_articles a JOIN rm_article_versions v"
                " ON v.article_id = a.article_id WHERE a.article_id = %s AND v.version = %s",
                [article_id, article_version]).fetchone()
            if row:
                out.append(tuple(row))
    return sorted(out)


@dataclass(frozen=True)
class GuidePageView:
    slug: str
    version: int
    title: str
    body: str
    sha256: str
    published_at: str
    current_version: int


def guide_pages(db: Database) -> list[tuple[str, str, int, str]]:
    with db.reading() as cur:
        return [tuple(r) for r in cur.execute(
            "SELECT slug, title, current_version, updated_at FROM rm_guide_pages ORDER BY slug LIMIT 200").fetchall()]


def guide_page(db: Database, slug: str, version: int | None = None) -> GuidePageView | None:
    with db.reading() as cur:
        row = cur.execute(
            "SELECT v.slug, v.version, v.title, v.body, v.sha256, v.published_at, p.current_version"
            " FROM rm_guide_pages p JOIN rm_guide_versions v ON v.slug = p.slug"
            " AND v.version = COALESCE(%s, p.current_version) WHERE p.slug = %s", [version, slug]).fetchone()
    return GuidePageView(*row) if row else None


def guide_versions(db: Database, slug: str) -> list[tuple[int, str, str]]:
    with db.reading() as cur:
        return [tuple(r) for r in cur.execute(
            "SELECT version, sha256, published_at FROM rm_guide_versions WHERE slug = %s ORDER BY version LIMIT 500",
            [slug]).fetchall()]


def amendment_diff_key(amendment_id: str, article_version: int) -> str:
    """Key of the stored diff from that version of the article to the amendment's text."""
    return f"amendment:{amendment_id}:{article_version}"


def article_diff_key(article_id: str, version: int) -> str:
    """Key of the stored diff from the article's previous version to `version`."""
    return f"article:{article_id}:{version}"


def stored_diffs(db: Database, keys: list[str]) -> dict[str, str]:
    """The stored diffs (JSON, "null" over budget) of those keys; a key never stored is absent."""
    if not keys:
        return {}
    with db.reading() as cur:
        marks = ", ".join(["%s"] * len(keys))
        return dict(cur.execute(f"SELECT diff_key, segments FROM rm_charter_diffs WHERE diff_key IN ({marks})",
                                list(keys)).fetchall())


def ballot_choice(db: Database, ballot_id: str) -> str | None:
    """A person's own current choice, found by their keyed ballot id (which only the app can compute)."""
    with db.reading() as cur:
        row = cur.execute("SELECT choice FROM rm_amendment_ballots WHERE ballot_id = %s", [ballot_id]).fetchone()
    return row[0] if row else None
