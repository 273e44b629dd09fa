"""The restitution in a real browser: an editor revises the City's answer and publishes a new
version of the report; the milestone's deliverable, the report and its versions pass axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from engage.scripts.demo import DEMO_PASSWORD, DEMO_STAFF

pytestmark = [
    pytest.mark.browser,
    # What the browser shows and how it is reached (axe, keyboard, widths); every page's reads and
    # writes are held on both back ends by its webtest tests (tests/views/). On production's store.
    pytest.mark.backend_independent("the browser's view of pages whose storage tests/views/ holds on both",
                                    backend="postgresql"),
]


def test_editor_answers_and_publishes_the_report(page, live_server, check_accessibility):
    page.goto("/engagement")
    check_accessibility(page)
    page.get_by_role("link", name=re.compile("Rapport de restitution de la consultation 2017")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("version 1"))
    # The key figures and the City's answers lead; the method and the versions come after them.
    expect(page.get_by_role("heading", level=2).first).to_have_text("L'essentiel en chiffres")
    expect(page.get_by_role("heading", level=2).nth(1)).to_have_text("La suite donnée à chaque contribution")
    expect(page.get_by_role("heading", level=2).last).to_have_text("Versions publiées")
    expect(page.locator("code.hash")).to_have_text(re.compile("^[0-9a-f]{64}$"))
    check_accessibility(page)  # charts, tables, quotes, answers of a published version

    page.goto("/compte/connexion")
    check_accessibility(page)
    login = page.locator("form#login")
    login.get_by_label("Adresse électronique").fill(DEMO_STAFF["editor"][0])
    login.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    login.get_by_role("button", name="Me connecter").click()
    check_accessibility(page)

    page.goto("/consultations/participation-2017/restitution")
    check_accessibility(page)
    page.get_by_role("link", name=re.compile("Voir la contribution et l'historique")).first.click()
    expect(page.get_by_role("heading", name="Suite donnée par la Ville")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Donner ou réviser la réponse de la Ville").click()
    check_accessibility(page)
    form = page.locator("form#answer")
    form.get_by_label("Justification").fill("")
    form.get_by_role("button", name="Enregistrer la réponse").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    check_accessibility(page)  # the error names the field
    form = page.locator("form#answer")
    form.get_by_label("Hors champ").check()
    form.get_by_label("Justification").fill("Après examen, cette demande relève d'une compétence de l'État.")
    form.get_by_role("button", name="Enregistrer la réponse").click()
    expect(page.get_by_text("La réponse de la Ville est enregistrée.")).to_be_visible()
    expect(page.get_by_text("Réponses précédentes")).to_be_visible()
    check_accessibility(page)

    page.goto("/consultations/participation-2017/restitution/publier")
    check_accessibility(page)
    page.get_by_role("button", name="Publier cette version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("version 2"))
    expect(page.get_by_text("compétence de l'État").first).to_be_visible()
    check_accessibility(page)
