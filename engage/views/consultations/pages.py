"""Consultations: the list, a consultation's page, contributing, voting, moderating, meetings."""

from __future__ import annotations

import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from pyramid.response import Response
from pyramid.view import view_config

from engage import mail
from engage.domain.common import CardRequired, DomainError
from engage.domain.consultations.errors import InvalidMeetingTime
from engage.domain.consultations.model import (
    CHANNELS,
    IN_PERSON,
    KINDS,
    OPTIONS,
    PHASE_LABELS,
    ItemAsShown,
    edit_deadline,
    next_phase,
    open_for_contributions,
    participation_refused,
    phase_over,
    planned_span,
    sheet_label,
)
from engage.i18n import ANSWER_STATUS_LABELS, _, arrondissement_label
from engage.mail import templates
from engage.opendata.aggregates import vote_page
from engage.projections.cards import queries as card_queries
from engage.projections.consultations import queries as q
from engage.public_url import public_url
from engage.security import Permission
from engage.views.consultations import forms, sheets
from engage.views.extensions import PERSONAL_DATA, extends
from engage.views.fields import ButtonOnlySchema
from engage.views.toolkit import (
    ERROR,
    SeeOther,
    error_message,
    flash,
    form_view,
    make_form,
    not_published,
    page_number,
    query,
    render_form,
    signed_in_person,
    wait_for_write,
    when,
    why_not_published,
)

FORM = "engage:templates/form_page.pt"
PARIS = ZoneInfo("Europe/Paris")
CHANNEL_PARAMS = {"en-ligne": CHANNELS[0], "en-presentiel": CHANNELS[1]}


def _tell_author(request, author_id: str | None, template, **mapping) -> None:
    """Tell a contribution's author by mail (nobody when it was transcribed from a meeting)."""
    if author_id:
        mail.send(request, template, person=author_id, **mapping)


def _has_card(request) -> bool:
    """Whether the signed-in visitor holds a valid card today: read once per request (with the
    item, on the pages that load it with ConsultationResource.load_item)."""
    if VALID_CARD not in request.environ:
        request.environ[VALID_CARD] = card_queries.valid_card_of(request.engage.db, signed_in_person(request)) is not None
    return request.environ[VALID_CARD]


VALID_CARD = "engage.valid_card"


def participation_closed(request, consultation) -> tuple[list, tuple | None]:
    """Why this visitor may not contribute or vote now, from the domain's rule (participation_refused),
    in sentences with the phase's planned dates, and the link to get a card when one is needed:
    ([], None) when they may (a visitor not signed in may, once signed in)."""
    me = signed_in_person(request)
    refusal = participation_refused(current_phase=consultation.current_phase,
                                    card_required=consultation.card_required,
                                    has_valid_card=me is None or _has_card(request))
    if refusal is None:
        return [], None
    if isinstance(refusal, CardRequired):
        return ([error_message(refusal), _("La Carte Citoyen·ne est gratuite, pour toute personne qui vit, "
                                           "travaille ou étudie à Paris : demandez-la en ligne.")],
                (request.route_url("card_request"), _("Demander ma Carte Citoyen·ne")))
    span = planned_span(consultation.plan)
    if span is None:
        return [error_message(refusal)], None
    dates = {"start": when(span[0], request.locale_name), "end": when(span[1], request.locale_name)}
    if phase_over(consultation.current_phase):
        phase = request.localizer.translate(_(PHASE_LABELS[consultation.current_phase]))
        return [_("Les contributions et les votes sont clos : ils étaient ouverts pendant la phase de consultation, "
                  "prévue du ${start} au ${end}. La consultation est maintenant en phase « ${phase} ».",
                  mapping={**dates, "phase": phase})], None
    return [_("Les contributions et les votes ne sont pas encore ouverts : ils ouvriront avec la phase de "
              "consultation, prévue du ${start} au ${end}.", mapping=dates)], None


