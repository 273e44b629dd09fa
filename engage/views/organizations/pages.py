"""Organizations and their offers: public catalogues, staff registration, representatives."""

from __future__ import annotations

from uuid import UUID

from pyramid.view import view_config

from engage.domain.common import ARRONDISSEMENTS, DomainError
from engage.domain.organizations.model import OFFER_KINDS, ORGANIZATION_KINDS
from engage.i18n import _, arrondissement_label
from engage.projections.organizations import queries as organization_queries
from engage.projections.seats import queries as seat_queries
from engage.security import Permission
from engage.views.fields import CITY_WIDE, ButtonOnlySchema, place_value
from engage.views.organizations.forms import OfferSchema, OrganizationSchema, RepresentativeSchema
from engage.views.toolkit import (
    SeeOther,
    form_view,
    make_form,
    page_number,
    query,
    signed_in_person,
    validate,
    wait_for_write,
)

FORM = "engage:templates/form_page.pt"


def place_label(request, arrondissement: int | None) -> str:
    if arrondissement is None:
        return request.localizer.translate(_("Tout Paris"))
    return arrondissement_label(arrondissement, request.locale_name)


def _filters(request, kinds: dict) -> dict:
    """The catalogue's filters from the query string; anything unknown is ignored."""
    params = query(request)
    kind = params.get("type") or None
    if kind not in kinds:
        kind = None
    place = params.get("arrondissement") or None
    if place == CITY_WIDE:
        arrondissement = "city"
    elif place and place.isdigit() and int(place) in ARRONDISSEMENTS:
        arrondissement = int(place)
    else:
        place, arrondissement = None, None
    return {"kind": kind, "place": place, "arrondissement": arrondissement}


