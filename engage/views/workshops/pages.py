"""Ateliers Citoyens: catalogue, sessions, registration, roll, certificates, feedback, statistics."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, time, timezone
from uuid import UUID
from zoneinfo import ZoneInfo

from babel.dates import format_time
from babel.numbers import format_decimal
from pyramid.httpexceptions import HTTPNotFound
from pyramid.renderers import render_to_response
from pyramid.response import Response
from pyramid.view import view_config

from engage import mail
from engage.domain.accounts.model import Role
from engage.domain.common import AGE_BANDS, ARRONDISSEMENTS, DomainError, NotAllowed, NotFound
from engage.domain.workshops.model import LANGUAGES, THEMES, may_manage_session, registration_refused
from engage.i18n import _, arrondissement_label
from engage.mail import templates
from engage.opendata import query
from engage.opendata.aggregates import attendance_profile, place_of, public_attendance, workshop_attendance
from engage.opendata.openapi import DEFAULT_LIMIT, MAX_LIMIT
from engage.projections.cards import queries as card_queries
from engage.projections.workshops import queries as wq
from engage.public_url import public_host, public_url
from engage.security import Permission
from engage.statistics import bar_chart
from engage.views.fields import ButtonOnlySchema
from engage.views.toolkit import (
    SeeOther,
    error_message,
    flash,
    form_view,
    make_form,
    plural,
    signed_in_person,
    validate,
    wait_for_write,
    when,
)
from engage.views.workshops import forms
from engage.views.workshops.ical import session_calendar, sessions_calendar

PARIS = ZoneInfo("Europe/Paris")
FORM = "engage:templates/form_page.pt"
CODE = re.compile(r"^[A-Z2-7]{10}$")


# -- helpers ------------------------------------------------------------------------------

def span(session, locale: str) -> str:
    """When a session takes place: its start by the one date formatter, then its end hour
    ("14 mai 2027 à 18:30 – 20:30")."""
    end = format_time(session.ends_at, "short", tzinfo=PARIS, locale=locale)
    return f"{when(session.starts_at, locale, time=True)} – {end}"


def where(request, session) -> str:
    if session.arrondissement is None:
        return request.localizer.translate(_("En ligne"))
    label = arrondissement_label(session.arrondissement, request.locale_name)
    return f"{session.place} ({label})"


def notify(request, people, template, **mapping) -> int:
    """Mail each person (those known only by their card have no address): how many were told."""
    return sum(mail.send(request, template, person=person_id, **mapping) for person_id in people)


def acting(request) -> dict:
    """Who acts, and whether as an admin: what the session's use cases decide ownership from."""
    identity = request.identity
    return {"by": signed_in_person(request), "admin": identity is not None and Role.ADMIN in identity.roles}


def managing(context, request):
    """None when the signed-in person manages this session (its facilitator or an admin, as the
    domain decides); otherwise the 403 page, with the domain's message and nothing of the session:
    no participant, no feedback, no form."""
    session_id = UUID(context.session.session_id)  # an unknown session: 404, from the factory
    try:
        request.engage.app.check_session_manager(session_id, **acting(request))
    except NotFound:
        raise HTTPNotFound() from None
    except NotAllowed as error:
        request.response.status_int = 403
        return render_to_response(
            "engage:templates/error.pt",
            {"status": 403, "title": _("Accès refusé"), "explanation": error_message(error)},
            request=request, response=request.response)
    return None


def _session_mapping(request, session) -> dict:
    return {"title": session.title, "when": span(session, request.locale_name),
            "link": public_url(request, "workshop_session", session_id=session.session_id),
            "mine": public_url(request, "workshops_mine")}


# -- public catalogue ---------------------------------------------------------------------

def _filters(request) -> tuple[dict, list]:
    """The catalogue's filters from the query string; a bad value is named and ignored."""
    params, problems = {}, []
    theme = request.GET.get("theme", "")
    if theme:
        if theme in THEMES:
            params["theme"] = theme
        else:
            problems.append(_("Cette famille d'ateliers n'existe pas : le filtre est ignoré."))
    arrondissement = request.GET.get("arrondissement", "")
    if arrondissement:
        if arrondissement.isdigit() and int(arrondissement) in ARRONDISSEMENTS:
            params["arrondissement"] = int(arrondissement)
        else:
            problems.append(_("L'arrondissement doit être un nombre de 1 à 20 : le filtre est ignoré."))
    day = request.GET.get("date", "")
    if day:
        try:
            params["date"] = date.fromisoformat(day)
        except ValueError:
            problems.append(_("La date doit s'écrire AAAA-MM-JJ : le filtre est ignoré."))
    page = request.GET.get("page", "1")
    params["page"] = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
    return params, problems