# -- consultations ---------------------------------------------------------------------------


@view_config(route_name="consultations", renderer="engage:templates/consultations_list.pt")
def consultations_list(context, request):
    page = page_number(request)
    rows, more = q.consultations(request.engage.db, page=page)
    return {"consultations": rows, "page": page, "more": more, "phase_labels": PHASE_LABELS}


def _consultation_fields(data: dict) -> dict:
    return dict(title=data["title"], description=data["description"],
                themes=[line for line in data["themes"].splitlines() if line.strip()],
                plan=forms.plan_from(data), card_required=data["card_required"] == forms.YES,
                support_threshold=data["support_threshold"])


@view_config(route_name="consultation_new", renderer=FORM, permission=Permission.EDIT)
def consultation_new(context, request):
    form = make_form(forms.NewConsultationSchema, request, formid="consultation",
                      button=_("Créer la consultation"))

    def create(data):
        created = request.engage.app.create_consultation(
            slug=data["slug"], created_by=signed_in_person(request), **_consultation_fields(data))
        return created, request.route_url("consultation", ref=created.id.hex)

    return form_view(request, form, {"title": _("Nouvelle consultation")}, create)


@view_config(route_name="consultation_edit", renderer=FORM, permission=Permission.EDIT)
def consultation_edit(context, request):
    consultation = context.consultation
    form = make_form(forms.ConsultationSchema, request, formid="consultation",
                      button=_("Enregistrer les modifications"))
    values = {"title": consultation.title, "description": consultation.description,
              "themes": "\n".join(consultation.themes), "support_threshold": consultation.support_threshold,
              "card_required": forms.YES if consultation.card_required else forms.NO,
              **forms.plan_fields(consultation.plan)}

    def revise(data):
        recorded = request.engage.app.revise_consultation(
            UUID(consultation.consultation_id), revised_by=signed_in_person(request), **_consultation_fields(data))
        return recorded, request.route_url("consultation", ref=consultation.slug)

    page = {"title": _("Modifier la consultation"),
            "intro": [_("Le calendrier reste modifiable ; chaque modification est un événement public.")]}
    return form_view(request, form, page, revise, values=values)


@view_config(route_name="consultation_phase", request_method="POST", permission=Permission.OPEN_PHASE)
def consultation_phase(context, request):
    consultation = context.consultation
    target = request.route_url("consultation", ref=consultation.slug)
    try:
        recorded = request.engage.app.start_phase(
            UUID(consultation.consultation_id), request.POST.get("phase", ""), started_by=signed_in_person(request))
    except DomainError as error:
        flash(request, _(error.message), ERROR)
    else:
        wait_for_write(request, recorded.position, target)
        flash(request, _("La nouvelle phase est ouverte."))
    return SeeOther(target)


@view_config(route_name="consultation", renderer="engage:templates/consultation_page.pt")
def consultation_page(context, request):
    consultation = context.consultation
    db, locale = request.engage.db, request.locale_name
    params = query(request)
    kind = params.get("type") if params.get("type") in KINDS else None
    theme = params.get("theme") if params.get("theme") in consultation.theme_labels else None
    channel = CHANNEL_PARAMS.get(params.get("canal", ""))
    text = (params.get("q") or "").strip()[:200]
    page = page_number(request)
    if text:
        rows, more = q.search(db, consultation.consultation_id, text, page=page)
    else:
        rows, more = q.contributions(db, consultation.consultation_id, kind=kind, theme=theme,
                                     channel=channel, page=page)
    following = next_phase(consultation.current_phase)
    closed, card_link = participation_closed(request, consultation)
    filters = {k: v for k, v in (("type", kind), ("theme", theme), ("q", text),
                                 ("canal", params.get("canal") if channel else None)) if v}
    agree = _agree(request, rows)
    return {
        "consultation": consultation,
        "plan": [(PHASE_LABELS[p["phase"]], p["starts_on"], p["ends_on"], p["phase"] == consultation.current_phase)
                 for p in consultation.plan],
        "phase_label": PHASE_LABELS.get(consultation.current_phase or "", None),
        "next_phase": following, "next_phase_label": PHASE_LABELS.get(following or ""),
        "counts": q.contribution_counts(db, consultation.consultation_id),
        "meetings": q.meetings(db, consultation.consultation_id),
        "contributions": rows, "more": more, "page": page, "filters": filters,
        "agree": agree, "not_published": why_not_published(request, agree.values()),
        "kind": kind, "theme": theme, "channel_param": params.get("canal") if channel else None,
        "text": text, "kinds": KINDS, "channels": CHANNEL_PARAMS,
        "open": open_for_contributions(consultation.current_phase),
        "closed": closed, "card_link": card_link,
        "can_edit": request.has_permission(Permission.EDIT),
        "can_open_phase": request.has_permission(Permission.OPEN_PHASE),
        "can_facilitate": request.has_permission(Permission.FACILITATE),
        "arrondissement": lambda n: arrondissement_label(n, locale),
    }


