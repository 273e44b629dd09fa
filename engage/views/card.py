"""Carte Citoyen·ne: ask for a card, then see it."""

from uuid import UUID

import deform
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from ..domain import card_numbers
from ..domain.errors import DomainError
from ..domain.places import AGE_BANDS
from ..i18n import _, arrondissement_label
from ..projections import queries
from ..projections.engine import ProjectionTimeout
from ..schemas import YES, card_request_form
from ..security import Permission

SESSION_CARD = "card_id"


@view_config(route_name="card_request", renderer="engage:templates/card_request.pt",
             permission=Permission.REQUEST_CARD)
def card_request(request):
    form = card_request_form(request)
    if request.method != "POST":
        return {"form": form.render()}
    try:
        data = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        request.response.status_int = 400
        return {"form": failure.render()}
    try:
        issued = request.engage.app.issue_card(
            name=data["name"].strip(),
            email=data["email"].strip(),
            arrondissement=data["arrondissement"],
            age_band=data["age_band"],
            consent_to_consultation=data["consent"] == YES,
            # Signed in: the card is the account's, so consultations can check it.
            person_id=UUID(request.authenticated_userid) if request.authenticated_userid else None,
        )
    except DomainError as error:
        request.response.status_int = 400
        return {"form": form.render(data), "error": _(error.message)}
    request.session[SESSION_CARD] = issued.card_id.hex
    try:
        request.engage.wait_for(issued.position)
    except ProjectionTimeout:
        pass  # the card page says the card is being registered
    return HTTPSeeOther(request.route_url("card_mine"))


@view_config(route_name="card_mine", renderer="engage:templates/card_mine.pt")
def card_mine(request):
    card_id = request.session.get(SESSION_CARD)
    if not card_id:
        return HTTPSeeOther(request.route_url("card_request"))
    card = queries.card(request.engage.db, UUID(card_id))
    if card is None:
        request.response.status_int = 202
        return {"card": None}
    return {
        "card": card,
        "number": card_numbers.display(card.number),
        "arrondissement": arrondissement_label(card.arrondissement, request.locale_name),
        "age_band": _(AGE_BANDS[card.age_band]),
    }
