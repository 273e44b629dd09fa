"""Every route registered in the app, against every role: allowed, 403, or the login page.

The routes come from Pyramid's registry (tests/functional/route_samples.py), so a route
added later by anyone is checked without editing this test. The expected answer comes
from the matrix in engage/security.py: PUBLIC, SIGNED_IN and ROLE_PERMISSIONS.

Unsafe methods are sent without a CSRF token: Pyramid checks the permission first (the
secured view derives over the CSRF one), so an allowed request stops at "Formulaire
expiré" (400) and nothing is written, whatever the route does.
"""

from __future__ import annotations

import pytest

from engage.domain.accounts.model import Role
from engage.security import PUBLIC, ROLE_PERMISSIONS, SIGNED_IN, Permission
from tests.common.accounts import log_in
from tests.common.routes import route_views


def allowed_permissions(persona: str) -> set[str]:
    allowed = {str(p) for p in PUBLIC}
    if persona != "anonymous":
        allowed |= {str(p) for p in SIGNED_IN}
    if persona in {r.value for r in Role}:
        allowed |= {str(p) for p in ROLE_PERMISSIONS[Role(persona)]}
    return allowed


def outcome(response) -> str:
    if response.status_int == 403:
        return "403"
    if response.status_int in (302, 303) and "/compte/connexion?retour=" in response.location:
        return "login"
    return "allowed"


@pytest.mark.backend_independent("security.py's decision, taken before any view reads storage")
def test_every_route_answers_every_role_as_the_matrix_says(personas, testapp):
    routes = route_views(testapp.app.registry)
    assert len(routes) >= 20, routes
    wrong = []
    for route in routes:
        for persona, app in personas.items():
            if route.permission is None or route.permission in allowed_permissions(persona):
                expected = "allowed"
            else:
                expected = "login" if persona == "anonymous" else "403"
            if route.method == "GET":
                response = app.get(route.path, status="*", expect_errors=True)
            else:
                response = app.request(route.path, method=route.method, status="*", expect_errors=True)
            got = outcome(response)
            if got != expected:
                wrong.append(f"{route.method} {route.path} [{route.route}, {route.permission}] as {persona}: "
                             f"expected {expected}, got {got} ({response.status})")
            if route.method != "GET" and persona != "anonymous" and route.route == "logout":
                log_in(app, f"{persona}@matrice.exemple")
    assert not wrong, "\n".join(wrong)


def test_the_matrix_gives_each_staff_permission_to_a_role_and_admins_manage_roles():
    granted = set().union(*ROLE_PERMISSIONS.values())
    staff_only = set(Permission) - PUBLIC - SIGNED_IN
    assert staff_only <= granted
    assert Permission.MANAGE_ROLES in ROLE_PERMISSIONS[Role.ADMIN]
    assert Permission.REQUEST_CARD not in PUBLIC  # a card is asked for from an account


def test_an_admin_opens_a_consultations_next_phase_as_an_editor_does(testapp):
    from tests.common.accounts import staff
    from tests.common.consultations import create_consultation

    engage = testapp.app.registry.engage
    consultation = create_consultation(engage.app)  # in its consultation phase
    engage.engine.catch_up()
    assert Permission.OPEN_PHASE in ROLE_PERMISSIONS[Role.ADMIN] & ROLE_PERMISSIONS[Role.EDITOR]
    assert Permission.EDIT not in ROLE_PERMISSIONS[Role.ADMIN]  # not the editorial work itself
    staff(testapp, Role.ADMIN)
    page = testapp.get("/consultations/charte")
    assert "Modifier la consultation" not in page.text
    opened = page.forms["open-phase"].submit(status=303).follow()
    assert "La nouvelle phase est ouverte." in opened.text
    assert engage.app.get_consultation(consultation).current_phase == "restitution"
