"""The charter's articles and every version of their text, the commitment's deliverables,
and the calls for volunteers of the consultative bodies (seats by lot): public read models
that had no dataset yet."""

from __future__ import annotations

from engage.domain.charter.model import Charter, Milestone
from engage.domain.seats.model import SeatCall
from engage.i18n import _
from engage.opendata.datasets.charter import milestone_step
from engage.opendata.registry import UPSERT, Dataset, Field, ForeignKey, register
from engage.opendata.registry import own_record as own
from engage.opendata.registry import small_count as small

ARTICLE = Field("article_id", "string", _("Identifiant de l'article."), required=True)

register(Dataset(
    name="charter-articles",
    title=_("Articles de la charte"),
    description=_("Chaque article de la charte de la participation : son numéro, son titre et le numéro"
                  " de sa version en vigueur."),
    fields=(
        ARTICLE,
        Field("number", "integer", _("Numéro de l'article."), required=True, minimum=1),
        Field("title", "string", _("Titre."), required=True),
        Field("current_version", "integer", _("Version en vigueur."), required=True, minimum=1),
    ),
    primary_key=("article_id",),
    table="rm_charter_articles",
    projection="charter",
    keywords=("charte", "article"),
    changes={Charter.ArticleAdded: lambda e: [(e.article_id, UPSERT)],
             Charter.ArticleRevised: lambda e: [(e.article_id, UPSERT)]},
))

register(Dataset(
    name="charter-article-versions",
    title=_("Versions des articles de la charte"),
    description=_("Le texte de chaque version de chaque article de la charte, l'amendement qui l'a"
                  " produite s'il y en a un, et la raison donnée par les rédacteurs : l'historique"
                  " complet, que personne ne peut réécrire."),
    fields=(
        ARTICLE,
        Field("version", "integer", _("Numéro de version de l'article."), required=True, minimum=1),
        Field("text", "string", _("Texte de l'article dans cette version."), required=True),
        Field("amendment_id", "string", _("L'amendement accepté qui a produit cette version ; vide sinon.")),
        Field("reason", "string", _("Raison de la modification.")),
        Field("created_at", "datetime", _("Date de la version (temps universel)."), required=True),
    ),
    primary_key=("article_id", "version"),
    table="rm_article_versions",
    projection="charter",
    filters={"date": "created_at"},
    indexes=(("rm_article_versions", ("created_at", "article_id", "version")),),
    foreign_keys=(ForeignKey(("article_id",), "charter-articles", ("article_id",)),),
    keywords=("charte", "article", "version"),
    changes={Charter.ArticleAdded: lambda e: [(f"{e.article_id},1", UPSERT)],
             Charter.ArticleRevised: lambda e: [(f"{e.article_id},{e.version}", UPSERT)]},
))

register(Dataset(
    name="milestone-deliverables",
    title=_("Livrables des étapes de l'engagement"),
    description=_("Les documents et pages publiés à chaque étape de l'engagement de la Ville : titre et lien."),
    fields=(
        Field("step", "integer", _("Numéro de l'étape."), required=True),
        Field("seq", "integer", _("Rang du livrable dans l'étape."), required=True, minimum=1),
        Field("title", "string", _("Titre."), required=True),
        Field("url", "string", _("Lien (une adresse de ce site, ou https)."), required=True),
    ),
    primary_key=("step", "seq"),
    table="rm_milestone_deliverables",
    projection="charter",
    foreign_keys=(ForeignKey(("step",), "commitment-milestones", ("step",)),),
    keywords=("engagement", "livrable"),
    changes={Milestone.DeliverableLinked: milestone_step},
))

register(Dataset(
    name="seat-calls",
    title=_("Appels à volontaires et tirages au sort"),
    description=_(
        "Chaque appel à volontaires d'une instance consultative parmi les détenteurs de la carte :"
        " sièges, strates, nombre de volontaires (vide de 1 à 4), l'empreinte de la graine engagée"
        " avant la clôture, puis la graine révélée, qui permet à chacun de refaire le tirage. Les"
        " volontaires et les personnes tirées au sort ne sont pas indiqués."
    ),
    fields=(
        Field("call_id", "string", _("Identifiant de l'appel."), required=True),
        Field("organization_id", "string", _("L'instance consultative."), required=True),
        Field("title", "string", _("Titre."), required=True),
        Field("seats", "integer", _("Nombre de sièges."), required=True, minimum=1),
        Field("strata", "string", _("Strates et quotas (JSON)."), required=True),
        Field("volunteers", "integer", _("Nombre de volontaires ; vide de 1 à 4."), column=small("volunteers")),
        Field("commitment", "string", _("Empreinte SHA-256 de la graine, publiée avant la clôture.")),
        Field("committed_at", "datetime", _("Date de l'engagement sur la graine (temps universel).")),
        Field("closed", "boolean", _("Appel clos."), required=True),
        Field("seed", "string", _("Graine révélée après la clôture ; vide avant.")),
        Field("drawn", "boolean", _("Le tirage a eu lieu."), required=True, column="selected IS NOT NULL"),
        Field("opened_at", "datetime", _("Date d'ouverture (temps universel)."), required=True),
    ),
    primary_key=("call_id",),
    table="rm_seat_calls",
    projection="seat_calls",
    indexes=(("rm_seat_calls", ("opened_at", "call_id")),),
    filters={"date": "opened_at"},
    foreign_keys=(ForeignKey(("organization_id",), "organizations", ("organization_id",)),),
    keywords=("tirage au sort", "instance consultative", "volontaires"),
    changes={event_class: own for event_class in (
        SeatCall.SeatCallOpened, SeatCall.VolunteerRegistered, SeatCall.SeedCommitted, SeatCall.SeatCallClosed,
        SeatCall.SeedRevealed, SeatCall.SeatsDrawn)},
))
