"""The restitution of a consultation: the public report (live and its published versions),
the City's answer to a contribution, quotes, publication."""

from __future__ import annotations

import dataclasses
import json
from uuid import UUID

from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import Response
from pyramid.view import view_config

from engage import mail
from engage.domain.common import AGE_BANDS
from engage.domain.consultations.model import CHANNELS, KINDS
from engage.domain.restitution.model import RESTITUTION_PHASES
from engage.i18n import ANSWER_STATUS_LABELS, _, arrondissement_label
from engage.mail import templates
from engage.projections.restitution import queries as rq
from engage.security import Permission
from engage.statistics import bar_chart, percent, share
from engage.views.extensions import extends
from engage.views.fields import ButtonOnlySchema
from engage.views.restitution import forms
from engage.views.toolkit import flash, form_view, make_form, page_number, signed_in_person, when

FORM = "engage:templates/form_page.pt"
REPORT = "engage:templates/restitution_report.pt"
CHART_LABEL = 30  # characters of a label drawn in a chart; the table beside it has them all
STATUS_LABELS = ANSWER_STATUS_LABELS


# -- the report as figures: a chart and its table each -------------------------------------------


def _figure(request, key: str, heading, desc, columns: list, rows: list[tuple[str, list]], chart_column: int):
    """rows: (label, values); values None are suppressed ("moins de 5")."""
    translate = request.localizer.translate
    chart = bar_chart([(label[:CHART_LABEL], values[chart_column]) for label, values in rows])
    widest = max((len(label[:CHART_LABEL]) for label, _v in rows), default=4)
    chart = dataclasses.replace(chart, label_width=min(240, 12 + widest * 7))
    return {"key": key, "heading": translate(heading), "desc": translate(desc),
            "columns": [translate(c) for c in columns], "rows": rows, "chart": chart,
            "chart_width": chart.label_width + chart.plot_width + 80}


def figures(request, report: dict) -> list[dict]:
    locale, translate = request.locale_name, request.localizer.translate
    unknown = translate(_("Non renseigné"))
    people, contributions, votes = _("Participants"), _("Contributions"), _("Votes")

    def values(row, names):
        return [row.get(name) for name in names]

    found = [
        _figure(request, "channel", _("Par canal"),
                _("Contributions par canal : en ligne et en présentiel (réunions publiques). Les mêmes données que le tableau."),
                [_("Canal"), people, contributions, votes],
                [(translate(_("En ligne")) if row["channel"] == CHANNELS[0] else translate(_("En présentiel")),
                  values(row, ("participants", "contributions", "votes"))) for row in report["by_channel"]], 1),
        _figure(request, "arrondissement", _("Par arrondissement"),
                _("Contributions par arrondissement. Les mêmes données que le tableau."),
                [_("Arrondissement"), people, contributions],
                [(arrondissement_label(int(row["bucket"]), locale) if row["bucket"] else unknown,
                  values(row, ("participants", "contributions"))) for row in report["by_arrondissement"]], 1),
        _figure(request, "age", _("Par tranche d'âge"),
                _("Contributions par tranche d'âge. Les mêmes données que le tableau."),
                [_("Tranche d'âge"), people, contributions],
                [(translate(_(AGE_BANDS[row["bucket"]])) if row["bucket"] else unknown,
                  values(row, ("participants", "contributions"))) for row in report["by_age_band"]], 1),
        _figure(request, "theme", _("Par thème"),
                _("Contributions par thème. Les mêmes données que le tableau."),
                [_("Thème"), people, contributions, votes],
                [(row["label"], values(row, ("participants", "contributions", "votes"))) for row in report["by_theme"]], 1),
        _figure(request, "week", _("Au fil du temps"),
                _("Contributions par semaine. Les mêmes données que le tableau."),
                [_("Semaine du"), people, contributions],
                [(when(row["bucket"], locale), values(row, ("participants", "contributions")))
                 for row in report["by_week"]], 1),
        _figure(request, "answers", _("Suite donnée par la Ville"),
                _("Contributions par suite donnée. Les mêmes données que le tableau."),
                [_("Suite donnée"), contributions, _("Part des réponses")],
                [(translate(STATUS_LABELS[row["bucket"]]),
                  [row["contributions"], percent(share(row["contributions"], report["totals"]["answered"]), locale)
                   or "—"]) for row in report["answers_by_status"]], 0),
    ]
    return found


KEY_FIGURES = ("channel", "answers")  # first on the page, with the totals; the others below the answers


