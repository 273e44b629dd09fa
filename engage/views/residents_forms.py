"""Forms of participatory-budget imports, organizations, offers and seats by lot."""

from __future__ import annotations

import colander
import deform
from deform.schema import CSRFSchema

from ..domain.organizations import OFFER_KINDS, ORGANIZATION_KINDS
from ..domain.places import AGE_BANDS, ARRONDISSEMENTS
from ..i18n import _, arrondissement_label

MAX_CSV_BYTES = 20_000_000
CITY_WIDE = "paris"


# --------------------------------------------------------------------------- a plain file input

class PlainFileWidget(deform.widget.Widget):
    """<input type="file">, no temporary store: the upload is read in the same request."""

    template = "file_plain"
    accept = ".csv,text/csv"

    def serialize(self, field, cstruct, **kw):
        return field.renderer(self.template, field=field, cstruct="", **kw)

    def deserialize(self, field, pstruct):
        if pstruct in (colander.null, None, "", b""):
            return colander.null
        return pstruct


class CsvUpload(colander.SchemaType):
    """A posted file → its bytes (checked: present, not empty, not too large)."""

    def serialize(self, node, appstruct):
        return colander.null

    def deserialize(self, node, cstruct):
        if cstruct is colander.null:
            return colander.null
        stream = getattr(cstruct, "file", None)
        if stream is None:
            raise colander.Invalid(node, _("Choisissez un fichier CSV à envoyer."))
        data = stream.read(MAX_CSV_BYTES + 1)
        if len(data) > MAX_CSV_BYTES:
            raise colander.Invalid(node, _("Le fichier dépasse 20 Mo."))
        if not data:
            raise colander.Invalid(node, _("Le fichier est vide."))
        return data


class MembershipImportSchema(CSRFSchema):
    membership_file = colander.SchemaNode(
        CsvUpload(),
        title=_("Liste des membres (fichier CSV)"),
        description=_("CSV encodé en UTF-8, séparateur virgule ou point-virgule. Colonnes : email et arrondissement (obligatoires), nom et date d'adhésion (facultatives)."),
        missing_msg=_("Choisissez un fichier CSV à envoyer."),
        widget=PlainFileWidget(),
    )


# --------------------------------------------------------------------------- shared nodes

def _text(title, missing_msg, *, max_length, min_length=0, description=None, textarea=False, missing=colander.required):
    validator = colander.Length(min=min_length, max=max_length,
                                min_err=_("Ce champ est trop court."), max_err=_("Ce champ est trop long."))
    widget = deform.widget.TextAreaWidget(rows=5) if textarea else deform.widget.TextInputWidget()
    return colander.SchemaNode(colander.String(), title=title, description=description, missing=missing,
                               missing_msg=missing_msg, validator=validator, widget=widget)


def _url(title, description=None):
    node = _text(title, "", max_length=300, description=description, missing="")
    node.validator = colander.All(
        colander.Length(max=300, max_err=_("Ce champ est trop long.")),
        colander.Regex(r"^https?://\S+\.\S{2,}$", msg=_("Saisissez une adresse complète, commençant par https://.")),
    )
    node.widget = deform.widget.TextInputWidget(attributes={"inputmode": "url"})
    node.widget.input_type = "url"
    return node


def _place(title):
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


def _date(title, *, required=True):
    widget = deform.widget.TextInputWidget()
    widget.input_type = "date"
    return colander.SchemaNode(
        FrenchDate(), title=title, widget=widget,
        missing=colander.required if required else None,
        missing_msg=_("Indiquez la date de début."), description=_("Format AAAA-MM-JJ, par exemple 2027-05-14."),
    )


class OrganizationSchema(CSRFSchema):
    name = _text(_("Nom de l'organisation"), _("Indiquez le nom de l'organisation."), min_length=2, max_length=120)
    kind = colander.SchemaNode(
        colander.String(), title=_("Type d'organisation"), missing_msg=_("Choisissez un type d'organisation."),
        validator=colander.OneOf(list(ORGANIZATION_KINDS), msg_err=_("Choisissez un type d'organisation.")),
        widget=deform.widget.RadioChoiceWidget(values=[(k, _(v)) for k, v in ORGANIZATION_KINDS.items()]),
    )
    description = _text(_("Présentation"), _("Présentez l'organisation en quelques phrases."),
                        min_length=10, max_length=2000, textarea=True)
    website = _url(_("Site web"), _("Facultatif. Adresse complète, par exemple https://www.exemple.org."))
    place = _place(_("Arrondissement"))


class RepresentativeSchema(CSRFSchema):
    email = colander.SchemaNode(
        colander.String(), title=_("Adresse électronique du compte"),
        description=_("La personne doit déjà avoir un compte Paris s'engage."),
        missing_msg=_("Indiquez l'adresse électronique du compte."),
        validator=colander.Email(msg=_("Saisissez une adresse électronique valide, par exemple nom@exemple.fr.")),
        widget=deform.widget.TextInputWidget(attributes={"autocomplete": "off", "inputmode": "email"}),
    )


class OfferSchema(CSRFSchema):
    title = _text(_("Titre de l'offre"), _("Indiquez le titre de l'offre."), min_length=3, max_length=150)
    kind = colander.SchemaNode(
        colander.String(), title=_("Type d'offre"), missing_msg=_("Choisissez le type de l'offre."),
        validator=colander.OneOf(list(OFFER_KINDS), msg_err=_("Choisissez le type de l'offre.")),
        widget=deform.widget.RadioChoiceWidget(values=[(k, _(v)) for k, v in OFFER_KINDS.items()]),
    )
    description = _text(_("Description"), _("Décrivez l'offre."), min_length=10, max_length=3000, textarea=True)
    place = _place(_("Arrondissement"))
    starts_on = _date(_("Date de début"))
    ends_on = _date(_("Date de fin"), required=False)
    link = _url(_("Lien"), _("Facultatif. Page où en savoir plus."))
    card_conditions = _text(_("Accès avec la Carte Citoyen·ne"), _("Indiquez les conditions d'accès avec la carte."),
                            min_length=3, max_length=500,
                            description=_("Par exemple : gratuit sur présentation de la carte, dans la limite des places."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, validator=_dates_in_order, **kwargs)


def _dates_in_order(form, value):
    if value.get("ends_on") and value["ends_on"] < value["starts_on"]:
        error = colander.Invalid(form, _("La date de fin de l'offre précède sa date de début."))
        error["ends_on"] = _("La date de fin de l'offre précède sa date de début.")
        raise error


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
    title = _text(_("Intitulé de l'appel"), _("Indiquez l'intitulé de l'appel."), min_length=3, max_length=150)
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


class ButtonOnlySchema(CSRFSchema):
    """Only the CSRF token: one button (volunteer, close the call)."""


def make(schema_class, request, *, formid, button, action=None) -> deform.Form:
    form = deform.Form(schema_class().bind(request=request), buttons=(deform.Button("submit", button),),
                       formid=formid)
    if action:
        form.action = action
    return form
