"""The form an editor fills to build a questionnaire, without JavaScript: one question per line."""

from __future__ import annotations

import colander
import deform
from deform.schema import CSRFSchema

from engage.domain.questionnaires.model import QUESTION_KINDS, TARGETS
from engage.i18n import _

REQUIRED_WORDS = {"obligatoire": True, "facultative": False, "facultatif": False}


def parse_questions(text: str) -> list[dict]:
    """`Libellé | type | obligatoire ou facultative | choix 1 ; choix 2 ; ...` per line."""
    questions = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 3 or parts[1] not in QUESTION_KINDS or parts[2].lower() not in REQUIRED_WORDS:
            raise ValueError(number)
        options = [o.strip() for o in parts[3].split(";")] if len(parts) > 3 else []
        questions.append({"label": parts[0], "kind": parts[1], "required": REQUIRED_WORDS[parts[2].lower()],
                          "options": [o for o in options if o]})
    return questions


def _questions_validator(node, value):
    try:
        parse_questions(value)
    except ValueError as error:
        raise colander.Invalid(node, _(
            "La ligne ${line} ne suit pas le modèle : libellé | type | obligatoire ou facultative | choix séparés par des points-virgules.",
            mapping={"line": error.args[0]}))


class QuestionnaireSchema(CSRFSchema):
    title = colander.SchemaNode(
        colander.String(), title=_("Titre du questionnaire"), missing_msg=_("Indiquez le titre du questionnaire."),
        validator=colander.Length(max=200, max_err=_("Ce champ est trop long.")))
    introduction = colander.SchemaNode(
        colander.String(), title=_("Introduction"), missing="",
        validator=colander.Length(max=3000, max_err=_("L'introduction ne peut pas dépasser 3 000 caractères.")),
        widget=deform.widget.TextAreaWidget(rows=4))
    target = colander.SchemaNode(
        colander.String(), title=_("Public visé"), missing_msg=_("Choisissez le public visé."),
        validator=colander.OneOf(list(TARGETS), msg_err=_("Choisissez le public visé.")),
        widget=deform.widget.RadioChoiceWidget(values=[(k, _(v)) for k, v in TARGETS.items()]))
    organization_id = colander.SchemaNode(
        colander.String(), title=_("Identifiant de l'organisation"), missing="",
        description=_("Seulement pour les membres d'une organisation."),
        validator=colander.Length(max=40, max_err=_("Ce champ est trop long.")))
    questions = colander.SchemaNode(
        colander.String(), title=_("Questions"), missing_msg=_("Écrivez au moins une question."),
        description=_("Une question par ligne : libellé | type | obligatoire ou facultative | choix séparés par des points-virgules. Types : choix-unique, choix-multiple, echelle (de 1 à 5), texte."),
        validator=colander.All(colander.Length(max=20000, max_err=_("Ce champ est trop long.")), _questions_validator),
        widget=deform.widget.TextAreaWidget(rows=10))
