"""Targeted questionnaires: build (editors), answer once (residents in the target), results."""

from __future__ import annotations

from uuid import UUID

from pyramid.view import view_config

from engage.domain.common import DomainError
from engage.domain.questionnaires.errors import InvalidTarget, NotInTarget
from engage.domain.questionnaires.model import QUESTION_KINDS, TARGETS
from engage.i18n import _
from engage.opendata.aggregates import option_counts
from engage.opendata.suppression import suppress_small
from engage.projections.questionnaires import queries as qq
from engage.security import Permission
from engage.views.questionnaires.forms import QuestionnaireSchema, parse_questions
from engage.views.toolkit import (
    SeeOther,
    error_message,
    flash,
    form_view,
    make_form,
    not_published,
    page_number,
    query,
    signed_in_person,
    wait_for_write,
    why_not_published,
)


@view_config(route_name="questionnaires", renderer="engage:templates/questionnaires_list.pt")
def questionnaires_list(context, request):
    page = page_number(request)
    rows, more = qq.questionnaires(request.engage.db, page=page)
    return {"questionnaires": rows, "page": page, "more": more, "targets": TARGETS}


@view_config(route_name="questionnaire_new", renderer="engage:templates/form_page.pt", permission=Permission.EDIT)
def questionnaire_new(context, request):
    form = make_form(QuestionnaireSchema, request, formid="questionnaire",
                     button=_("Publier le questionnaire"))

    def create(data):
        organization = None
        if data["organization_id"]:
            try:
                organization = UUID(data["organization_id"])
            except ValueError:
                raise InvalidTarget() from None
        recorded = request.engage.app.create_questionnaire(
            title=data["title"], introduction=data["introduction"], questions=parse_questions(data["questions"]),
            target=data["target"], organization_id=organization, created_by=signed_in_person(request))
        return recorded, request.route_url("questionnaire", qid=recorded.id.hex)

    return form_view(request, form, {"title": _("Nouveau questionnaire")}, create)


def _answers_from(request, questionnaire) -> dict:
    answers = {}
    for q in questionnaire.questions:
        if q["kind"] == "choix-multiple":
            answers[q["key"]] = request.POST.getall(q["key"])
        else:
            answers[q["key"]] = request.POST.get(q["key"], "")
    return answers


@view_config(route_name="questionnaire", renderer="engage:templates/questionnaire_page.pt")
def questionnaire_page(context, request):
    questionnaire = context.questionnaire
    me = signed_in_person(request)
    in_target = me is not None and qq.in_target(request.engage.db, me, questionnaire.target,
                                                 questionnaire.organization_id)
    page = {"questionnaire": questionnaire, "kinds": QUESTION_KINDS, "target": TARGETS[questionnaire.target],
            "answers": {}, "error": None, "signed_in": me is not None,
            # Not its public: no form, but why (and, for card holders, where to get a card).
            "not_in_target": error_message(NotInTarget()) if me is not None and not in_target else None,
            "card_target": questionnaire.target == "carte",
            "answered": bool(me) and request.engage.app.has_answered(UUID(questionnaire.questionnaire_id),
                                                                    person_id=me)}
    if request.method != "POST":
        return page
    if me is None:
        return SeeOther(request.route_url("login", _query={"retour": request.path}))
    answers = _answers_from(request, questionnaire)
    try:
        recorded = request.engage.app.answer_questionnaire(
            UUID(questionnaire.questionnaire_id), person_id=me, answers=answers,
            in_target=in_target)
    except DomainError as error:
        request.response.status_int = 400
        return {**page, "answers": answers, "error": _(error.message)}
    target = request.route_url("questionnaire_results", qid=questionnaire.questionnaire_id)
    wait_for_write(request, recorded.position, target)
    flash(request, _("Merci : votre réponse est enregistrée."))
    return SeeOther(target)


@view_config(route_name="questionnaire_results", renderer="engage:templates/questionnaire_results.pt")
def questionnaire_results(context, request):
    questionnaire = context.questionnaire
    counts = qq.counts(request.engage.db, questionnaire.questionnaire_id)
    chosen = query(request).get("question")
    page = page_number(request)
    hidden = not_published(request)
    results = []
    for q in questionnaire.questions:
        texts, more = ([], False)
        if q["kind"] == "texte":
            texts, more = qq.texts(request.engage.db, questionnaire.questionnaire_id, q["key"],
                                   page=page if chosen == q["key"] else 1)
        # The questionnaire-results dataset's cells, with the same blanks.
        shown = option_counts(counts.get(q["key"], {}))
        results.append((q, [(o, hidden if shown.get(o, 0) is None else shown.get(o, 0)) for o in q["options"]],
                        texts, more, page if chosen == q["key"] else 1))
    count = suppress_small(questionnaire.responses)  # None below the publication threshold
    responses = hidden if count is None else count
    return {"questionnaire": questionnaire, "results": results, "target": TARGETS[questionnaire.target],
            "responses": responses, "responses_count": count,
            "not_published": why_not_published(request, [responses] + [v for r in results for _o, v in r[1]]),
            "can_edit": request.has_permission(Permission.EDIT)}


@view_config(route_name="questionnaire_close", request_method="POST", permission=Permission.EDIT)
def questionnaire_close(context, request):
    questionnaire = context.questionnaire
    recorded = request.engage.app.close_questionnaire(UUID(questionnaire.questionnaire_id), by=signed_in_person(request))
    target = request.route_url("questionnaire_results", qid=questionnaire.questionnaire_id)
    wait_for_write(request, recorded.position, target)
    return SeeOther(target)
