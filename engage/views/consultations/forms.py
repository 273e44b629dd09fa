"""Forms of the consultations: checked on the server, messages in French."""

from __future__ import annotations

import hashlib

import colander
import deform
from deform.schema import CSRFSchema

from engage.domain.common import ARRONDISSEMENTS
from engage.domain.consultations.model import KINDS, OPTIONS, PHASE_LABELS, PHASES, SHEET_BATCH_MAX, TEXT_MAX
from engage.i18n import _, arrondissement_label

YES, NO = "oui", "non"


def _text_node(title, missing_msg, *, max_length=200, description=None, input_type="text", missing=colander.required,
               attributes=None):
    widget = deform.widget.TextInputWidget(attributes=attributes or {})
    widget.input_type = input_type
    return colander.SchemaNode(
        colander.String(), title=title, description=description, missing_msg=missing_msg, missing=missing,
        validator=colander.Length(max=max_length, max_err=_("Ce champ est trop long.")), widget=widget)


def _textarea(title, missing_msg, *, max_length, max_err, description=None, rows=6, missing=colander.required):
    return colander.SchemaNode(
        colander.String(), title=title, description=description, missing_msg=missing_msg, missing=missing,
        validator=colander.Length(max=max_length, max_err=max_err),
        widget=deform.widget.TextAreaWidget(rows=rows))


def _date(title):
    return _text_node(title, _("Indiquez une date."), max_length=10, input_type="date")


def _contribution_text():
    return _textarea(_("Votre contribution"), _("Écrivez le texte de votre contribution."),
                     max_length=TEXT_MAX, max_err=_("Le texte ne peut pas dépasser 4 000 caractères."),
                     description=_("4 000 caractères au plus. Le texte est publié tel quel, sous votre nom public."))


class ConsultationSchema(CSRFSchema):
    title = _text_node(_("Titre"), _("Indiquez le titre de la consultation."))
    description = _textarea(_("Description"), _("Décrivez la consultation."), max_length=5000,
                            max_err=_("La description ne peut pas dépasser 5 000 caractères."), rows=8)
    themes = _textarea(_("Thèmes ou questions"), _("Indiquez au moins un thème."), max_length=2000,
                       max_err=_("La liste des thèmes est trop longue."), description=_("Un thème par ligne."))
    consultation_starts = _date(_("Consultation : début"))
    consultation_ends = _date(_("Consultation : fin"))
    restitution_starts = _date(_("Restitution : début"))
    restitution_ends = _date(_("Restitution : fin"))
    redaction_starts = _date(_("Rédaction : début"))
    redaction_ends = _date(_("Rédaction : fin"))
    adoption_starts = _date(_("Adoption : début"))
    adoption_ends = _date(_("Adoption : fin"))
    card_required = colander.SchemaNode(
        colander.String(), title=_("Faut-il une Carte Citoyen·ne valide pour participer ?"),
        missing_msg=_("Répondez oui ou non."),
        validator=colander.OneOf([YES, NO], msg_err=_("Répondez oui ou non.")),
        widget=deform.widget.RadioChoiceWidget(values=[(YES, _("Oui")), (NO, _("Non"))]))
    support_threshold = colander.SchemaNode(
        colander.Integer(), title=_("Seuil de soutien"), missing_msg=_("Indiquez un seuil de soutien."),
        description=_("Nombre de « d'accord » à partir duquel la Ville met une contribution à l'étude."),
        validator=colander.Range(1, 10_000_000, min_err=_("Le seuil doit être d'au moins 1."),
                                 max_err=_("Le seuil est trop grand.")),
        widget=deform.widget.TextInputWidget(attributes={"inputmode": "numeric"}))


class NewConsultationSchema(ConsultationSchema):
    slug = _text_node(_("Adresse courte"), _("Indiquez l'adresse courte de la page."), max_length=80,
                      description=_("Par exemple « charte-participation » : la page sera /consultations/charte-participation."))


def plan_from(data: dict) -> list[dict]:
    return [{"phase": p, "starts_on": data[f"{p}_starts"], "ends_on": data[f"{p}_ends"]} for p in PHASES]


def plan_fields(plan: list[dict]) -> dict:
    fields = {}
    for p in plan:
        fields[f"{p['phase']}_starts"] = p["starts_on"]
        fields[f"{p['phase']}_ends"] = p["ends_on"]
    return fields


