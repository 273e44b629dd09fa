"""Helpers for the charter tests: people with roles, signed in through the real login form."""

import pytest
import webtest

from engage.domain.accounts.model import Role
from tests.functional.conftest import make_app, testapp  # noqa: F401  (the web fixtures)

PASSWORD = "une phrase longue et unique 2017"


def person(app: webtest.TestApp, email: str, display_name: str, *, role: Role | None = None) -> webtest.TestApp:
    """A new browser (cookie jar) on the same app, signed in as a new confirmed person."""
    engage = app.app.registry.engage
    signed = engage.accounts.sign_up(name="Test " + display_name, email=email, display_name=display_name,
                                     password=PASSWORD)
    engage.wait_for(engage.accounts.confirm_email(signed.confirmation_token))  # the people read model knows them
    if role:
        engage.wait_for(engage.app.grant_role(signed.person_id, role, granted_by=signed.person_id))
    browser = webtest.TestApp(app.app)
    form = browser.get("/compte/connexion").forms["login"]
    form["email"], form["password"] = email, PASSWORD
    form.submit("submit", status=303)
    browser.person_id = signed.person_id
    return browser


@pytest.fixture
def editor(testapp):
    return person(testapp, "editrice@paris.fr", "Éditrice DDCT", role=Role.EDITOR)


@pytest.fixture
def resident(testapp):
    return person(testapp, "camille@exemple.fr", "Camille du 11e")
