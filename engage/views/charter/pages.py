"""The charter: articles, amendments and votes, versions and differences, adoption; the commitment's
milestones dashboard (/engagement) and the participation guide (/guide).

Each route's object (article, amendment, version, guide page, milestone) comes from its route factory
(engage/views/charter/resources.py) as the view's context."""

from __future__ import annotations

import csv
import io
from uuid import UUID

from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPNotFound
from pyramid.view import view_config

from engage.domain.charter import textdiff
from engage.domain.charter.model import DRAFTING_PHASE, LEVELS, SCDL_FIELDS, ballot_id, canonical_charter_text
from engage.domain.consultations.model import PHASE_LABELS, phase_over, planned_span
from engage.i18n import _
from engage.projections.charter import provenance_queries as pq
from engage.projections.charter import queries as q
from engage.projections.consultations import queries as cq
from engage.security import Permission
from engage.views.charter import forms as f
from engage.views.charter.citations import add_citation_fields, cited_ids, picker
from engage.views.charter.diff import render as render_diff
from engage.views.charter.guide_markdown import render as render_markdown
from engage.views.fields import ButtonOnlySchema
from engage.views.toolkit import SeeOther, form_view, make_form, one_of_several, signed_in_person, when

FORM = "engage:templates/form_page.pt"
MAX_OFFSET = 100_000  # amendments of an article, page by page: far beyond any real list


# --------------------------------------------------------------------------- helpers


def diff(request, old: str, new: str, stored: str | None = None, *, old_label=None, new_label=None) -> str:
    """The word diff with its spoken labels in the page's language: the projection's `stored` one
    (JSON), else computed here within textdiff's budget (cost bounded, as on the projection's side);
    beyond it, both texts in full, side by side."""
    translate = request.localizer.translate
    segments = textdiff.loads(stored) if stored is not None else textdiff.segments(old, new)
    return render_diff(segments, old, new, added=translate(_("ajouté :")), removed=translate(_("supprimé :")),
                       fallback=translate(_("Les deux textes sont trop différents pour être comparés mot à mot :"
                                            " ils sont affichés en entier, l'un à côté de l'autre.")),
                       old_label=translate(old_label or _("Texte de départ")),
                       new_label=translate(new_label or _("Texte d'arrivée")))


def version_labels(old_n: int, new_n: int) -> dict:
    """The side-by-side blocks' labels on the comparison pages."""
    return {"old_label": _("Version ${v}", mapping={"v": old_n}),
            "new_label": _("Version ${v}", mapping={"v": new_n})}


def drafting_open(request, charter) -> bool:
    """Amendments and votes: the domain's rule, on the charter's consultation phase."""
    return charter is not None and pq.drafting_open(request.engage.db, bool(charter.adopted_version))


def amendments_closed(request, charter) -> list:
    """Why amendments and votes are not open now (empty when they are): the domain's rule
    (amendments_open, through drafting_open), said with the drafting phase's planned dates."""
    if drafting_open(request, charter):
        return []
    if charter is not None and charter.adopted_version:
        deliberation = charter.deliberation or {}
        return [_("La charte a été adoptée par le Conseil de Paris le ${date} (délibération ${id}) : son texte "
                  "est figé, les amendements et les votes sont clos.",
                  mapping={"date": when(deliberation.get("DELIB_DATE") or charter.adopted_at, request.locale_name),
                           "id": deliberation.get("DELIB_ID", "")})]
    link = pq.charter_consultation(request.engage.db)
    consultation = cq.consultation(request.engage.db, link.slug) if link else None
    span = planned_span(consultation.plan, DRAFTING_PHASE) if consultation else None
    if span is None:
        return [_("La phase de rédaction est fermée : les amendements et les votes ne sont pas ouverts.")]
    mapping = {"title": consultation.title, "start": when(span[0], request.locale_name),
               "end": when(span[1], request.locale_name),
               "phase": request.localizer.translate(_(PHASE_LABELS[DRAFTING_PHASE]))}
    if phase_over(consultation.current_phase, DRAFTING_PHASE):
        return [_("Les amendements et les votes sont clos : ils étaient ouverts pendant la phase « ${phase} » de "
                  "la consultation « ${title} », prévue du ${start} au ${end}.", mapping=mapping)]
    return [_("Les amendements et les votes ne sont pas encore ouverts : ils ouvriront avec la phase « ${phase} » "
              "de la consultation « ${title} », prévue du ${start} au ${end}.", mapping=mapping)]


