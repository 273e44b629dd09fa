"""Questionnaires: what was asked, the counts per option, and the free-text answers."""

from __future__ import annotations

from engage.domain.questionnaires.model import Questionnaire, QuestionnaireResponse
from engage.i18n import _
from engage.opendata.aggregates import questionnaire_blanks
from engage.opendata.registry import UPSERT, Dataset, Field, ForeignKey, Suppression, register
from engage.opendata.registry import own_record as own
from engage.opendata.registry import small_count as small


def answered(event) -> list:
    return [(event.questionnaire_id.hex, UPSERT)]


QUESTIONNAIRE = Field("questionnaire_id", "string", _("Identifiant du questionnaire."), required=True)
LINK = (ForeignKey(("questionnaire_id",), "questionnaires", ("questionnaire_id",)),)

register(Dataset(
    name="questionnaires",
    title=_("Questionnaires"),
    description=_("Chaque questionnaire : son titre, son introduction, ses questions, à qui il s'adresse et"
                  " combien de personnes y ont répondu (vide de 1 à 4)."),
    fields=(
        QUESTIONNAIRE,
        Field("title", "string", _("Titre."), required=True),
        Field("introduction", "string", _("Présentation.")),
        Field("questions", "string", _("Les questions et leurs options (JSON)."), required=True),
        Field("target", "string", _("À qui il s'adresse."), required=True),
        Field("organization_id", "string", _("L'organisation qui le propose ; vide pour la Ville.")),
        Field("is_open", "boolean", _("Ouvert aux réponses."), required=True),
        Field("responses", "integer", _("Nombre de réponses ; vide de 1 à 4."), column=small("responses")),
        Field("created_at", "datetime", _("Date de création (temps universel)."), required=True),
    ),
    primary_key=("questionnaire_id",),
    table="rm_questionnaires",
    projection="questionnaires",
    filters={"date": "created_at"},
    keywords=("questionnaire", "enquête"),
    changes={Questionnaire.QuestionnaireCreated: own, Questionnaire.QuestionnaireOpened: own,
             Questionnaire.QuestionnaireClosed: own, QuestionnaireResponse.QuestionnaireAnswered: answered},
))

register(Dataset(
    name="questionnaire-results",
    title=_("Résultats des questionnaires"),
    description=_("Pour chaque question à choix, le nombre de réponses par option. Un nombre de 1 à 4"
                  " n'est pas publié. Aucune réponse individuelle n'est publiée."),
    fields=(
        QUESTIONNAIRE,
        Field("question_key", "string", _("La question."), required=True),
        Field("option", "string", _("L'option choisie."), required=True),
        Field("answers", "integer", _("Nombre de réponses ; vide de 1 à 4.")),
    ),
    primary_key=("questionnaire_id", "question_key", "option"),
    table="rm_questionnaire_counts",
    suppression=Suppression(("questionnaire_id", "question_key"), questionnaire_blanks, ("answers",)),
    projection="questionnaires",
    foreign_keys=LINK,
    keywords=("questionnaire", "résultats"),
    changes={QuestionnaireResponse.QuestionnaireAnswered: answered},
))

register(Dataset(
    name="questionnaire-answers",
    title=_("Réponses libres aux questionnaires"),
    description=_("Le texte des réponses libres, question par question, sans rien qui désigne leur auteur."
                  " Une réponse dont l'auteur a fait effacer ses données n'apparaît plus."),
    fields=(
        QUESTIONNAIRE,
        Field("question_key", "string", _("La question."), required=True),
        Field("position", "integer", _("Position de la réponse dans le journal des événements."), required=True),
        Field("text", "string", _("Le texte de la réponse."), column="body", required=True),
    ),
    primary_key=("questionnaire_id", "question_key", "position"),
    table="rm_questionnaire_texts",
    projection="questionnaires",
    where="body IS NOT NULL AND body <> ''",
    foreign_keys=LINK,
    keywords=("questionnaire", "réponses libres"),
    changes={QuestionnaireResponse.QuestionnaireAnswered: answered},
))