def _catalogue(request, kinds, fetch, route):
    filters = _filters(request, kinds)
    number = page_number(request)
    items, total = fetch(request.engage.db, kind=filters["kind"], arrondissement=filters["arrondissement"],
                         page=number, size=organization_queries.PAGE_SIZE)
    pages = max(1, -(-total // organization_queries.PAGE_SIZE))
    kept = {k: v for k, v in (("type", filters["kind"]), ("arrondissement", filters["place"])) if v}

    def link(n):
        return request.route_url(route, _query={**kept, "page": n})

    return {
        "items": items, "total": total, "page": number, "pages": pages,
        "previous": link(number - 1) if number > 1 else None,
        "next": link(number + 1) if number < pages else None,
        "kind": filters["kind"], "place": filters["place"],
        "kinds": [(code, _(label)) for code, label in kinds.items()],
        "places": [(CITY_WIDE, _("Tout Paris"))] + [(str(n), arrondissement_label(n, request.locale_name)) for n in ARRONDISSEMENTS],
        "place_label": lambda a: place_label(request, a),
        "kind_label": lambda k: _(kinds[k]),
    }


@view_config(route_name="organizations", renderer="engage:templates/organizations.pt")
def organizations(request):
    page = _catalogue(request, ORGANIZATION_KINDS, organization_queries.organizations_page, "organizations")
    page["can_manage"] = request.has_permission(Permission.MANAGE_ORGANIZATIONS)
    return page


@view_config(route_name="offers", renderer="engage:templates/offers.pt")
def offers(request):
    return _catalogue(request, OFFER_KINDS, organization_queries.offers_page, "offers")


@view_config(route_name="organization_new", renderer=FORM, permission=Permission.MANAGE_ORGANIZATIONS)
def organization_new(request):
    form = make_form(OrganizationSchema, request, formid="organization", button=_("Enregistrer l'organisation"))
    page = {"title": _("Enregistrer une organisation"),
            "intro": [_("Associations, instances consultatives (Commission Parisienne du Débat Public, Conseil parisien de la jeunesse…) et organisations de civic-tech.")]}

    def register(data):
        done = request.engage.app.register_organization(
            name=data["name"], kind=data["kind"], description=data["description"], website=data["website"],
            arrondissement=place_value(data["place"]), registered_by=signed_in_person(request))
        return done, request.route_url("organization", id=done.id.hex)

    return form_view(request, form, page, register)


def _is_representative(request, organization_id: UUID) -> bool:
    person = signed_in_person(request)
    if person is None:
        return False
    try:
        request.engage.app.check_representative(person, organization_id)
    except DomainError:
        return False
    return True


def _attach_form(context, request):
    return make_form(RepresentativeSchema, request, formid="attach", button=_("Rattacher comme représentant·e"),
                     action=request.route_url("organization_attach", id=context.organization.organization_id))


def _organization_page(context, request, *, error=None, attach_form=None) -> dict:
    org, organization_id, db = context.organization, context.organization_id, context.db
    staff = request.has_permission(Permission.MANAGE_ORGANIZATIONS)
    return {
        "org": org,
        "kind": _(ORGANIZATION_KINDS[org.kind]),
        "place": place_label(request, org.arrondissement),
        "offers": organization_queries.offers_of(db, organization_id),
        "offer_kind": lambda k: _(OFFER_KINDS[k]),
        "place_label": lambda a: place_label(request, a),
        "calls": seat_queries.seat_calls_of(db, organization_id),
        "staff": staff,
        "representative": _is_representative(request, organization_id),
        "representatives": organization_queries.representatives(db, organization_id) if staff else [],
        "attach_form": (attach_form or _attach_form(context, request).render()) if staff else None,
        "error": error,
    }


@view_config(route_name="organization", renderer="engage:templates/organization.pt")
def organization(context, request):
    return _organization_page(context, request)


@view_config(route_name="organization_attach", request_method="POST", renderer="engage:templates/organization.pt",
             permission=Permission.MANAGE_ORGANIZATIONS)
def organization_attach(context, request):
    def attach(data):
        position = request.engage.app.attach_representative(context.organization_id, email=data["email"].strip(),
                                                            attached_by=signed_in_person(request))
        return position, request.route_url("organization", id=context.organization.organization_id)

    # The form lives on the organization's page: the one flow, its result shown there.
    shown = form_view(request, _attach_form(context, request), {}, attach)
    if not isinstance(shown, dict):
        return shown
    return _organization_page(context, request, error=shown.get("error"), attach_form=shown["form"])


@view_config(route_name="organization_detach", request_method="POST", renderer="engage:templates/organization.pt",
             permission=Permission.MANAGE_ORGANIZATIONS)
def organization_detach(context, request):
    try:
        person_id = UUID(request.POST.get("person_id", ""))
        position = request.engage.app.detach_representative(context.organization_id, person_id=person_id,
                                                            detached_by=signed_in_person(request))
    except ValueError:
        request.response.status_int = 400
        return _organization_page(context, request, error=_("Cette personne ne représente pas l'organisation."))
    except DomainError as error:
        request.response.status_int = 400
        return _organization_page(context, request, error=_(error.message))
    target = request.route_url("organization", id=context.organization.organization_id)
    wait_for_write(request, position, target)
    return SeeOther(target)


@view_config(route_name="offer_new", renderer=FORM, permission=Permission.OWN_ACCOUNT)
def offer_new(context, request):
    org, organization_id = context.organization, context.organization_id
    staff = request.has_permission(Permission.MANAGE_ORGANIZATIONS)
    page = {"title": _("Publier une offre"),
            "intro": [_("Offre civique, culturelle ou associative de « ${name} », accessible avec la Carte Citoyen·ne.",
                        mapping={"name": org.name})]}
    if not staff and not _is_representative(request, organization_id):
        request.response.status_int = 403
        return {**page, "error": _("Vous ne représentez pas cette organisation.")}
    form = make_form(OfferSchema, request, formid="offer", button=_("Publier l'offre"))

    def publish(data):
        done = request.engage.app.publish_offer(
            organization_id, published_by=signed_in_person(request), as_staff=staff,
            title=data["title"], description=data["description"], kind=data["kind"],
            arrondissement=place_value(data["place"]), starts_on=data["starts_on"],
            ends_on=data["ends_on"] or "", link=data["link"], card_conditions=data["card_conditions"])
        return done, request.route_url("organization", id=org.organization_id)

    return form_view(request, form, page, publish)


@view_config(route_name="offer_withdraw", request_method="POST", renderer=FORM, permission=Permission.OWN_ACCOUNT)
def offer_withdraw(context, request):
    # A button on other pages, with no form page of its own: validate() and a message page,
    # not form_view (which would show the button again under the message).
    offer = context.offer
    page = {"title": _("Retirer une offre")}
    form = make_form(ButtonOnlySchema, request, formid="withdraw", button=_("Retirer"))
    if validate(form, request) is None:
        return {**page, "error": _("La demande a expiré : rechargez la page et réessayez.")}
    try:
        position = request.engage.app.withdraw_offer(
            context.offer_id, withdrawn_by=signed_in_person(request),
            as_staff=request.has_permission(Permission.MANAGE_ORGANIZATIONS))
    except DomainError as error:
        request.response.status_int = 400
        return {**page, "error": _(error.message),
                "links": [(request.route_url("organization", id=offer.organization_id), offer.organization_name)]}
    target = request.route_url("organization", id=offer.organization_id)
    wait_for_write(request, position, target)
    return SeeOther(target)