def _kind_node():
    return colander.SchemaNode(
        colander.String(), title=_("Type de contribution"), missing_msg=_("Choisissez le type de contribution."),
        validator=colander.OneOf(list(KINDS), msg_err=_("Choisissez le type de contribution.")),
        widget=deform.widget.RadioChoiceWidget(values=[(k, _(v)) for k, v in KINDS.items()]))


def _theme_node():
    return colander.SchemaNode(
        colander.String(), title=_("Thème"), missing_msg=_("Choisissez un thème."),
        validator=colander.deferred(lambda node, kw: colander.OneOf(
            kw["themes"], msg_err=_("Choisissez l'un des thèmes de la consultation."))),
        widget=colander.deferred(lambda node, kw: deform.widget.SelectWidget(
            values=[("", _("— Choisir —"))] + [(t, t) for t in kw["themes"]])))


def _organization_node():
    return colander.SchemaNode(
        colander.String(), title=_("Au nom de"), missing="",
        validator=colander.deferred(lambda node, kw: colander.OneOf(
            [""] + [key for key, _name in kw["organizations"]],
            msg_err=_("Vous ne pouvez contribuer qu'en votre nom ou au nom d'une organisation que vous représentez."))),
        widget=colander.deferred(lambda node, kw: deform.widget.SelectWidget(
            values=[("", _("En mon nom"))] + list(kw["organizations"]))))


class ContributionSchema(CSRFSchema):
    kind = _kind_node()
    theme = _theme_node()
    text = _contribution_text()


class OrganizationContributionSchema(ContributionSchema):
    organization = _organization_node()


class ReplySchema(CSRFSchema):
    kind = _kind_node()
    text = _contribution_text()


class EditSchema(CSRFSchema):
    text = _contribution_text()


class VoteSchema(CSRFSchema):
    option = colander.SchemaNode(
        colander.String(), title=_("Votre avis sur cette contribution"), missing_msg=_("Choisissez une réponse."),
        validator=colander.OneOf(list(OPTIONS), msg_err=_("Choisissez une réponse.")),
        widget=deform.widget.RadioChoiceWidget(values=[(k, _(v)) for k, v in OPTIONS.items()]))


# The vote POST checks its one field with the schema's own node, without building a form: the
# CSRF token is Pyramid's to check (require_csrf, before the view), and a node with nothing
# deferred deserializes the same for every request, so one serves every thread.
_VOTE_OPTION = VoteSchema()["option"]


def posted_vote_option(value: str | None) -> str | None:
    """The option a vote POST names, as VoteSchema validates it; None when missing or unknown."""
    try:
        return _VOTE_OPTION.deserialize(colander.null if value is None else value)
    except colander.Invalid:
        return None


class ReasonSchema(CSRFSchema):
    reason = _textarea(_("Motif"), _("Indiquez le motif."), max_length=300,
                       max_err=_("Le motif ne peut pas dépasser 300 caractères."), rows=3)


class PhaseSchema(CSRFSchema):
    phase = colander.SchemaNode(
        colander.String(), title=_("Phase"), missing_msg=_("Choisissez une phase."),
        validator=colander.OneOf(list(PHASES), msg_err=_("Choisissez une phase.")),
        widget=deform.widget.HiddenWidget())


class MeetingSchema(CSRFSchema):
    title = _text_node(_("Titre de la réunion"), _("Indiquez le titre de la réunion."))
    starts_at = _text_node(_("Date et heure (heure de Paris)"), _("Indiquez la date et l'heure."), max_length=16,
                           input_type="datetime-local")
    place = _text_node(_("Lieu"), _("Indiquez le lieu."), missing="",
                       description=_("Laissez vide pour une réunion en ligne."))
    arrondissement = colander.SchemaNode(
        colander.String(), title=_("Arrondissement"), missing="",
        validator=colander.OneOf([""] + [str(n) for n in ARRONDISSEMENTS],
                                 msg_err=_("Choisissez un arrondissement de 1 à 20.")),
        widget=colander.deferred(lambda node, kw: deform.widget.SelectWidget(
            values=[("", _("— En ligne —"))]
            + [(str(n), arrondissement_label(n, kw["request"].locale_name)) for n in ARRONDISSEMENTS])))
    online_url = _text_node(_("Lien de la visioconférence"), _("Indiquez le lien."), missing="", max_length=300,
                            input_type="url", description=_("Pour une réunion en ligne : une adresse en https."))


