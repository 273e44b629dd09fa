"""Carte Citoyen·ne: a signed-in resident asks for their card, sees it, renews or replaces
it, gives or withdraws their consents."""

from __future__ import annotations

from datetime import date, datetime, timezone

from pyramid.view import view_config

from engage.domain.cards import numbers as card_numbers
from engage.domain.cards.model import CONSENT_PURPOSES, RENEWAL_WINDOW_DAYS, status_on
from engage.domain.cards.model import today as date_today
from engage.domain.common import AGE_BANDS, DomainError
from engage.i18n import PCS_LABELS, _, arrondissement_label
from engage.projections.cards import queries as card_queries
from engage.security import Permission
from engage.views.cards.forms import YES, ReplaceSchema, SignedInCardRequestSchema
from engage.views.extensions import extends
from engage.views.fields import ButtonOnlySchema
from engage.views.toolkit import (
    ERROR,
    SeeOther,
    flash,
    form_view,
    make_form,
    signed_in_person,
    validate,
    wait_for_write,
    when,
)

STATUS_LABELS = {
    "active": _("active"),
    "suspended": _("suspendue"),
    "revoked": _("révoquée"),
    "closed": _("close"),
    "expired": _("expirée"),
}
CONSENT_LABELS = {
    "consultation": _("Être consulté·e par la Ville"),
    "newsletter": _("Recevoir la lettre d'information"),
}


def effective_status(card, today: date | None = None) -> str:
    return status_on(card.status, card.valid_until, today or date_today())


@view_config(route_name="card_request", renderer="engage:templates/card_request.pt",
             permission=Permission.REQUEST_CARD)
def card_request(request):
    person_id = signed_in_person(request)
    if card_queries.card_of_person(request.engage.db, person_id) is not None:
        return SeeOther(request.route_url("card_mine"))
    form = make_form(SignedInCardRequestSchema, request, formid="card-request", button=_("Demander ma carte"))

    def request_card(data):
        issued = request.engage.app.request_card(
            person_id=person_id,
            arrondissement=data["arrondissement"],
            age_band=data["age_band"],
            category=data["category"] or None,
            consent_to_consultation=data["consent"] == YES,
            consent_to_newsletter=data["newsletter"] == YES,
        )
        # If the read models lag, the card page says the card is being registered.
        return issued, request.route_url("card_mine")

    return form_view(request, form, {}, request_card, done=_(
        "Votre carte est délivrée. Notez son numéro : il vous sera demandé pour vous inscrire aux ateliers."))


def card_context(request, card) -> dict:
    locale = request.locale_name
    today = datetime.now(timezone.utc).date()
    status = effective_status(card, today)
    end = date.fromisoformat(card.valid_until) if card.valid_until else None
    renewable = status in ("active", "expired") and end is not None and (end - today).days <= RENEWAL_WINDOW_DAYS
    return {
        "card": card,
        "number": card_numbers.display(card.number) if card.number else None,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "valid_until": when(card.valid_until, locale),
        "arrondissement": arrondissement_label(card.arrondissement, locale),
        "age_band": _(AGE_BANDS[card.age_band]),
        "category": PCS_LABELS.get(card.category) if card.category else None,
        "renewable": renewable,
        "consents": [
            (purpose, CONSENT_LABELS[purpose],
             card.consent_consultation if purpose == "consultation" else card.consent_newsletter)
            for purpose in CONSENT_PURPOSES
        ],
    }


@extends("engage:templates/account.pt")
def card_on_account(request, values) -> dict:
    """The account page shows the resident's card."""
    card = card_queries.card_of_person(request.engage.db, signed_in_person(request))
    if card is None:
        return {"card": None}
    return {
        "card": card,
        "card_number": card_numbers.display(card.number) if card.number else "—",
        "card_status": request.localizer.translate(STATUS_LABELS[effective_status(card)]),
        "card_valid_until": when(card.valid_until, request.locale_name),
    }


@view_config(route_name="card_mine", renderer="engage:templates/card_mine.pt", permission=Permission.OWN_ACCOUNT)
def card_mine(request):
    person_id = signed_in_person(request)
    card = card_queries.card_of_person(request.engage.db, person_id)
    if card is None:
        if request.engage.app.card_of(person_id) is not None:
            request.response.status_int = 202  # issued; the read models are catching up
            return {"card": None}
        return SeeOther(request.route_url("card_request"))
    return {**card_context(request, card), "csrf_token": request.session.get_csrf_token()}


def _holder_action(request, act, done):
    """POST-only holder actions from the buttons of the card page (several on one page, no page
    of their own, hence validate() and not form_view): call the use case, wait, come back to the
    card page with a message."""
    form = make_form(ButtonOnlySchema, request, formid="action", button=_("Confirmer"))
    if validate(form, request) is None:
        return SeeOther(request.route_url("card_mine"))
    try:
        position = act()
    except DomainError as error:
        flash(request, _(error.message), ERROR)
        return SeeOther(request.route_url("card_mine"))
    target = request.route_url("card_mine")
    wait_for_write(request, position if isinstance(position, int) else position.position, target)
    flash(request, done)
    return SeeOther(target)


@view_config(route_name="card_renew", request_method="POST", permission=Permission.OWN_ACCOUNT)
def card_renew(request):
    return _holder_action(request, lambda: request.engage.app.renew_card(signed_in_person(request)),
                          _("Votre carte est renouvelée."))


@view_config(route_name="card_consent", request_method="POST", permission=Permission.OWN_ACCOUNT)
def card_consent(request):
    purpose = request.POST.get("purpose")
    give = request.POST.get("answer") == YES
    app, person_id = request.engage.app, signed_in_person(request)
    if give:
        return _holder_action(request, lambda: app.give_consent(person_id, purpose),
                              _("Votre consentement est enregistré."))
    return _holder_action(request, lambda: app.withdraw_consent(person_id, purpose),
                          _("Votre consentement est retiré."))


@view_config(route_name="card_replace", renderer="engage:templates/form_page.pt", permission=Permission.OWN_ACCOUNT)
def card_replace(request):
    form = make_form(ReplaceSchema, request, formid="card-replace", button=_("Remplacer ma carte"))
    page = {
        "title": _("Remplacer ma carte"),
        "intro": [_("Votre carte recevra un nouveau numéro. L'ancien numéro ne sera plus valable, "
                    "même si la carte est retrouvée : personne ne pourra s'en servir.")],
        "links": [(request.route_url("card_mine"), _("Revenir à ma carte sans la remplacer"))],
    }

    def replace(data):
        replaced = request.engage.app.replace_card(signed_in_person(request), data["reason"])
        return replaced, request.route_url("card_mine")

    return form_view(request, form, page, replace,
                     done=_("Votre carte est remplacée : voici son nouveau numéro. L'ancien n'est plus valable."))