def _agree(request, rows) -> dict:
    """{contribution id: its d'accord total as published}: the cell of the item's vote table
    (and of the contributions dataset), "non publié" where that table blanks it."""
    shown = q.agree_as_published(request.engage.db, {c.contribution_id: c.agree for c in rows})
    hidden = not_published(request)
    return {cid: hidden if value is None else value for cid, value in shown.items()}


# -- contributions ---------------------------------------------------------------------------


@view_config(route_name="contribute", renderer=FORM, permission=Permission.OWN_ACCOUNT)
def contribute(context, request):
    consultation = context.consultation
    parent = None
    if query(request).get("reponse_a"):
        parent = context.of_this_consultation(q.contribution(request.engage.db, query(request)["reponse_a"]))
    organizations = q.represented_organizations(request.engage.db, signed_in_person(request))
    schema = forms.ReplySchema if parent else (
        forms.OrganizationContributionSchema if organizations else forms.ContributionSchema)
    action = request.route_url("contribute", ref=consultation.slug,
                               _query={"reponse_a": parent.contribution_id} if parent else {})
    form = make_form(schema, request, formid="contribution", button=_("Publier"), action=action,
                      themes=consultation.themes, organizations=organizations)

    def post(data):
        recorded = request.engage.app.contribute(
            consultation_id=UUID(consultation.consultation_id), person_id=signed_in_person(request),
            has_valid_card=_has_card(request), kind=data["kind"],
            theme=data.get("theme") or (consultation.theme_labels[parent.theme] if parent else ""),
            text=data["text"], parent_id=UUID(parent.contribution_id) if parent else None,
            organization_id=UUID(data["organization"]) if data.get("organization") else None)
        target = parent.contribution_id if parent else recorded.id.hex
        if parent and parent.author_id != signed_in_person(request).hex:
            _tell_author(request, parent.author_id, templates.CONTRIBUTION_REPLIED, title=consultation.title,
                        link=context.item_link(target))
        return recorded, context.item_url(target)

    intro = [consultation.title]
    if consultation.card_required:
        intro.append(_("Cette consultation est réservée aux détenteurs d'une Carte Citoyen·ne valide."))
    closed, card_link = participation_closed(request, consultation)
    page = {"title": _("Répondre") if parent else _("Contribuer"), "intro": intro if not closed else [consultation.title],
            "links": ([card_link] if card_link else [])
            + [(request.route_url("consultation", ref=consultation.slug), _("Retour à la consultation"))]}
    return form_view(request, form, page, post, closed=closed,
                     done=_("Votre contribution est publiée. Vous pouvez la modifier pendant 15 minutes."))


ITEM_PAGE = "engage:templates/contribution_page.pt"


