"""Four key pages at a desktop's width (1280 px) and a phone's (375 px), in one browser context:
a screenshot of each under test-artifacts/screenshots/ (ignored by git), no horizontal scrolling,
axe-core clean at both widths; the main navigation in one row on the desktop and folded into
one "Menu" disclosure (<details>, no script) on the phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    # What the browser shows and how it is reached (axe, keyboard, widths); every page's reads and
    # writes are held on both back ends by its webtest tests (tests/views/). On production's store.
    pytest.mark.backend_independent("the browser's view of pages whose storage tests/views/ holds on both",
                                    backend="postgresql"),
]

WIDTHS = (1280, 375)
HEIGHT = 800
PAGES = {
    "accueil": "/",
    "consultation": "/consultations/charte-participation",
    "carte": "/carte",
    "restitution": "/consultations/participation-2017/restitution",
}

# The elements sticking out to the right of the viewport, to name them when a page scrolls sideways.
OVERFLOW = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  return [...document.body.querySelectorAll("*")]
    .filter(e => e.getBoundingClientRect().right > width + 0.5)
    .filter(e => !e.closest(".visually-hidden, .skip-link"))
    .slice(0, 8)
    .map(e => `${e.tagName.toLowerCase()}${e.className ? "." + String(e.className).split(" ").join(".") : ""}`
              + ` (right edge ${Math.round(e.getBoundingClientRect().right)} px)`);
}"""

# The navigation's entries share one row when each one starts above the bottom of every other.
ONE_ROW = """() => {
  const boxes = [...document.querySelectorAll(".nav-groups > li")].map(e => e.getBoundingClientRect());
  return boxes.length > 1 && Math.max(...boxes.map(b => b.top)) < Math.min(...boxes.map(b => b.bottom));
}"""


@pytest.fixture
def screenshots(request, backend):
    folder = request.config.rootpath / "test-artifacts" / "screenshots" / backend
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_key_pages_at_desktop_and_phone_widths(page, check_accessibility, screenshots):
    scrolling = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        for name, path in PAGES.items():
            page.goto(path)
            page.screenshot(path=screenshots / f"{name}-{width}.png", full_page=True)
            check_accessibility(page)
            sticking_out = page.evaluate(OVERFLOW)
            if sticking_out:
                scrolling[f"{path} at {width} px"] = sticking_out
    assert not scrolling, f"pages that scroll horizontally: {scrolling}"


def test_main_navigation_one_row_on_desktop_a_menu_on_a_phone(page, check_accessibility):
    nav = page.get_by_role("navigation", name="Navigation principale")
    page.set_viewport_size({"width": 1280, "height": HEIGHT})
    page.goto("/consultations")
    assert page.evaluate(ONE_ROW)
    expect(nav.get_by_text("Menu", exact=True)).to_be_hidden()
    expect(nav.get_by_role("link", name="Consultations", exact=True)).to_be_hidden()
    nav.get_by_text("Participer", exact=True).click()
    current = nav.get_by_role("link", name="Consultations", exact=True)
    expect(current).to_be_visible()
    expect(current).to_have_attribute("aria-current", "page")
    assert nav.locator("[aria-current]").count() == 1
    check_accessibility(page)  # a group open over the page

    page.set_viewport_size({"width": 375, "height": HEIGHT})
    page.goto("/")
    expect(nav.get_by_role("link", name="Accueil")).to_be_hidden()
    nav.get_by_text("Menu", exact=True).click()
    expect(nav.get_by_role("link", name="Accueil")).to_have_attribute("aria-current", "page")
    nav.get_by_text("Vérifier", exact=True).click()
    expect(nav.get_by_role("link", name="Données ouvertes")).to_be_visible()
    assert page.evaluate(OVERFLOW) == []
    check_accessibility(page)  # the menu open
