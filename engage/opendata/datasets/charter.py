"""The commitment's milestones, the charter's versions and amendments, and its adoption
by the Council as an SCDL « délibérations » record."""

from __future__ import annotations

from typing import Any

from engage.db import Cursor
from engage.domain.charter.model import SCDL_FIELDS, Amendment, Ballot, Charter, Milestone
from engage.i18n import _
from engage.opendata.registry import UPSERT, Dataset, Field, register, register_projection
from engage.opendata.registry import own_record as own
from engage.opendata.registry import small_count as small
from engage.projections.base import Projection


def milestone_step(event, cur) -> list:
    step = cur.scalar("SELECT step FROM rm_milestones WHERE milestone_id = %s", [event.originator_id.hex])
    return [(step, UPSERT)] if step is not None else []


register(Dataset(
    name="commitment-milestones",
    title=_("Étapes de l'engagement de la Ville"),
    description=_(
        "Les étapes de l'engagement pris par la Ville pour la participation citoyenne : dates"
        " prévues, dates réelles, état d'avancement et note publique."
    ),
    fields=(
        Field("step", "integer", _("Numéro de l'étape."), required=True),
        Field("title", "string", _("Titre."), required=True),
        Field("description", "string", _("Description.")),
        Field("planned_start", "string", _("Début prévu."), required=True),
        Field("planned_end", "string", _("Fin prévue."), required=True),
        Field("level", "string", _("État d'avancement."), required=True),
        Field("actual_start", "string", _("Début réel.")),
        Field("actual_end", "string", _("Fin réelle.")),
        Field("note", "string", _("Note publique sur l'avancement.")),
        Field("updated_at", "datetime", _("Dernière mise à jour (temps universel)."), required=True),
    ),
    primary_key=("step",),
    table="rm_milestones",
    projection="charter",
    keywords=("engagement", "étapes", "suivi"),
    changes={Milestone.MilestonePlanned: lambda e: [(e.step, UPSERT)],
             Milestone.MilestoneProgressRecorded: milestone_step},
))

register(Dataset(
    name="charter-versions",
    title=_("Versions publiées de la charte"),
    description=_(
        "Chaque version publiée de la charte de la participation : son numéro, son empreinte"
        " SHA-256 (pour vérifier qu'un texte est bien celui publié), la version de chacun de ses"
        " articles et la note qui l'accompagne."
    ),
    fields=(
        Field("version", "integer", _("Numéro de version."), required=True),
        Field("sha256", "string", _("Empreinte SHA-256 du texte."), required=True),
        Field("articles", "string", _("La version de chaque article dans cette version de la charte (JSON : article, version)."), required=True),
        Field("note", "string", _("Note de publication.")),
        Field("published_at", "datetime", _("Date de publication (temps universel)."), required=True),
    ),
    primary_key=("version",),
    table="rm_charter_versions",
    projection="charter",
    filters={"date": "published_at"},
    keywords=("charte", "version"),
    changes={Charter.CharterVersionPublished: lambda e: [(e.version, UPSERT)]},
))


def amended(event, cur) -> list:
    amendment = getattr(event, "amendment_id", None)
    if amendment is not None:
        return [(amendment.hex, UPSERT)]
    found = cur.scalar("SELECT amendment_id FROM rm_amendment_ballots WHERE ballot_id = %s",
                       [event.originator_id.hex])
    return [(found, UPSERT)] if found else []


register(Dataset(
    name="charter-amendments",
    title=_("Amendements à la charte"),
    description=_(
        "Chaque amendement proposé à un article de la charte : son texte, sa justification, son"
        " état (en attente, accepté, rejeté), la raison publique de la décision, et le nombre"
        " d'avis d'accord, mitigés et en désaccord (vide de 1 à 4). L'auteur n'est pas indiqué."
    ),
    fields=(
        Field("amendment_id", "string", _("Identifiant de l'amendement."), required=True),
        Field("article_id", "string", _("L'article amendé."), required=True),
        Field("base_version", "integer", _("Version de l'article amendée."), required=True),
        Field("text", "string", _("Texte proposé."), required=True),
        Field("rationale", "string", _("Justification.")),
        Field("status", "string", _("État : pending, accepted ou rejected."), required=True,
              enum=("pending", "accepted", "rejected")),
        Field("reason", "string", _("Raison publique de la décision.")),
        Field("article_version", "integer", _("Version de l'article qui l'intègre, s'il est accepté.")),
        Field("proposed_at", "datetime", _("Date de proposition (temps universel)."), required=True),
        Field("decided_at", "datetime", _("Date de la décision (temps universel).")),
        Field("agree", "integer", _("Avis d'accord ; vide de 1 à 4."), column=small("agree")),
        Field("mixed", "integer", _("Avis mitigés ; vide de 1 à 4."), column=small("mixed")),
        Field("disagree", "integer", _("Avis en désaccord ; vide de 1 à 4."), column=small("disagree")),
    ),
    primary_key=("amendment_id",),
    table="rm_amendments",
    projection="charter",
    filters={"date": "proposed_at"},
    keywords=("charte", "amendement"),
    changes={Amendment.AmendmentProposed: own, Amendment.AmendmentAccepted: own,
             Amendment.AmendmentRejected: own, Ballot.AmendmentBallotCast: amended,
             Ballot.AmendmentBallotChanged: amended, Ballot.AmendmentBallotWithdrawn: amended},
))


