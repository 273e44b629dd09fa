"""The organizations' route factories: the organization or the offer of a URL, or a 404."""

from __future__ import annotations

from types import SimpleNamespace
from uuid import UUID, uuid4

import pytest
from pyramid import testing
from pyramid.httpexceptions import HTTPNotFound

from engage.views.organizations.resources import OfferResource, OrganizationResource

UNKNOWN = "0123456789abcdef0123456789abcdef"
MALFORMED = ("pas-un-id", "0123", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")
STAFF = UUID(int=1)


def resource(factory, engage, id_):
    request = testing.DummyRequest(matchdict={"id": id_})
    request.engage = engage
    return factory(request)


def organization_and_offer(engage):
    org = engage.app.register_organization(
        name="Les Amis du Canal", kind="association", description="Association de quartier autour du canal.",
        website="", arrondissement=10, registered_by=STAFF)
    offer = engage.app.publish_offer(
        org.id, published_by=STAFF, as_staff=True, title="Balade au fil du canal", kind="cultural",
        description="Une visite commentée du canal Saint-Martin.", arrondissement=10, starts_on="2027-05-31",
        ends_on="", link="", card_conditions="Gratuit sur présentation de la carte.")
    engage.engine.catch_up()
    return org.id, offer.id


def test_the_factories_load_the_objects_of_the_url(engage_services):
    org_id, offer_id = organization_and_offer(engage_services)
    context = resource(OrganizationResource, engage_services, org_id.hex)
    assert context.organization.name == "Les Amis du Canal" and context.organization_id == org_id
    context = resource(OfferResource, engage_services, str(offer_id))
    assert context.offer.title == "Balade au fil du canal" and context.offer_id == offer_id


@pytest.mark.parametrize("id_", (UNKNOWN, *MALFORMED))
def test_an_unknown_or_malformed_id_is_a_404(engage_services, id_):
    for factory, name in ((OrganizationResource, "organization"), (OfferResource, "offer")):
        with pytest.raises(HTTPNotFound):
            getattr(resource(factory, engage_services, id_), name)


def test_nothing_is_loaded_before_a_view_asks():
    """Pyramid checks the permission first: building the context reads nothing."""
    request = testing.DummyRequest(matchdict={"id": "pas-un-id"})
    request.engage = SimpleNamespace()  # no database: any read would fail
    OrganizationResource(request)
    OfferResource(request)


def test_unknown_ids_through_the_routes(testapp):
    for id_ in (UNKNOWN, uuid4().hex, *MALFORMED):
        testapp.get(f"/organisations/{id_}", status=404)
        # Staff or signed-in pages: the permission first (the login page), the object after.
        for path in (f"/organisations/{id_}/offres/nouvelle", f"/organisations/{id_}/tirages/nouveau"):
            assert "/compte/connexion" in testapp.get(path, status=303).location
