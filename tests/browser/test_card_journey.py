"""A resident's journey in a real browser, every page checked with axe-core (WCAG 2.1 A/AA)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    # What the browser shows and how it is reached (axe, keyboard, widths); every page's reads and
    # writes are held on both back ends by its webtest tests (tests/views/). On production's store.
    pytest.mark.backend_independent("the browser's view of pages whose storage tests/views/ holds on both",
                                    backend="postgresql"),
]

CARD_NUMBER = re.compile(r"75 \d{4} \d{4} \d")
EDITORIAL_PAGES = ("/accessibilite", "/mentions-legales", "/donnees-personnelles", "/transparence")
MISSING_PAGE = "/cette-page-n-existe-pas"
PASSWORD = "une phrase longue et unique 2017"


def cards_issued(page) -> int:
    """The total on the home page: '<strong>N</strong> cartes délivrées au total.'"""
    total = page.locator("#holders-title ~ p strong").first
    return int(total.inner_text().replace("\u202f", "").replace("\xa0", "").replace(" ", ""))


def sign_in_a_new_resident(page, live_server, email="camille.dupont@exemple.fr"):
    """An account made through the application (the browser sign-up has its own journey)."""
    engage = live_server.app.registry.engage
    signed_up = engage.accounts.sign_up(name="Camille Dupont", email=email, display_name="Camille D.",
                                        password=PASSWORD)
    engage.wait_for(engage.app.confirm_email(signed_up.person_id))
    login = page.locator("form#login")
    login.get_by_label("Adresse électronique").fill(email)
    login.get_by_label("Mot de passe").fill(PASSWORD)
    login.get_by_role("button", name="Me connecter").click()


def test_card_request_journey(page, live_server, check_accessibility):
    # Home, in French by default.
    response = page.goto("/")
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    check_accessibility(page)
    before = cards_issued(page)
    assert before >= 30  # the demo cards, plus those of the restitution demo's residents

    # The call to action leads to the login page first, then back to the form.
    page.get_by_role("main").get_by_role("link", name="Demander ma Carte Citoyen·ne").click()
    expect(page).to_have_url(re.compile(r"/compte/connexion\?retour=%2Fcarte$"))
    check_accessibility(page)
    sign_in_a_new_resident(page, live_server)
    expect(page).to_have_url(re.compile(r"/carte$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Demander la Carte Citoyen·ne")
    check_accessibility(page)

    # Sent empty: the browser does not validate (novalidate), the server does.
    form = page.locator("form#card-request")
    expect(form).to_have_attribute("novalidate", "novalidate")
    with page.expect_navigation() as sent:
        form.get_by_role("button", name="Demander ma carte").click()
    assert sent.value.status == 400
    summary = page.get_by_role("alert").filter(has_text="Le formulaire contient des erreurs")
    expect(summary).to_be_visible()
    for message in (
        "Choisissez votre arrondissement de résidence.",
        "Choisissez votre tranche d'âge.",
        "Répondez oui ou non à la question du consentement.",
        "Répondez oui ou non à la question de la lettre d'information.",
    ):
        expect(summary).to_contain_text(message)
        expect(form.locator(".error-message", has_text=message)).to_be_visible()
    expect(form.get_by_label("Arrondissement de résidence")).to_have_attribute("aria-invalid", "true")
    check_accessibility(page)

    # Filled in properly.
    form.get_by_label("Arrondissement de résidence").select_option(label="11e")
    form.get_by_role("group", name="Tranche d'âge").get_by_label("25 à 34 ans").check()
    form.get_by_label("Catégorie socioprofessionnelle (facultatif)").select_option(label="Employés")
    form.get_by_role("group", name="Acceptez-vous d'être consulté·e par la Ville ?").get_by_label(
        "Oui", exact=True
    ).check()
    form.get_by_role("group", name="Souhaitez-vous recevoir la lettre d'information de la participation ?").get_by_label(
        "Non", exact=True
    ).check()
    form.get_by_role("button", name="Demander ma carte").click()

    # The card, with its number.
    expect(page).to_have_url(re.compile(r"/carte/ma-carte$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ma Carte Citoyen·ne")
    number = page.locator(".card-number")
    expect(number).to_have_text(CARD_NUMBER)
    expect(page.locator(".citizen-card")).to_contain_text("11e")
    expect(page.locator(".citizen-card")).to_contain_text("25 à 34 ans")
    check_accessibility(page)

    # Home again: one more card.
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Accueil").click()
    expect(page).to_have_url(re.compile(r"/$"))
    check_accessibility(page)
    assert cards_issued(page) == before + 1


def test_every_page_in_french_then_in_english(page, check_accessibility):
    for path in EDITORIAL_PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        check_accessibility(page)

    response = page.goto(MISSING_PAGE)
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    check_accessibility(page)

    # The switch in the header brings the resident back to the page they were on, in English.
    page.goto("/accessibilite")
    check_accessibility(page)
    switch = page.get_by_role("banner").get_by_role("link", name="English")
    expect(switch).to_have_attribute("lang", "en")
    switch.click()
    expect(page).to_have_url(re.compile(r"/accessibilite$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_accessibility(page)
    expect(page.get_by_role("banner").get_by_role("link", name="Français")).to_have_attribute("lang", "fr")

    for path in ("/", "/carte", *EDITORIAL_PAGES):
        response = page.goto(path)
        assert response.status == 200, path
        expect(page.locator("html")).to_have_attribute("lang", "en")
        check_accessibility(page)

    response = page.goto(MISSING_PAGE)
    assert response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_accessibility(page)


def test_first_tab_reaches_a_visible_skip_link(page, check_accessibility):
    page.goto("/")
    check_accessibility(page)
    skip = page.locator("a.skip-link")
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_have_attribute("href", "#contenu")

    # Visible when focused: on screen, inside the viewport, not clipped to nothing.
    box = skip.bounding_box()
    viewport = page.viewport_size
    assert box is not None
    assert box["width"] > 1 and box["height"] > 1, box
    assert 0 <= box["x"] and box["x"] + box["width"] <= viewport["width"], box
    assert 0 <= box["y"] and box["y"] + box["height"] <= viewport["height"], box
    expect(skip).to_be_in_viewport()

    # Following it moves the focus to the main content.
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()


def test_narrow_screen_reflows_without_horizontal_scrolling(page, check_accessibility):
    # WCAG 1.4.10: usable at 320 CSS pixels wide (a 1280 px screen zoomed to 400 %).
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/", "/carte", "/accessibilite", "/transparence"):
        page.goto(path)
        check_accessibility(page)
        scroll_width, client_width = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll_width <= client_width, f"{path} scrolls sideways at 320 px: {scroll_width} > {client_width}"
