"""History lines for the charter: amendments proposed and decided, votes on amendments.

An amendment names its author (pseudonymous, public). A ballot has a keyed id and no
voter id: its first event carries the voter sealed (`sealed_voter`, see
engage/domain/attribution.py); the line shows the resident their own choice.
"""

from __future__ import annotations

from engage.domain.charter.model import Amendment, Ballot, Charter
from engage.i18n import _
from engage.projections.participation.projection import (
    Entry,
    choice_mapping,
    describes,
    sealed_actor_line,
    subject_line,
)


def _article(article_id) -> str:
    return f"article:{article_id}"


@describes(Charter.ArticleAdded)
def article_added(event, ctx):
    ctx.name(_article(event.article_id), event.title)


@describes(Amendment.AmendmentProposed)
def proposed(event, ctx):
    title = ctx.title_of(_article(event.article_id))
    ctx.name(event.originator_id, title)
    ctx.remember(event.originator_id, event.author_id)
    return Entry(event.author_id, "charter", _("Amendement proposé à l'article « ${article} » de la charte"),
                 {"article": title})


def _decision(summary):
    return subject_line("charter", summary,
                        lambda e, ctx: {"article": ctx.title_of(e.originator_id), "motif": e.reason})


describes(Amendment.AmendmentAccepted)(_decision(
    _("Votre amendement à l'article « ${article} » a été accepté : ${motif}")))
describes(Amendment.AmendmentRejected)(_decision(
    _("Votre amendement à l'article « ${article} » a été rejeté : ${motif}")))


describes(Ballot.AmendmentBallotCast)(sealed_actor_line(
    "sealed_voter", "vote", _("Vote « ${choice} » sur un amendement à l'article « ${article} »"),
    choice_mapping("choice", "article", lambda e: e.amendment_id), remember=True))
describes(Ballot.AmendmentBallotChanged)(subject_line(
    "vote", _("Vote changé en « ${choice} » sur un amendement à l'article « ${article} »"),
    choice_mapping("choice", "article", lambda e: e.originator_id)))
describes(Ballot.AmendmentBallotWithdrawn)(subject_line(
    "vote", _("Vote retiré sur un amendement à l'article « ${article} »"),
    lambda e, ctx: {"article": ctx.title_of(e.originator_id)}))