register(Dataset(
    name="charter-citations",
    title=_("Contributions citées par les versions des articles de la charte"),
    description=_(
        "La provenance des articles de la charte : une ligne par contribution de la consultation citée par"
        " une version d'un article, quand un éditeur modifie l'article ou accepte un amendement."
    ),
    fields=(
        Field("article_id", "string", _("L'article."), required=True),
        Field("version", "integer", _("La version de l'article qui cite la contribution."), required=True),
        Field("contribution_id", "string", _("La contribution citée."), required=True),
        Field("cited_at", "datetime", _("Date de la citation (temps universel)."), required=True),
    ),
    primary_key=("article_id", "version", "contribution_id"),
    table="rm_article_citations",
    projection="charter_provenance",
    keywords=("charte", "provenance", "contribution"),
    changes={Charter.ContributionsCited: lambda e: [(f"{e.article_id},{e.version},{c}", UPSERT)
                                                    for c in e.contribution_ids]},
))

@register_projection
class DeliberationsProjection(Projection):
    """The Council's deliberations, one row each, with the SCDL field names."""

    name = "opendata_deliberations"
    follows = (Charter.CharterAdopted,)
    tables = ("rm_opendata_deliberations",)

    def create_tables(self, cur: Cursor) -> None:
        columns = ", ".join(f"{name} TEXT" for name in SCDL_FIELDS if name != "DELIB_ID")
        cur.execute(f"CREATE TABLE IF NOT EXISTS rm_opendata_deliberations (DELIB_ID TEXT PRIMARY KEY, {columns})")

    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        record = event.deliberation
        values = ["" if record.get(name) is None else str(record.get(name)) for name in SCDL_FIELDS]
        cur.execute(
            f"INSERT INTO rm_opendata_deliberations ({', '.join(SCDL_FIELDS)})"
            f" VALUES ({', '.join(['%s'] * len(SCDL_FIELDS))}) ON CONFLICT (DELIB_ID) DO NOTHING",
            values,
        )


SCDL = {
    "COLL_NOM": ("string", _("Nom de la collectivité.")),
    "COLL_SIRET": ("string", _("SIRET de la collectivité.")),
    "DELIB_ID": ("string", _("Identifiant de la délibération.")),
    "DELIB_DATE": ("date", _("Date de la délibération.")),
    "DELIB_MATIERE_CODE": ("string", _("Code de la matière (nomenclature des actes).")),
    "DELIB_MATIERE_NOM": ("string", _("Nom de la matière.")),
    "DELIB_OBJET": ("string", _("Objet de la délibération.")),
    "BUDGET_ANNEE": ("integer", _("Année budgétaire.")),
    "BUDGET_NOM": ("string", _("Nom du budget.")),
    "PREF_ID": ("string", _("Identifiant de transmission en préfecture.")),
    "PREF_DATE": ("date", _("Date de transmission en préfecture.")),
    "VOTE_EFFECTIF": ("integer", _("Nombre de membres en exercice.")),
    "VOTE_REEL": ("integer", _("Nombre de votants.")),
    "VOTE_POUR": ("integer", _("Votes pour.")),
    "VOTE_CONTRE": ("integer", _("Votes contre.")),
    "VOTE_ABSTENTION": ("integer", _("Abstentions.")),
    "DELIB_URL": ("string", _("Lien vers le texte de la délibération.")),
}


def _column(name: str, kind: str) -> str:
    blank = f"NULLIF({name}, '')"
    return f"CAST({blank} AS INTEGER)" if kind == "integer" else blank


register(Dataset(
    name="deliberations",
    title=_("Délibérations du Conseil de Paris"),
    description=_(
        "Les délibérations par lesquelles le Conseil de Paris a adopté les textes issus de la"
        " participation, avec les noms de champs du schéma national SCDL « délibérations »."
    ),
    fields=tuple(
        Field(name, kind, description, column=_column(name, kind) if name != "DELIB_ID" else "",
              required=name in ("COLL_NOM", "COLL_SIRET", "DELIB_ID", "DELIB_DATE", "DELIB_OBJET"))
        for name, (kind, description) in SCDL.items()
    ),
    primary_key=("DELIB_ID",),
    table="rm_opendata_deliberations",
    projection="opendata_deliberations",
    keywords=("délibération", "conseil de Paris", "SCDL"),
    changes={Charter.CharterAdopted: lambda e: [(e.deliberation.get("DELIB_ID", ""), UPSERT)]},
))
