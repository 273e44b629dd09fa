"""Forms of seats by lot: a call, its commitment, the reveal."""

from __future__ import annotations

import colander
import deform
from deform.schema import CSRFSchema

from engage.domain.common import AGE_BANDS, ARRONDISSEMENTS
from engage.i18n import _
from engage.views.fields import text_field

STRATA_HELP = _("Une strate par ligne : libellé ; arrondissements séparés par des virgules ; tranches d'âge séparées par des virgules ; quota. "
                "Laissez vide une partie pour ne pas filtrer. Exemple : « Nord-est ; 18,19,20 ; ; 2 » ou « Jeunes ; ; 18-24 ; 1 ». "
                "Tranches : under-18, 18-24, 25-34, 35-49, 50-64, 65-plus.")


def parse_strata(text: str) -> list[dict]:
    """'label ; 18,19 ; 18-24 ; 2' lines → strata; raises ValueError(line number)."""
    strata = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        if len(parts) != 4:
            raise ValueError(number)
        try:
            arrondissements = [int(a) for a in parts[1].split(",") if a.strip()]
            quota = int(parts[3])
        except ValueError:
            raise ValueError(number) from None
        age_bands = [b.strip() for b in parts[2].split(",") if b.strip()]
        if (not parts[0] or quota < 1 or any(a not in ARRONDISSEMENTS for a in arrondissements)
                or any(b not in AGE_BANDS for b in age_bands) or not (arrondissements or age_bands)):
            raise ValueError(number)
        strata.append({"label": parts[0], "arrondissements": arrondissements, "age_bands": age_bands, "quota": quota})
    return strata


def _strata_valid(node, value):
    try:
        parse_strata(value)
    except ValueError as error:
        raise colander.Invalid(node, _("Strate de la ligne ${line} invalide : 4 parties séparées par « ; », un arrondissement de 1 à 20, une tranche d'âge connue, un quota d'au moins 1.", mapping={"line": error.args[0]})) from None


class SeatCallSchema(CSRFSchema):
    title = text_field(_("Intitulé de l'appel"), _("Indiquez l'intitulé de l'appel."), min_length=3, max_length=150)
    seats = colander.SchemaNode(
        colander.Integer(), title=_("Nombre de sièges"), missing_msg=_("Indiquez le nombre de sièges."),
        validator=colander.Range(1, 500, min_err=_("Au moins un siège."), max_err=_("Au plus 500 sièges.")),
        widget=deform.widget.TextInputWidget(attributes={"inputmode": "numeric"}),
    )
    strata = colander.SchemaNode(colander.String(), title=_("Strates et quotas"), description=STRATA_HELP,
                                 missing="", validator=_strata_valid, widget=deform.widget.TextAreaWidget(rows=4))


class CommitmentSchema(CSRFSchema):
    seed_sha256 = colander.SchemaNode(
        colander.String(), title=_("Empreinte SHA-256 de la graine"),
        description=_("64 caractères hexadécimaux. Gardez la graine secrète jusqu'à la clôture de l'appel."),
        missing_msg=_("Indiquez l'empreinte SHA-256 de la graine."),
        widget=deform.widget.TextInputWidget(attributes={"autocomplete": "off", "spellcheck": "false"}),
    )


class RevealSchema(CSRFSchema):
    seed = colander.SchemaNode(
        colander.String(), title=_("Graine (64 caractères hexadécimaux)"),
        missing_msg=_("Indiquez la graine."),
        widget=deform.widget.TextInputWidget(attributes={"autocomplete": "off", "spellcheck": "false"}),
    )
