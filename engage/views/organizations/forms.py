"""Forms of organizations, their representatives and offers."""

from __future__ import annotations

import colander
import deform
from deform.schema import CSRFSchema

from engage.domain.organizations.model import OFFER_KINDS, ORGANIZATION_KINDS
from engage.i18n import _
from engage.views.fields import date_field, place_field, text_field, url_field


class OrganizationSchema(CSRFSchema):
    name = text_field(_("Nom de l'organisation"), _("Indiquez le nom de l'organisation."), min_length=2, max_length=120)
    kind = colander.SchemaNode(
        colander.String(), title=_("Type d'organisation"), missing_msg=_("Choisissez un type d'organisation."),
        validator=colander.OneOf(list(ORGANIZATION_KINDS), msg_err=_("Choisissez un type d'organisation.")),
        widget=deform.widget.RadioChoiceWidget(values=[(k, _(v)) for k, v in ORGANIZATION_KINDS.items()]),
    )
    description = text_field(_("Présentation"), _("Présentez l'organisation en quelques phrases."),
                        min_length=10, max_length=2000, textarea=True)
    website = url_field(_("Site web"), _("Facultatif. Adresse complète, par exemple https://www.exemple.org."))
    place = place_field(_("Arrondissement"))


class RepresentativeSchema(CSRFSchema):
    email = colander.SchemaNode(
        colander.String(), title=_("Adresse électronique du compte"),
        description=_("La personne doit déjà avoir un compte Paris s'engage."),
        missing_msg=_("Indiquez l'adresse électronique du compte."),
        validator=colander.Email(msg=_("Saisissez une adresse électronique valide, par exemple nom@exemple.fr.")),
        widget=deform.widget.TextInputWidget(attributes={"autocomplete": "off", "inputmode": "email"}),
    )


class OfferSchema(CSRFSchema):
    title = text_field(_("Titre de l'offre"), _("Indiquez le titre de l'offre."), min_length=3, max_length=150)
    kind = colander.SchemaNode(
        colander.String(), title=_("Type d'offre"), missing_msg=_("Choisissez le type de l'offre."),
        validator=colander.OneOf(list(OFFER_KINDS), msg_err=_("Choisissez le type de l'offre.")),
        widget=deform.widget.RadioChoiceWidget(values=[(k, _(v)) for k, v in OFFER_KINDS.items()]),
    )
    description = text_field(_("Description"), _("Décrivez l'offre."), min_length=10, max_length=3000, textarea=True)
    place = place_field(_("Arrondissement"))
    starts_on = date_field(_("Date de début"))
    ends_on = date_field(_("Date de fin"), required=False)
    link = url_field(_("Lien"), _("Facultatif. Page où en savoir plus."))
    card_conditions = text_field(_("Accès avec la Carte Citoyen·ne"), _("Indiquez les conditions d'accès avec la carte."),
                            min_length=3, max_length=500,
                            description=_("Par exemple : gratuit sur présentation de la carte, dans la limite des places."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, validator=_dates_in_order, **kwargs)


def _dates_in_order(form, value):
    if value.get("ends_on") and value["ends_on"] < value["starts_on"]:
        error = colander.Invalid(form, _("La date de fin de l'offre précède sa date de début."))
        error["ends_on"] = _("La date de fin de l'offre précède sa date de début.")
        raise error