def is_editor(request) -> bool:
    return bool(request.has_permission(Permission.EDIT))


def int_param(request, name: str) -> int | None:
    value = request.params.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise HTTPBadRequest() from None


# --------------------------------------------------------------------------- /engagement


@view_config(route_name="engagement", renderer="engage:templates/engagement.pt")
def engagement(request):
    milestones = q.milestones(request.engage.db)
    return {"milestones": milestones, "levels": LEVELS, "level_labels": f.LEVEL_LABELS, "editor": is_editor(request),
            "level_index": {level: index for index, level in enumerate(LEVELS)}}


@view_config(route_name="engagement_step", renderer="engage:templates/engagement_step.pt", permission=Permission.EDIT)
def engagement_step(context, request):
    milestone = context.milestone
    step = milestone.step
    progress = make_form(f.MilestoneProgressSchema, request, formid="progress", button=_("Enregistrer l'avancement"))
    deliverable = make_form(f.DeliverableSchema, request, formid="deliverable", button=_("Ajouter le livrable"))
    page = {"milestone": milestone, "level_labels": f.LEVEL_LABELS,
            "progress": progress.render({"level": milestone.level, "actual_start": milestone.actual_start or "",
                                         "actual_end": milestone.actual_end or "", "note": milestone.note}),
            "deliverable": deliverable.render()}
    if request.method != "POST":
        return page
    app = request.engage.app
    if request.POST.get("__formid__") == "deliverable":
        return one_of_several(
            request, deliverable, page,
            lambda d: (app.link_milestone_deliverable(step, title=d["title"], url=d["url"]),
                       request.route_url("engagement_step", step=step)),
            _("Le livrable est ajouté."), form_key="deliverable", error_key="deliverable_error")
    return one_of_several(
        request, progress, page,
        lambda d: (app.record_milestone_progress(step, level=d["level"], actual_start=d["actual_start"],
                                                 actual_end=d["actual_end"], note=d["note"]),
                   request.route_url("engagement")),
        _("L'avancement de l'étape est enregistré."), form_key="progress", error_key="progress_error")


# --------------------------------------------------------------------------- /charte


@view_config(route_name="charter", renderer="engage:templates/charter.pt")
def charter_home(request):
    db = request.engage.db
    charter = q.charter(db)
    return {"charter": charter, "articles": q.articles(db), "versions": q.charter_versions(db),
            "editor": is_editor(request), "drafting_open": drafting_open(request, charter),
            "closed": amendments_closed(request, charter), "consultation": pq.charter_consultation(db)}


@view_config(route_name="charter_article", renderer="engage:templates/charter_article.pt")
def charter_article(context, request):
    db = request.engage.db
    article = context.article
    offset = min(max(int_param(request, "depuis") or 0, 0), MAX_OFFSET)
    charter = q.charter(db)
    return {"article": article, "charter": charter, "versions": q.article_versions(db, article.article_id),
            "drafting_open": drafting_open(request, charter), "closed": amendments_closed(request, charter),
            "cited": pq.cited_by_article(db, article.article_id),
            "amendments": q.amendments_of(db, article.article_id, offset=offset), "offset": offset,
            "page_size": q.PAGE_SIZE, "signed_in": request.authenticated_userid is not None,
            "editor": is_editor(request)}


