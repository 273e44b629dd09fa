"""Accounts through the web: sign up, confirm by mail, log in and out, reset, throttling."""

from datetime import datetime, timedelta, timezone

import pytest

from tests.common.accounts import PASSWORD, confirm, last_link, log_in, outbox
from tests.common.accounts import start_sign_up as sign_up


def test_sign_up_confirm_log_in_see_account_log_out(testapp):
    sent = sign_up(testapp).follow()
    assert "Vérifiez votre messagerie" in sent.text
    mail = outbox(testapp)[-1]
    assert mail.recipients == ["camille@exemple.fr"]
    assert "/compte/confirmer/" in mail.body
    login_page = confirm(testapp).follow()
    assert "Votre adresse est confirmée" in login_page.text
    account = log_in(testapp).follow()
    assert "Camille du 11e" in account.text and "confirmée" in account.text
    assert "Se déconnecter" in account.text
    logout = account.forms[0]
    assert logout.action.endswith("/compte/deconnexion")
    logout.submit(status=303)
    testapp.get("/compte", status=303)  # back to the login page


def test_login_rotates_the_session(testapp):
    sign_up(testapp)
    confirm(testapp)
    testapp.get("/compte/connexion")
    before = testapp.cookies.get("engage_session")
    log_in(testapp)
    assert testapp.cookies.get("engage_session") != before


def test_account_page_requires_login_and_comes_back_after(testapp):
    sign_up(testapp)
    confirm(testapp)
    redirect = testapp.get("/compte", status=303)
    assert "/compte/connexion?retour=%2Fcompte" in redirect.location
    form = redirect.follow().forms["login"]
    form["email"], form["password"] = "camille@exemple.fr", PASSWORD
    assert form.submit("submit", status=303).location.endswith("/compte")


def test_login_before_confirmation_resends_the_link(testapp):
    sign_up(testapp)
    page = log_in(testapp, status=400)
    assert "Confirmez d'abord votre adresse" in page.text
    assert len(outbox(testapp)) == 2
    confirm(testapp)
    log_in(testapp)


def test_sign_up_with_an_existing_address_answers_like_a_new_one_and_mails_the_owner(testapp):
    sign_up(testapp)
    confirm(testapp)
    engage = testapp.app.registry.engage
    head = engage.engine.head()
    existing = sign_up(testapp, email="CAMILLE@exemple.fr ", display_name="Quelqu'un d'autre")
    assert engage.engine.head() == head  # nothing written
    with engage.db.reading() as cur:
        assert cur.scalar("SELECT COUNT(*) FROM credentials") == 1
    owner_mail = outbox(testapp)[-1]
    new = sign_up(testapp, email="dominique@exemple.fr", display_name="Dominique")
    assert (existing.status_int, existing.location) == (new.status_int, new.location)
    assert existing.follow().text == new.follow().text
    assert owner_mail.recipients == ["camille@exemple.fr"]
    assert "Quelqu'un vient d'essayer de créer un compte" in owner_mail.body
    assert "http://localhost/compte/connexion" in owner_mail.body
    assert "http://localhost/compte/mot-de-passe-oublie" in owner_mail.body
    assert "/compte/confirmer/" not in owner_mail.body


def test_sign_ups_from_one_client_are_throttled_and_write_nothing(make_app):
    testapp = make_app(**{"engage.throttle.mail_per_address": "2"})
    sign_up(testapp, email="un@exemple.fr", display_name="Premier")
    sign_up(testapp, email="deux@exemple.fr", display_name="Deuxième")
    head = testapp.app.registry.engage.engine.head()
    page = sign_up(testapp, email="trois@exemple.fr", display_name="Troisième", status=400)
    assert "Trop de demandes" in page.text and "60 minutes" in page.text
    assert testapp.app.registry.engage.engine.head() == head
    assert len(outbox(testapp)) == 2


@pytest.mark.backend_independent("form validation refuses before anything is read or written")
@pytest.mark.parametrize("password, message", [
    ("court", "au moins 12 caractères"),
    ("azerty123456", "fuites de données"),
    ("aaaaaaaaaaaaaaaa", "répète trop"),
    ("camille-secret-99", "ne doit pas reprendre"),
])
def test_weak_passwords_are_refused_with_a_reason(testapp, password, message):
    page = sign_up(testapp, password=password, status=400)
    assert message in page.text
    assert testapp.app.registry.engage.engine.head() == 0
    assert outbox(testapp) == []


@pytest.mark.backend_independent("form validation refuses before anything is read or written")
@pytest.mark.parametrize("email, second_password, message", [
    ("pas-une-adresse", PASSWORD, "adresse électronique valide"),
    ("camille@exemple.fr", PASSWORD + "x", "ne sont pas identiques"),
])
def test_mismatched_passwords_and_invalid_email(testapp, email, second_password, message):
    form = testapp.get("/compte/inscription").forms["signup"]
    form["name"], form["email"], form["display_name"] = "A B", email, "Camille"
    form["password"], form["password_again"] = PASSWORD, second_password
    page = form.submit("submit", status=400)
    assert message in page.text
    assert testapp.app.registry.engage.engine.head() == 0


