"""Seats by lot in consultative bodies: open a call, volunteer, commit, close, reveal, publish."""

from __future__ import annotations

from uuid import UUID

import deform
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from engage.domain.common import AGE_BANDS, DomainError
from engage.i18n import _, arrondissement_label
from engage.projections.cards import queries as card_queries
from engage.projections.organizations import queries as organization_queries
from engage.projections.seats import queries as seat_queries
from engage.security import Permission
from engage.views.fields import ButtonOnlySchema, make
from engage.views.seats.forms import CommitmentSchema, RevealSchema, SeatCallSchema, parse_strata
from engage.views.toolkit import date_shower, form_view, me, uuid_from, wait

FORM = "engage:templates/form_page.pt"


@view_config(route_name="seat_call_new", renderer=FORM, permission=Permission.MANAGE_ORGANIZATIONS)
def seat_call_new(request):
    organization_id = uuid_from(request, "id")
    org = organization_queries.organization(request.engage.db, organization_id)
    if org is None:
        raise HTTPNotFound()
    form = make(SeatCallSchema, request, formid="seat-call", button=_("Ouvrir l'appel"))
    page = {"title": _("Ouvrir un appel à volontaires"),
            "intro": [_("Pour « ${name} » : des sièges attribués par tirage au sort parmi les titulaires de la Carte Citoyen·ne volontaires.", mapping={"name": org.name})]}

    def open_call(data):
        done = request.engage.app.open_seat_call(organization_id, title=data["title"], seats=data["seats"],
                                                 strata=parse_strata(data["strata"]), opened_by=me(request))
        return done, request.route_url("seat_call", id=done.id.hex)

    return form_view(request, form, page, open_call)


def _call_or_404(request):
    call_id = uuid_from(request, "id")
    call = seat_queries.seat_call(request.engage.db, call_id)
    if call is None:
        raise HTTPNotFound()
    return call_id, call


def _forms(request, call):
    url = lambda name: request.route_url(name, id=call.call_id)  # noqa: E731
    return {
        "volunteer": make(ButtonOnlySchema, request, formid="volunteer", button=_("Je me porte volontaire"),
                          action=url("seat_call_volunteer")),
        "commit": make(CommitmentSchema, request, formid="commit", button=_("Enregistrer l'empreinte"),
                       action=url("seat_call_commit")),
        "close": make(ButtonOnlySchema, request, formid="close", button=_("Clore l'appel"),
                      action=url("seat_call_close")),
        "reveal": make(RevealSchema, request, formid="reveal", button=_("Révéler la graine et tirer au sort"),
                       action=url("seat_call_reveal")),
    }


@view_config(route_name="seat_call", renderer="engage:templates/seat_call.pt")
def seat_call(request, *, error=None, rendered=None):
    call_id, call = _call_or_404(request)
    db = request.engage.db
    org = organization_queries.organization(db, UUID(call.organization_id))
    person = me(request)
    mine = request.engage.app.volunteer_id(person, call_id).hex if person else None
    volunteers = seat_queries.seat_volunteers(db, call_id, size=5000)
    forms = _forms(request, call)
    rendered = rendered or {}
    return {
        "call": call,
        "org": org,
        "volunteers": volunteers,
        "mine": mine,
        "signed_up": bool(mine) and any(v["id"] == str(UUID(mine)) for v in volunteers),
        "selected_me": bool(mine) and call.selected is not None and str(UUID(mine)) in call.selected,
        "staff": request.has_permission(Permission.MANAGE_ORGANIZATIONS),
        "signed_in": person is not None,
        "has_card": bool(person and card_queries.valid_card_of(db, person)),
        "forms": {name: rendered.get(name) or form.render() for name, form in forms.items()},
        "error": error,
        "arrondissement": lambda n: arrondissement_label(n, request.locale_name),
        "age_band": lambda code: request.localizer.translate(_(AGE_BANDS[code])) if code in AGE_BANDS else code,
        "show_date": date_shower(request),
        "public_url": request.route_url("seat_call_data", id=call.call_id),
    }


def _act(request, name, act):
    call_id, call = _call_or_404(request)
    form = _forms(request, call)[name]
    try:
        data = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        request.response.status_int = 400
        return seat_call(request, rendered={name: failure.render()})
    try:
        position = act(call_id, data)
    except DomainError as error:
        request.response.status_int = 400
        return seat_call(request, error=_(error.message), rendered={name: form.render(data)})
    wait(request, position)
    return HTTPSeeOther(request.route_url("seat_call", id=call.call_id))


@view_config(route_name="seat_call_volunteer", request_method="POST", renderer="engage:templates/seat_call.pt",
             permission=Permission.OWN_ACCOUNT)
def seat_call_volunteer(request):
    person = me(request)
    card = card_queries.valid_card_of(request.engage.db, person)
    return _act(request, "volunteer", lambda call_id, data: request.engage.app.volunteer_for_seat(
        call_id, person_id=person, card_id=UUID(card) if card else None).position)


@view_config(route_name="seat_call_commit", request_method="POST", renderer="engage:templates/seat_call.pt",
             permission=Permission.MANAGE_ORGANIZATIONS)
def seat_call_commit(request):
    return _act(request, "commit", lambda call_id, data: request.engage.app.commit_seat_seed(
        call_id, seed_sha256=data["seed_sha256"], committed_by=me(request)))


@view_config(route_name="seat_call_close", request_method="POST", renderer="engage:templates/seat_call.pt",
             permission=Permission.MANAGE_ORGANIZATIONS)
def seat_call_close(request):
    return _act(request, "close", lambda call_id, data: request.engage.app.close_seat_call(
        call_id, closed_by=me(request)))


@view_config(route_name="seat_call_reveal", request_method="POST", renderer="engage:templates/seat_call.pt",
             permission=Permission.MANAGE_ORGANIZATIONS)
def seat_call_reveal(request):
    return _act(request, "reveal", lambda call_id, data: request.engage.app.reveal_seat_seed(
        call_id, seed=data["seed"], revealed_by=me(request)))


@view_config(route_name="seat_call_data", renderer="json")
def seat_call_data(request):
    """The public record as JSON: everything needed to recompute the draw."""
    call_id, call = _call_or_404(request)
    return {
        "call_id": call.call_id, "title": call.title, "seats": call.seats, "strata": call.strata,
        "commitment_sha256": call.commitment, "closed": call.closed, "seed": call.seed,
        "volunteers": seat_queries.seat_volunteers(request.engage.db, call_id, size=100_000),
        "selected": call.selected, "algorithm": "engage-lots-v1",
    }
