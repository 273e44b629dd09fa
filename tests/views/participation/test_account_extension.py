"""The participation history reaches the account page as an extension of its template."""

from uuid import uuid4

from pyramid import testing

from engage.views.extensions import _BY_TEMPLATE
from engage.views.participation.pages import history_on_the_account_page


def test_the_history_extends_the_account_page(engage_services):
    assert history_on_the_account_page in _BY_TEMPLATE["engage:templates/account.pt"]
    with testing.testConfig() as config:
        request = testing.DummyRequest()
        request.engage = engage_services
        assert history_on_the_account_page(request, {}) == {}  # nobody signed in: nothing
        config.testing_securitypolicy(userid=str(uuid4()))
        assert history_on_the_account_page(request, {}) == {
            "history": [], "history_next": None, "history_first_page": False}
        assert history_on_the_account_page(request, {"history": ["given"]}) == {}  # the view's own wins
