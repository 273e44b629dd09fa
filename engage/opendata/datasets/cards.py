"""Card holders by arrondissement and age band (groups of fewer than 5 suppressed)."""

from engage.domain.cards.model import CitizenCard
from engage.domain.common import AGE_BANDS
from engage.i18n import _
from engage.opendata.aggregates import card_holder_blanks
from engage.opendata.registry import UPSERT, Dataset, Field, Suppression, register
from engage.opendata.suppression import SMALL_COUNT

register(Dataset(
    name="card-holders",
    title=_("Détenteurs de la Carte Citoyen·ne par arrondissement et tranche d'âge"),
    description=_(
        "Nombre de personnes détentrices de la Carte Citoyen·ne de Paris, par arrondissement"
        " de résidence et par tranche d'âge. Un groupe de moins de 5 personnes n'est pas"
        " publié (la case est vide) : un si petit nombre pourrait désigner quelqu'un."
    ),
    fields=(
        Field("arrondissement", "integer", _("Arrondissement de résidence, de 1 à 20."),
              required=True, minimum=1, maximum=20),
        Field("age_band", "string", _("Tranche d'âge : under-18, 18-24, 25-34, 35-49, 50-64 ou 65-plus."),
              required=True, enum=tuple(AGE_BANDS)),
        Field("holders", "integer",
              _("Nombre de détenteurs ; vide quand le groupe compte moins de 5 personnes."),
              minimum=SMALL_COUNT),
    ),
    primary_key=("arrondissement", "age_band"),
    table="rm_opendata_card_holders",
    projection="opendata_card_holders",
    filters={"arrondissement": "arrondissement"},
    suppression=Suppression((), card_holder_blanks, ("holders",)),
    keywords=("carte citoyenne", "arrondissement", "âge"),
    changes={
        CitizenCard.CardIssued: lambda e: [(f"{e.arrondissement},{e.age_band}", UPSERT)],
    },
))
