"""The open-data page in a real browser, checked with axe-core (WCAG 2.1 A/AA)."""

from __future__ import annotations

import json
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


def test_opendata_page(page, check_accessibility, live_server):
    page.goto("/")
    check_accessibility(page)
    page.get_by_role("contentinfo").get_by_role("link", name="Données ouvertes").click()
    expect(page).to_have_url(re.compile(r"/opendata$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Données ouvertes")
    check_accessibility(page)

    expect(page.get_by_role("heading", name="Cases vides : le secret secondaire")).to_be_visible()
    card_holders = page.locator("article#card-holders")
    expect(card_holders).to_contain_text("Secret secondaire")
    expect(card_holders.get_by_role("heading", level=3)).to_contain_text("Détenteurs de la Carte")
    expect(card_holders.get_by_role("table")).to_contain_text("age_band")
    expect(card_holders.get_by_role("link", name=re.compile("^Télécharger le fichier CSV"))).to_have_attribute(
        "href", re.compile(r"/opendata/card-holders/card-holders\.csv$")
    )

    # The API the page points to answers, from the page's origin, with the demo's data.
    api = page.request.get(live_server.url + "/api/card-holders?limit=200")
    assert api.ok and api.headers["access-control-allow-origin"] == "*"
    rows = json.loads(api.text())["data"]
    assert rows and sum(row["holders"] or 0 for row in rows) <= 30


def test_opendata_page_in_english(page, check_accessibility):
    page.goto("/opendata")
    check_accessibility(page)
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_accessibility(page)
