"""The staff card pages' route factory: an unknown or malformed card id is a 404 (never a 500),
after the permission check."""

from __future__ import annotations

from uuid import uuid4

import pytest

from engage.domain.accounts.model import Role
from tests.common.accounts import with_roles


@pytest.mark.parametrize("card_key", ["0" * 31 + "2", "00000000-0000-0000-0000-000000000003", "pas-une-carte"])
def test_unknown_or_malformed_card_ids_are_404(testapp, card_key):
    with_roles(testapp, "admin@ressources.exemple", "Admin ressources", Role.ADMIN)
    testapp.get(f"/admin/cartes/{card_key}", status=404)
    token = testapp.get("/compte/connexion").forms["login"]["csrf_token"].value
    testapp.post(f"/admin/cartes/{card_key}/suspend", {"csrf_token": token, "reason": "Vérification"}, status=404)


def test_the_permission_comes_before_the_card(testapp):
    response = testapp.get(f"/admin/cartes/{uuid4().hex}", status=303)
    assert "/compte/connexion" in response.location
