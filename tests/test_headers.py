"""Headers: nothing a signed-in visitor sees is stored by a cache; HSTS over HTTPS only;
a line break in a redirect target never reaches a header."""

import pytest

from engage.domain.accounts.model import Role
from tests.common.accounts import person, resident

# Response headers, set by tweens from the settings and the request: no storage behaviour in them.
pytestmark = pytest.mark.backend_independent("headers set by tweens; sessions are held in tests/identity")


@pytest.mark.parametrize("path", ["/compte", "/compte/mes-donnees", "/carte/ma-carte", "/carte", "/",
                                  "/page-qui-n-existe-pas"])
def test_nothing_shown_to_a_signed_in_visitor_is_stored(testapp, path):
    resident(testapp)
    response = testapp.get(path, status="*")
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_stay_cacheable_for_a_signed_in_visitor(testapp):
    resident(testapp)
    assert "max-age=3600" in testapp.get("/static/engage.css").headers["Cache-Control"]


def test_staff_pages_are_not_stored(testapp):
    staff = person(testapp, "agent@ville.exemple", "Agent des cartes", role=Role.ADMIN)
    response = staff.get("/admin/cartes")
    assert response.headers["Cache-Control"] == "no-store"


def test_public_pages_keep_their_caching_for_anonymous_visitors(testapp):
    assert "no-store" not in testapp.get("/").headers.get("Cache-Control", "")
    assert "max-age=3600" in testapp.get("/static/engage.css").headers["Cache-Control"]


def test_hsts_over_https_only(make_app):
    assert "Strict-Transport-Security" not in make_app().get("/").headers
    secure = make_app(**{"engage.secure_cookies": "true"})
    assert secure.get("/").headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" in secure.get("/page-qui-n-existe-pas", status=404).headers
    off = make_app(**{"engage.secure_cookies": "true", "engage.hsts_max_age": "0"})
    assert "Strict-Transport-Security" not in off.get("/").headers


@pytest.mark.parametrize("retour", ["/%0d%0aSet-Cookie:x=y", "/%0aX-Injected:1", "/%0d", "%ff", "/%7f"])
def test_a_line_break_or_bad_bytes_in_the_language_return_address_goes_home(testapp, retour):
    response = testapp.get("/langue/en?retour=" + retour, status=303)
    assert response.location == "http://localhost/"
    assert "x=y" not in str(response.headers) and "X-Injected" not in str(response.headers)


def test_a_return_address_with_other_characters_is_percent_encoded(testapp):
    response = testapp.get("/langue/en?retour=/consultations?q=%C3%A9t%C3%A9%20vert", status=303)
    assert response.location == "http://localhost/consultations?q=%C3%A9t%C3%A9%20vert"
