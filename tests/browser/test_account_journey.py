"""Sign up, confirm by mail, log in, see my account: in a real browser, every page checked with axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from pyramid_mailer import get_mailer

pytestmark = [
    pytest.mark.browser,
    # What the browser shows and how it is reached (axe, keyboard, widths); every page's reads and
    # writes are held on both back ends by its webtest tests (tests/views/). On production's store.
    pytest.mark.backend_independent("the browser's view of pages whose storage tests/views/ holds on both",
                                    backend="postgresql"),
]

PASSWORD = "une phrase longue et unique 2017"


def last_link(live_server) -> str:
    body = get_mailer(live_server.app.registry).outbox[-1].body
    return re.findall(r"http://[^\s]+(/compte/[\w/-]+)", body)[-1]


def test_sign_up_confirm_and_log_in(page, live_server, check_accessibility):
    page.goto("/")
    check_accessibility(page)
    page.get_by_role("banner").get_by_role("link", name="Se connecter").click()
    check_accessibility(page)
    page.get_by_role("link", name="Créer un compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer un compte")
    check_accessibility(page)

    form = page.locator("form#signup")
    form.get_by_label("Nom et prénom").fill("Camille Martin")
    form.get_by_label("Adresse électronique").fill("camille@exemple.fr")
    form.get_by_label("Nom public").fill("Camille du 11e")
    form.get_by_label("Mot de passe", exact=False).first.fill("court")
    form.get_by_label("Confirmez le mot de passe").fill("court")
    form.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    check_accessibility(page)  # the page with errors

    form.get_by_label("Mot de passe", exact=False).first.fill(PASSWORD)
    form.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    form.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre messagerie")
    check_accessibility(page)

    page.goto(last_link(live_server))
    check_accessibility(page)
    page.get_by_role("button", name="Confirmer mon adresse").click()
    expect(page.get_by_text("Votre adresse est confirmée")).to_be_visible()
    check_accessibility(page)

    login = page.locator("form#login")
    login.get_by_label("Adresse électronique").fill("camille@exemple.fr")
    login.get_by_label("Mot de passe").fill(PASSWORD)
    login.get_by_role("button", name="Me connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    expect(page.get_by_text("Camille du 11e")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Voir mes sessions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes sessions")
    expect(page.get_by_text("(cette session)")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Mettre fin à toutes les autres sessions").click()
    expect(page.get_by_role("status")).to_contain_text("Vos autres sessions sont terminées")
    check_accessibility(page)

    page.get_by_role("link", name="Revenir à mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    check_accessibility(page)
    page.get_by_role("link", name="Mes actes dans le journal public, et comment les vérifier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes actes dans le journal public")
    expect(page.locator("table.acts tbody tr").first).to_contain_text("Création de votre compte")
    check_accessibility(page)

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Se connecter")).to_be_visible()
    check_accessibility(page)


def test_forgotten_password_pages(page, check_accessibility):
    page.goto("/compte/mot-de-passe-oublie")
    check_accessibility(page)
    page.get_by_label("Adresse électronique").fill("personne@exemple.fr")
    page.get_by_role("button", name="Recevoir un lien").click()
    expect(page.get_by_role("status")).to_contain_text("Si un compte existe")
    check_accessibility(page)
    page.goto("/compte/mot-de-passe/lien-inconnu")
    expect(page.get_by_role("alert")).to_contain_text("n'est pas valide")
    check_accessibility(page)
