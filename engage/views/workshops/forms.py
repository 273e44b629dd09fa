"""Forms of the Ateliers Citoyens: what staff and residents may send, checked on the server."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import colander
import deform
from deform.schema import CSRFSchema

from engage.domain.common import ARRONDISSEMENTS
from engage.domain.workshops.model import LANGUAGES, MAX_CAPACITY, THEMES
from engage.i18n import _, arrondissement_label
from engage.views.fields import card_number_field

PARIS = ZoneInfo("Europe/Paris")
PRESENT, ABSENT = "present", "absent"


class ParisDateTime(colander.SchemaType):
    """A date and time typed in Paris (datetime-local), kept as an aware UTC datetime."""

    def serialize(self, node, appstruct):
        if appstruct is colander.null or appstruct is None:
            return colander.null
        return appstruct.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")

    def deserialize(self, node, cstruct):
        if cstruct is colander.null or not str(cstruct).strip():
            return colander.null
        try:
            local = datetime.strptime(str(cstruct).strip()[:16], "%Y-%m-%dT%H:%M")
            # OverflowError: the first hours of year 1 in Paris are before year 1 in UTC.
            return local.replace(tzinfo=PARIS).astimezone(ZoneInfo("UTC"))
        except (ValueError, OverflowError):
            raise colander.Invalid(
                node, _("Saisissez une date et une heure, par exemple 2026-12-05T18:30.")) from None


def _datetime(title, missing_msg):
    widget = deform.widget.TextInputWidget()
    widget.input_type = "datetime-local"
    return colander.SchemaNode(ParisDateTime(), title=title, missing_msg=missing_msg, widget=widget,
                               description=_("Heure de Paris."))


def _text(title, missing_msg, *, max_length, missing=colander.required, textarea=False, description=None,
          input_type="text"):
    widget = deform.widget.TextAreaWidget(rows=4) if textarea else deform.widget.TextInputWidget()
    if not textarea:
        widget.input_type = input_type
    return colander.SchemaNode(
        colander.String(), title=title, missing_msg=missing_msg, missing=missing,
        description=description, widget=widget,
        validator=colander.Length(max=max_length, max_err=_("Ce champ est trop long.")),
    )


def _select(values, title, missing_msg, msg_err, typ=None, missing=colander.required):
    return colander.SchemaNode(
        typ or colander.String(), title=title, missing_msg=missing_msg, missing=missing,
        validator=colander.OneOf([v for v, _label in values if v != ""], msg_err=msg_err),
        widget=deform.widget.SelectWidget(values=[("", _("— Choisir —"))] + list(values)),
    )


class WorkshopSchema(CSRFSchema):
    title = _text(_("Titre"), _("Indiquez le titre de l'atelier."), max_length=120)
    theme = _select([(code, _(label)) for code, label in THEMES.items()], _("Famille d'ateliers"),
                    _("Choisissez la famille de l'atelier."), _("Choisissez l'une des trois familles."))
    description = _text(_("Description"), _("Décrivez l'atelier en quelques phrases."),
                        max_length=4000, textarea=True)
    language = _select([(code, _(label)) for code, label in LANGUAGES.items()], _("Langue"),
                       _("Choisissez la langue de l'atelier."), _("Choisissez une langue de la liste."))
    accessibility = _text(
        _("Accessibilité"), _("Décrivez l'accessibilité."), max_length=1000, textarea=True, missing="",
        description=_("Accès en fauteuil, boucle magnétique, interprétation, supports adaptés…"))


def _arrondissements(request):
    return [(str(n), arrondissement_label(n, request.locale_name)) for n in ARRONDISSEMENTS]


@colander.deferred
def _arrondissement_widget(node, kw):
    return deform.widget.SelectWidget(values=[("", _("— Aucun (en ligne) —"))] + _arrondissements(kw["request"]))


@colander.deferred
def _facilitator_widget(node, kw):
    return deform.widget.SelectWidget(values=[("", _("— Choisir —"))] + list(kw["facilitators"]))


@colander.deferred
def _facilitator_validator(node, kw):
    return colander.OneOf([v for v, _label in kw["facilitators"]],
                          msg_err=_("Choisissez une personne de la liste des animateurs."))


def _end_after_start(form, value):
    if value["ends_at"] <= value["starts_at"]:
        error = colander.Invalid(form, _("La fin doit suivre le début."))
        error["ends_at"] = _("La fin doit suivre le début.")
        raise error


class ScheduleSchema(CSRFSchema):
    starts_at = _datetime(_("Début"), _("Indiquez la date et l'heure de début."))
    ends_at = _datetime(_("Fin"), _("Indiquez la date et l'heure de fin."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, validator=_end_after_start, **kwargs)


class SessionSchema(ScheduleSchema):
    place = _text(_("Lieu"), _("Indiquez le lieu."), max_length=200, missing="",
                  description=_("Nom et adresse du lieu. Laissez vide pour une séance en ligne."))
    arrondissement = colander.SchemaNode(
        colander.Integer(), title=_("Arrondissement du lieu"), missing=None,
        missing_msg=_("Choisissez l'arrondissement."),
        validator=colander.OneOf(ARRONDISSEMENTS, msg_err=_("Choisissez un arrondissement de 1 à 20.")),
        widget=_arrondissement_widget)
    online_link = _text(_("Lien de visioconférence"), _("Indiquez le lien."), max_length=500, missing="",
                        input_type="url", description=_("Pour une séance en ligne : un lien commençant par https://."))
    capacity = colander.SchemaNode(
        colander.Integer(), title=_("Nombre de places"), missing_msg=_("Indiquez le nombre de places."),
        validator=colander.Range(1, MAX_CAPACITY, min_err=_("Au moins une place."),
                                 max_err=_("Au plus 500 places.")),
        widget=deform.widget.TextInputWidget(attributes={"inputmode": "numeric"}))
    facilitator = colander.SchemaNode(
        colander.String(), title=_("Animateur ou animatrice"), missing_msg=_("Choisissez qui anime la séance."),
        validator=_facilitator_validator, widget=_facilitator_widget)


class WalkInSchema(CSRFSchema):
    card_number = card_number_field(_("Numéro de Carte Citoyen·ne"), _("Indiquez le numéro de la carte."))


class FeedbackSchema(CSRFSchema):
    rating = colander.SchemaNode(
        colander.Integer(), title=_("Votre note"), missing_msg=_("Choisissez une note de 1 à 5."),
        validator=colander.OneOf([1, 2, 3, 4, 5], msg_err=_("Choisissez une note de 1 à 5.")),
        widget=deform.widget.RadioChoiceWidget(values=[
            ("1", _("1 — pas du tout satisfait·e")), ("2", _("2")), ("3", _("3")), ("4", _("4")),
            ("5", _("5 — très satisfait·e"))]))
    comment = _text(_("Commentaire"), _("Écrivez un commentaire."), max_length=2000, textarea=True,
                    missing="", description=_("Facultatif. Lu par l'équipe des ateliers, jamais publié."))


def parse_roll(post, allowed: set[str]) -> dict[str, bool] | None:
    """The marks of a roll: {person hex: present}. None if a field is not one of ours."""
    marks = {}
    for name, value in post.items():
        if not name.startswith("presence-"):
            continue
        person = name[len("presence-"):]
        if person not in allowed or value not in (PRESENT, ABSENT):
            return None
        marks[person] = value == PRESENT
    return marks