@view_config(route_name="workshops", renderer="engage:templates/workshops_catalogue.pt")
def catalogue(request):
    params, problems = _filters(request)
    start = None
    if "date" in params:
        # What is still to come from that day on. A day already past starts now (the first day
        # of year 1 has no midnight in UTC to convert to: Python cannot spell year 0).
        start = datetime.now(timezone.utc)
        if params["date"] >= start.date():
            start = max(start, datetime.combine(params["date"], time(0, 0), PARIS).astimezone(timezone.utc))
    found = wq.catalogue(request.engage.db, theme=params.get("theme"),
                         arrondissement=params.get("arrondissement"), start=start, page=params["page"])
    query = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in params.items() if k != "page"}

    def page_url(number):
        return request.route_url("workshops", _query={**query, "page": number})

    if problems:
        request.response.status_int = 400
    return {
        "sessions": [(s, span(s, request.locale_name), where(request, s), _(THEMES[s.theme])) for s in found.items],
        "themes": [(code, _(label)) for code, label in THEMES.items()],
        "arrondissements": [(n, arrondissement_label(n, request.locale_name)) for n in ARRONDISSEMENTS],
        "chosen": {"theme": params.get("theme", ""), "arrondissement": params.get("arrondissement"),
                   "date": params["date"].isoformat() if "date" in params else ""},
        "problems": problems,
        "page": found.page,
        "previous_url": page_url(found.page - 1) if found.page > 1 else None,
        "next_url": page_url(found.page + 1) if found.has_next else None,
    }


@view_config(route_name="workshop_session", renderer="engage:templates/workshop_session.pt")
def session_page(context, request, *, error=None):
    session, workshop = context.session, context.workshop
    mine, has_valid_card = None, False
    if request.authenticated_userid:
        person_id = UUID(request.authenticated_userid)
        mine = wq.my_registration(request.engage.db, context.session_id, person_id)
        has_valid_card = card_queries.valid_card_of(request.engage.db, person_id) is not None
    now = datetime.now(timezone.utc)
    return {
        "needs_card": request.authenticated_userid is not None and not has_valid_card,
        "session": session,
        "workshop": workshop,
        "theme": _(THEMES[session.theme]),
        "language": _(LANGUAGES.get(workshop.language, workshop.language)),
        "when": span(session, request.locale_name),
        "where": where(request, session),
        "mine": mine,
        "has_valid_card": has_valid_card,  # the card notice is for those without one
        "open": registration_refused(cancelled=session.cancelled, starts_at=session.starts_at, now=now) is None,
        "is_facilitator": may_manage_session(UUID(session.facilitator_id), **acting(request)),
        "error": error,
    }


@view_config(route_name="workshop_ics")
def session_ics(context, request):
    session, workshop = context.session, context.workshop
    body = session_calendar(
        session, description=workshop.description, location=where(request, session),
        url=public_url(request, "workshop_session", session_id=session.session_id),
        host=public_host(request),
    )
    response = Response(body=body.encode(), content_type="text/calendar", charset="utf-8")
    response.content_disposition = f'attachment; filename="atelier-{session.session_id[:8]}.ics"'
    return response


@view_config(route_name="workshops_calendar", request_method="GET")
def calendar(request):
    """Every session to come (the 500 next), for a calendar to subscribe to: its ETag is the
    sessions' digest (DTSTAMP, the time of the answer, is left out of it)."""
    sessions = [(s, where(request, s), public_url(request, "workshop_session", session_id=s.session_id))
                for s in wq.upcoming(request.engage.db)]
    body = sessions_calendar(sessions, name=request.localizer.translate(_("Ateliers Citoyens")),
                             host=public_host(request))
    response = Response(body=body.encode(), content_type="text/calendar", charset="utf-8")
    response.content_disposition = 'inline; filename="ateliers.ics"'
    response.etag = hashlib.sha256(repr(sessions).encode()).hexdigest()[:32]
    response.cache_control = "public, max-age=900"
    response.vary = ("Cookie",)  # the language chosen
    response.conditional_response = True
    return response


# -- residents: register, withdraw, my registrations ---------------------------------------

@view_config(route_name="workshop_register", permission=Permission.OWN_ACCOUNT,
             renderer="engage:templates/workshop_session.pt")
