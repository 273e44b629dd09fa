"""Staff pages of the card: find a card by number, see its status and history, and suspend,
revoke or reinstate it with a reason (Permission.MANAGE_CARDS)."""

from __future__ import annotations

from uuid import UUID

from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from engage.domain.cards import numbers as card_numbers
from engage.domain.common import AGE_BANDS, DomainError
from engage.i18n import _, arrondissement_label
from engage.projections.accounts import queries as account_queries
from engage.projections.cards import queries as card_queries
from engage.security import Permission
from engage.views.cards.forms import REPLACEMENT_LABELS, CardLookupSchema, DecisionSchema
from engage.views.cards.pages import STATUS_LABELS, effective_status
from engage.views.toolkit import SeeOther, make_form, validate, wait_for_write, when

LOOKUP_MESSAGES = {
    "malformed": _("Ce numéro n'est pas un numéro de Carte Citoyen·ne valide : vérifiez les onze chiffres (le dernier est une clé de contrôle)."),
    "unknown": _("Aucune carte ne porte ce numéro."),
    "replaced": _("Ce numéro n'est plus valable : la carte a été remplacée et porte un nouveau numéro."),
}
EVENT_LABELS = {
    "CardIssued": _("Carte délivrée"),
    "CardRenewed": _("Carte renouvelée"),
    "CardReplaced": _("Carte remplacée"),
    "CardSuspended": _("Carte suspendue"),
    "CardReinstated": _("Carte rétablie"),
    "CardRevoked": _("Carte révoquée"),
    "CardClosed": _("Carte close (données effacées)"),
    "ConsentGiven": _("Consentement donné"),
    "ConsentWithdrawn": _("Consentement retiré"),
}
DECISIONS = {
    "suspend": (_("Suspendre la carte"), "suspend_card", ("active",)),
    "revoke": (_("Révoquer la carte"), "revoke_card", ("active", "suspended", "expired")),
    "reinstate": (_("Rétablir la carte"), "reinstate_card", ("suspended", "revoked")),
}


@view_config(route_name="staff_cards", renderer="engage:templates/form_page.pt", permission=Permission.MANAGE_CARDS)
def find_card(request):
    """A lookup, not a write: validate() and its own answers, not form_view."""
    form = make_form(CardLookupSchema, request, formid="card-lookup", button=_("Chercher"))
    page = {"title": _("Trouver une carte")}
    if request.method != "POST":
        return {**page, "form": form.render()}
    data = validate(form, request)
    if data is None:
        return {**page, "form": request.environ["engage.rendered_form"]}
    found = request.engage.app.look_up_card_number(data["number"])
    if found.status == "current":
        return SeeOther(request.route_url("staff_card", card_id=found.card_id.hex))
    request.response.status_int = 404 if found.status == "unknown" else 400
    links = []
    if found.status == "replaced":
        links = [(request.route_url("staff_card", card_id=found.card_id.hex), _("Voir la carte qui porte le nouveau numéro"))]
    return {**page, "form": form.render(data), "error": _(LOOKUP_MESSAGES[found.status]), "links": links}


@view_config(route_name="staff_card", renderer="engage:templates/staff_card.pt", permission=Permission.MANAGE_CARDS)
def staff_card(context, request, forms=None, error=None):
    """The card, its history, and one decision form per allowed decision (several forms on one
    page, each posting to decide: not form_view)."""
    card_id, card = context.card_id, context.card
    locale = request.locale_name
    translate = request.localizer.translate
    status = effective_status(card)
    holder = account_queries.person(request.engage.db, UUID(card.person_id))
    history = []
    for e in card_queries.card_history(request.engage.db, card_id):
        actor = account_queries.person(request.engage.db, UUID(e.actor_id)) if e.actor_id else None
        detail = e.detail
        if e.event == "CardReplaced":
            detail = translate(REPLACEMENT_LABELS.get(detail, detail))
        elif e.event == "CardRenewed":
            detail = when(detail, locale)
        history.append({"when": when(e.occurred_at, locale, time=True), "what": translate(EVENT_LABELS.get(e.event, e.event)),
                        "by": actor.display_name if actor else "", "detail": detail or ""})
    forms = forms or {}
    decisions = []
    for action, (title, _use_case, allowed) in DECISIONS.items():
        if status in allowed:
            form = forms.get(action) or make_form(
                DecisionSchema, request, formid=f"decision-{action}", button=title,
                action=request.route_url("staff_card_decision", card_id=card_id.hex, action=action)).render()
            decisions.append({"title": title, "form": form, "id": f"decision-{action}"})
    return {
        "card": card,
        "number": card_numbers.display(card.number) if card.number else None,
        "status_label": STATUS_LABELS[status],
        "valid_until": when(card.valid_until, locale),
        "arrondissement": arrondissement_label(card.arrondissement, locale),
        "age_band": _(AGE_BANDS[card.age_band]),
        "holder": holder.display_name if holder else None,
        "history": history,
        "decisions": decisions,
        "error": error,
    }


@view_config(route_name="staff_card_decision", request_method="POST", renderer="engage:templates/staff_card.pt",
             permission=Permission.MANAGE_CARDS)
def decide(context, request):
    """One of the staff card page's decision forms: on invalid input, that page again around it."""
    card_id = context.card_id
    context.card  # 404 before anything else for an unknown card
    action = request.matchdict["action"]
    if action not in DECISIONS:
        raise HTTPNotFound()
    title, use_case, _allowed = DECISIONS[action]
    form = make_form(DecisionSchema, request, formid=f"decision-{action}", button=title,
                     action=request.route_url("staff_card_decision", card_id=card_id.hex, action=action))
    data = validate(form, request)
    if data is None:
        return staff_card(context, request, forms={action: request.environ["engage.rendered_form"]})
    try:
        position = getattr(request.engage.app, use_case)(
            card_id, reason=data["reason"], by=UUID(request.identity.person_id))
    except DomainError as error:
        request.response.status_int = 400
        return staff_card(context, request, error=_(error.message))
    target = request.route_url("staff_card", card_id=card_id.hex)
    wait_for_write(request, position, target)
    return SeeOther(target)
