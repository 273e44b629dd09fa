"""Every page: reachable, in the layout, with its security headers, in both languages."""

from urllib.parse import urlsplit

import pytest

# /carte asks for an account first: its form is covered by test_card_journey.
# Layout, headers, language switch, error pages: templates and tweens. The pages' reads are held on
# both back ends by each capability's own tests, with rows to read.
pytestmark = pytest.mark.backend_independent("templates and tweens, over empty read models")

PAGES = ["/", "/compte/connexion", "/accessibilite", "/mentions-legales", "/donnees-personnelles", "/transparence"]


@pytest.mark.parametrize("path", PAGES)
def test_page_is_served_in_the_layout(testapp, path):
    page = testapp.get(path)
    assert page.html.html["lang"] == "fr"
    assert page.html.find("a", class_="skip-link")["href"] == "#contenu"
    assert page.html.find("main", id="contenu")
    footer = page.html.find("footer")
    for target in ("/accessibilite", "/mentions-legales", "/donnees-personnelles"):
        assert footer.find("a", href=lambda h: h and h.endswith(target)), target


@pytest.mark.parametrize("path", PAGES + ["/nulle-part"])
def test_security_headers(testapp, path):
    response = testapp.get(path, expect_errors=True)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_inline_script_anywhere(testapp):
    for path in PAGES:
        assert "<script" not in testapp.get(path).text


def test_unknown_route_is_a_404_page_in_the_layout(testapp):
    response = testapp.get("/nulle-part", status=404)
    assert "Page introuvable" in response.text
    assert response.html.find("main", id="contenu")


def test_session_cookie_is_httponly_and_samesite(testapp):
    response = testapp.get("/compte/connexion")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_language_switch_sets_english_and_stays_local(testapp):
    response = testapp.get("/langue/en", {"retour": "/compte/connexion"}, status=303)
    assert response.location.endswith("/compte/connexion")
    assert testapp.get("/compte/connexion").html.html["lang"] == "en"
    testapp.get("/langue/fr", status=303)
    assert testapp.get("/").html.html["lang"] == "fr"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_language_switch_is_not_an_open_redirect(testapp, target):
    response = testapp.get("/langue/en", {"retour": target}, status=303)
    assert response.location in ("http://localhost/", "/")


def test_unknown_language_is_a_404(testapp):
    testapp.get("/langue/xx", status=404)


def test_editorial_pages_have_real_content(testapp):
    assert "Défenseur des droits" in testapp.get("/accessibilite").text
    assert "Hôtel de Ville" in testapp.get("/mentions-legales").text
    assert "CNIL" in testapp.get("/donnees-personnelles").text


def test_server_errors_render_the_500_page(make_app, monkeypatch):
    app = make_app()
    from engage.views import home

    def broken(*args, **kwargs):
        raise RuntimeError("read model unavailable")

    monkeypatch.setattr(home, "card_holders_as_of", broken)
    response = app.get("/", status=500)
    assert "Erreur du serveur" in response.text
    assert "RuntimeError" not in response.text


# The main navigation's links, named as before its grouping (tests and residents find them by name).
NAV_LINKS = {"Accueil": "/", "Carte Citoyen·ne": "/carte", "Consultations": "/consultations",
             "Questionnaires": "/questionnaires", "Ateliers": "/ateliers", "Offres": "/offres",
             "Organisations": "/organisations", "La charte": "/charte", "Le guide": "/guide",
             "L'engagement": "/engagement", "Journal de transparence": "/transparence",
             "Données ouvertes": "/opendata"}


def test_main_navigation_groups_every_link_and_marks_the_current_page(testapp):
    page = testapp.get("/ateliers")
    nav = page.html.find("nav", attrs={"aria-label": "Navigation principale"})
    links = {a.get_text(strip=True): urlsplit(a["href"]).path for a in nav.find_all("a")}
    assert NAV_LINKS.items() <= links.items()
    assert [s.get_text(strip=True) for s in nav.find_all("summary")] == [
        "Menu", "Participer", "Apprendre", "Comprendre", "Vérifier"]
    assert [(a.get_text(strip=True), a["aria-current"]) for a in nav.select("[aria-current]")] == [("Ateliers", "page")]
    assert not testapp.get("/accessibilite").html.find("nav").select("[aria-current]")  # not in the menu


def test_the_navigation_and_footer_follow_the_route_the_language_and_the_host(testapp):
    """They are rendered once per route, language and host (toolkit.fragment), then reused: a
    page never shows another language's menu, another page's mark or another host's links."""
    def menu(page):
        nav = page.html.find("nav", attrs={"class": "site-nav"})
        return ([s.get_text(strip=True) for s in nav.find_all("summary")],
                [a.get_text(strip=True) for a in nav.select("[aria-current]")],
                {urlsplit(a["href"]).netloc for a in nav.find_all("a")},
                page.html.find("footer").find("a").get_text(strip=True))

    french = ["Menu", "Participer", "Apprendre", "Comprendre", "Vérifier"]
    for _ in range(2):  # the second time from the cache
        assert menu(testapp.get("/ateliers")) == (french, ["Ateliers"], {"localhost"},
                                                  "Accessibilité : partiellement conforme")
        assert menu(testapp.get("/consultations"))[1] == ["Consultations"]
    assert menu(testapp.get("/ateliers", headers={"Host": "participer.paris.example"}))[2] == {
        "participer.paris.example"}
    testapp.get("/langue/en", status=303)
    summaries, current, _, footer = menu(testapp.get("/ateliers"))
    assert summaries != french and summaries[0] == "Menu" and current == ["Workshops"]
    assert footer != "Accessibilité : partiellement conforme"
    testapp.get("/langue/fr", status=303)
    assert menu(testapp.get("/ateliers"))[0] == french