class ScanFile(colander.SchemaType):
    """An optional uploaded file, reduced to its SHA-256 as it streams: the scan itself is not kept here."""

    def serialize(self, node, appstruct):
        return colander.null

    def deserialize(self, node, cstruct):
        upload = getattr(cstruct, "file", None)
        if upload is None:
            return colander.null
        digest = hashlib.sha256()
        for chunk in iter(lambda: upload.read(1 << 16), b""):
            digest.update(chunk)
        return digest.hexdigest()


class ScanFileWidget(deform.widget.Widget):
    template = "scan_file"

    def serialize(self, field, cstruct, **kw):
        return field.renderer(self.template, field=field, cstruct=cstruct, **kw)

    def deserialize(self, field, pstruct):
        return pstruct if getattr(pstruct, "file", None) is not None else colander.null


class TranscriptionSchema(CSRFSchema):
    sheet = _text_node(_("Numéro de la feuille"), _("Indiquez le numéro imprimé sur la feuille."), max_length=20,
                       description=_("Tel qu'il est imprimé en haut de la feuille, clé de contrôle comprise,"
                                     " par exemple 000012-5."),
                       attributes={"inputmode": "numeric", "autocomplete": "off"})
    kind = _kind_node()
    theme = _theme_node()
    text = _textarea(_("Texte de la contribution"), _("Écrivez le texte de la contribution."),
                     max_length=TEXT_MAX, max_err=_("Le texte ne peut pas dépasser 4 000 caractères."),
                     description=_("Recopiez fidèlement ce qui a été dit ou écrit."))
    paper_reference = _text_node(_("Référence du formulaire papier"), _("Indiquez la référence."), missing="",
                                 max_length=60, description=_("Facultatif, par exemple F-11-007."))
    scan = colander.SchemaNode(ScanFile(), title=_("Scan du formulaire papier"), missing=colander.null,
                               description=_("Facultatif : seule son empreinte SHA-256 est enregistrée."),
                               widget=ScanFileWidget())
    scan_sha256 = _text_node(_("Ou empreinte SHA-256 du scan"), _("Indiquez l'empreinte."), missing="",
                             max_length=64, description=_("64 caractères hexadécimaux, si le scan est conservé ailleurs."))


def _count(title):
    return colander.SchemaNode(
        colander.Integer(), title=title, missing_msg=_("Indiquez un nombre."),
        validator=colander.Range(0, 100_000, min_err=_("Le nombre ne peut pas être négatif."),
                                 max_err=_("Le nombre est trop grand.")),
        widget=deform.widget.TextInputWidget(attributes={"inputmode": "numeric"}))


class SheetsSchema(CSRFSchema):
    count = colander.SchemaNode(
        colander.Integer(), title=_("Nombre de feuilles à imprimer"), missing_msg=_("Indiquez un nombre."),
        description=_("De 1 à 200 : chaque feuille reçoit son propre numéro, jamais réutilisé."),
        validator=colander.Range(1, SHEET_BATCH_MAX, min_err=_("Imprimez au moins une feuille."),
                                 max_err=_("200 feuilles au plus à la fois.")),
        widget=deform.widget.TextInputWidget(attributes={"inputmode": "numeric"}))


class HeadcountSchema(CSRFSchema):
    headcount = _count(_("Nombre de participants"))


class ShowOfHandsSchema(CSRFSchema):
    meeting = colander.SchemaNode(
        colander.String(), title=_("Réunion"), missing_msg=_("Choisissez la réunion."),
        validator=colander.deferred(lambda node, kw: colander.OneOf(
            [key for key, _title in kw["meetings"]], msg_err=_("Choisissez la réunion."))),
        widget=colander.deferred(lambda node, kw: deform.widget.SelectWidget(values=kw["meetings"])))
    agree = _count(_("D'accord"))
    mixed = _count(_("Mitigé"))
    disagree = _count(_("Pas d'accord"))


__all__ = ["PHASE_LABELS", "plan_from", "plan_fields"]


