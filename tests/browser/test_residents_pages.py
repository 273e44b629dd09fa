"""Residents' pages in a real browser, each checked with axe-core (WCAG 2.1 A/AA):
the membership import and its report, the public catalogues, an organization, a draw by lot,
the inclusion statistics."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from engage.domain.accounts.model import Role
from tests.common.browser import follow_nav_link

pytestmark = [
    pytest.mark.browser,
    # What the browser shows and how it is reached (axe, keyboard, widths); every page's reads and
    # writes are held on both back ends by its webtest tests (tests/views/). On production's store.
    pytest.mark.backend_independent("the browser's view of pages whose storage tests/views/ holds on both",
                                    backend="postgresql"),
]

PASSWORD = "une phrase longue et unique 2017"


def make_admin(live_server, email="agente@paris.example"):
    engage = live_server.app.registry.engage
    signed = engage.accounts.sign_up(name="Agente Ville", email=email, display_name="Agente Ville", password=PASSWORD)
    engage.app.confirm_email(signed.person_id)
    engage.app.grant_role(signed.person_id, Role.ADMIN, granted_by=signed.person_id)
    engage.engine.catch_up()


def log_in(page, check_accessibility, email="agente@paris.example"):
    page.goto("/compte/connexion")
    check_accessibility(page)
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Me connecter").click()
    expect(page).to_have_url(re.compile(r"/compte$"))
    check_accessibility(page)


def test_public_catalogues_organization_and_draw(page, check_accessibility):
    page.goto("/")
    check_accessibility(page)
    follow_nav_link(page, "Organisations")
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations")
    check_accessibility(page)
    page.get_by_label("Type").select_option(label="Instance consultative")
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"type=consultative-body"))
    expect(page.locator(".catalogue-item")).to_have_count(2)
    check_accessibility(page)
    page.get_by_role("link", name="Conseil parisien de la jeunesse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Conseil parisien de la jeunesse")
    check_accessibility(page)
    page.get_by_role("link", name=re.compile("10 sièges tirés au sort")).click()
    expect(page.get_by_role("heading", name="Résultat du tirage")).to_be_visible()
    expect(page.locator(".hash-list li")).to_have_count(10)
    check_accessibility(page)

    follow_nav_link(page, "Offres")
    expect(page.get_by_role("heading", level=1)).to_have_text("Offres de la Carte Citoyen·ne")
    check_accessibility(page)
    page.get_by_label("Arrondissement").select_option(label="10e")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator(".catalogue-item")).to_have_count(1)
    expect(page.locator(".catalogue-item")).to_contain_text("Balade commentée du canal")
    check_accessibility(page)

    # Inclusion statistics, from the transparency page: tables only, small groups not published.
    page.goto("/transparence")
    check_accessibility(page)
    page.get_by_role("link", name="statistiques d'inclusion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistiques d'inclusion")
    expect(page.get_by_role("table", name=re.compile("Détenteurs de la Carte Citoyen·ne — Par catégorie"))).to_be_visible()
    check_accessibility(page)


def test_membership_import_and_staff_pages(page, live_server, check_accessibility, tmp_path):
    make_admin(live_server)
    log_in(page, check_accessibility)
    page.goto("/gestion/membres")
    expect(page.get_by_role("heading", level=1)).to_have_text("Membres du budget participatif")
    check_accessibility(page)

    # A file with errors: refused whole, reported line by line.
    bad = tmp_path / "membres-erreurs.csv"
    bad.write_text("email;arrondissement\npas-une-adresse;11\nb@exemple.fr;25\n", encoding="utf-8")
    page.get_by_label("Liste des membres (fichier CSV)").set_input_files(str(bad))
    with page.expect_navigation() as sent:
        page.get_by_role("button", name="Vérifier et importer").click()
    assert sent.value.status == 400
    expect(page.get_by_role("alert").first).to_contain_text("aucun membre n'a été importé")
    expect(page.locator(".line-report")).to_contain_text("Ligne 3 : arrondissement inconnu « 25 »")
    check_accessibility(page)

    # A good file, with a duplicate line.
    good = tmp_path / "membres.csv"
    rows = "".join(f"membre{i}@exemple.fr;{1 + i % 20};Membre {i};2024-05-01\n" for i in range(50))
    good.write_text("email;arrondissement;nom;date d'adhésion\n" + rows + "MEMBRE7@exemple.fr;8;;\n", encoding="utf-8")
    page.get_by_label("Liste des membres (fichier CSV)").set_input_files(str(good))
    page.get_by_role("button", name="Vérifier et importer").click()
    expect(page.get_by_role("status").first).to_contain_text("50 membres ajoutés")
    expect(page.locator(".line-report")).to_contain_text("Ligne 52 : doublon de la ligne 9")
    check_accessibility(page)

    # The accredited auditors' page (an admin holds the audit permission): a key that is not one.
    page.goto("/transparence/audit-accredite")
    check_accessibility(page)
    page.get_by_label("Votre clé publique d'auditeur").fill("pas une clé")
    with page.expect_navigation() as sent:
        page.get_by_role("button", name="Télécharger les ouvertures").click()
    assert sent.value.status == 400
    expect(page.locator(".error-message")).to_contain_text("Ce n'est pas une clé publique d'auditeur")
    check_accessibility(page)

    # Staff forms: a new organization, sent empty then filled.
    page.goto("/organisations/nouvelle")
    check_accessibility(page)
    page.get_by_role("button", name="Enregistrer l'organisation").click()
    expect(page.get_by_role("alert").filter(has_text="Le formulaire contient des erreurs")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Nom de l'organisation").fill("Jardins partagés du 13e")
    page.get_by_role("group", name="Type d'organisation").get_by_label("Association").check()
    page.get_by_label("Présentation").fill("Des jardins ouverts à tous les habitants du 13e arrondissement.")
    page.get_by_label("Arrondissement").select_option(label="13e")
    page.get_by_role("button", name="Enregistrer l'organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jardins partagés du 13e")
    check_accessibility(page)
    page.get_by_role("link", name="Publier une offre").click()
    check_accessibility(page)

    # A consultative body's page lets staff open a call for volunteers.
    page.goto("/organisations?type=consultative-body")
    check_accessibility(page)
    page.get_by_role("link", name="Commission Parisienne du Débat Public").click()
    check_accessibility(page)
    page.get_by_role("link", name="Ouvrir un appel à volontaires").click()
    check_accessibility(page)
    page.get_by_label("Intitulé de l'appel").fill("Commission : 4 sièges")
    page.get_by_label("Nombre de sièges").fill("4")
    page.get_by_label("Strates et quotas").fill("Paris Centre ; 1,2,3,4 ; ; 1")
    page.get_by_role("button", name="Ouvrir l'appel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Commission : 4 sièges")
    check_accessibility(page)
