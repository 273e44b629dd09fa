"""A signed-in admin (every staff permission) on a TestApp, for the route factories' tests."""

from __future__ import annotations

from engage.domain.accounts.model import Role

PASSWORD = "une phrase longue et unique 2017"


def signed_in_admin(testapp, email="admin@ressources.exemple"):
    engage = testapp.app.registry.engage
    signed_up = engage.accounts.sign_up(name="Personne admin", email=email, display_name="Admin ressources",
                                        password=PASSWORD)
    engage.app.confirm_email(signed_up.person_id)
    engage.wait_for(engage.app.grant_role(signed_up.person_id, Role.ADMIN, granted_by=signed_up.person_id))
    form = testapp.get("/compte/connexion").forms["login"]
    form["email"], form["password"] = email, PASSWORD
    form.submit("submit", status=303)
    return signed_up.person_id