@view_config(route_name="charter_amend", renderer=FORM, permission=Permission.AMEND)
def charter_amend(context, request):
    article = context.article
    form = make_form(f.AmendmentSchema, request, formid="amendment", button=_("Proposer l'amendement"))
    page = {"title": request.localizer.translate(_("Amender l'article ${number} : ${title}",
                                                   mapping={"number": article.number, "title": article.title})),
            "intro": [_("Texte actuel de l'article (version ${version}) :", mapping={"version": article.current_version}),
                      article.text],
            "links": [(request.route_url("charter_article", article_id=article.article_id), _("Retour à l'article"))]}

    def propose(data):
        done = request.engage.app.propose_amendment(
            article_id=article.article_id, base_version=data["base_version"], text=data["text"],
            rationale=data["rationale"], author_id=signed_in_person(request))
        return done, request.route_url("charter_amendment", amendment_id=done.id.hex)

    return form_view(request, form, page, propose, closed=amendments_closed(request, q.charter(request.engage.db)),
                     values={"text": article.text, "base_version": article.current_version},
                     done=_("Votre amendement est publié. Merci !"))


@view_config(route_name="charter_amendment", renderer="engage:templates/charter_amendment.pt")
def charter_amendment(context, request):
    db = request.engage.db
    amendment = context.amendment
    app = request.engage.app
    charter = q.charter(db)
    signed_in = request.authenticated_userid is not None
    editor = is_editor(request)
    url = request.route_url("charter_amendment", amendment_id=amendment.amendment_id)
    amendment_uuid = UUID(amendment.amendment_id)
    base = q.article_version(db, amendment.article_id, amendment.base_version)
    current = q.article(db, amendment.article_id)
    votable = amendment.status == "pending" and drafting_open(request, charter)
    decidable = amendment.status == "pending" and editor and not (charter and charter.adopted_version)
    vote = make_form(f.VoteSchema, request, formid="vote", button=_("Enregistrer mon vote"))
    withdraw = make_form(ButtonOnlySchema, request, formid="withdraw", button=_("Retirer mon vote"))
    search = picker(request) if decidable else None
    decide = make_form(f.DecisionSchema, request, formid="decision", button=_("Enregistrer la décision"),
                       extend=lambda schema: add_citation_fields(schema, search["choices"]) if search else schema)
    mine = q.ballot_choice(db, ballot_id(signed_in_person(request), amendment_uuid, app.identifier_key).hex) \
        if signed_in else None
    base_key = q.amendment_diff_key(amendment.amendment_id, amendment.base_version)
    current_key = q.amendment_diff_key(amendment.amendment_id, amendment.current_version)
    stored = q.stored_diffs(db, [base_key, current_key] if amendment.outdated else [base_key])
    proposed = _("Texte proposé")
    page = {"amendment": amendment, "charter": charter, "votable": votable, "signed_in": signed_in,
            "editor": editor, "mine": mine, "choice_labels": f.CHOICE_LABELS,
            "diff": diff(request, base.text if base else "", amendment.text, stored.get(base_key),
                         old_label=_("Texte de la version ${v}", mapping={"v": amendment.base_version}),
                         new_label=proposed),
            "outdated_diff": diff(request, current.text, amendment.text, stored.get(current_key),
                                  old_label=_("Texte actuel (version ${v})", mapping={"v": amendment.current_version}),
                                  new_label=proposed) if amendment.outdated else None,
            "picker": search,
            "vote_form": vote.render({"choice": mine} if mine else {}) if votable and signed_in else None,
            "withdraw_form": withdraw.render() if votable and mine else None,
            "decision_form": decide.render() if decidable else None,
            "closed": amendments_closed(request, charter) if amendment.status == "pending" else [],
            "login_url": request.route_url("login", _query={"retour": request.path})}
    if request.method != "POST":
        return page
    formid = request.POST.get("__formid__")
    if formid == "decision":
        if not editor:
            raise HTTPForbidden()

        def decide_action(d):
            if d["decision"] == "accept":
                return app.accept_amendment(amendment_uuid, reason=d["reason"], contributions=cited_ids(d)), url
            return app.reject_amendment(amendment_uuid, reason=d["reason"]), url

        return one_of_several(request, decide, page, decide_action, _("La décision est enregistrée."),
                              form_key="decision_form", error_key="decision_error")
    if not signed_in:
        return SeeOther(page["login_url"])
    if formid == "withdraw":
        return one_of_several(
            request, withdraw, page,
            lambda d: (app.withdraw_amendment_vote(amendment_uuid, person_id=signed_in_person(request)), url),
            _("Votre vote est retiré."), form_key="withdraw_form", error_key="vote_error")
    return one_of_several(
        request, vote, page,
        lambda d: (app.vote_on_amendment(amendment_uuid, person_id=signed_in_person(request), choice=d["choice"]), url),
        _("Votre vote est enregistré. Vous pouvez le modifier ou le retirer pendant la phase de rédaction."),
        form_key="vote_form", error_key="vote_error")


