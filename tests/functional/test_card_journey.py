"""A resident asks for a Carte Citoyen·ne, end to end through the web stack."""

import re

import pytest

VALID = {
    "name": "Jeanne Dupont",
    "email": "jeanne.dupont@exemple.fr",
    "arrondissement": "11",
    "age_band": "25-34",
    "consent": "oui",
}
CARD_NUMBER = re.compile(r"75 \d{4} \d{4} \d")


def fill(form, **values):
    for name, value in values.items():
        form[name] = value
    return form


def holders_in(page, label):
    row = page.html.find("th", string=label).parent
    return row.find("td").get_text(strip=True)


def test_request_a_card_then_see_it(testapp):
    form = testapp.get("/carte").forms["card-request"]
    assert form["csrf_token"].value
    response = fill(form, **VALID).submit("submit")
    assert response.status_int == 303
    card_page = response.follow()
    assert CARD_NUMBER.search(card_page.text)
    assert "11e" in card_page.text
    # The holder sees their card; nobody sees their name or email.
    assert "Jeanne" not in card_page.text and "exemple.fr" not in card_page.text


def test_home_counts_holders_per_arrondissement_and_suppresses_small_counts(testapp):
    for _ in range(5):
        fill(testapp.get("/carte").forms["card-request"], **VALID).submit("submit").follow()
    fill(testapp.get("/carte").forms["card-request"], **{**VALID, "arrondissement": "3"}).submit("submit")
    home = testapp.get("/")
    assert holders_in(home, "11e") == "5"
    assert holders_in(home, "3e") == "< 5"  # one person: not published
    assert holders_in(home, "20e") == "0"
    assert "6" in home.html.find("strong").get_text()
    assert "Jeanne" not in home.text and "exemple.fr" not in home.text


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "J", "au moins 2 caractères"),
        ("email", "pas-une-adresse", "adresse électronique valide"),
        ("arrondissement", "", "Choisissez votre arrondissement"),
    ],
)
def test_invalid_fields_re_render_with_french_messages_and_change_nothing(testapp, field, value, message):
    form = fill(testapp.get("/carte").forms["card-request"], **{**VALID, field: value})
    response = form.submit("submit", status=400)
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    assert "Le formulaire contient des erreurs" in response.text
    # What the resident typed is kept.
    assert response.forms["card-request"]["name"].value == ({**VALID, field: value})["name"]
    assert testapp.app.registry.engage.engine.head() == 0


def test_out_of_range_values_forged_in_the_post_are_refused(testapp):
    form = testapp.get("/carte").forms["card-request"]
    token = form["csrf_token"].value
    for forged in ({"arrondissement": "21"}, {"arrondissement": "abc"}, {"age_band": "99"}, {"consent": "peut-être"}):
        response = testapp.post("/carte", {**VALID, **forged, "csrf_token": token, "submit": "submit"}, status=400)
        assert "Le formulaire contient des erreurs" in response.text
    assert testapp.app.registry.engage.engine.head() == 0


def test_empty_post_lists_every_missing_field(testapp):
    token = testapp.get("/carte").forms["card-request"]["csrf_token"].value
    response = testapp.post("/carte", {"csrf_token": token}, status=400)
    for message in ("Indiquez votre nom", "Indiquez votre adresse électronique",
                    "Choisissez votre arrondissement", "Choisissez votre tranche d'âge",
                    "Répondez oui ou non"):
        assert message in response.text


def test_post_without_csrf_token_is_refused_with_a_readable_page(testapp):
    response = testapp.post("/carte", VALID, status=400)
    assert "Formulaire expiré" in response.text
    assert "<main" in response.text
    assert testapp.app.registry.engage.engine.head() == 0


def test_post_with_a_wrong_csrf_token_is_refused(testapp):
    testapp.get("/carte")
    testapp.post("/carte", {**VALID, "csrf_token": "forged"}, status=400)
    assert testapp.app.registry.engage.engine.head() == 0


def test_oversized_body_is_refused_with_413(testapp):
    token = testapp.get("/carte").forms["card-request"]["csrf_token"].value
    response = testapp.post("/carte", {**VALID, "csrf_token": token, "name": "x" * 1_100_000}, status=413)
    assert "Envoi trop volumineux" in response.text
    assert testapp.app.registry.engage.engine.head() == 0


def test_my_card_without_a_card_leads_to_the_form(testapp):
    response = testapp.get("/carte/ma-carte", status=303)
    assert response.location.endswith("/carte")


def test_when_projections_lag_the_resident_gets_a_clear_message(make_app):
    # Production topology with no projection process running: the write is safe,
    # the wait runs out, and the page says so instead of failing.
    app = make_app(**{"engage.projections.in_process": "false", "engage.read_your_writes_timeout": "0.2"})
    response = fill(app.get("/carte").forms["card-request"], **VALID).submit("submit").follow(status=202)
    assert "en cours d'inscription" in response.text
    app.app.registry.engage.engine.catch_up()  # the projection process comes back
    assert CARD_NUMBER.search(app.get("/carte/ma-carte").text)