def register(context, request):
    session_id, session = context.session_id, context.session
    if request.method != "POST":  # back from the login page: show the session, nothing done
        return SeeOther(request.route_url("workshop_session", session_id=session.session_id))
    person_id = signed_in_person(request)
    try:
        registration = request.engage.app.register_for_session(
            session_id, person_id, card_ids=wq.card_ids(request.engage.db, person_id))
    except DomainError as error:
        request.response.status_int = 400
        return session_page(context, request, error=_(error.message))
    target = request.route_url("workshop_session", session_id=session.session_id)
    wait_for_write(request, registration.position, target)
    if registration.status == "registered":
        message = _("Votre inscription est enregistrée. Vous recevrez un message si la séance change.")
    else:
        message = _("La séance est complète : vous êtes sur la liste d'attente, en position ${rank}. "
                    "Si une place se libère, vous serez inscrit·e automatiquement et prévenu·e.",
                    mapping={"rank": registration.rank})
    flash(request, message)
    return SeeOther(target)


@view_config(route_name="workshop_withdraw", permission=Permission.OWN_ACCOUNT,
             renderer="engage:templates/workshop_session.pt")
def withdraw(context, request):
    session_id, session = context.session_id, context.session
    if request.method != "POST":
        return SeeOther(request.route_url("workshop_session", session_id=session.session_id))
    try:
        withdrawal = request.engage.app.cancel_registration(session_id, signed_in_person(request))
    except DomainError as error:
        request.response.status_int = 400
        return session_page(context, request, error=_(error.message))
    if withdrawal.promoted:
        notify(request, [withdrawal.promoted], templates.SEAT_FREED, **_session_mapping(request, session))
    target = request.route_url("workshop_session", session_id=session.session_id)
    wait_for_write(request, withdrawal.position, target)
    flash(request, _("Votre désinscription est enregistrée."))
    return SeeOther(target)


NOTICE_LABELS = {
    "rescheduled": _("Séance déplacée"),
    "cancelled": _("Séance annulée"),
    "promoted": _("Place libérée : vous êtes inscrit·e"),
}
STATE_LABELS = {
    "registered": _("inscrit·e"),
    "waitlisted": _("sur liste d'attente"),
    "walk-in": _("venu·e sans inscription"),
}


@view_config(route_name="workshops_mine", renderer="engage:templates/workshops_mine.pt",
             permission=Permission.OWN_ACCOUNT)
def mine(request):
    db, person_id, locale = request.engage.db, signed_in_person(request), request.locale_name
    now = datetime.now(timezone.utc)
    registrations = wq.my_sessions(db, person_id, coming_after=now).items  # soonest first
    attended = wq.my_sessions(db, person_id, attended=True).items
    app = request.engage.app
    return {
        "notices": [(_(NOTICE_LABELS[n.kind]), n, when(n.at, locale, time=True))
                    for n in wq.notices(db, person_id)],
        "upcoming": [(m, span(m.session, locale), _(STATE_LABELS.get(m.state, m.state)))
                     for m in registrations],
        "attended": [(m, span(m.session, locale), app.has_given_feedback(UUID(m.session.session_id), person_id))
                     for m in attended],
    }


# -- certificates ---------------------------------------------------------------------------

@view_config(route_name="workshop_certificate", renderer="engage:templates/workshop_certificate.pt",
             permission=Permission.OWN_ACCOUNT)
def certificate(context, request):
    session = context.session
    try:
        code = request.engage.app.certificate_code(context.session_id, signed_in_person(request))
    except DomainError as error:
        request.response.status_int = 403
        return {"error": _(error.message), "session": session}
    return {"session": session, "code": code, "when": span(session, request.locale_name),
            "where": where(request, session), "person": request.identity, "error": None,
            "verify_url": request.route_url("workshop_verify")}


@view_config(route_name="workshop_verify", renderer="engage:templates/workshop_verify.pt")
def verify(request):
    """An attestation is verified with its code and the name printed on it; the page never
    shows the name: a code alone must not join a display name with an attendance."""
    code = "".join(request.GET.get("code", "").split()).upper().replace("-", "")
    result, problem = None, None
    if request.GET.get("code") is not None:
        if not CODE.match(code):
            problem = _("Un code de vérification compte 10 caractères : des lettres et des chiffres de 2 à 7.")
            request.response.status_int = 400
        else:
            result = wq.certificate(request.engage.db, code)
            if result is not None and result.display_name is not None \
                    and not _same_name(result.display_name, request.GET.get("nom", "")):
                result = None  # the same answer as an unknown code: no oracle for either
            if result is None:
                problem = _("Aucune attestation ne correspond à ce code et à ce nom. "
                            "Vérifiez-les, caractère par caractère.")
                request.response.status_int = 404
    return {"code": code, "result": result, "problem": problem,
            "when": when(result.starts_at, request.locale_name, time=True)
            if result else None}