def key_figures(request, report: dict) -> dict:
    """The totals the report opens with: contributions received, by channel, answered and the
    share answered (of the published contributions)."""
    totals = report["totals"]
    channels = {row["channel"]: row["contributions"] for row in report["by_channel"]}
    return {"contributions": totals["contributions"], "online": channels.get(CHANNELS[0]),
            "in_person": channels.get(CHANNELS[1]), "answered": totals["answered"],
            "share_answered": percent(share(totals["answered"], totals["contributions"]), request.locale_name)
            or "—"}


def _page(context, request, report: dict, answers: list[dict], page: int, more: bool, **extra) -> dict:
    consultation = context.consultation
    found = figures(request, report)
    return {
        "consultation": consultation, "report": report, "key": key_figures(request, report),
        "key_figures": [f for f in found if f["key"] in KEY_FIGURES],
        "figures": [f for f in found if f["key"] not in KEY_FIGURES],
        "answers": answers, "page": page, "more": more, "kinds": KINDS, "statuses": STATUS_LABELS,
        "theme_label": lambda key: consultation.theme_labels.get(key, key),
        "item_url": context.item_url,
        "versions": rq.versions(request.engage.db, consultation.consultation_id),
        "can_edit": request.has_permission(Permission.EDIT),
        **extra,
    }


@view_config(route_name="restitution", renderer=REPORT)
def restitution_page(context, request):
    """The live report: what a version published now would say."""
    consultation = context.consultation
    page = page_number(request)
    report = rq.report(request.engage.db, consultation, with_all_answers=False)
    answers, more = rq.answers(request.engage.db, consultation.consultation_id, page=page)
    return _page(context, request, report, answers, page, more, version=None,
                 page_url=request.route_url("restitution", ref=consultation.slug))


def _version(request, consultation) -> rq.VersionView:
    try:
        number = int(request.matchdict["version"])
    except ValueError:
        raise HTTPNotFound() from None
    found = rq.version(request.engage.db, consultation.consultation_id, number) if 0 < number < 1_000_000 else None
    if found is None or found.snapshot is None:
        raise HTTPNotFound()
    return found


@view_config(route_name="restitution_version", renderer=REPORT)
def restitution_version(context, request):
    """A published version, rendered from its own snapshot: it never changes."""
    consultation = context.consultation
    version = _version(request, consultation)
    report = json.loads(version.snapshot)
    page = page_number(request)
    start = (page - 1) * rq.PAGE_SIZE
    answers = report["answers"][start:start + rq.PAGE_SIZE]
    return _page(context, request, report, answers, page, len(report["answers"]) > start + rq.PAGE_SIZE,
                 version=version,
                 page_url=request.route_url("restitution_version", ref=consultation.slug, version=version.number))


@view_config(route_name="restitution_version_json")
def restitution_version_json(context, request):
    """The exact bytes whose SHA-256 the log recorded: `sha256sum` checks them."""
    consultation = context.consultation
    version = _version(request, consultation)
    response = Response(body=version.snapshot.encode("utf-8"), content_type="application/json", charset="utf-8")
    response.headers["Content-Disposition"] = (
        f'inline; filename="restitution-{consultation.slug}-v{version.number}.json"')
    response.headers["X-Content-SHA256"] = version.snapshot_sha256
    return response


@view_config(route_name="restitution_publish", renderer=FORM, permission=Permission.EDIT)
def restitution_publish(context, request):
    consultation = context.consultation
    form = make_form(ButtonOnlySchema, request, formid="publish", button=_("Publier cette version"))
    latest = rq.latest_version(request.engage.db, consultation.consultation_id)

    def publish(data):
        snapshot = rq.report(request.engage.db, consultation)
        recorded = request.engage.app.publish_restitution(
            UUID(consultation.consultation_id), snapshot, published_by=signed_in_person(request))
        flash(request, _("La version ${number} du rapport est publiée.", mapping={"number": recorded.number}))
        return recorded, request.route_url("restitution_version", ref=consultation.slug, version=recorded.number)

    intro = [consultation.title,
             _("Le rapport tel qu'il s'affiche maintenant devient une version numérotée, définitive : son empreinte SHA-256 est inscrite dans le journal public. Une version publiée ne peut plus être modifiée ; une nouvelle version s'ajoute aux précédentes.")]
    if latest:
        intro.append(_("Dernière version publiée : ${number}.", mapping={"number": latest.number}))
    page = {"title": _("Publier le rapport de restitution"), "intro": intro,
            "links": [(request.route_url("restitution", ref=consultation.slug), _("Revoir le rapport"))]}
    return form_view(request, form, page, publish)


# -- one contribution: the City's answer, quotes ---------------------------------------------


