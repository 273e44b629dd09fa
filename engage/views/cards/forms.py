"""Forms of the card lifecycle and of the staff card pages."""

import colander
import deform
from deform.schema import CSRFSchema

from engage.domain.cards.model import REPLACEMENT_REASONS
from engage.domain.common import AGE_BANDS, ARRONDISSEMENTS
from engage.i18n import PCS_LABELS, _, arrondissement_label

YES, NO = "oui", "non"

# INSEE PCS 2020, groupes socioprofessionnels (niveau 1), and the two inactive groups.

REPLACEMENT_LABELS = {"lost": _("Perdue"), "stolen": _("Volée"), "damaged": _("Abîmée")}
assert tuple(REPLACEMENT_LABELS) == REPLACEMENT_REASONS

def _yes_no(title, missing_msg, description=None):
    return colander.SchemaNode(
        colander.String(),
        title=title,
        description=description,
        missing_msg=missing_msg,
        validator=colander.OneOf([YES, NO], msg_err=_("Répondez oui ou non.")),
        widget=deform.widget.RadioChoiceWidget(values=[(YES, _("Oui")), (NO, _("Non"))]),
    )


class SignedInCardRequestSchema(CSRFSchema):
    arrondissement = colander.SchemaNode(
        colander.Integer(),
        missing_msg=_("Choisissez votre arrondissement de résidence."),
        title=_("Arrondissement de résidence"),
        validator=colander.OneOf(ARRONDISSEMENTS, msg_err=_("Choisissez un arrondissement de 1 à 20.")),
        widget=colander.deferred(
            lambda node, kw: deform.widget.SelectWidget(
                values=[("", _("— Choisir —"))]
                + [(str(n), arrondissement_label(n, kw["request"].locale_name)) for n in ARRONDISSEMENTS]
            )
        ),
    )
    age_band = colander.SchemaNode(
        colander.String(),
        missing_msg=_("Choisissez votre tranche d'âge."),
        title=_("Tranche d'âge"),
        validator=colander.OneOf(list(AGE_BANDS), msg_err=_("Choisissez une tranche d'âge.")),
        widget=deform.widget.RadioChoiceWidget(values=[(code, _(label)) for code, label in AGE_BANDS.items()]),
    )
    category = colander.SchemaNode(
        colander.String(),
        missing=None,
        title=_("Catégorie socioprofessionnelle (facultatif)"),
        description=_("Elle sert seulement aux statistiques d'inclusion : savoir si la participation "
                      "touche tous les publics. Elle est chiffrée et n'apparaît nulle part publiquement."),
        validator=colander.OneOf(list(PCS_LABELS), msg_err=_("Choisissez une catégorie de la liste.")),
        widget=deform.widget.SelectWidget(
            values=[("", _("— Je préfère ne pas répondre —"))] + list(PCS_LABELS.items())),
    )
    consent = _yes_no(
        _("Acceptez-vous d'être consulté·e par la Ville ?"),
        _("Répondez oui ou non à la question du consentement."),
        _("Par exemple pour donner votre avis sur la charte de la participation. "
          "Vous pourrez changer d'avis à tout moment."),
    )
    newsletter = _yes_no(
        _("Souhaitez-vous recevoir la lettre d'information de la participation ?"),
        _("Répondez oui ou non à la question de la lettre d'information."),
        _("Un courriel par mois au plus. Vous pourrez vous désabonner à tout moment."),
    )


class ReplaceSchema(CSRFSchema):
    reason = colander.SchemaNode(
        colander.String(),
        title=_("Qu'est-il arrivé à votre carte ?"),
        missing_msg=_("Choisissez pourquoi la carte doit être remplacée."),
        validator=colander.OneOf(list(REPLACEMENT_LABELS), msg_err=_("Choisissez une réponse de la liste.")),
        widget=deform.widget.RadioChoiceWidget(values=list(REPLACEMENT_LABELS.items())),
    )


class CardLookupSchema(CSRFSchema):
    number = colander.SchemaNode(
        colander.String(),
        title=_("Numéro de carte"),
        description=_("Onze chiffres, par exemple 75 1234 5678 9."),
        missing_msg=_("Indiquez un numéro de carte."),
        validator=colander.Length(max=40, max_err=_("Ce champ est trop long.")),
        widget=deform.widget.TextInputWidget(attributes={"inputmode": "numeric", "autocomplete": "off"}),
    )


class DecisionSchema(CSRFSchema):
    reason = colander.SchemaNode(
        colander.String(),
        title=_("Motif"),
        description=_("Il reste interne à l'équipe de la Ville et s'efface avec les données de la personne."),
        missing_msg=_("Indiquez un motif."),
        validator=colander.Length(min=3, max=500, min_err=_("Le motif doit compter au moins 3 caractères."),
                                  max_err=_("Le motif ne peut pas dépasser 500 caractères.")),
        widget=deform.widget.TextAreaWidget(rows=3),
    )