@view_config(route_name="charter_article_diff", renderer="engage:templates/charter_diff.pt")
def charter_article_diff(context, request):
    db = request.engage.db
    article = context.article
    versions = q.article_versions(db, article.article_id)
    numbers = [v.version for v in versions]
    old_n = int_param(request, "de") or max(1, article.current_version - 1)
    new_n = int_param(request, "a") or article.current_version
    if old_n not in numbers or new_n not in numbers:
        raise HTTPNotFound()
    old, new = versions[old_n - 1], versions[new_n - 1]
    title = request.localizer.translate(_("Article ${number} : ${title}", mapping={"number": article.number,
                                                                                   "title": article.title}))
    key = q.article_diff_key(article.article_id, new_n)
    stored = q.stored_diffs(db, [key]).get(key) if new_n == old_n + 1 else None
    return {"title": title, "old": old_n, "new": new_n, "numbers": numbers,
            "sections": [(title, diff(request, old.text, new.text, stored, **version_labels(old_n, new_n)))],
            "action": request.route_url("charter_article_diff", article_id=article.article_id),
            "back": (request.route_url("charter_article", article_id=article.article_id), _("Retour à l'article"))}


@view_config(route_name="charter_versions_diff", renderer="engage:templates/charter_diff.pt")
def charter_versions_diff(request):
    db = request.engage.db
    versions = q.charter_versions(db)
    numbers = [v.version for v in versions]
    if not numbers:
        raise HTTPNotFound()
    old_n = int_param(request, "de") or max(1, numbers[-1] - 1)
    new_n = int_param(request, "a") or numbers[-1]
    if old_n not in numbers or new_n not in numbers:
        raise HTTPNotFound()
    old_version, new_version = versions[old_n - 1], versions[new_n - 1]
    old = {n: (t, text, aid) for n, t, text, aid in q.charter_version_text(db, old_version)}
    new = {n: (t, text, aid) for n, t, text, aid in q.charter_version_text(db, new_version)}
    # An article's step from one of its versions to the next was diffed by the projection.
    keys = {}
    for number, (_t, _text, aid) in new.items():
        before, after = old_version.articles.get(aid), new_version.articles.get(aid)
        if before is not None and after == before + 1:
            keys[number] = q.article_diff_key(aid, after)
    stored = q.stored_diffs(db, list(keys.values()))
    sections = []
    for number in sorted(set(old) | set(new)):
        heading = (new.get(number) or old.get(number))[0]
        sections.append((request.localizer.translate(_("Article ${number} : ${title}",
                                                       mapping={"number": number, "title": heading})),
                         diff(request, old.get(number, ("", "", ""))[1], new.get(number, ("", "", ""))[1],
                              stored.get(keys.get(number)), **version_labels(old_n, new_n))))
    return {"title": request.localizer.translate(_("La charte, versions publiées")), "old": old_n, "new": new_n,
            "numbers": numbers, "sections": sections, "action": request.route_url("charter_versions_diff"),
            "back": (request.route_url("charter"), _("Retour à la charte"))}