@view_config(route_name="contribution", renderer=ITEM_PAGE)
def contribution_page(context, request):
    me = signed_in_person(request)
    # The consultation, the item, the card, the replies, the counts, the visitor's ballot and the
    # meetings: one round trip.
    read = context.load_item_page(page=page_number(request), card_of=me, template=ITEM_PAGE,
                                  vote_of=(lambda item_id: request.engage.app.vote_key(me, item_id)) if me else None)
    if me:
        request.environ[VALID_CARD] = read.card
    consultation = context.consultation
    item = context.contribution
    replies, more = read.replies, read.more_replies
    # The vote-counts dataset's cells, with the same blanks (small counts and complements).
    counts = vote_page(read.counts, hidden=not_published(request))
    open_ = open_for_contributions(consultation.current_phase) and item.published
    closed, card_link = participation_closed(request, consultation) if item.published else ([], None)
    # From the ballots' read model (fresh after the vote's read-your-writes wait), not the log.
    mine = read.mine
    vote_form = None
    if me and open_ and not closed:
        vote_form = render_form(forms.VoteSchema, request, formid="vote", button=_("Voter"),
                                action=request.route_url("contribution_vote", ref=consultation.slug,
                                                         item=item.contribution_id),
                                values={"option": mine} if mine else {})
    can_facilitate = request.has_permission(Permission.FACILITATE)
    hands_form = None
    meetings = read.meetings
    if can_facilitate and item.published and meetings:
        hands_form = make_form(
            forms.ShowOfHandsSchema, request, formid="hands", button=_("Enregistrer le vote à main levée"),
            action=request.route_url("contribution_hands", ref=consultation.slug, item=item.contribution_id),
            meetings=[(m.meeting_id, m.title) for m in meetings]).render()
    editable_until = None
    if me and item.author_id == me.hex and item.published:
        deadline = edit_deadline(datetime.datetime.fromisoformat(item.posted_at))
        if datetime.datetime.now(datetime.timezone.utc) < deadline:
            editable_until = when(deadline, request.locale_name, time=True)
    return {
        "consultation": consultation, "item": item, "replies": replies, "more": more,
        "counts": counts, "options": OPTIONS, "channels": CHANNELS, "kinds": KINDS,
        "not_published": why_not_published(request, [v for by_option in counts.values() for v in by_option.values()]),
        "mine": OPTIONS.get(mine or ""), "vote_form": vote_form, "hands_form": hands_form,
        "open": open_ and not closed, "closed": closed, "card_link": card_link,
        "signed_in": me is not None, "is_author": bool(me and item.author_id == me.hex),
        "edit_deadline": editable_until,
        "can_moderate": request.has_permission(Permission.MODERATE),
        "in_person": IN_PERSON,
        "theme_label": consultation.theme_labels.get(item.theme, item.theme),
    }


@view_config(route_name="contribution_vote", request_method="POST", permission=Permission.OWN_ACCOUNT)
def contribution_vote(context, request):
    app, me = request.engage.app, signed_in_person(request)
    has_card = context.load_item(card_of=me)  # the consultation, the item, the card: one round trip
    item = context.contribution
    target = context.item_url(item.contribution_id) + "#votes"
    consultation = context.consultation
    # The item as these reads show it decides, as it did for the page's form: no aggregate is
    # loaded from the log for the checks.
    shown = ItemAsShown(available=item.published, current_phase=consultation.current_phase,
                        card_required=consultation.card_required)
    try:
        if request.POST.get("retirer"):
            recorded = app.withdraw_vote(person_id=me, item_id=UUID(item.contribution_id), shown=shown)
        else:
            option = forms.posted_vote_option(request.POST.get("option"))
            if option is None:
                flash(request, _("Choisissez une réponse."), ERROR)
                return SeeOther(target)
            recorded = app.cast_vote(person_id=me, item_id=UUID(item.contribution_id), option=option,
                                     has_valid_card=has_card, shown=shown)
    except DomainError as error:
        flash(request, _(error.message), ERROR)
        return SeeOther(target)
    wait_for_write(request, recorded.position, target)
    flash(request, _("Votre vote est enregistré."))
    return SeeOther(target)


