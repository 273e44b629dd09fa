"""Carte Citoyen·ne: a signed-in resident asks for their card, sees it, renews or replaces
it, gives or withdraws their consents."""

from __future__ import annotations

from datetime import date, datetime, timezone

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from engage.domain.cards import numbers as card_numbers
from engage.domain.cards.model import CONSENT_PURPOSES, RENEWAL_WINDOW_DAYS, STATUS_ACTIVE, card_is_valid
from engage.domain.common import AGE_BANDS, DomainError
from engage.i18n import _, arrondissement_label
from engage.projections.cards import queries as card_queries
from engage.security import Permission
from engage.views.cards.forms import (
    NO,
    PCS_LABELS,
    REPLACEMENT_LABELS,
    YES,
    ConfirmOnlySchema,
    ReplaceSchema,
    SignedInCardRequestSchema,
    make_form,
)
from engage.views.toolkit import long_date, signed_in_person, validate, wait_for_write

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


person_id = signed_in_person
wait = wait_for_write


def flash(request, message) -> None:
    request.session.flash(request.localizer.translate(message), "card")


def effective_status(card, today: date | None = None) -> str:
    today = today or datetime.now(timezone.utc).date()
    if card.status == STATUS_ACTIVE and not card_is_valid(card.status, card.valid_until, today):
        return "expired"
    return card.status


@view_config(route_name="card_request", renderer="engage:templates/card_request.pt",
             permission=Permission.REQUEST_CARD)
def card_request(request):
    if card_queries.card_of_person(request.engage.db, person_id(request)) is not None:
        return HTTPSeeOther(request.route_url("card_mine"))
    form = make_form(SignedInCardRequestSchema, request, formid="card-request", button=_("Demander ma carte"))
    if request.method != "POST":
        return {"form": form.render()}
    data = validate(form, request)
    if data is None:
        return {"form": request.environ["engage.rendered_form"]}
    try:
        issued = request.engage.app.request_card(
            person_id=person_id(request),
            arrondissement=data["arrondissement"],
            age_band=data["age_band"],
            category=data["category"] or None,
            consent_to_consultation=data["consent"] == YES,
            consent_to_newsletter=data["newsletter"] == YES,
        )
    except DomainError as error:
        request.response.status_int = 400
        return {"form": form.render(data), "error": _(error.message)}
    wait(request, issued.position)  # if it lags, the card page says the card is being registered
    flash(request, _("Votre carte est délivrée. Notez son numéro : il vous sera demandé pour vous inscrire aux ateliers."))
    return HTTPSeeOther(request.route_url("card_mine"))


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
        "valid_until": long_date(card.valid_until, locale),
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


@view_config(route_name="card_mine", renderer="engage:templates/card_mine.pt", permission=Permission.OWN_ACCOUNT)
def card_mine(request):
    card = card_queries.card_of_person(request.engage.db, person_id(request))
    messages = [str(m) for m in request.session.pop_flash("card")]
    if card is None:
        if request.engage.app.card_of(person_id(request)) is not None:
            request.response.status_int = 202  # issued; the read models are catching up
            return {"card": None, "messages": messages}
        return HTTPSeeOther(request.route_url("card_request"))
    return {**card_context(request, card), "messages": messages,
            "csrf_token": request.session.get_csrf_token()}


def _holder_action(request, act, done):
    """POST-only holder actions: call the use case, wait, come back to the card page."""
    form = make_form(ConfirmOnlySchema, request, formid="action", button=_("Confirmer"))
    if validate(form, request) is None:
        return HTTPSeeOther(request.route_url("card_mine"))
    try:
        position = act()
    except DomainError as error:
        flash(request, _(error.message))
        return HTTPSeeOther(request.route_url("card_mine"))
    wait(request, position if isinstance(position, int) else position.position)
    flash(request, done)
    return HTTPSeeOther(request.route_url("card_mine"))


@view_config(route_name="card_renew", request_method="POST", permission=Permission.OWN_ACCOUNT)
def card_renew(request):
    return _holder_action(request, lambda: request.engage.app.renew_card(person_id(request)),
                          _("Votre carte est renouvelée."))


@view_config(route_name="card_consent", request_method="POST", permission=Permission.OWN_ACCOUNT)
def card_consent(request):
    purpose = request.POST.get("purpose")
    give = request.POST.get("answer") == YES
    app = request.engage.app
    if give:
        return _holder_action(request, lambda: app.give_consent(person_id(request), purpose),
                              _("Votre consentement est enregistré."))
    return _holder_action(request, lambda: app.withdraw_consent(person_id(request), purpose),
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
    if request.method != "POST":
        return {**page, "form": form.render()}
    data = validate(form, request)
    if data is None:
        return {**page, "form": request.environ["engage.rendered_form"]}
    try:
        replaced = request.engage.app.replace_card(person_id(request), data["reason"])
    except DomainError as error:
        request.response.status_int = 400
        return {**page, "form": form.render(data), "error": _(error.message)}
    wait(request, replaced.position)
    flash(request, _("Votre carte est remplacée : voici son nouveau numéro. L'ancien n'est plus valable."))
    return HTTPSeeOther(request.route_url("card_mine"))


__all__ = ["NO", "REPLACEMENT_LABELS"]