def test_confirmation_link_works_once(testapp):
    sign_up(testapp)
    link = last_link(testapp)
    confirm(testapp)
    page = testapp.get(link, status=400)
    assert "déjà été utilisé" in page.text


def test_unknown_and_expired_links(testapp):
    assert "n'est pas valide" in testapp.get("/compte/confirmer/nimporte-quoi", status=400).text
    sign_up(testapp)
    link = last_link(testapp)
    with testapp.app.registry.engage.db.transaction() as cur:
        past = (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat()
        cur.execute("UPDATE link_tokens SET expires_at = %s", [past])
    assert "a expiré" in testapp.get(link, status=400).text


def test_wrong_password_and_unknown_email_get_the_same_message(testapp):
    sign_up(testapp)
    confirm(testapp)
    wrong = log_in(testapp, password="pas le bon mot de passe", status=400)
    unknown = log_in(testapp, email="personne@exemple.fr", status=400)
    assert "Adresse électronique ou mot de passe incorrect" in wrong.text
    assert "Adresse électronique ou mot de passe incorrect" in unknown.text


def test_login_is_throttled_after_repeated_failures(testapp):
    sign_up(testapp)
    confirm(testapp)
    for _ in range(5):
        log_in(testapp, password="mauvais mot de passe", status=400)
    page = log_in(testapp, status=400)  # even the right password, for now
    assert "Trop de tentatives" in page.text and "attendez 15 minutes" in page.text


@pytest.mark.backend_independent("the view cleans the return address; logging in is held on both above")
@pytest.mark.parametrize("retour", ["/%0d%0aSet-Cookie:x=y", "/compte%0aX:y", "%ff", "/\x7f"])
def test_a_login_return_address_with_a_line_break_or_bad_bytes_goes_to_the_account(testapp, retour):
    sign_up(testapp)
    confirm(testapp)
    form = testapp.get("/compte/connexion?retour=" + retour).forms["login"]
    form["email"], form["password"] = "camille@exemple.fr", PASSWORD
    response = form.submit("submit", status=303)
    assert response.location == "http://localhost/compte"
    assert "x=y" not in str(response.headers) and "X:" not in str(response.headers)


def test_password_reset(testapp):
    sign_up(testapp)
    confirm(testapp)
    form = testapp.get("/compte/mot-de-passe-oublie").forms["reset-request"]
    form["email"] = "camille@exemple.fr"
    assert "Si un compte existe" in form.submit("submit", status=303).follow().text
    link = last_link(testapp)
    form = testapp.get(link).forms["new-password"]
    form["password"] = form["password_again"] = "un tout autre secret de 2026"
    form.submit("submit", status=303)
    log_in(testapp, password=PASSWORD, status=400)
    log_in(testapp, password="un tout autre secret de 2026")
    assert "déjà été utilisé" in testapp.get(link, status=400).text


def request_reset(app, email="camille@exemple.fr", status=303):
    form = app.get("/compte/mot-de-passe-oublie").forms["reset-request"]
    form["email"] = email
    return form.submit("submit", status=status)


def test_the_sixth_reset_request_for_one_address_in_the_window_sends_no_mail(testapp):
    sign_up(testapp)
    confirm(testapp)
    sent = len(outbox(testapp))
    for _ in range(5):
        request_reset(testapp)
    assert len(outbox(testapp)) == sent + 5
    page = request_reset(testapp, status=400)
    assert "Trop de demandes" in page.text and "aucun message n'a été envoyé" in page.text
    assert len(outbox(testapp)) == sent + 5
    for _ in range(5):  # an address without an account: the same answers
        request_reset(testapp, "inconnu@exemple.fr")
    assert request_reset(testapp, "inconnu@exemple.fr", status=400).text.count("Trop de demandes") == 1


def test_confirmation_links_resent_at_login_are_throttled(testapp):
    sign_up(testapp)
    for _ in range(5):
        assert "nous venons de vous renvoyer" in log_in(testapp, status=400).text
    assert len(outbox(testapp)) == 6
    page = log_in(testapp, status=400)
    assert "Trop de demandes" in page.text
    assert len(outbox(testapp)) == 6


def test_reset_for_an_unknown_address_says_the_same_and_sends_nothing(testapp):
    form = testapp.get("/compte/mot-de-passe-oublie").forms["reset-request"]
    form["email"] = "inconnu@exemple.fr"
    assert "Si un compte existe" in form.submit("submit", status=303).follow().text
    assert outbox(testapp) == []


def test_no_clear_email_or_name_in_the_event_store(testapp):
    sign_up(testapp, email="zebulon.secret@exemple.fr")
    notifications = testapp.app.registry.engage.app.recorder.select_notifications(start=1, limit=100)
    blob = b"".join(n.state for n in notifications)
    assert b"zebulon" not in blob and b"Camille Martin" not in blob