@view_config(route_name="contribution_edit", renderer=FORM, permission=Permission.OWN_ACCOUNT)
def contribution_edit(context, request):
    item = context.contribution
    form = make_form(forms.EditSchema, request, formid="edit", button=_("Enregistrer la nouvelle version"))

    def edit(data):
        recorded = request.engage.app.edit_contribution(UUID(item.contribution_id), person_id=signed_in_person(request),
                                                        text=data["text"])
        return recorded, context.item_url(item.contribution_id)

    page = {"title": _("Modifier ma contribution"),
            "intro": [_("Possible pendant 15 minutes après la publication ; chaque version reste dans le journal public.")]}
    return form_view(request, form, page, edit, values={"text": item.body or ""})


@view_config(route_name="contribution_withdraw", renderer=FORM, permission=Permission.OWN_ACCOUNT)
def contribution_withdraw(context, request):
    item = context.contribution
    form = make_form(ButtonOnlySchema, request, formid="withdraw", button=_("Retirer ma contribution"))

    def withdraw(data):
        recorded = request.engage.app.withdraw_contribution(UUID(item.contribution_id), person_id=signed_in_person(request))
        return recorded, context.item_url(item.contribution_id)

    page = {"title": _("Retirer ma contribution"),
            "intro": [_("Une contribution retirée n'est plus affichée et ne peut plus recevoir de votes. Ce retrait est définitif.")]}
    return form_view(request, form, page, withdraw)


@view_config(route_name="contribution_report", renderer=FORM, permission=Permission.OWN_ACCOUNT)
def contribution_report(context, request):
    item = context.contribution
    form = make_form(forms.ReasonSchema, request, formid="report", button=_("Signaler"))

    def report(data):
        recorded = request.engage.app.report_contribution(UUID(item.contribution_id), person_id=signed_in_person(request),
                                                          reason=data["reason"])
        return recorded, context.item_url(item.contribution_id)

    page = {"title": _("Signaler une contribution"),
            "intro": [_("Dites pourquoi cette contribution ne respecte pas la charte de modération. "
                        "Un seul signalement par personne ; ni votre nom ni votre motif ne paraissent dans le journal public.")]}
    return form_view(request, form, page, report,
                     done=_("Merci : la contribution est signalée à l'équipe de modération."))


@view_config(route_name="contribution_hide", renderer=FORM, permission=Permission.MODERATE)
def contribution_hide(context, request):
    consultation = context.consultation
    item = context.contribution
    form = make_form(forms.ReasonSchema, request, formid="hide", button=_("Masquer"))

    def hide(data):
        recorded = request.engage.app.hide_contribution(UUID(item.contribution_id), reason=data["reason"],
                                                        moderator_id=signed_in_person(request))
        _tell_author(request, item.author_id, templates.CONTRIBUTION_HIDDEN, title=consultation.title,
                    reason=" ".join(data["reason"].split()), link=context.item_link(item.contribution_id))
        return recorded, context.item_url(item.contribution_id)

    page = {"title": _("Masquer une contribution"),
            "intro": [_("Le motif est public : il s'affiche à la place du texte. L'auteur ou l'autrice est prévenu·e.")]}
    return form_view(request, form, page, hide,
                     done=_("La contribution est masquée ; son auteur ou son autrice en est prévenu·e."))


@view_config(route_name="contribution_restore", request_method="POST", permission=Permission.MODERATE)
def contribution_restore(context, request):
    item = context.contribution
    target = context.item_url(item.contribution_id)
    try:
        recorded = request.engage.app.restore_contribution(UUID(item.contribution_id), moderator_id=signed_in_person(request))
    except DomainError as error:
        flash(request, _(error.message), ERROR)
    else:
        wait_for_write(request, recorded.position, target)
    return SeeOther(target)


