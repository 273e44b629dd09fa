"""The charter: articles, amendments and votes, versions and differences, adoption; the commitment's
milestones dashboard (/engagement) and the participation guide (/guide)."""

from __future__ import annotations

import csv
import io
from uuid import UUID

import deform
from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from engage.domain.charter.model import LEVELS, SCDL_FIELDS, ballot_id, canonical_charter_text
from engage.domain.common import DomainError
from engage.domain.consultations.model import PHASE_LABELS
from engage.i18n import _
from engage.projections.charter import provenance_queries as pq
from engage.projections.charter import queries as q
from engage.projections.consultations import queries as cq
from engage.projections.engine import ProjectionTimeout
from engage.security import Permission
from engage.views import toolkit as formatting
from engage.views.charter import forms as f
from engage.views.charter.diff import word_diff
from engage.views.charter.guide_markdown import render as render_markdown
from engage.views.charter.provenance import add_citation_fields, cited_ids, picker
from engage.views.toolkit import signed_in_person

FORM = "engage:templates/form_page.pt"


# --------------------------------------------------------------------------- helpers


def when(request, iso: str | None) -> str:
    return formatting.instant(iso, request.locale_name, "medium")


def day(request, iso: str | None) -> str:
    return formatting.day(iso, request.locale_name)


def diff(request, old: str, new: str) -> str:
    """The word diff with its spoken labels in the page's language."""
    translate = request.localizer.translate
    return word_diff(old, new, added=translate(_("ajouté :")), removed=translate(_("supprimé :")))


def drafting_open(request, charter) -> bool:
    """Amendments and votes: the domain's rule, on the charter's consultation phase."""
    return charter is not None and pq.drafting_open(request.engage.db, bool(charter.adopted_version))


def error_text(request, error: DomainError) -> str:
    return request.localizer.translate(_(error.message, mapping=getattr(error, "mapping", None)))


def submit(request, form, action, *, success_url, flash=None):
    """POST handling shared by every form here: (redirect, None) or (None, {form, error}) with status 400."""
    try:
        data = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        request.response.status_int = 400
        return None, {"form": failure.render()}
    try:
        done = action(data)
    except DomainError as error:
        request.response.status_int = 400
        shown = {k: v for k, v in data.items() if k != "csrf_token"}
        return None, {"form": form.render(shown), "error": error_text(request, error)}
    try:
        request.engage.wait_for(done.position)
    except ProjectionTimeout:
        pass  # recorded; the next page may lag a moment
    if flash:
        request.session.flash(request.localizer.translate(flash), "charter")
    return HTTPSeeOther(success_url), None


def flashes(request) -> list[str]:
    return [str(m) for m in request.session.pop_flash("charter")]


def is_editor(request) -> bool:
    return bool(request.has_permission(Permission.EDIT))


person_id = signed_in_person


def find_article(request, article_id: str | None = None) -> q.ArticleView:
    article = q.article(request.engage.db, article_id or request.matchdict["article_id"])
    if article is None:
        raise HTTPNotFound()
    return article


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
    return {"milestones": milestones, "levels": LEVELS, "level_labels": f.LEVEL_LABELS, "day": lambda iso: day(request, iso),
            "editor": is_editor(request), "messages": flashes(request),
            "level_index": {level: index for index, level in enumerate(LEVELS)}}


@view_config(route_name="engagement_step", renderer="engage:templates/engagement_step.pt", permission=Permission.EDIT)
def engagement_step(request):
    step = int(request.matchdict["step"]) if request.matchdict["step"].isdigit() else 0
    milestone = next((m for m in q.milestones(request.engage.db) if m.step == step), None)
    if milestone is None:
        raise HTTPNotFound()
    url = request.route_url("engagement_step", step=step)
    progress = f.make_form(f.MilestoneProgressSchema, request, formid="progress", button=_("Enregistrer l'avancement"))
    deliverable = f.make_form(f.DeliverableSchema, request, formid="deliverable", button=_("Ajouter le livrable"))
    page = {"milestone": milestone, "level_labels": f.LEVEL_LABELS,
            "progress": progress.render({"level": milestone.level, "actual_start": milestone.actual_start or "",
                                         "actual_end": milestone.actual_end or "", "note": milestone.note}),
            "deliverable": deliverable.render()}
    if request.method != "POST":
        return page
    app = request.engage.app
    if request.POST.get("__formid__") == "deliverable":
        redirect, problem = submit(request, deliverable, lambda d: app.link_milestone_deliverable(
            step, title=d["title"], url=d["url"]), success_url=url, flash=_("Le livrable est ajouté."))
        return redirect or {**page, "deliverable": problem["form"], "deliverable_error": problem.get("error")}
    redirect, problem = submit(request, progress, lambda d: app.record_milestone_progress(
        step, level=d["level"], actual_start=d["actual_start"], actual_end=d["actual_end"], note=d["note"]),
        success_url=request.route_url("engagement"), flash=_("L'avancement de l'étape est enregistré."))
    return redirect or {**page, "progress": problem["form"], "progress_error": problem.get("error")}