@view_config(route_name="charter_version", renderer="engage:templates/charter_version.pt")
def charter_version(context, request):
    db = request.engage.db
    version = context.version
    charter = q.charter(db)
    articles = q.charter_version_text(db, version)
    return {"version": version, "charter": charter, "articles": articles,
            "canonical": canonical_charter_text(charter.title, [a[:3] for a in articles])}


@view_config(route_name="charter_adopted", renderer="engage:templates/charter_adopted.pt")
def charter_adopted(request):
    db = request.engage.db
    charter = q.charter(db)
    if charter is None or charter.adopted_version is None:
        return {"charter": charter, "adopted": None}
    version = q.charter_version(db, charter.adopted_version)
    articles = q.charter_version_text(db, version)
    return {"charter": charter, "adopted": version, "articles": articles,
            "versions": q.charter_versions(db), "d": charter.deliberation,
            "consultation": pq.charter_consultation(db),
            "traces": pq.version_traces(db, [a[3] for a in articles])}


# --------------------------------------------------------------------------- editors: /charte/redaction


@view_config(route_name="charter_edit", renderer="engage:templates/charter_edit.pt", permission=Permission.EDIT)
def charter_edit(request):
    db = request.engage.db
    app = request.engage.app
    url = request.route_url("charter_edit")
    charter = q.charter(db)
    consultations = [(c.consultation_id, c.title) for c in cq.consultations(db, page=1, size=100)[0]]
    forms = {
        "start": make_form(ButtonOnlySchema, request, formid="start", button=_("Commencer la charte")),
        "article": make_form(f.ArticleSchema, request, formid="article", button=_("Ajouter l'article")),
        "link": make_form(ButtonOnlySchema, request, formid="link", button=_("Lier la charte à cette consultation"),
                          extend=lambda schema: schema.add(f.consultation_node(consultations)) or schema),
        "publish": make_form(f.NoteSchema, request, formid="publish", button=_("Publier cette version de la charte")),
    }
    actions = {
        "start": (lambda d: app.start_charter(), _("La charte est commencée.")),
        "article": (lambda d: app.add_article(title=d["title"], text=d["text"]), _("L'article est ajouté.")),
        "link": (lambda d: app.link_charter_to_consultation(UUID(d["consultation"])),
                 _("La charte est liée à sa consultation.")),
        "publish": (lambda d: app.publish_charter_version(d["note"]), _("La version est publiée.")),
    }
    link = pq.charter_consultation(db)
    rendered = {name: form.render() for name, form in forms.items()}
    if link is not None:
        rendered["link"] = forms["link"].render({"consultation": link.consultation_id})
    page = {"charter": charter, "articles": q.articles(db), "errors": {}, "forms": rendered,
            "consultation": link, "drafting_open": drafting_open(request, charter), "phase_labels": PHASE_LABELS}
    if request.method != "POST":
        return page
    formid = request.POST.get("__formid__")
    if formid not in forms:
        raise HTTPBadRequest()
    action, message = actions[formid]
    result = form_view(request, forms[formid], {}, lambda d: (action(d), url), done=message)
    if not isinstance(result, dict):
        return result
    return {**page, "forms": {**rendered, formid: result["form"]}, "errors": {formid: result.get("error")}}


@view_config(route_name="charter_article_edit", renderer="engage:templates/charter_article_edit.pt",
             permission=Permission.EDIT)
def charter_article_edit(context, request):
    article = context.article
    search = picker(request)
    form = make_form(f.ReviseSchema, request, formid="revise", button=_("Publier la nouvelle version"),
                       extend=lambda schema: add_citation_fields(schema, search["choices"]))
    page = {"title": request.localizer.translate(_("Modifier l'article ${number} : ${title}",
                                                   mapping={"number": article.number, "title": article.title})),
            "picker": search,
            "links": [(request.route_url("charter_article", article_id=article.article_id), _("Retour à l'article"))]}

    def revise(d):
        return (request.engage.app.revise_article(article.article_id, text=d["text"], base_version=d["base_version"],
                                                  reason=d["reason"], contributions=cited_ids(d)),
                request.route_url("charter_article", article_id=article.article_id))

    return form_view(request, form, page, revise,
                     values={"text": article.text, "base_version": article.current_version},
                     done=_("La nouvelle version de l'article est publiée."))