def _same_name(display_name: str, typed: str) -> bool:
    def normal(name: str) -> str:
        return " ".join(name.split()).casefold()

    return normal(display_name) == normal(typed)


# -- feedback --------------------------------------------------------------------------------

@view_config(route_name="workshop_feedback", renderer=FORM, permission=Permission.OWN_ACCOUNT)
def give_feedback(context, request):
    session_id, session = context.session_id, context.session
    form = make_form(forms.FeedbackSchema, request, formid="feedback", button=_("Envoyer mon avis"))
    page = {"title": _("Votre avis sur « ${title} »", mapping={"title": session.title}),
            "intro": [_("Une note de 1 à 5 et, si vous le souhaitez, un commentaire. Un seul avis par personne.")]}

    def give(data):
        position = request.engage.app.give_feedback(session_id, signed_in_person(request), rating=data["rating"],
                                                    comment=data["comment"])
        return position, request.route_url("workshops_mine")

    return form_view(request, form, page, give)


# -- staff: workshops and sessions --------------------------------------------------------------

@view_config(route_name="workshops_staff", renderer="engage:templates/workshops_staff.pt",
             permission=Permission.FACILITATE)
def staff(request):
    db, locale = request.engage.db, request.locale_name
    return {
        "sessions": [(s, span(s, locale), where(request, s)) for s in wq.facilitated(db, signed_in_person(request)).items],
        "workshops": [(w, _(THEMES[w.theme])) for w in wq.workshops(db).items],
    }


@view_config(route_name="workshop_new", renderer=FORM, permission=Permission.FACILITATE)
def new_workshop(request):
    form = make_form(forms.WorkshopSchema, request, formid="workshop", button=_("Créer l'atelier"))
    page = {"title": _("Nouvel atelier")}

    def create(data):
        created = request.engage.app.create_workshop(
            title=data["title"], theme=data["theme"], description=data["description"],
            language=data["language"], accessibility=data["accessibility"], created_by=signed_in_person(request))
        return created, request.route_url("session_new", workshop_id=created.id.hex)

    return form_view(request, form, page, create)


@view_config(route_name="session_new", renderer=FORM, permission=Permission.FACILITATE)
def new_session(context, request):
    workshop_id, workshop = context.workshop_id, context.workshop
    facilitators = [(pid, name) for pid, name in wq.facilitators(request.engage.db)]
    form = make_form(forms.SessionSchema, request, formid="session", button=_("Programmer la séance"),
                           facilitators=facilitators)
    page = {"title": _("Nouvelle séance de « ${title} »", mapping={"title": workshop.title})}

    def schedule(data):
        created = request.engage.app.schedule_session(
            workshop_id=workshop_id, starts_at=data["starts_at"], ends_at=data["ends_at"],
            arrondissement=data["arrondissement"], place=data["place"], online_link=data["online_link"],
            capacity=data["capacity"], facilitator_id=UUID(data["facilitator"]), scheduled_by=signed_in_person(request))
        return created, request.route_url("workshop_session", session_id=created.id.hex)

    return form_view(request, form, page, schedule, values={"facilitator": request.authenticated_userid})


@view_config(route_name="session_reschedule", renderer=FORM, permission=Permission.FACILITATE)
def reschedule(context, request):
    refused = managing(context, request)
    if refused:
        return refused
    session_id, session = context.session_id, context.session
    form = make_form(forms.ScheduleSchema, request, formid="reschedule", button=_("Déplacer la séance"))
    page = {"title": _("Déplacer « ${title} »", mapping={"title": session.title}),
            "intro": [_("Actuellement : ${when}. Les personnes inscrites et en attente seront prévenues.",
                        mapping={"when": span(session, request.locale_name)})]}

    def move(data):
        change = request.engage.app.reschedule_session(session_id, starts_at=data["starts_at"],
                                                       ends_at=data["ends_at"], **acting(request))
        moved = wq.SessionView(**{**session.__dict__, "starts_at": data["starts_at"], "ends_at": data["ends_at"]})
        notify(request, change.notify, templates.SESSION_RESCHEDULED, **_session_mapping(request, moved))
        return change, request.route_url("workshop_session", session_id=session.session_id)

    return form_view(request, form, page, move,
                     values={"starts_at": session.starts_at, "ends_at": session.ends_at})


