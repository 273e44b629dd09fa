"""The workshops' route factories: an unknown or malformed session or workshop id is a 404
(never a 500), for residents' and staff's pages, after the permission check."""

from __future__ import annotations


import pytest

from engage.domain.accounts.model import Role
from tests.common.accounts import with_roles

UNKNOWN = "0" * 31 + "1"  # a well-formed id nobody has (the same in every xdist worker)
MALFORMED = "pas-un-identifiant"

SESSION_PAGES = [
    ("GET", "/ateliers/seance/{}"),
    ("GET", "/ateliers/seance/{}/agenda.ics"),
    ("GET", "/ateliers/seance/{}/attestation"),
    ("GET", "/ateliers/seance/{}/avis"),
    ("POST", "/ateliers/seance/{}/inscription"),
    ("POST", "/ateliers/seance/{}/desinscription"),
    ("GET", "/ateliers/animation/seance/{}/deplacer"),
    ("GET", "/ateliers/animation/seance/{}/annuler"),
    ("GET", "/ateliers/animation/seance/{}/presences"),
    ("POST", "/ateliers/animation/seance/{}/presences/sur-place"),
    ("GET", "/ateliers/animation/atelier/{}/nouvelle-seance"),
]


@pytest.mark.parametrize("session_key", [UNKNOWN, MALFORMED])
def test_unknown_or_malformed_ids_are_404_for_staff(testapp, session_key):
    with_roles(testapp, "admin@ressources.exemple", "Admin ressources", Role.ADMIN)
    token = testapp.get("/compte/connexion").forms["login"]["csrf_token"].value
    for method, path in SESSION_PAGES:
        url = path.format(session_key)
        if method == "GET":
            testapp.get(url, status=404)
        else:
            testapp.post(url, {"csrf_token": token}, status=404)


def test_public_session_page_is_404_for_anyone_and_protected_ones_ask_to_log_in_first(testapp):
    testapp.get(f"/ateliers/seance/{UNKNOWN}", status=404)
    testapp.get(f"/ateliers/seance/{MALFORMED}/agenda.ics", status=404)
    # The permission is checked before the id is looked at: an anonymous visitor learns nothing.
    response = testapp.get(f"/ateliers/seance/{UNKNOWN}/attestation", status=303)
    assert "/compte/connexion" in response.location
    response = testapp.get(f"/ateliers/animation/atelier/{MALFORMED}/nouvelle-seance", status=303)
    assert "/compte/connexion" in response.location
