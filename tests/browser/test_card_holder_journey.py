"""Sign up, confirm, ask for the card, manage it, see my history, erase my data; and the
staff pages (cards, roles, erasure on request): in a real browser, every page checked with axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from pyramid_mailer import get_mailer

from engage.domain.cards import numbers as card_numbers
from engage.projections.cards import queries as card_queries
from engage.scripts.demo import DEMO_PASSWORD, DEMO_RESIDENT
from tests.common.accounts import PASSWORD
from tests.common.browser import log_in

pytestmark = [
    pytest.mark.browser,
    # What the browser shows and how it is reached (axe, keyboard, widths); every page's reads and
    # writes are held on both back ends by its webtest tests (tests/views/). On production's store.
    pytest.mark.backend_independent("the browser's view of pages whose storage tests/views/ holds on both",
                                    backend="postgresql"),
]

CARD_NUMBER = re.compile(r"75 \d{4} \d{4} \d")


def last_link(live_server) -> str:
    body = get_mailer(live_server.app.registry).outbox[-1].body
    return re.findall(r"http://[^\s]+(/compte/[\w/-]+)", body)[-1]


def test_sign_up_confirm_card_history_and_erasure(page, live_server, check_accessibility):
    page.goto("/carte")
    expect(page).to_have_url(re.compile(r"/compte/connexion\?retour=%2Fcarte$"))
    check_accessibility(page)
    page.get_by_role("link", name="Créer un compte").click()
    check_accessibility(page)
    form = page.locator("form#signup")
    form.get_by_label("Nom et prénom").fill("Léa Moreau")
    form.get_by_label("Adresse électronique").fill("lea.moreau@exemple.fr")
    form.get_by_label("Nom public").fill("Léa du 20e")
    form.get_by_label("Mot de passe", exact=False).first.fill(PASSWORD)
    form.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    form.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre messagerie")
    check_accessibility(page)

    page.goto(last_link(live_server))
    check_accessibility(page)
    page.get_by_role("button", name="Confirmer mon adresse").click()
    check_accessibility(page)
    page.goto("/carte")  # the login page, which brings the resident back here
    check_accessibility(page)
    log_in(page, "lea.moreau@exemple.fr", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Demander la Carte Citoyen·ne")
    check_accessibility(page)

    form = page.locator("form#card-request")
    form.get_by_label("Arrondissement de résidence").select_option(label="20e")
    form.get_by_role("group", name="Tranche d'âge").get_by_label("18 à 24 ans").check()
    form.get_by_role("group", name="Acceptez-vous d'être consulté·e par la Ville ?").get_by_label("Oui", exact=True).check()
    form.get_by_role("group", name="Souhaitez-vous recevoir la lettre d'information de la participation ?").get_by_label(
        "Oui", exact=True).check()
    form.get_by_role("button", name="Demander ma carte").click()
    expect(page.locator(".card-number")).to_have_text(CARD_NUMBER)
    first_number = page.locator(".card-number").inner_text()
    expect(page.get_by_role("status").first).to_contain_text("Votre carte est délivrée")
    check_accessibility(page)

    # Withdraw a consent.
    page.locator("form", has=page.locator("input[name=purpose][value=newsletter]")).get_by_role(
        "button", name="Retirer ce consentement").click()
    expect(page.get_by_role("status").first).to_contain_text("Votre consentement est retiré.")
    check_accessibility(page)

    # Replace a lost card: a confirmation page, then a new number.
    page.get_by_role("link", name="Carte perdue, volée ou abîmée : la remplacer").click()
    check_accessibility(page)
    page.get_by_role("group", name="Qu'est-il arrivé à votre carte ?").get_by_label("Perdue").check()
    page.get_by_role("button", name="Remplacer ma carte").click()
    expect(page.locator(".card-number")).to_have_text(CARD_NUMBER)
    assert page.locator(".card-number").inner_text() != first_number
    check_accessibility(page)

    # The account page: the card, the history, the data.
    page.get_by_role("link", name="Mon historique de participation et mes données").click()
    history = page.get_by_role("table", name="Mes actes, du plus récent au plus ancien")
    expect(history).to_contain_text("Carte remplacée (perte) : nouveau numéro")
    expect(history).to_contain_text("Consentement retiré : recevoir la lettre d'information")
    expect(history).to_contain_text("Compte créé")
    check_accessibility(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger toutes mes données (JSON)").click()
    assert "Léa Moreau" in open(download.value.path(), encoding="utf-8").read()

    # Erase: a confirmation step, then the account is closed.
    page.get_by_role("link", name="Effacer mes données personnelles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Effacer mes données personnelles")
    check_accessibility(page)
    page.get_by_label("Votre mot de passe actuel").fill(PASSWORD)  # irreversible: the password again
    page.get_by_role("button", name="Effacer définitivement mes données").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos données personnelles sont effacées")
    expect(page.get_by_role("banner").get_by_role("link", name="Se connecter")).to_be_visible()
    check_accessibility(page)


def test_staff_find_a_card_decide_and_manage_roles(page, live_server, check_accessibility):
    engage = live_server.app.registry.engage
    resident = engage.app.find_person_by_email(DEMO_RESIDENT[0])
    number = card_queries.card_of_person(engage.db, resident).number

    page.goto("/admin/cartes")
    check_accessibility(page)  # the login page
    log_in(page, "admin@exemple.fr", DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Trouver une carte")
    check_accessibility(page)

    page.get_by_label("Numéro de carte").fill("75 0000 0000 1")
    page.get_by_role("button", name="Chercher").click()
    expect(page.get_by_role("alert").first).to_contain_text("n'est pas un numéro de Carte Citoyen·ne valide")
    check_accessibility(page)
    page.get_by_label("Numéro de carte").fill(card_numbers.display(number))
    page.get_by_role("button", name="Chercher").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Carte Citoyen·ne : fiche")
    check_accessibility(page)

    suspend = page.locator("form#decision-suspend")
    suspend.get_by_role("button", name="Suspendre la carte").click()
    expect(page.locator("form#decision-suspend .error-message")).to_contain_text("Indiquez un motif")
    check_accessibility(page)
    page.locator("form#decision-suspend").get_by_label("Motif").fill("Vérification d'identité en cours")
    page.locator("form#decision-suspend").get_by_role("button", name="Suspendre la carte").click()
    expect(page.locator(".card-status")).to_have_text("suspendue")
    expect(page.get_by_role("table")).to_contain_text("Vérification d'identité en cours")
    check_accessibility(page)

    page.goto("/admin/roles")
    check_accessibility(page)
    form = page.locator("form#role")
    form.get_by_label("Adresse électronique du compte").fill(DEMO_RESIDENT[0])
    form.get_by_role("group", name="Rôle").get_by_label("Modération").check()
    form.get_by_role("group", name="Action").get_by_label("Attribuer").check()
    form.get_by_role("button", name="Continuer").click()
    expect(page.get_by_text("Attribuer le rôle « Modération » à « Camille du 11e » ?")).to_be_visible()
    check_accessibility(page)
    page.locator("form#role-confirm").get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("status").first).to_contain_text("Le rôle est attribué.")
    check_accessibility(page)

    page.goto("/admin/effacement")
    check_accessibility(page)
    page.get_by_label("Adresse électronique du compte").fill(DEMO_RESIDENT[0])
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmer l'effacement")
    check_accessibility(page)
