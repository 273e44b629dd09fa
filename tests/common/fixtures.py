"""Fixtures shared across test directories (registered from tests/conftest.py as a plugin)."""

from __future__ import annotations

import pytest

from engage.domain.accounts.model import Role
from tests.common.accounts import with_roles


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