# --------------------------------------------------------------------------- /charte


@view_config(route_name="charter", renderer="engage:templates/charter.pt")
def charter_home(request):
    db = request.engage.db
    charter = q.charter(db)
    return {"charter": charter, "articles": q.articles(db), "versions": q.charter_versions(db),
            "editor": is_editor(request), "messages": flashes(request), "when": lambda iso: when(request, iso),
            "day": lambda iso: day(request, iso), "drafting_open": drafting_open(request, charter),
            "consultation": pq.charter_consultation(db)}


@view_config(route_name="charter_article", renderer="engage:templates/charter_article.pt")
def charter_article(request):
    db = request.engage.db
    article = find_article(request)
    offset = max(int_param(request, "depuis") or 0, 0)
    charter = q.charter(db)
    return {"article": article, "charter": charter, "versions": q.article_versions(db, article.article_id),
            "drafting_open": drafting_open(request, charter), "cited": pq.cited_by_article(db, article.article_id),
            "amendments": q.amendments_of(db, article.article_id, offset=offset), "offset": offset,
            "page_size": q.PAGE_SIZE, "messages": flashes(request), "when": lambda iso: when(request, iso),
            "signed_in": request.authenticated_userid is not None, "editor": is_editor(request)}


@view_config(route_name="charter_amend", renderer=FORM, permission=Permission.AMEND)
def charter_amend(request):
    article = find_article(request)
    form = f.make_form(f.AmendmentSchema, request, formid="amendment", button=_("Proposer l'amendement"))
    page = {"title": request.localizer.translate(_("Amender l'article ${number} : ${title}",
                                                   mapping={"number": article.number, "title": article.title})),
            "intro": [_("Texte actuel de l'article (version ${version}) :", mapping={"version": article.current_version}),
                      article.text],
            "links": [(request.route_url("charter_article", article_id=article.article_id), _("Retour à l'article"))]}
    if request.method != "POST":
        return {**page, "form": form.render({"text": article.text, "base_version": article.current_version})}

    def action(data):
        return request.engage.app.propose_amendment(
            article_id=article.article_id, base_version=data["base_version"], text=data["text"],
            rationale=data["rationale"], author_id=person_id(request))

    holder = {}

    def propose(data):
        holder["done"] = action(data)
        return holder["done"]

    redirect, problem = submit(request, form, propose, success_url="", flash=_("Votre amendement est publié. Merci !"))
    if redirect:
        return HTTPSeeOther(request.route_url("charter_amendment", amendment_id=holder["done"].id.hex))
    return {**page, **problem}


@view_config(route_name="charter_amendment", renderer="engage:templates/charter_amendment.pt")
def charter_amendment(request):
    db = request.engage.db
    amendment = q.amendment(db, request.matchdict["amendment_id"])
    if amendment is None:
        raise HTTPNotFound()
    app = request.engage.app
    charter = q.charter(db)
    signed_in = request.authenticated_userid is not None
    url = request.route_url("charter_amendment", amendment_id=amendment.amendment_id)
    amendment_uuid = UUID(amendment.amendment_id)
    base = q.article_version(db, amendment.article_id, amendment.base_version)
    current = q.article(db, amendment.article_id)
    votable = amendment.status == "pending" and drafting_open(request, charter)
    vote = f.make_form(f.VoteSchema, request, formid="vote", button=_("Enregistrer mon vote"))
    withdraw = f.make_form(f.ButtonOnlySchema, request, formid="withdraw", button=_("Retirer mon vote"))
    search = picker(request) if amendment.status == "pending" and is_editor(request) else None
    decide = f.make_form(f.DecisionSchema, request, formid="decision", button=_("Enregistrer la décision"),
                         extend=lambda schema: add_citation_fields(schema, search["choices"]) if search else schema)
    mine = q.ballot_choice(db, ballot_id(person_id(request), amendment_uuid, app.identifier_key).hex) \
        if signed_in else None
    page = {"amendment": amendment, "charter": charter, "votable": votable, "signed_in": signed_in,
            "editor": is_editor(request), "mine": mine, "choice_labels": f.CHOICE_LABELS,
            "diff": diff(request, base.text if base else "", amendment.text),
            "outdated_diff": diff(request, current.text, amendment.text) if amendment.outdated else None,
            "picker": search,
            "messages": flashes(request), "when": lambda iso: when(request, iso),
            "vote_form": vote.render({"choice": mine} if mine else {}) if votable and signed_in else None,
            "withdraw_form": withdraw.render() if votable and mine else None,
            "decision_form": decide.render() if amendment.status == "pending" and is_editor(request) else None,
            "login_url": request.route_url("login", _query={"retour": request.path})}
    if request.method != "POST":
        return page
    formid = request.POST.get("__formid__")
    if formid == "decision":
        if not is_editor(request):
            raise HTTPForbidden()

        def decide_action(d):
            if d["decision"] == "accept":
                return app.accept_amendment(amendment_uuid, reason=d["reason"], contributions=cited_ids(d))
            return app.reject_amendment(amendment_uuid, reason=d["reason"])

        redirect, problem = submit(request, decide, decide_action, success_url=url, flash=_("La décision est enregistrée."))
        return redirect or {**page, "decision_form": problem["form"], "decision_error": problem.get("error")}
    if not signed_in:
        return HTTPSeeOther(page["login_url"])
    if formid == "withdraw":
        redirect, problem = submit(request, withdraw, lambda d: app.withdraw_amendment_vote(
            amendment_uuid, person_id=person_id(request)), success_url=url, flash=_("Votre vote est retiré."))
        return redirect or {**page, "vote_error": problem.get("error")}
    redirect, problem = submit(request, vote, lambda d: app.vote_on_amendment(
        amendment_uuid, person_id=person_id(request), choice=d["choice"]), success_url=url,
        flash=_("Votre vote est enregistré. Vous pouvez le modifier ou le retirer pendant la phase de rédaction."))
    return redirect or {**page, "vote_form": problem["form"], "vote_error": problem.get("error")}


