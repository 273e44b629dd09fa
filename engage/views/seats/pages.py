"""Seats by lot in consultative bodies: open a call, volunteer, commit, close, reveal, publish."""

from __future__ import annotations

from uuid import UUID

from pyramid.view import view_config

from engage.domain.common import AGE_BANDS
from engage.i18n import _, arrondissement_label
from engage.opendata import query
from engage.projections.cards import queries as card_queries
from engage.projections.seats import queries as seat_queries
from engage.security import Permission
from engage.views.fields import ButtonOnlySchema
from engage.views.seats.forms import CommitmentSchema, RevealSchema, SeatCallSchema, parse_strata
from engage.views.toolkit import form_view, make_form, signed_in_person

FORM = "engage:templates/form_page.pt"
SEAT_CALL = "engage:templates/seat_call.pt"
#: Volunteers per page: on the call's page, and in its JSON record (`limit`, at most API_MAX).
PAGE_VOLUNTEERS = 500
API_VOLUNTEERS = 1000
API_MAX = 5000


@view_config(route_name="seat_call_new", renderer=FORM, permission=Permission.MANAGE_ORGANIZATIONS)
def seat_call_new(context, request):
    org, organization_id = context.organization, context.organization_id
    form = make_form(SeatCallSchema, request, formid="seat-call", button=_("Ouvrir l'appel"))
    page = {"title": _("Ouvrir un appel à volontaires"),
            "intro": [_("Pour « ${name} » : des sièges attribués par tirage au sort parmi les titulaires de la Carte Citoyen·ne volontaires.", mapping={"name": org.name})]}

    def open_call(data):
        done = request.engage.app.open_seat_call(organization_id, title=data["title"], seats=data["seats"],
                                                 strata=parse_strata(data["strata"]),
                                                 opened_by=signed_in_person(request))
        return done, request.route_url("seat_call", id=done.id.hex)

    return form_view(request, form, page, open_call)


def _forms(request, call):
    url = lambda name: request.route_url(name, id=call.call_id)  # noqa: E731
    return {
        "volunteer": make_form(ButtonOnlySchema, request, formid="volunteer", button=_("Je me porte volontaire"),
                               action=url("seat_call_volunteer")),
        "commit": make_form(CommitmentSchema, request, formid="commit", button=_("Enregistrer l'empreinte"),
                            action=url("seat_call_commit")),
        "close": make_form(ButtonOnlySchema, request, formid="close", button=_("Clore l'appel"),
                           action=url("seat_call_close")),
        "reveal": make_form(RevealSchema, request, formid="reveal", button=_("Révéler la graine et tirer au sort"),
                            action=url("seat_call_reveal")),
    }


def _seat_call_page(context, request, *, error=None, rendered=None) -> dict:
    call, call_id, db = context.call, context.call_id, context.db
    person = signed_in_person(request)
    mine = request.engage.app.volunteer_id(person, call_id).hex if person else None
    try:  # a bad cursor in a shared link: the first page, not an error
        after = query.decode_key(request.GET["cursor"], (int,))[0] if "cursor" in request.GET else 0
    except query.BadParameter:
        after = 0
    volunteers, following = seat_queries.seat_volunteer_page(db, call_id, after=after, size=PAGE_VOLUNTEERS)
    forms = _forms(request, call)
    rendered = rendered or {}
    return {
        "call": call,
        "org": context.organization,
        "volunteers": volunteers,
        "first_page": after == 0,
        "next_page": None if following is None else request.route_url(
            "seat_call", id=call.call_id, _query={"cursor": query.encode_cursor((following,))},
            _anchor="volunteers-title"),
        "mine": mine,
        "signed_up": bool(mine) and seat_queries.is_volunteer(db, call_id, str(UUID(mine))),
        "selected_me": bool(mine) and call.selected is not None and str(UUID(mine)) in call.selected,
        "staff": request.has_permission(Permission.MANAGE_ORGANIZATIONS),
        "signed_in": person is not None,
        "has_card": bool(person and card_queries.valid_card_of(db, person)),
        "forms": {name: rendered.get(name) or form.render() for name, form in forms.items()},
        "error": error,
        "arrondissement": lambda n: arrondissement_label(n, request.locale_name),
        "age_band": lambda code: request.localizer.translate(_(AGE_BANDS[code])) if code in AGE_BANDS else code,
        "public_url": request.route_url("seat_call_data", id=call.call_id),
    }


