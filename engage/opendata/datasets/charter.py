"""The charter's amendments (with their vote counts) and every version of every article."""

from ...domain.charter import Amendment, Ballot, Charter
from ...i18n import _
from ..registry import UPSERT, Dataset, Field, register


def _ballot_changes(event, cur):
    """A ballot changes its amendment's counts; later ballot events name only the ballot."""
    amendment = getattr(event, "amendment_id", None)
    if amendment is not None:
        return [(amendment.hex, UPSERT)]
    row = cur.execute("SELECT amendment_id FROM rm_amendment_ballots WHERE ballot_id = %s",
                      [event.originator_id.hex]).fetchone()
    return [(row[0], UPSERT)] if row else []


register(Dataset(
    name="charter-article-versions",
    title=_("Versions des articles de la charte de la participation"),
    description=_("Une ligne par version d'un article de la Charte parisienne de la participation : son texte,"
                  " et l'amendement accepté dont elle est issue le cas échéant."),
    fields=(
        Field("article_id", "string", _("Identifiant de l'article."), required=True),
        Field("version", "integer", _("Numéro de version de l'article, à partir de 1."), required=True, minimum=1),
        Field("text", "string", _("Texte de l'article dans cette version."), required=True),
        Field("amendment_id", "string", _("Amendement accepté dont la version est issue ; vide sinon.")),
        Field("reason", "string", _("Motif de la modification ou de l'acceptation.")),
        Field("created_at", "datetime", _("Date de la version (temps universel)."), required=True),
    ),
    primary_key=("article_id", "version"),
    table="rm_article_versions",
    projection="charter",
    keywords=("charte", "participation", "amendements"),
    changes={
        Charter.ArticleAdded: lambda e: [(f"{e.article_id},1", UPSERT)],
        Charter.ArticleRevised: lambda e: [(f"{e.article_id},{e.version}", UPSERT)],
    },
))

register(Dataset(
    name="charter-amendments",
    title=_("Amendements à la charte de la participation"),
    description=_("Une ligne par amendement proposé : l'article et la version visés, le texte proposé, sa"
                  " justification, la décision et son motif, et le nombre de votes d'accord, mitigés et"
                  " de désaccord (jamais les votes individuels)."),
    fields=(
        Field("amendment_id", "string", _("Identifiant de l'amendement."), required=True),
        Field("article_id", "string", _("Identifiant de l'article amendé."), required=True),
        Field("base_version", "integer", _("Version de l'article sur laquelle l'amendement a été rédigé."),
              required=True, minimum=1),
        Field("text", "string", _("Texte proposé pour l'article."), required=True),
        Field("rationale", "string", _("Justification de l'amendement."), required=True),
        Field("status", "string", _("Statut : pending (en attente), accepted (accepté) ou rejected (rejeté)."),
              required=True, enum=("pending", "accepted", "rejected")),
        Field("reason", "string", _("Motif de la décision.")),
        Field("article_version", "integer", _("Version de l'article issue de l'amendement accepté."), minimum=2),
        Field("proposed_at", "datetime", _("Date de la proposition (temps universel)."), required=True),
        Field("decided_at", "datetime", _("Date de la décision (temps universel).")),
        Field("agree", "integer", _("Nombre de votes « d'accord »."), required=True, minimum=0),
        Field("mixed", "integer", _("Nombre de votes « mitigé »."), required=True, minimum=0),
        Field("disagree", "integer", _("Nombre de votes « pas d'accord »."), required=True, minimum=0),
    ),
    primary_key=("amendment_id",),
    table="rm_amendments",
    projection="charter",
    keywords=("charte", "participation", "amendements", "votes"),
    changes={
        Amendment.AmendmentProposed: lambda e: [(e.originator_id.hex, UPSERT)],
        Amendment.AmendmentAccepted: lambda e: [(e.originator_id.hex, UPSERT)],
        Amendment.AmendmentRejected: lambda e: [(e.originator_id.hex, UPSERT)],
        Ballot.AmendmentBallotCast: _ballot_changes,
        Ballot.AmendmentBallotChanged: _ballot_changes,
        Ballot.AmendmentBallotWithdrawn: _ballot_changes,
    },
))
