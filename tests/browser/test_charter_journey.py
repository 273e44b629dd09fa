"""Amend → vote → accept → diff in a real browser, every page checked with axe; and the public pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from engage.domain.accounts.model import Role
from tests.common.browser import demo_server

pytestmark = [
    pytest.mark.browser,
    # What the browser shows and how it is reached (axe, keyboard, widths); every page's reads and
    # writes are held on both back ends by its webtest tests (tests/views/). On production's store.
    pytest.mark.backend_independent("the browser's view of pages whose storage tests/views/ holds on both",
                                    backend="postgresql"),
]

PASSWORD = "une phrase longue et unique 2017"


@pytest.fixture
def live_server(database_url):
    """The demo with the charter's consultation in its drafting phase (the charter not yet adopted)."""
    def people(services):
        for email, name, role in (("editrice@paris.fr", "Éditrice DDCT", Role.EDITOR),
                                  ("camille@exemple.fr", "Camille du 11e", None)):
            signed = services.accounts.sign_up(name=name, email=email, display_name=name, password=PASSWORD)
            services.accounts.confirm_email(signed.confirmation_token)
            if role:
                services.app.grant_role(signed.person_id, role, granted_by=signed.person_id)
        services.engine.catch_up()

    with demo_server(database_url, setup=people, charter_stage="redaction") as server:
        yield server


def log_in(page, email, check_accessibility):
    page.goto("/compte/connexion")
    check_accessibility(page)
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Me connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    check_accessibility(page)


def log_out(page, check_accessibility):
    page.get_by_role("button", name="Se déconnecter").click()
    check_accessibility(page)


def test_amend_vote_accept_diff(page, check_accessibility):
    page.goto("/charte")
    expect(page.get_by_role("heading", level=1)).to_have_text("Charte parisienne de la participation")
    check_accessibility(page)

    log_in(page, "camille@exemple.fr", check_accessibility)
    page.goto("/charte")
    check_accessibility(page)
    page.get_by_role("link", name="Versions et amendements de l'article 5").click()
    check_accessibility(page)
    page.get_by_role("link", name="Proposer un amendement").click()
    check_accessibility(page)
    page.get_by_label("Justification").fill("Nommer tout le monde.")
    page.get_by_role("button", name="Proposer l'amendement").click()  # unchanged text: refused
    expect(page.get_by_role("alert").first).to_contain_text("identique")
    check_accessibility(page)
    page.get_by_label("Texte proposé pour l'article").fill(
        "Les Ateliers Citoyens de Paris forment sans frais toutes les habitantes et tous les habitants "
        "au fonctionnement des institutions.")
    page.get_by_label("Justification").fill("Nommer tout le monde.")
    page.get_by_role("button", name="Proposer l'amendement").click()
    expect(page.get_by_role("status")).to_contain_text("Votre amendement est publié")
    check_accessibility(page)

    page.get_by_role("group", name="Votre avis sur cet amendement").get_by_label("D'accord", exact=True).check()
    page.get_by_role("button", name="Enregistrer mon vote").click()
    expect(page.get_by_role("status")).to_contain_text("Votre vote est enregistré")
    expect(page.get_by_role("row", name="D'accord 1")).to_be_visible()
    check_accessibility(page)
    amendment_url = page.url
    log_out(page, check_accessibility)

    log_in(page, "editrice@paris.fr", check_accessibility)
    page.goto(amendment_url)
    check_accessibility(page)
    # Provenance: find the contribution that inspired it in the consultation, without JavaScript.
    page.get_by_label("Mots à chercher dans les contributions").fill("samedi")
    page.get_by_role("button", name="Chercher").click()
    check_accessibility(page)
    decision = page.locator("form#decision")
    decision.get_by_label("samedi matin").check()
    decision.get_by_label("Accepter : l'article prend ce texte").check()
    page.get_by_label("Motif de la décision").fill("Retenu : plus inclusif.")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_role("status")).to_contain_text("La décision est enregistrée")
    check_accessibility(page)
    page.get_by_role("link", name="Voir les changements apportés à l'article").click()
    expect(page.locator(".diff ins").first).to_contain_text("ajouté :")
    expect(page.locator(".diff del").first).to_contain_text("supprimé :")
    check_accessibility(page)

    # Both ways: the version lists its amendment and contribution; the contribution says where it went.
    page.goto(amendment_url)
    check_accessibility(page)
    page.get_by_role("link", name="Ce qui a façonné cette version").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("version 2")
    expect(page.locator("ul.citations")).to_contain_text("samedi matin")
    check_accessibility(page)
    page.locator("ul.citations a").first.click()
    expect(page.get_by_role("heading", name="Où est allée cette contribution")).to_be_visible()
    expect(page.locator("ul.citations")).to_contain_text("Article 5 : Former les citoyens, version 2")
    check_accessibility(page)


def test_public_pages(page, check_accessibility):
    for path, heading in (("/engagement", "Engagement n° 2"), ("/guide", "Le guide de la participation"),
                          ("/guide/comment-participer", "Comment participer"),
                          ("/charte/versions/1", "Version 1 de la charte"), ("/charte/adoptee", "La charte adoptée")):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        check_accessibility(page)


def test_editor_pages(page, check_accessibility):
    log_in(page, "editrice@paris.fr", check_accessibility)
    for path in ("/charte/redaction", "/charte/adoption", "/engagement/etapes/2", "/guide/rediger"):
        page.goto(path)
        check_accessibility(page)
    # An article's new version, with the contribution picker (search results as checkboxes).
    page.goto("/charte")
    check_accessibility(page)
    page.get_by_role("link", name="Versions et amendements de l'article 2").click()
    check_accessibility(page)
    page.get_by_role("link", name="Modifier l'article (éditeurs)").click()
    expect(page.locator("form#revise input[type=checkbox]").first).to_be_visible()
    check_accessibility(page)