@view_config(route_name="contribution_answer", renderer="engage:templates/restitution_answer.pt",
             permission=Permission.EDIT)
def contribution_answer(context, request):
    consultation = context.consultation
    item = context.contribution
    form = make_form(forms.AnswerSchema, request, formid="answer", button=_("Enregistrer la réponse"))
    history = rq.answer_history(request.engage.db, item.contribution_id)

    def answer(data):
        recorded = request.engage.app.answer_contribution(
            UUID(consultation.consultation_id), UUID(item.contribution_id), status=data["status"],
            justification=data["justification"], answered_by=signed_in_person(request))
        if item.author_id:  # nobody to tell for a contribution transcribed from a meeting
            mail.send(request, templates.CONTRIBUTION_ANSWERED, person=item.author_id, title=consultation.title,
                      link=context.item_link(item.contribution_id, "#suite-donnee"),
                      justification=data["justification"],
                      status=request.localizer.translate(STATUS_LABELS[data["status"]]))
        return recorded, context.item_url(item.contribution_id, "#suite-donnee")

    values = {"status": history[0].status, "justification": history[0].justification} if history else {}
    page = {"title": _("Suite donnée à une contribution"), "consultation": consultation, "item": item,
            "kinds": KINDS, "theme_label": consultation.theme_labels.get(item.theme, item.theme),
            "history": history, "statuses": STATUS_LABELS,
            "back": context.item_url(item.contribution_id)}
    return form_view(request, form, page, answer, values=values, done=_("La réponse de la Ville est enregistrée."))


def _quote_view(context, request, *, quote: bool):
    consultation = context.consultation
    item = context.contribution
    button = _("Citer dans le rapport") if quote else _("Retirer la citation")
    form = make_form(ButtonOnlySchema, request, formid="quote", button=button)
    app, me = request.engage.app, signed_in_person(request)

    def act(data):
        ids = UUID(consultation.consultation_id), UUID(item.contribution_id)
        recorded = (app.quote_contribution(*ids, quoted_by=me) if quote
                    else app.unquote_contribution(*ids, removed_by=me))
        return recorded, context.item_url(item.contribution_id, "#suite-donnee")

    intro = [_("La contribution est citée telle que publiée, avec le seul nom public de son auteur ou de son organisation.")
             if quote else _("La contribution ne sera plus citée dans le rapport ; les versions déjà publiées restent inchangées.")]
    if item.body:
        intro.append(item.body)
    page = {"title": _("Citer une contribution") if quote else _("Retirer une citation"), "intro": intro,
            "links": [(context.item_url(item.contribution_id), _("Retour à la contribution"))]}
    return form_view(request, form, page, act)


@view_config(route_name="contribution_quote", renderer=FORM, permission=Permission.EDIT)
def contribution_quote(context, request):
    return _quote_view(context, request, quote=True)


@view_config(route_name="contribution_unquote", renderer=FORM, permission=Permission.EDIT)
def contribution_unquote(context, request):
    return _quote_view(context, request, quote=False)


@extends("engage:templates/contribution_page.pt",
         reads=lambda known: [rq.answer_history_read(known["contribution_id"]),
                              rq.is_quoted_read(known["contribution_id"])])
def contribution_restitution(request, values, rows=None) -> dict:
    """The restitution's part of a contribution's page: the City's answers, whether the report
    quotes it, and for editors the links to answer and quote once the restitution is open (read
    with the page's own reads when it gives `rows`)."""
    consultation, item = values.get("consultation"), values.get("item")
    if consultation is None or item is None:
        return {}
    db = request.engage.db
    history = rq.answer_history(db, item.contribution_id) if rows is None else rq.answer_views(rows[0])
    quoted = rq.is_quoted(db, item.contribution_id) if rows is None else rq.quoted(rows[1])
    return {"answer_history": history, "answer_statuses": STATUS_LABELS,
            "quoted": quoted,
            "can_answer": request.has_permission(Permission.EDIT) and item.published
            and consultation.current_phase in RESTITUTION_PHASES}


@extends("engage:templates/consultation_page.pt")
def consultation_restitution(request, values) -> dict:
    """The restitution's part of a consultation's page: the link to the report once the
    restitution is open, and the City's answer beside each listed contribution."""
    consultation = values.get("consultation")
    if consultation is None:
        return {}
    listed = values.get("contributions") or []
    found = rq.answer_statuses(request.engage.db, [c.contribution_id for c in listed])
    return {"restitution_open": consultation.current_phase in RESTITUTION_PHASES,
            "answer_status": {cid: STATUS_LABELS[status] for cid, status in found.items()}}
