"""Form schemas: what a resident may send, checked on the server, messages in French."""

import colander
import deform
from deform.schema import CSRFSchema

from .domain.places import AGE_BANDS, ARRONDISSEMENTS
from .i18n import _, arrondissement_label

YES, NO = "oui", "non"


class CardRequestSchema(CSRFSchema):
    name = colander.SchemaNode(
        colander.String(),
        missing_msg=_("Indiquez votre nom et votre prénom."),
        title=_("Nom et prénom"),
        validator=colander.Length(
            min=2, max=120,
            min_err=_("Le nom doit compter au moins 2 caractères."),
            max_err=_("Le nom ne peut pas dépasser 120 caractères."),
        ),
        widget=deform.widget.TextInputWidget(attributes={"autocomplete": "name"}),
    )
    email = colander.SchemaNode(
        colander.String(),
        missing_msg=_("Indiquez votre adresse électronique."),
        title=_("Adresse électronique"),
        description=_("Elle reste confidentielle : elle n'apparaît sur aucune page publique."),
        validator=colander.All(
            colander.Length(max=254, max_err=_("L'adresse électronique est trop longue.")),
            colander.Email(msg=_("Saisissez une adresse électronique valide, par exemple nom@exemple.fr.")),
        ),
        widget=deform.widget.TextInputWidget(
            attributes={"autocomplete": "email", "inputmode": "email"}
        ),
    )
    arrondissement = colander.SchemaNode(
        colander.Integer(),
        missing_msg=_("Choisissez votre arrondissement de résidence."),
        title=_("Arrondissement de résidence"),
        validator=colander.OneOf(
            ARRONDISSEMENTS, msg_err=_("Choisissez un arrondissement de 1 à 20.")
        ),
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
        widget=deform.widget.RadioChoiceWidget(
            values=[(code, _(label)) for code, label in AGE_BANDS.items()]
        ),
    )
    consent = colander.SchemaNode(
        colander.String(),
        missing_msg=_("Répondez oui ou non à la question du consentement."),
        title=_("Acceptez-vous d'être consulté·e par la Ville ?"),
        description=_(
            "Par exemple pour donner votre avis sur la charte de la participation. "
            "Vous pourrez changer d'avis à tout moment."
        ),
        validator=colander.OneOf([YES, NO], msg_err=_("Répondez oui ou non.")),
        widget=deform.widget.RadioChoiceWidget(values=[(YES, _("Oui")), (NO, _("Non"))]),
    )


def card_request_form(request) -> deform.Form:
    schema = CardRequestSchema().bind(request=request)
    return deform.Form(
        schema,
        buttons=(deform.Button("submit", _("Demander ma carte")),),
        formid="card-request",
    )