@view_config(route_name="contribution_hands", renderer=FORM, request_method="POST", permission=Permission.FACILITATE)
def contribution_hands(context, request):
    consultation = context.consultation
    item = context.contribution
    meetings = q.meetings(request.engage.db, consultation.consultation_id)
    form = make_form(forms.ShowOfHandsSchema, request, formid="hands", button=_("Enregistrer le vote à main levée"),
                      meetings=[(m.meeting_id, m.title) for m in meetings])

    def record(data):
        recorded = request.engage.app.record_show_of_hands(
            UUID(data["meeting"]), item_id=UUID(item.contribution_id), recorded_by=signed_in_person(request),
            counts={"d-accord": data["agree"], "mitige": data["mixed"], "pas-d-accord": data["disagree"]})
        return recorded, context.item_url(item.contribution_id) + "#votes"

    return form_view(request, form, {"title": _("Vote à main levée")}, record)


@view_config(route_name="moderation", renderer="engage:templates/moderation_queue.pt", permission=Permission.MODERATE)
def moderation_queue(context, request):
    page = page_number(request)
    rows, more = q.moderation_queue(request.engage.db, page=page)
    items = [(r, q.contribution(request.engage.db, r.contribution_id)) for r in rows]
    slugs = {}
    for _r, item in items:
        if item and item.consultation_id not in slugs:
            found = q.consultation(request.engage.db, item.consultation_id)
            slugs[item.consultation_id] = found.slug if found else item.consultation_id
    return {"items": [(r, i, slugs.get(i.consultation_id)) for r, i in items if i], "page": page, "more": more}


# -- meetings --------------------------------------------------------------------------------


@view_config(route_name="meeting_new", renderer=FORM, permission=Permission.FACILITATE)
def meeting_new(context, request):
    consultation = context.consultation
    form = make_form(forms.MeetingSchema, request, formid="meeting", button=_("Annoncer la réunion"))

    def schedule(data):
        try:
            local = datetime.datetime.fromisoformat(data["starts_at"])
        except ValueError:
            raise InvalidMeetingTime() from None
        recorded = request.engage.app.schedule_meeting(
            consultation_id=UUID(consultation.consultation_id), facilitator_id=signed_in_person(request),
            title=data["title"], starts_at=local.replace(tzinfo=PARIS), place=data["place"] or None,
            arrondissement=int(data["arrondissement"]) if data["arrondissement"] else None,
            online_url=data["online_url"] or None)
        return recorded, request.route_url("meeting", ref=consultation.slug, meeting=recorded.id.hex)

    return form_view(request, form, {"title": _("Annoncer une réunion publique"), "intro": [consultation.title]},
                     schedule)


@view_config(route_name="meeting", renderer="engage:templates/meeting_page.pt")
def meeting_page(context, request):
    consultation = context.consultation
    meeting = context.meeting
    headcount_form, batches = None, []
    if request.has_permission(Permission.FACILITATE):
        headcount_form = make_form(
            forms.HeadcountSchema, request, formid="headcount", button=_("Enregistrer"),
            action=request.route_url("meeting_headcount", ref=consultation.slug, meeting=meeting.meeting_id)
        ).render({"headcount": meeting.headcount} if meeting.headcount is not None else {})
        batches = q.sheet_batches(request.engage.db, meeting.meeting_id)
    return {"consultation": consultation, "meeting": meeting,
            "arrondissement": arrondissement_label(meeting.arrondissement, request.locale_name)
            if meeting.arrondissement else None,
            "headcount_form": headcount_form, "batches": batches}


@view_config(route_name="meeting_headcount", renderer=FORM, request_method="POST", permission=Permission.FACILITATE)
def meeting_headcount(context, request):
    consultation = context.consultation
    meeting = context.meeting
    form = make_form(forms.HeadcountSchema, request, formid="headcount", button=_("Enregistrer"))

    def record(data):
        recorded = request.engage.app.record_headcount(UUID(meeting.meeting_id), data["headcount"],
                                                       recorded_by=signed_in_person(request))
        return recorded, request.route_url("meeting", ref=consultation.slug, meeting=meeting.meeting_id)

    return form_view(request, form, {"title": _("Nombre de participants")}, record)