@view_config(route_name="session_cancel", renderer=FORM, permission=Permission.FACILITATE)
def cancel(context, request):
    refused = managing(context, request)
    if refused:
        return refused
    session_id, session = context.session_id, context.session
    form = make_form(ButtonOnlySchema, request, formid="cancel-session", button=_("Annuler la séance"))
    page = {"title": _("Annuler « ${title} »", mapping={"title": session.title}),
            "intro": [_("${when}. L'annulation est définitive ; les personnes inscrites et en attente seront prévenues.",
                        mapping={"when": span(session, request.locale_name)})]}

    def cancel_it(_data):
        change = request.engage.app.cancel_session(session_id, **acting(request))
        notify(request, change.notify, templates.SESSION_CANCELLED,
               **{**_session_mapping(request, session), "link": public_url(request, "workshops")})
        return change, request.route_url("workshop_session", session_id=session.session_id)

    return form_view(request, form, page, cancel_it)


# -- the roll ----------------------------------------------------------------------------------

def _roll_page(request, session, *, error=None, walk_in_form=None):
    lines = wq.roll(request.engage.db, UUID(session.session_id))
    feedback = wq.feedback(request.engage.db, UUID(session.session_id))
    unnamed = request.localizer.translate(_("Participant·e sans compte"))
    # The facilitator calls the roll by name (this page only, behind its permission).
    names = request.engage.accounts.names_of(
        [(UUID(line.person_id), UUID(line.card_id) if line.card_id else None) for line in lines])

    def called(line):
        name = names.get(UUID(line.person_id))
        if name and line.display_name and line.display_name != name:
            return f"{name} ({line.display_name})"
        return name or line.display_name or unnamed

    return {
        "session": session, "when": span(session, request.locale_name), "error": error,
        "lines": sorted(((line, called(line)) for line in lines), key=lambda item: item[1].casefold()),
        "walk_in_form": walk_in_form or make_form(
            forms.WalkInSchema, request, formid="walk-in", button=_("Ajouter comme présent·e"),
            action=request.route_url("session_walk_in", session_id=session.session_id)).render(),
        # Feedback is for the facilitator only: shown here, never on a public page.
        "feedback": feedback,
        "average": format_decimal(sum(r for r, _c in feedback) / len(feedback), format="0.0",
                                  locale=request.locale_name) if feedback else None,
    }


@view_config(route_name="session_roll", renderer="engage:templates/workshop_roll.pt",
             permission=Permission.FACILITATE)
def roll(context, request):
    """Two forms on one page (the roll, and a walk-in whose form posts to walk_in): not form_view."""
    refused = managing(context, request)
    if refused:
        return refused
    session = context.session
    if request.method != "POST":
        return _roll_page(request, session)
    allowed = {line.person_id for line in wq.roll(request.engage.db, UUID(session.session_id))}
    marks = forms.parse_roll(request.POST, allowed)
    if marks is None:
        request.response.status_int = 400
        return _roll_page(request, session, error=_("La feuille de présence envoyée ne correspond pas à cette séance : rien n'a été enregistré."))
    try:
        marked = request.engage.app.record_attendance(
            UUID(session.session_id), {UUID(k): v for k, v in marks.items()}, **acting(request))
    except DomainError as error:
        request.response.status_int = 400
        return _roll_page(request, session, error=_(error.message))
    target = request.route_url("session_roll", session_id=session.session_id)
    wait_for_write(request, marked.position, target)
    flash(request, plural(marked.changed, "Feuille de présence enregistrée (${count} changement).",
                         "Feuille de présence enregistrée (${count} changements).", request=request))
    return SeeOther(target)


@view_config(route_name="session_walk_in", renderer="engage:templates/workshop_roll.pt",
             permission=Permission.FACILITATE)
