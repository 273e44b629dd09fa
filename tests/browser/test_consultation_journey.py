"""Contribute, vote, see the count: in a real browser, every page checked with axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from pyramid_mailer import get_mailer

pytestmark = pytest.mark.browser

PASSWORD = "une phrase longue et unique 2017"


def sign_up_and_log_in(page, live_server, check_accessibility):
    page.goto("/compte/inscription")
    check_accessibility(page)
    form = page.locator("form#signup")
    form.get_by_label("Nom et prénom").fill("Camille Martin")
    form.get_by_label("Adresse électronique").fill("camille@exemple.fr")
    form.get_by_label("Nom public").fill("Camille du 11e")
    form.get_by_label("Mot de passe", exact=False).first.fill(PASSWORD)
    form.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    form.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre messagerie")
    check_accessibility(page)
    body = get_mailer(live_server.app.registry).outbox[-1].body
    page.goto(re.findall(r"http://[^\s]+(/compte/[\w/-]+)", body)[-1])
    check_accessibility(page)
    page.get_by_role("button", name="Confirmer mon adresse").click()
    check_accessibility(page)
    login = page.locator("form#login")
    login.get_by_label("Adresse électronique").fill("camille@exemple.fr")
    login.get_by_label("Mot de passe").fill(PASSWORD)
    login.get_by_role("button", name="Me connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    check_accessibility(page)


def test_contribute_vote_and_see_the_count(page, live_server, check_accessibility):
    sign_up_and_log_in(page, live_server, check_accessibility)

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Consultations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultations")
    check_accessibility(page)
    page.get_by_role("link", name="Charte parisienne de la participation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Charte parisienne de la participation")
    expect(page.get_by_text("Réunion publique : la charte dans le 18e")).to_be_visible()
    check_accessibility(page)

    # Filters and search work without JavaScript.
    page.get_by_label("Canal").select_option("en-presentiel")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("halls d'immeubles")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Contribuer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contribuer")
    check_accessibility(page)
    form = page.locator("form#contribution")
    form.get_by_role("button", name="Publier").click()  # empty: the server explains, in French
    expect(page.get_by_role("alert").filter(has_text="Le formulaire contient des erreurs")).to_be_visible()
    check_accessibility(page)
    form.get_by_label("Proposition").check()
    form.get_by_label("Thème").select_option("Conseils de quartier")
    form.get_by_label("Votre contribution").fill("Ouvrir les conseils de quartier <b>aux</b> collégiens.")
    form.get_by_role("button", name="Publier").click()
    expect(page.get_by_text("Votre contribution est publiée")).to_be_visible()
    expect(page.get_by_text("Ouvrir les conseils de quartier <b>aux</b> collégiens.")).to_be_visible()
    check_accessibility(page)

    vote = page.locator("form#vote")
    expect(vote.locator("legend")).to_contain_text("Votre avis sur cette contribution")
    vote.get_by_label("D'accord", exact=True).check()
    vote.get_by_role("button", name="Voter").click()
    expect(page.get_by_text("Votre vote est enregistré")).to_be_visible()
    row = page.locator("table.counts tbody tr").first
    expect(row).to_have_text(re.compile(r"D'accord\s*1\s*0\s*1"))
    check_accessibility(page)

    page.get_by_role("link", name="Notifications").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes notifications")
    check_accessibility(page)
