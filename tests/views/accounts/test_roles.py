"""Staff roles: an admin grants and revokes them by email, after a confirmation, as events."""

from engage.domain.accounts.model import Role
from tests.common.accounts import log_in, log_out, services, sign_up, staff


def role_form(page, email, role, action):
    form = page.forms["role"]
    form["email"], form["role"], form["action"] = email, role, action
    return form


def test_admin_grants_then_revokes_a_role_with_confirmation(testapp):
    editor = sign_up(testapp, "claude@exemple.fr", name="Claude Rédac", display_name="Claude")
    engage = services(testapp)
    staff(testapp, Role.ADMIN)
    account = testapp.get("/compte")
    assert "Espace de l'équipe" in account.text
    page = account.click("Rôles de l'équipe")
    assert "Agent admin" in page.text  # the staff list
    head = engage.engine.head()
    confirm = role_form(page, "claude@exemple.fr", "editor", "grant").submit("submit")
    assert "Attribuer le rôle « Édition (restitution, charte, guide) » à « Claude » ?" in confirm.text
    assert engage.engine.head() == head  # not before the confirmation
    done = confirm.forms["role-confirm"].submit("submit")
    assert "Le rôle est attribué." in done.text
    assert engage.app.get_account(editor).roles == {"editor"}
    assert "Claude" in done.html.find("table").text
    # Granting twice is refused with a message.
    again = role_form(done, "claude@exemple.fr", "editor", "grant").submit("submit").forms["role-confirm"]
    assert "a déjà ce rôle" in again.submit("submit", status=400).text
    # Revoke.
    confirm = role_form(testapp.get("/admin/roles"), "claude@exemple.fr", "editor", "revoke").submit("submit")
    done = confirm.forms["role-confirm"].submit("submit")
    assert "Le rôle est retiré." in done.text and engage.app.get_account(editor).roles == set()
    # The person signs in: no editor rights any more; their history says what happened.
    log_out(testapp)
    log_in(testapp, "claude@exemple.fr")
    history = testapp.get("/compte").text
    assert "Espace de l'équipe" not in history
    assert "Rôle attribué : Édition" in history and "Rôle retiré : Édition" in history


def test_unknown_email_and_bad_input(testapp):
    staff(testapp, Role.ADMIN)
    head = services(testapp).engine.head()
    page = testapp.get("/admin/roles")
    assert "Aucun compte n'existe" in role_form(page, "inconnu@exemple.fr", "editor", "grant").submit(
        "submit", status=400).text
    assert "adresse électronique valide" in role_form(page, "pas-une-adresse", "editor", "grant").submit(
        "submit", status=400).text
    token = page.forms["role"]["csrf_token"].value
    forged = testapp.post("/admin/roles", {"csrf_token": token, "email": "admin@ville.exemple", "role": "roi",
                                           "action": "grant", "confirm": "yes"}, status=400)
    assert "Le formulaire contient des erreurs" in forged.text
    assert services(testapp).engine.head() == head
