"""Forms of the charter, the milestones dashboard and the guide (French titles and messages)."""

from __future__ import annotations

import colander
import deform
from deform.schema import CSRFSchema

from engage.i18n import CHOICE_LABELS, _

LEVEL_LABELS = {
    "not_started": _("Pas commencé"),
    "limited": _("Limité"),
    "substantial": _("Substantiel"),
    "complete": _("Achevé"),
}


def text_node(title, missing_msg, *, max_length=300, description=None, missing=colander.required, rows=None,
              input_type="text"):
    if rows:
        widget = deform.widget.TextAreaWidget(rows=rows)
    else:
        widget = deform.widget.TextInputWidget()
        widget.input_type = input_type
    return colander.SchemaNode(
        colander.String(), title=title, description=description, missing=missing, missing_msg=missing_msg,
        validator=colander.Length(max=max_length, max_err=_("Ce champ est trop long.")), widget=widget,
    )


def date_node(title):
    return text_node(title, _("Indiquez une date."), max_length=10, missing="", input_type="date",
                     description=_("Au format AAAA-MM-JJ, par exemple 2017-06-30."))


def radio_node(title, missing_msg, choices: dict):
    return colander.SchemaNode(
        colander.String(), title=title, missing_msg=missing_msg,
        validator=colander.OneOf(list(choices), msg_err=missing_msg),
        widget=deform.widget.RadioChoiceWidget(values=list(choices.items())),
    )


class MilestoneProgressSchema(CSRFSchema):
    level = radio_node(_("Niveau d'avancement"), _("Choisissez le niveau d'avancement."), LEVEL_LABELS)
    actual_start = date_node(_("Date de début réelle"))
    actual_end = date_node(_("Date de fin réelle"))
    note = text_node(_("Commentaire"), _("Ajoutez un commentaire."), max_length=2000, missing="", rows=3)


class DeliverableSchema(CSRFSchema):
    title = text_node(_("Titre du livrable"), _("Indiquez le titre du livrable."), max_length=200)
    url = text_node(_("Lien du livrable"), _("Indiquez le lien du livrable."), max_length=500,
                    description=_("Une adresse du site commençant par /, ou une adresse https://."))


class ArticleSchema(CSRFSchema):
    title = text_node(_("Titre de l'article"), _("Indiquez le titre de l'article."), max_length=200)
    text = text_node(_("Texte de l'article"), _("Rédigez le texte de l'article."), max_length=20000, rows=8)


class ReviseSchema(CSRFSchema):
    text = text_node(_("Nouveau texte de l'article"), _("Rédigez le texte de l'article."), max_length=20000, rows=8)
    reason = text_node(_("Motif de la modification"), _("Indiquez le motif de la modification."), max_length=2000,
                       rows=3)
    base_version = colander.SchemaNode(colander.Integer(), widget=deform.widget.HiddenWidget(),
                                       missing_msg=_("La version de départ manque."))


class NoteSchema(CSRFSchema):
    note = text_node(_("Note de version"), _("Ajoutez une note."), max_length=500, missing="")


class AmendmentSchema(CSRFSchema):
    text = text_node(_("Texte proposé pour l'article"), _("Rédigez le texte que vous proposez."),
                     max_length=20000, rows=8,
                     description=_("Le texte complet de l'article tel que vous le proposez."))
    rationale = text_node(_("Justification"), _("Expliquez pourquoi vous proposez cet amendement."),
                          max_length=4000, rows=4)
    base_version = colander.SchemaNode(colander.Integer(), widget=deform.widget.HiddenWidget(),
                                       missing_msg=_("La version de départ manque."))


class VoteSchema(CSRFSchema):
    choice = radio_node(_("Votre avis sur cet amendement"), _("Choisissez « d'accord », « mitigé » ou « pas d'accord »."),
                        CHOICE_LABELS)


class DecisionSchema(CSRFSchema):
    decision = radio_node(_("Décision"), _("Choisissez d'accepter ou de rejeter l'amendement."),
                          {"accept": _("Accepter : l'article prend ce texte"), "reject": _("Rejeter")})
    reason = text_node(_("Motif de la décision"), _("Indiquez le motif de la décision."), max_length=2000, rows=3,
                       description=_("Publié avec la décision."))


def _number(title):
    return text_node(title, _("Indiquez un nombre."), max_length=4, missing="")