@view_config(route_name="meeting_transcribe", renderer=FORM, permission=Permission.FACILITATE)
def meeting_transcribe(context, request):
    consultation = context.consultation
    meeting = context.meeting
    form = make_form(forms.TranscriptionSchema, request, formid="transcription", button=_("Enregistrer la contribution"),
                      themes=consultation.themes)

    def transcribe(data):
        recorded = request.engage.app.transcribe_contribution(
            meeting_id=UUID(meeting.meeting_id), transcriber_id=signed_in_person(request), kind=data["kind"],
            theme=data["theme"], text=data["text"], paper_reference=data["paper_reference"] or None,
            scan_sha256=data["scan"] or data["scan_sha256"] or None, sheet=data["sheet"])
        return recorded, request.route_url("meeting_transcribe", ref=consultation.slug, meeting=meeting.meeting_id)

    page = {"title": _("Transcrire une contribution"),
            "intro": [meeting.title, _("Chaque feuille numérotée ne se transcrit qu'une fois ; imprimez les feuilles"
                                       " depuis la page de la réunion.")],
            "links": [(request.route_url("meeting", ref=consultation.slug, meeting=meeting.meeting_id),
                       _("Retour à la réunion"))]}
    return form_view(request, form, page, transcribe, done=_("La contribution est enregistrée, avec sa provenance."))


@view_config(route_name="meeting_sheets", renderer=FORM, permission=Permission.FACILITATE)
def meeting_sheets(context, request):
    consultation = context.consultation
    meeting = context.meeting
    form = make_form(forms.SheetsSchema, request, formid="sheets", button=_("Numéroter les feuilles"))
    meeting_url = request.route_url("meeting", ref=consultation.slug, meeting=meeting.meeting_id)

    def number(data):
        recorded = request.engage.app.number_sheets(UUID(meeting.meeting_id), count=data["count"],
                                                    numbered_by=signed_in_person(request))
        flash(request, _("Feuilles ${first} à ${last} numérotées : téléchargez-les ci-dessous pour les imprimer.",
                         mapping={"first": sheet_label(recorded.first), "last": sheet_label(recorded.last)}))
        return recorded, meeting_url + "#feuilles"

    page = {"title": _("Imprimer des feuilles de contribution"),
            "intro": [meeting.title, _("Chaque feuille porte un numéro unique, avec une clé de contrôle, et un code QR"
                                       " vers la page de la consultation. Un numéro n'est jamais réutilisé.")],
            "links": [(meeting_url, _("Retour à la réunion"))]}
    return form_view(request, form, page, number, values={"count": 30})


def _paper(context, request) -> sheets.MeetingPaper:
    """What the meeting's printed pages say, translated; the QR code's address is the public one."""
    consultation, meeting = context.consultation, context.meeting
    translate, locale = request.localizer.translate, request.locale_name
    place = meeting.place or meeting.online_url or ""
    if meeting.arrondissement:
        place = f"{place} ({arrondissement_label(meeting.arrondissement, locale)})"
    labels = {
        "sheets_title": _("Feuille de contribution"), "number": _("Feuille n°"),
        "questions": _("Les thèmes et questions de la consultation"), "write_here": _("Votre contribution"),
        "privacy": _("Votre texte sera recopié et publié en ligne tel quel, sans nom : n'y écrivez ni votre nom"
                     " ni vos coordonnées. Le numéro de la feuille et l'empreinte SHA-256 de son scan sont publiés avec lui."),
        "online": _("Suivez la consultation et contribuez aussi en ligne :"),
        "sign_in_title": _("Feuille d'émargement"),
        "sign_in_note": _("Pour compter les participants. Cette feuille n'est ni publiée ni saisie en ligne ;"
                          " le numéro de Carte Citoyen·ne est facultatif."),
        "row": _("N°"), "name": _("Nom et prénom"), "card": _("N° de Carte Citoyen·ne (facultatif)"),
        "signature": _("Signature"),
    }
    return sheets.MeetingPaper(
        city=translate(_("Ville de Paris · Paris s'engage")), meeting_title=meeting.title,
        meeting_when=when(meeting.starts_at, locale, time=True), meeting_place=place,
        consultation_title=consultation.title, questions=tuple(consultation.themes),
        url=public_url(request, "consultation", ref=consultation.slug),
        labels={key: translate(value) for key, value in labels.items()})