@view_config(route_name="charter_article_diff", renderer="engage:templates/charter_diff.pt")
def charter_article_diff(request):
    db = request.engage.db
    article = find_article(request)
    versions = q.article_versions(db, article.article_id)
    numbers = [v.version for v in versions]
    old_n = int_param(request, "de") or max(1, article.current_version - 1)
    new_n = int_param(request, "a") or article.current_version
    if old_n not in numbers or new_n not in numbers:
        raise HTTPNotFound()
    old, new = versions[old_n - 1], versions[new_n - 1]
    title = request.localizer.translate(_("Article ${number} : ${title}", mapping={"number": article.number,
                                                                                   "title": article.title}))
    return {"title": title, "old": old_n, "new": new_n, "numbers": numbers,
            "sections": [(title, diff(request, old.text, new.text))],
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
    old = {n: (t, text) for n, t, text, _id in q.charter_version_text(db, versions[old_n - 1])}
    new = {n: (t, text) for n, t, text, _id in q.charter_version_text(db, versions[new_n - 1])}
    sections = []
    for number in sorted(set(old) | set(new)):
        heading = (new.get(number) or old.get(number))[0]
        sections.append((request.localizer.translate(_("Article ${number} : ${title}",
                                                       mapping={"number": number, "title": heading})),
                         diff(request, old.get(number, ("", ""))[1], new.get(number, ("", ""))[1])))
    return {"title": request.localizer.translate(_("La charte, versions publiées")), "old": old_n, "new": new_n,
            "numbers": numbers, "sections": sections, "action": request.route_url("charter_versions_diff"),
            "back": (request.route_url("charter"), _("Retour à la charte"))}


@view_config(route_name="charter_version", renderer="engage:templates/charter_version.pt")
def charter_version(request):
    db = request.engage.db
    number = request.matchdict["version"]
    version = q.charter_version(db, int(number)) if number.isdigit() else None
    if version is None:
        raise HTTPNotFound()
    charter = q.charter(db)
    articles = q.charter_version_text(db, version)
    return {"version": version, "charter": charter, "articles": articles, "when": lambda iso: when(request, iso),
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
            "versions": q.charter_versions(db), "d": charter.deliberation, "day": lambda iso: day(request, iso),
            "when": lambda iso: when(request, iso), "consultation": pq.charter_consultation(db),
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
        "start": f.make_form(f.ButtonOnlySchema, request, formid="start", button=_("Commencer la charte")),
        "article": f.make_form(f.ArticleSchema, request, formid="article", button=_("Ajouter l'article")),
        "link": f.make_form(f.ButtonOnlySchema, request, formid="link", button=_("Lier la charte à cette consultation"),
                            extend=lambda schema: schema.add(f.consultation_node(consultations)) or schema),
        "publish": f.make_form(f.NoteSchema, request, formid="publish", button=_("Publier cette version de la charte")),
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
    page = {"charter": charter, "articles": q.articles(db), "messages": flashes(request), "errors": {},
            "consultation": link, "drafting_open": drafting_open(request, charter), "phase_labels": PHASE_LABELS}
    if request.method == "POST":
        formid = request.POST.get("__formid__")
        if formid not in forms:
            raise HTTPBadRequest()
        action, message = actions[formid]
        redirect, problem = submit(request, forms[formid], action, success_url=url, flash=message)
        if redirect:
            return redirect
        rendered[formid] = problem["form"]
        page["errors"][formid] = problem.get("error")
    return {**page, "forms": rendered}


@view_config(route_name="charter_article_edit", renderer="engage:templates/charter_article_edit.pt",
             permission=Permission.EDIT)
def charter_article_edit(request):
    article = find_article(request)
    search = picker(request)
    form = f.make_form(f.ReviseSchema, request, formid="revise", button=_("Publier la nouvelle version"),
                       extend=lambda schema: add_citation_fields(schema, search["choices"]))
    page = {"title": request.localizer.translate(_("Modifier l'article ${number} : ${title}",
                                                   mapping={"number": article.number, "title": article.title})),
            "picker": search,
            "links": [(request.route_url("charter_article", article_id=article.article_id), _("Retour à l'article"))]}
    if request.method != "POST":
        return {**page, "form": form.render({"text": article.text, "base_version": article.current_version})}
    redirect, problem = submit(request, form, lambda d: request.engage.app.revise_article(
        article.article_id, text=d["text"], base_version=d["base_version"], reason=d["reason"],
        contributions=cited_ids(d)),
        success_url=request.route_url("charter_article", article_id=article.article_id),
        flash=_("La nouvelle version de l'article est publiée."))
    return redirect or {**page, **problem}


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
    form = f.make_form(f.DeliberationSchema, request, formid="deliberation", button=_("Enregistrer l'adoption"))
    page = {"title": request.localizer.translate(_("Enregistrer la délibération d'adoption")),
            "intro": [_("Les champs suivent le schéma SCDL « Délibérations ». Après l'adoption, le texte de la charte est figé : plus aucun amendement.")],
            "links": [(request.route_url("charter_edit"), _("Retour à la rédaction"))]}
    if request.method != "POST":
        return {**page, "form": form.render({"COLL_NOM": "Ville de Paris", "COLL_SIRET": "21750001600019"})}
    redirect, problem = submit(request, form, lambda d: request.engage.app.adopt_charter(
        {**d, "groups": parse_groups(d["groups"])}), success_url=request.route_url("charter_adopted"),
        flash=_("L'adoption de la charte est enregistrée ; son texte est figé."))
    return redirect or {**page, **problem}


# --------------------------------------------------------------------------- /guide


@view_config(route_name="guide", renderer="engage:templates/guide.pt")
def guide(request):
    return {"pages": q.guide_pages(request.engage.db), "editor": is_editor(request), "messages": flashes(request),
            "when": lambda iso: when(request, iso)}


@view_config(route_name="guide_page", renderer="engage:templates/guide_page.pt")
@view_config(route_name="guide_page_version", renderer="engage:templates/guide_page.pt")
def guide_page(request):
    version = request.matchdict.get("version")
    if version is not None and not version.isdigit():
        raise HTTPNotFound()
    page = q.guide_page(request.engage.db, request.matchdict["slug"], int(version) if version else None)
    if page is None:
        raise HTTPNotFound()
    return {"page": page, "html": render_markdown(page.body), "versions": q.guide_versions(request.engage.db, page.slug),
            "when": lambda iso: when(request, iso), "messages": flashes(request), "editor": is_editor(request)}


@view_config(route_name="guide_edit", renderer=FORM, permission=Permission.EDIT)
def guide_edit(request):
    form = f.make_form(f.GuidePageSchema, request, formid="guide", button=_("Publier cette version"))
    page = {"title": request.localizer.translate(_("Rédiger une page du guide")),
            "intro": [_("Chaque publication crée une nouvelle version ; les versions précédentes restent consultables.")],
            "links": [(request.route_url("guide"), _("Retour au guide"))]}
    if request.method != "POST":
        existing = q.guide_page(request.engage.db, request.params.get("page", ""))
        values = {"slug": existing.slug, "title": existing.title, "body": existing.body} if existing else {}
        return {**page, "form": form.render(values)}
    holder = {}

    def publish(d):
        holder["slug"] = d["slug"].strip()
        return request.engage.app.publish_guide_page(slug=d["slug"], title=d["title"], body=d["body"])

    redirect, problem = submit(request, form, publish, success_url="", flash=_("La page du guide est publiée."))
    if redirect:
        return HTTPSeeOther(request.route_url("guide_page", slug=holder["slug"]))
    return {**page, **problem}


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