def parse_groups(text: str) -> list[dict]:
    groups = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        cells = [c.strip() for c in line.split(";")]
        cells += [""] * (4 - len(cells))
        groups.append({"name": cells[0], "pour": cells[1], "contre": cells[2], "abstention": cells[3]})
    return groups


@view_config(route_name="charter_adopt", renderer=FORM, permission=Permission.EDIT)
def charter_adopt(request):
    form = make_form(f.DeliberationSchema, request, formid="deliberation", button=_("Enregistrer l'adoption"))
    page = {"title": request.localizer.translate(_("Enregistrer la délibération d'adoption")),
            "intro": [_("Les champs suivent le schéma SCDL « Délibérations ». Après l'adoption, le texte de la charte est figé : plus aucun amendement.")],
            "links": [(request.route_url("charter_edit"), _("Retour à la rédaction"))]}

    def adopt(d):
        return (request.engage.app.adopt_charter({**d, "groups": parse_groups(d["groups"])}),
                request.route_url("charter_adopted"))

    return form_view(request, form, page, adopt,
                     values={"COLL_NOM": "Ville de Paris", "COLL_SIRET": "21750001600019"},
                     done=_("L'adoption de la charte est enregistrée ; son texte est figé."))


# --------------------------------------------------------------------------- /guide


@view_config(route_name="guide", renderer="engage:templates/guide.pt")
def guide(request):
    return {"pages": q.guide_pages(request.engage.db), "editor": is_editor(request)}


@view_config(route_name="guide_page", renderer="engage:templates/guide_page.pt")
@view_config(route_name="guide_page_version", renderer="engage:templates/guide_page.pt")
def guide_page(context, request):
    page = context.page
    return {"page": page, "html": render_markdown(page.body), "versions": q.guide_versions(request.engage.db, page.slug),
            "editor": is_editor(request)}


@view_config(route_name="guide_edit", renderer=FORM, permission=Permission.EDIT)
def guide_edit(request):
    form = make_form(f.GuidePageSchema, request, formid="guide", button=_("Publier cette version"))
    page = {"title": request.localizer.translate(_("Rédiger une page du guide")),
            "intro": [_("Chaque publication crée une nouvelle version ; les versions précédentes restent consultables.")],
            "links": [(request.route_url("guide"), _("Retour au guide"))]}
    existing = q.guide_page(request.engage.db, request.params.get("page", "")) if request.method != "POST" else None
    values = {"slug": existing.slug, "title": existing.title, "body": existing.body} if existing else {}

    def publish(d):
        return (request.engage.app.publish_guide_page(slug=d["slug"], title=d["title"], body=d["body"]),
                request.route_url("guide_page", slug=d["slug"].strip()))

    return form_view(request, form, page, publish, values=values,
                     done=_("La page du guide est publiée."))


@view_config(route_name="charter_deliberation_csv")
def charter_deliberation_csv(request):
    """The adoption as one SCDL « délibérations » row (UTF-8 CSV, the schema's column order)."""
    charter = q.charter(request.engage.db)
    if charter is None or not charter.deliberation:
        raise HTTPNotFound()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SCDL_FIELDS)
    writer.writerow(["" if charter.deliberation.get(name) is None else charter.deliberation[name]
                     for name in SCDL_FIELDS])
    response = request.response
    response.content_type = "text/csv"
    response.charset = "utf-8"
    response.content_disposition = 'attachment; filename="deliberation-charte.csv"'
    response.text = out.getvalue()
    return response
