"""The charter's web fixtures: an editor and a resident, each in their own browser, signed in."""

import pytest

from engage.domain.accounts.model import Role
from tests.common.accounts import person


@pytest.fixture
def editor(testapp):
    return person(testapp, "editrice@paris.fr", "Éditrice DDCT", role=Role.EDITOR)


@pytest.fixture
def resident(testapp):
    return person(testapp, "camille@exemple.fr", "Camille du 11e")
