"""The published versions of each consultation's restitution report: number, date and the
SHA-256 of the exact bytes served at /consultations/<slug>/restitution/versions/<n>.json."""

from __future__ import annotations

from engage.domain.restitution.model import Restitution
from engage.i18n import _
from engage.opendata.registry import UPSERT, Dataset, Field, ForeignKey, register


def _published(event, cur) -> list:
    consultation = cur.scalar("SELECT consultation_id FROM rm_restitution_reports WHERE restitution_id = %s",
                              [event.originator_id.hex])
    return [(f"{consultation},{event.number}", UPSERT)] if consultation else []


register(Dataset(
    name="restitution-versions",
    title=_("Versions publiées des rapports de restitution"),
    description=_(
        "Une ligne par version publiée du rapport de restitution d'une consultation : son numéro, sa date,"
        " le nombre de contributions et de réponses de la Ville qu'il contient, et l'empreinte SHA-256 des"
        " données exactes publiées (le fichier JSON de la version), inscrite dans le journal public."
    ),
    fields=(
        Field("consultation_id", "string", _("Identifiant de la consultation."), required=True),
        Field("number", "integer", _("Numéro de la version, à partir de 1."), required=True, minimum=1),
        Field("snapshot_sha256", "string", _("Empreinte SHA-256 du fichier JSON de la version."), required=True),
        Field("contributions", "integer", _("Contributions publiées au moment de la version."), required=True),
        Field("answered", "integer", _("Contributions ayant reçu une réponse de la Ville."), required=True),
        Field("published_at", "datetime", _("Date de publication (temps universel)."), required=True),
    ),
    primary_key=("consultation_id", "number"),
    table="rm_restitution_versions",
    projection="restitution",
    filters={"consultation": "consultation_id", "date": "published_at"},
    foreign_keys=(ForeignKey(("consultation_id",), "consultations", ("consultation_id",)),),
    keywords=("restitution", "consultation", "rapport"),
    changes={Restitution.RestitutionPublished: _published},
))
