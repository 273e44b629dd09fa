"""Route factories of the charter, the guide and the commitment's milestones: each loads the route's
object (after Pyramid's permission check) and hands it to the views as their context; an unknown or
malformed id or number is a 404."""

from __future__ import annotations

from pyramid.decorator import reify
from pyramid.httpexceptions import HTTPNotFound

from engage.projections.charter import queries as q
from engage.views.resources import Resource

MAX_DIGITS = 9  # beyond, no version nor step exists (and the database's integers would overflow)


def number_from(request, key: str) -> int:
    """A version or step number from the URL; anything but digits (or too many) is an unknown page."""
    text = request.matchdict.get(key) or ""
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_DIGITS:
        raise HTTPNotFound()
    return int(text)


class MilestoneResource(Resource):
    """/engagement/etapes/{step}"""

    @reify
    def milestone(self) -> q.MilestoneView:
        step = number_from(self.request, "step")
        return self.found(next((m for m in q.milestones(self.db) if m.step == step), None))


class ArticleResource(Resource):
    """/charte/articles/{article_id}..."""

    @reify
    def article(self) -> q.ArticleView:
        return self.found(q.article(self.db, self.uuid("article_id").hex))


class ArticleVersionResource(ArticleResource):
    """/charte/articles/{article_id}/versions/{version}"""

    @reify
    def version(self) -> q.ArticleVersionView:
        return self.found(q.article_version(self.db, self.article.article_id, number_from(self.request, "version")))


class AmendmentResource(Resource):
    """/charte/amendements/{amendment_id}"""

    @reify
    def amendment(self) -> q.AmendmentView:
        return self.found(q.amendment(self.db, self.uuid("amendment_id").hex))


class CharterVersionResource(Resource):
    """/charte/versions/{version}"""

    @reify
    def version(self) -> q.CharterVersionView:
        return self.found(q.charter_version(self.db, number_from(self.request, "version")))


class GuidePageResource(Resource):
    """/guide/{slug} and /guide/{slug}/versions/{version}: the page, at that version or its latest."""

    @reify
    def page(self) -> q.GuidePageView:
        version = number_from(self.request, "version") if "version" in self.request.matchdict else None
        return self.found(q.guide_page(self.db, self.request.matchdict["slug"], version))
