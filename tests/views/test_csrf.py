"""Every unsafe request without a CSRF token is refused, for every role, and writes nothing.

The routes come from Pyramid's registry (tests/common/routes.py): a route added later is checked
without editing this test. A POST without a token may be refused by the permission (403, or the
login page), by the CSRF check (400 "Formulaire expiré"), or not be a POST route at all (404):
never accepted, and the event log does not move.
"""

from __future__ import annotations

import pytest

from tests.common.routes import route_views

REFUSED = {400, 403, 404, 405}


def refused(response) -> bool:
    if response.status_int in REFUSED:
        return True
    return response.status_int in (302, 303) and "/compte/connexion?retour=" in response.location


def last_position(engage) -> int:
    return engage.app.recorder.max_notification_id() or 0


@pytest.mark.backend_independent("the permission and CSRF checks refuse before any view writes")
def test_no_unsafe_request_without_a_token_is_accepted(personas, testapp):
    engage = testapp.app.registry.engage
    routes = route_views(testapp.app.registry)
    before = last_position(engage)
    accepted = []
    for route in routes:
        for persona, app in personas.items():
            # Other unsafe methods only where a view takes POST: elsewhere they match no view at all.
            methods = ("POST", "PUT", "DELETE", "PATCH") if route.method == "POST" else ("POST",)
            for method in methods:
                response = app.request(route.path, method=method, status="*", expect_errors=True,
                                       body=b"nom=valeur", content_type="application/x-www-form-urlencoded")
                if not refused(response):
                    accepted.append(f"{method} {route.path} [{route.route}] as {persona}: {response.status}")
    assert not accepted, "\n".join(accepted)
    assert last_position(engage) == before


def test_a_token_from_another_session_is_refused_too(personas, testapp):
    resident, admin = personas["resident"], personas["admin"]
    token = admin.get("/compte/connexion").forms["login"]["csrf_token"].value
    response = resident.post("/compte/deconnexion", {"csrf_token": token}, status="*", expect_errors=True)
    assert response.status_int == 400
    assert resident.get("/compte", status="*").status_int == 200  # still signed in: nothing happened
