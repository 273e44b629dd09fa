"""The transparency log's signed checkpoints."""

from engage.i18n import _
from engage.opendata.registry import Dataset, Field, register

register(Dataset(
    name="transparency-checkpoints",
    title=_("Points de contrôle signés du journal de transparence"),
    description=_(
        "Chaque point de contrôle signé par la plateforme : la taille du journal à cet"
        " instant, l'empreinte (racine de l'arbre de Merkle) qui le résume, la date de"
        " signature et la note signée, que chacun peut vérifier avec la clé publique."
    ),
    fields=(
        Field("size", "integer", _("Nombre d'événements du journal couverts par ce point de contrôle."),
              required=True, minimum=1),
        Field("root_hash", "string", _("Racine de l'arbre de Merkle (SHA-256, en hexadécimal)."),
              required=True),
        Field("signed_at", "datetime", _("Date et heure de la signature (temps universel)."),
              required=True),
        Field("verifier_key", "string", _("Clé publique de vérification de la signature (format C2SP)."),
              required=True),
        Field("note", "string", _("Le point de contrôle signé, au format C2SP signed-note."),
              required=True),
    ),
    primary_key=("size",),
    table="tlog_checkpoints",
    projection="transparency",
    filters={"date": "signed_at"},
    sources=({"title": _("Journal de transparence de la plateforme"), "path": "/transparence"},),
    keywords=("transparence", "journal", "merkle"),
    # Signed after the projections catch up, not by an event: versioned by its last size.
    version_sql="SELECT size, signed_at FROM tlog_checkpoints ORDER BY size DESC LIMIT 1",
))
