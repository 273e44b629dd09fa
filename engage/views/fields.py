"""Form building blocks every capability's forms share: fields and the button-only form
(a CSRF token and one button: confirm, withdraw, close...). The form factory is toolkit.make_form."""

from __future__ import annotations

import colander
import deform
from deform.schema import CSRFSchema

from engage.domain.cards import numbers as card_numbers
from engage.domain.common import ARRONDISSEMENTS
from engage.i18n import _, arrondissement_label

#: The "Tout Paris" choice of a place field.
CITY_WIDE = "paris"


def text_field(title, missing_msg, *, max_length, min_length=0, description=None, textarea=False, missing=colander.required):
    validator = colander.Length(min=min_length, max=max_length,
                                min_err=_("Ce champ est trop court."), max_err=_("Ce champ est trop long."))
    widget = deform.widget.TextAreaWidget(rows=5) if textarea else deform.widget.TextInputWidget()
    return colander.SchemaNode(colander.String(), title=title, description=description, missing=missing,
                               missing_msg=missing_msg, validator=validator, widget=widget)


def url_field(title, description=None):
    node = text_field(title, "", max_length=300, description=description, missing="")
    node.validator = colander.All(
        colander.Length(max=300, max_err=_("Ce champ est trop long.")),
        colander.Regex(r"^https?://\S+\.\S{2,}$", msg=_("Saisissez une adresse complète, commençant par https://.")),
    )
    node.widget = deform.widget.TextInputWidget(attributes={"inputmode": "url"})
    node.widget.input_type = "url"
    return node


def _card_number(node, value):
    if not card_numbers.is_valid(value):
        raise colander.Invalid(node, _("Ce numéro n'est pas un numéro de Carte Citoyen·ne valide : vérifiez les onze chiffres (le dernier est une clé de contrôle)."))


def card_number_field(title, missing_msg):
    """A Citizen card number as engage.domain.cards.numbers writes it: eleven digits, spaces allowed."""
    return colander.SchemaNode(
        colander.String(), title=title, missing_msg=missing_msg,
        description=_("Onze chiffres, par exemple 75 1234 5678 9."),
        validator=colander.All(colander.Length(max=40, max_err=_("Ce champ est trop long.")), _card_number),
        widget=deform.widget.TextInputWidget(attributes={"inputmode": "numeric", "autocomplete": "off"}))


def place_field(title):
    def widget(node, kw):
        locale = kw["request"].locale_name
        return deform.widget.SelectWidget(values=[("", _("— Choisir —")), (CITY_WIDE, _("Tout Paris"))]
                                          + [(str(n), arrondissement_label(n, locale)) for n in ARRONDISSEMENTS])

    return colander.SchemaNode(
        colander.String(), title=title, missing_msg=_("Choisissez un arrondissement, ou « Tout Paris »."),
        validator=colander.OneOf([CITY_WIDE] + [str(n) for n in ARRONDISSEMENTS],
                                 msg_err=_("Choisissez un arrondissement, ou « Tout Paris ».")),
        widget=colander.deferred(widget),
    )


def place_value(value: str) -> int | None:
    return None if value == CITY_WIDE else int(value)


class FrenchDate(colander.Date):
    err_template = _("Saisissez une date valide (AAAA-MM-JJ).")


def date_field(title, *, required=True):
    widget = deform.widget.TextInputWidget()
    widget.input_type = "date"
    return colander.SchemaNode(
        FrenchDate(), title=title, widget=widget,
        missing=colander.required if required else None,
        missing_msg=_("Indiquez la date de début."), description=_("Format AAAA-MM-JJ, par exemple 2027-05-14."),
    )


class ButtonOnlySchema(CSRFSchema):
    """Only the CSRF token: one button (volunteer, close the call)."""
