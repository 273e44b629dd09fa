"""The resident's own data: history on their account page, download, erasure;
and an admin's erasure on a resident's request."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from uuid import UUID

from pyramid.response import Response
from pyramid.security import forget
from pyramid.view import view_config

from engage.domain.common import DomainError
from engage.i18n import _
from engage.projections.accounts import queries as account_queries
from engage.projections.cards import queries as card_queries
from engage.security import Permission
from engage.views.accounts.forms import ErasureConfirmSchema, ErasureRequestSchema, ReauthenticationSchema
from engage.views.accounts.pages import client_address
from engage.views.extensions import PERSONAL_DATA, extended
from engage.views.toolkit import form_view, make_form, signed_in_person, validate, wait_for_write

# --------------------------------------------------------------------------- right of access


def personal_data(request, person_id: UUID) -> dict:
    """Everything engage holds about a person: the read models, and what only the log holds
    sealed, unsealed by the account service (the one place that unseals for the person);
    each capability adds its part (engage.views.extensions.PERSONAL_DATA)."""
    db = request.engage.db
    cards = card_queries.cards_of_person(db, person_id)
    sealed = request.engage.accounts.own_personal_data(person_id, [UUID(card.card_id) for card in cards])
    person = account_queries.person(db, person_id)
    data = {
        "format": "engage personal data export, version 1",
        "exported_at": datetime.now(timezone.utc).isoformat(),
        "person_id": str(person_id),
        "account": {
            "name": sealed["name"],
            "email": sealed["email"],
            "display_name": person.display_name if person else sealed["display_name"],
            "email_confirmed": sealed["email_confirmed"],
            "roles": sealed["roles"],
            "erased": sealed["erased"],
        },
        "cards": [{
            "card_id": card.card_id,
            "number": card.number,
            "previous_numbers": sealed["cards"][UUID(card.card_id)]["previous_numbers"],
            "status": card.status,
            "issued_at": card.issued_at,
            "valid_until": card.valid_until,
            "arrondissement": card.arrondissement,
            "age_band": card.age_band,
            "socio_professional_category": sealed["cards"][UUID(card.card_id)]["socio_professional_category"],
            "consents": {"consultation": card.consent_consultation, "newsletter": card.consent_newsletter},
            "history": [
                {"event": e.event, "at": e.occurred_at, "detail": e.detail}
                for e in card_queries.card_history(db, UUID(card.card_id), limit=1000)
            ],
        } for card in cards],
    }
    # The capabilities add theirs: the history (its summaries filled in), the contributions' texts.
    return {**data, **extended(PERSONAL_DATA, request, {"person_id": person_id})}


@view_config(route_name="account_data", permission=Permission.OWN_ACCOUNT, request_method="GET")
def download_my_data(request):
    data = personal_data(request, UUID(request.identity.person_id))
    response = Response(
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True),
        content_type="application/json", charset="utf-8",
    )
    response.content_disposition = 'attachment; filename="mes-donnees-engage.json"'
    response.cache_control = "no-store"
    return response


# --------------------------------------------------------------------------- right to erasure

ERASURE_CONSEQUENCES = [
    _("Votre nom, votre adresse électronique et le numéro de votre carte deviennent illisibles partout, définitivement : la clé qui les chiffre est détruite."),
    _("Votre compte est fermé et votre Carte Citoyen·ne est close. Vous ne pourrez plus vous connecter."),
    _("Vos contributions restent, sous un nom neutre : « Personne effacée »."),
]


@view_config(route_name="account_erase", renderer="engage:templates/form_page.pt", permission=Permission.OWN_ACCOUNT)
def erase_my_data(request):
    form = make_form(ReauthenticationSchema, request, formid="erase", button=_("Effacer définitivement mes données"))
    page = {"title": _("Effacer mes données personnelles"),
            "intro": ERASURE_CONSEQUENCES + [_("Pensez à télécharger vos données avant, si vous souhaitez les garder.")],
            "links": [(request.route_url("account_data"), _("Télécharger mes données d'abord")),
                      (request.route_url("account"), _("Revenir à mon compte sans rien effacer"))]}

    def erase(data):
        person_id = signed_in_person(request)
        # Re-authentication first: a wrong password (WrongPassword) erases nothing.
        request.engage.accounts.check_password(person_id, data["password"], address=client_address(request))
        position = request.engage.accounts.erase(person_id, requested_by=person_id)
        wait_for_write(request, position)
        request.engage.db.scrub()
        headers = forget(request)  # signed out on the redirect itself
        request.add_response_callback(lambda _request, response: response.headers.extend(headers))
        return None, request.route_url("account_erased")

    return form_view(request, form, page, erase)


@view_config(route_name="account_erased", renderer="engage:templates/message_page.pt")
def erased(request):
    return {"title": _("Vos données personnelles sont effacées"),
            "paragraphs": [_("Votre nom, votre adresse électronique et votre numéro de carte sont désormais illisibles. Votre compte est fermé.")]}


@view_config(route_name="admin_erasure", renderer="engage:templates/form_page.pt",
             permission=Permission.ERASE_PERSONAL_DATA)
def admin_erasure(request):
    """An admin erases a resident's data on their request: find by email, confirm, erase.
    Two steps on one URL (the lookup form, then the confirmation form): validate(), not form_view."""
    page = {"title": _("Effacer les données d'une personne, à sa demande"),
            "intro": [_("À utiliser seulement sur demande écrite de la personne, après avoir vérifié son identité.")]}
    lookup = make_form(ErasureRequestSchema, request, formid="erasure-lookup", button=_("Continuer"))
    if request.method != "POST":
        return {**page, "form": lookup.render()}
    data = validate(lookup, request)
    if data is None:
        return {**page, "form": request.environ["engage.rendered_form"]}
    email = data["email"].strip()
    person_id = request.engage.app.find_person_by_email(email)
    if person_id is None:
        request.response.status_int = 400
        return {**page, "form": lookup.render({"email": email}),
                "error": _("Aucun compte n'existe avec cette adresse électronique.")}
    person = account_queries.person(request.engage.db, person_id)
    if request.POST.get("confirm") != "yes":
        confirm = make_form(ErasureConfirmSchema, request, formid="erasure-confirm",
                            button=_("Effacer définitivement ses données"))
        return {"title": _("Confirmer l'effacement"),
                "intro": [_("Vous allez effacer les données personnelles de « ${name} ».",
                            mapping={"name": person.display_name if person else "?"})] + ERASURE_CONSEQUENCES,
                "form": confirm.render({"email": email, "confirm": "yes"}),
                "links": [(request.route_url("admin_erasure"), _("Annuler"))]}
    try:
        position = request.engage.accounts.erase(person_id, requested_by=UUID(request.identity.person_id))
    except DomainError as error:
        request.response.status_int = 400
        return {**page, "form": lookup.render(), "error": _(error.message)}
    wait_for_write(request, position)
    request.engage.db.scrub()
    return {**page, "intro": [_("Les données personnelles de cette personne sont effacées.")],
            "form": lookup.render()}