class DeliberationSchema(CSRFSchema):
    COLL_NOM = text_node(_("Collectivité (COLL_NOM)"), _("Indiquez le nom de la collectivité."), max_length=200)
    COLL_SIRET = text_node(_("SIRET de la collectivité (COLL_SIRET)"), _("Indiquez le SIRET (14 chiffres)."),
                           max_length=14)
    DELIB_ID = text_node(_("Identifiant de la délibération (DELIB_ID)"), _("Indiquez l'identifiant de la délibération."),
                         max_length=60, description=_("Par exemple 2017 DDCT 183."))
    DELIB_DATE = text_node(_("Date de la délibération (DELIB_DATE)"), _("Indiquez la date de la délibération."),
                           max_length=10, input_type="date", description=_("Au format AAAA-MM-JJ, par exemple 2017-06-30."))
    DELIB_MATIERE_CODE = text_node(_("Code de la matière (DELIB_MATIERE_CODE)"), "", max_length=20, missing="")
    DELIB_MATIERE_NOM = text_node(_("Nom de la matière (DELIB_MATIERE_NOM)"), _("Indiquez la matière de la délibération."),
                                  max_length=200, description=_("Selon la nomenclature des actes, par exemple « Autres domaines de compétences des communes »."))
    DELIB_OBJET = text_node(_("Objet de la délibération (DELIB_OBJET)"), _("Indiquez l'objet de la délibération."),
                            max_length=1000, rows=3)
    BUDGET_ANNEE = _number(_("Année budgétaire (BUDGET_ANNEE)"))
    BUDGET_NOM = text_node(_("Budget (BUDGET_NOM)"), "", max_length=200, missing="")
    PREF_ID = text_node(_("Identifiant de transmission en préfecture (PREF_ID)"), "", max_length=60, missing="")
    PREF_DATE = text_node(_("Date de transmission en préfecture (PREF_DATE)"), "", max_length=10, missing="",
                          input_type="date")
    VOTE_EFFECTIF = _number(_("Membres en exercice (VOTE_EFFECTIF)"))
    VOTE_REEL = _number(_("Votants (VOTE_REEL)"))
    VOTE_POUR = _number(_("Pour (VOTE_POUR)"))
    VOTE_CONTRE = _number(_("Contre (VOTE_CONTRE)"))
    VOTE_ABSTENTION = _number(_("Abstentions (VOTE_ABSTENTION)"))
    DELIB_URL = text_node(_("Lien vers la délibération (DELIB_URL)"), "", max_length=500, missing="",
                          description=_("Une adresse https://."))
    groups = text_node(_("Votes par groupe politique"), "", max_length=4000, missing="", rows=5,
                       description=_("Une ligne par groupe : nom ; pour ; contre ; abstention. Par exemple « Groupe écologiste ; 16 ; 0 ; 0 »."))
    illustrative = colander.SchemaNode(
        colander.Boolean(), title=_("Données d'illustration (pas une délibération réelle)"), missing=False,
        widget=deform.widget.CheckboxWidget())


class GuidePageSchema(CSRFSchema):
    slug = text_node(_("Adresse de la page"), _("Indiquez l'adresse de la page."), max_length=80,
                     description=_("Lettres minuscules sans accent, chiffres et tirets, par exemple « comment-participer »."))
    title = text_node(_("Titre de la page"), _("Indiquez le titre de la page."), max_length=200)
    body = text_node(_("Contenu (Markdown)"), _("Rédigez le contenu de la page."), max_length=100000, rows=16,
                     description=_("En Markdown : # pour un titre, - pour une liste, [texte](adresse) pour un lien."))


def consultation_node(choices: list[tuple[str, str]]):
    """The charter's consultation, chosen among the consultations (values given per request)."""
    return colander.SchemaNode(
        colander.String(), name="consultation", title=_("Consultation de la charte"),
        missing_msg=_("Choisissez la consultation de la charte."),
        validator=colander.OneOf([value for value, _title in choices], msg_err=_("Choisissez la consultation de la charte.")),
        widget=deform.widget.SelectWidget(values=[("", _("— Choisir —"))] + list(choices)),
        description=_("Amendements et votes sont ouverts pendant la phase « Rédaction » de cette consultation ; "
                      "les versions d'articles peuvent citer ses contributions."))