@view_config(route_name="seat_call", renderer=SEAT_CALL)
def seat_call(context, request):
    return _seat_call_page(context, request)


def _act(context, request, name, act):
    """One of the call page's forms, through the one form flow; its result shown on the page."""
    def run(data):
        return act(context.call_id, data), request.route_url("seat_call", id=context.call.call_id)

    shown = form_view(request, _forms(request, context.call)[name], {}, run)
    if not isinstance(shown, dict):
        return shown
    return _seat_call_page(context, request, error=shown.get("error"), rendered={name: shown["form"]})


@view_config(route_name="seat_call_volunteer", request_method="POST", renderer=SEAT_CALL,
             permission=Permission.OWN_ACCOUNT)
def seat_call_volunteer(context, request):
    person = signed_in_person(request)
    card = card_queries.valid_card_of(context.db, person)
    return _act(context, request, "volunteer", lambda call_id, data: request.engage.app.volunteer_for_seat(
        call_id, person_id=person, card_id=UUID(card) if card else None).position)


@view_config(route_name="seat_call_commit", request_method="POST", renderer=SEAT_CALL,
             permission=Permission.MANAGE_ORGANIZATIONS)
def seat_call_commit(context, request):
    return _act(context, request, "commit", lambda call_id, data: request.engage.app.commit_seat_seed(
        call_id, seed_sha256=data["seed_sha256"], committed_by=signed_in_person(request)))


@view_config(route_name="seat_call_close", request_method="POST", renderer=SEAT_CALL,
             permission=Permission.MANAGE_ORGANIZATIONS)
def seat_call_close(context, request):
    return _act(context, request, "close", lambda call_id, data: request.engage.app.close_seat_call(
        call_id, closed_by=signed_in_person(request)))


@view_config(route_name="seat_call_reveal", request_method="POST", renderer=SEAT_CALL,
             permission=Permission.MANAGE_ORGANIZATIONS)
def seat_call_reveal(context, request):
    return _act(context, request, "reveal", lambda call_id, data: request.engage.app.reveal_seat_seed(
        call_id, seed=data["seed"], revealed_by=signed_in_person(request)))


@view_config(route_name="seat_call_data", renderer="json")
def seat_call_data(context, request):
    """The public record as JSON: everything needed to recompute the draw. The volunteers
    come a page at a time (`limit`, at most API_MAX), in sign-up order: `next` is the
    address of the following page (same record, the next volunteers), null on the last.
    A bad `cursor` or `limit` is a 400 with a French message (engage.opendata.query)."""
    call = context.call
    size = query.integer_parameter(request.GET, "limit", API_VOLUNTEERS, 1, API_MAX)
    after = query.decode_key(request.GET["cursor"], (int,))[0] if "cursor" in request.GET else 0
    volunteers, following = seat_queries.seat_volunteer_page(context.db, context.call_id, after=after, size=size)
    next_url = None
    if following is not None:
        parameters = {**{k: v for k, v in request.GET.items() if k != "cursor"},
                      "cursor": query.encode_cursor((following,))}
        next_url = request.route_url("seat_call_data", id=call.call_id, _query=parameters)
        request.response.headers["Link"] = f'<{next_url}>; rel="next"'
    return {
        "call_id": call.call_id, "title": call.title, "seats": call.seats, "strata": call.strata,
        "commitment_sha256": call.commitment, "closed": call.closed, "seed": call.seed,
        "volunteers": volunteers, "next": next_url,
        "selected": call.selected, "algorithm": "engage-lots-v1",
    }