def walk_in(context, request):
    """The walk-in form of the roll page: on invalid input, the roll page again around it."""
    session = context.session
    if request.method != "POST":
        return SeeOther(request.route_url("session_roll", session_id=session.session_id))
    refused = managing(context, request)
    if refused:
        return refused
    form = make_form(forms.WalkInSchema, request, formid="walk-in", button=_("Ajouter comme présent·e"),
                     action=request.route_url("session_walk_in", session_id=session.session_id))
    data = validate(form, request)
    if data is None:
        return _roll_page(request, session, walk_in_form=request.environ["engage.rendered_form"])
    try:
        marked = request.engage.app.record_walk_in(UUID(session.session_id), data["card_number"],
                                                   **acting(request))
    except DomainError as error:
        request.response.status_int = 400
        return _roll_page(request, session, error=_(error.message), walk_in_form=form.render(data))
    target = request.route_url("session_roll", session_id=session.session_id)
    wait_for_write(request, marked.position, target)
    flash(request, _("Participant·e ajouté·e comme présent·e."))
    return SeeOther(target)


# -- statistics --------------------------------------------------------------------------------

def _rows(values: dict[str, int | None], keys, label) -> list[tuple[str, int | None]]:
    return [(label(key), values.get(str(key), 0)) for key in keys]


def _or(value: int | None, hidden: str) -> int | str:
    return hidden if value is None else value


@view_config(route_name="workshops_stats", renderer="engage:templates/workshops_stats.pt")
def statistics(request):
    _position, counted, sessions = wq.stats(request.engage.db)
    # The workshop-attendance dataset's figures, with the same blanks (secondary suppression).
    figures = workshop_attendance(counted, sessions)
    total = figures.get("total", {})
    marked, present = total.get("marked", 0), total.get("present", 0)
    translate, locale = request.localizer.translate, request.locale_name
    by_arrondissement = _rows(figures.get("arrondissement", {}), ARRONDISSEMENTS,
                              lambda n: arrondissement_label(n, locale))
    by_age = _rows(figures.get("age_band", {}), AGE_BANDS, lambda code: translate(_(AGE_BANDS[code])))
    hidden = translate(_("non publié"))
    return {
        "sessions_held": total.get("sessions_held", 0),
        "registrations": _or(total.get("registrations", 0), hidden),
        "present": _or(present, hidden),
        "rate": f"{round(100 * present / marked)} %" if marked and present is not None else "—",
        "blocks": [
            ("arr", by_arrondissement, bar_chart(by_arrondissement),
             _("Présences par arrondissement de résidence"), _("Arrondissement"),
             _("Présences par arrondissement de résidence (les mêmes données que le tableau)")),
            ("age", by_age, bar_chart(by_age), _("Présences par tranche d'âge"), _("Tranche d'âge"),
             _("Présences par tranche d'âge (les mêmes données que le tableau)")),
        ],
    }


@view_config(route_name="api_workshop_attendance", renderer="json", request_method="GET")
def attendance_api(request):
    """People present per session held, per place and in all: the public attendance table,
    which engage-audit recomputes from the public log alone. Paged by session (`limit`,
    `cursor` from the previous page's `next`); the first page also carries the places and
    the totals. Each page is cut from the whole table, suppressed as one."""
    limit = query.integer_parameter(request.GET, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    after = ""
    if request.GET.get("cursor") is not None:
        after = query.decode_key(request.GET["cursor"], (str,))[0]
        try:
            UUID(after)
        except ValueError:
            raise query.bad_cursor() from None
    position, counted, sessions = wq.stats(request.engage.db)
    table = public_attendance(sessions)
    page = [s for s in sessions if s["session_id"] > after][:limit + 1]
    request.response.headers["Access-Control-Allow-Origin"] = "*"
    request.response.headers["Access-Control-Expose-Headers"] = "Link"
    next_url = None
    if len(page) > limit:
        page = page[:limit]
        parameters = {**{k: v for k, v in request.GET.items() if k != "cursor"},
                      "cursor": query.encode_cursor((page[-1]["session_id"],))}
        next_url = request.route_url("api_workshop_attendance", _query=parameters)
        request.response.headers["Link"] = f'<{next_url}>; rel="next"'
    document = {
        "position": position,
        "sessions": [{"session_id": s["session_id"], "place": place_of(s["arrondissement"]),
                      "present": table.sessions[s["session_id"]]} for s in page],
        "next": next_url,
    }
    if not after:
        # The breakdown by the attendees' arrondissement and age band (the statistics page's):
        # it needs linkage (attendee to card), so only an accredited auditor can recompute it.
        profile = attendance_profile(counted, sessions, table)
        document.update({
            "places": [{"place": key, "present": table.places[key]} for key in sorted(table.places)],
            "total_present": table.total,
            "sessions_held": len(sessions),
            "profile": {metric: [{"key": key, "present": value} for key, value in sorted(values.items())]
                        for metric, values in profile.items()},
        })
    return document
