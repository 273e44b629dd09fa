"""Fixtures shared across test directories (registered from tests/conftest.py as a plugin)."""

from __future__ import annotations

import pytest
import webtest

from engage.domain.accounts.model import Role
from tests.common.accounts import PASSWORD, PERSONAS, log_in, with_roles


@pytest.fixture
def editor_app(make_app):
    """An app with an editor (also moderator and facilitator) signed in."""
    app = make_app()
    with_roles(app, "editrice@exemple.fr", "Éditrice Ville", Role.EDITOR, Role.MODERATOR, Role.FACILITATOR)
    return app


@pytest.fixture
def signed_app(make_app):
    """An app whose checkpoints are signed at once, so the checkpoint dataset has rows."""
    return make_app(**{"engage.transparency.checkpoint_interval": "0"})


@pytest.fixture
def personas(testapp):
    """A signed-in TestApp per persona, all on one WSGI app."""
    engage = testapp.app.registry.engage
    apps = {"anonymous": webtest.TestApp(testapp.app)}
    position = 0
    for persona in PERSONAS[1:]:
        email = f"{persona}@matrice.exemple"
        signed_up = engage.accounts.sign_up(name=f"Personne {persona}", email=email,
                                            display_name=f"Persona {persona}", password=PASSWORD)
        position = engage.app.confirm_email(signed_up.person_id)
        if persona != "resident":
            position = engage.app.grant_role(signed_up.person_id, Role(persona), granted_by=signed_up.person_id)
    engage.wait_for(position)
    for persona in PERSONAS[1:]:
        apps[persona] = webtest.TestApp(testapp.app)
        log_in(apps[persona], f"{persona}@matrice.exemple")
    return apps
