"""The seats' route factory: the call for volunteers of a URL, or a 404."""

from __future__ import annotations

from types import SimpleNamespace
from uuid import UUID, uuid4

import pytest
from pyramid import testing
from pyramid.httpexceptions import HTTPNotFound

from engage.views.seats.resources import SeatCallResource

UNKNOWN = "0123456789abcdef0123456789abcdef"
MALFORMED = ("pas-un-id", "0123", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")
STAFF = UUID(int=1)


def resource(engage, id_):
    request = testing.DummyRequest(matchdict={"id": id_})
    request.engage = engage
    return SeatCallResource(request)


def test_the_factory_loads_the_call_and_its_organization(engage_services):
    engage = engage_services
    org = engage.app.register_organization(
        name="Conseil parisien de la jeunesse", kind="consultative-body",
        description="L'instance consultative des jeunes.", website="", arrondissement=None, registered_by=STAFF)
    call = engage.app.open_seat_call(org.id, title="Sièges 2027", seats=2, strata=[], opened_by=STAFF)
    engage.engine.catch_up()
    context = resource(engage, call.id.hex)
    assert context.call.title == "Sièges 2027" and context.call_id == call.id
    assert context.organization.name == "Conseil parisien de la jeunesse"


@pytest.mark.parametrize("id_", (UNKNOWN, *MALFORMED))
def test_an_unknown_or_malformed_id_is_a_404(engage_services, id_):
    with pytest.raises(HTTPNotFound):
        resource(engage_services, id_).call


def test_nothing_is_loaded_before_a_view_asks():
    request = testing.DummyRequest(matchdict={"id": "pas-un-id"})
    request.engage = SimpleNamespace()  # no database: any read would fail
    SeatCallResource(request)


def test_unknown_ids_through_the_routes(testapp):
    for id_ in (UNKNOWN, uuid4().hex, *MALFORMED):
        testapp.get(f"/tirages/{id_}", status=404)
        testapp.get(f"/api/seat-calls/{id_}", status=404)