def _pdf(body: bytes, filename: str) -> Response:
    return Response(body=body, content_type="application/pdf",
                    content_disposition=f'inline; filename="{filename}"')


@view_config(route_name="meeting_sheets_pdf", permission=Permission.FACILITATE)
def meeting_sheets_pdf(context, request):
    batch = context.sheet_batch
    labels = [sheet_label(n) for n in range(batch.first, batch.last + 1)]
    return _pdf(sheets.contribution_sheets(_paper(context, request), labels), f"feuilles-{labels[0]}.pdf")


@view_config(route_name="meeting_sign_in_pdf", permission=Permission.FACILITATE)
def meeting_sign_in_pdf(context, request):
    return _pdf(sheets.sign_in_sheet(_paper(context, request)), "emargement.pdf")


# -- notifications ---------------------------------------------------------------------------

NOTIFICATION_LABELS = {
    "reply": _("Quelqu'un a répondu à votre contribution."),
    "hidden": _("Votre contribution a été masquée par la modération."),
    "restored": _("Votre contribution est de nouveau affichée."),
    "threshold": _("Votre contribution a atteint le seuil de soutien : elle est à l'étude par la Ville."),
    "answered": _("La Ville a répondu à votre contribution."),
}



def _notification_detail(request, notification) -> str | None:
    """The moderator's public reason for a hidden contribution, the answer's status for the City's answer."""
    translate = request.localizer.translate
    if notification.kind == "hidden":
        return translate(_("Motif : ${reason}", mapping={"reason": notification.detail}))
    if notification.kind == "answered":
        return translate(_("Suite donnée : ${status}",
                             mapping={"status": translate(ANSWER_STATUS_LABELS[notification.detail])}))
    return None


@view_config(route_name="notifications", renderer="engage:templates/notifications.pt", permission=Permission.OWN_ACCOUNT)
def notifications(context, request):
    page = page_number(request)
    rows, more = q.notifications(request.engage.db, signed_in_person(request), page=page)
    slugs: dict[str, str] = {}
    shown = []
    for n in rows:
        if n.consultation_id not in slugs:
            found = q.consultation(request.engage.db, n.consultation_id)
            slugs[n.consultation_id] = found.slug if found else n.consultation_id
        shown.append((NOTIFICATION_LABELS[n.kind], _notification_detail(request, n),
                      request.route_url("contribution", ref=slugs[n.consultation_id], item=n.contribution_id),
                      n.created_at))
    return {"notifications": shown, "page": page, "more": more}


@extends(PERSONAL_DATA)
def own_texts_in_the_download(request, values) -> dict:
    """The person's own contributions, with their texts (hidden or withdrawn ones too): theirs."""
    texts, after = [], -1
    while True:
        page = q.texts_of_author(request.engage.db, values["person_id"], after=after)
        texts += [{"contribution_id": t.contribution_id, "consultation": t.consultation_title,
                   "kind": t.kind, "theme": t.theme, "status": t.status, "posted_at": t.posted_at,
                   "edited_at": t.edited_at, "text": t.text} for t in page]
        if len(page) < 500:
            return {"contributions": texts}
        after = page[-1].position
