"""A signed-in resident asks for a Carte Citoyen·ne, end to end through the web stack."""

import pytest

from tests.common.accounts import CARD, CARD_NUMBER, log_out, request_card, resident, services


def holders_in(page, label):
    row = page.html.find("th", string=label).parent
    return row.find("td").get_text(strip=True)


def test_anonymous_visitors_are_sent_to_log_in_then_back(testapp):
    redirect = testapp.get("/carte", status=303)
    assert "/compte/connexion?retour=%2Fcarte" in redirect.location
    resident(testapp)
    log_out(testapp)
    form = testapp.get("/carte", status=303).follow().forms["login"]
    form["email"], form["password"] = "camille@exemple.fr", "une phrase longue et unique 2017"
    assert form.submit("submit", status=303).location.endswith("/carte")


def test_request_a_card_then_see_it(testapp):
    resident(testapp)
    form = testapp.get("/carte").forms["card-request"]
    assert "name" not in form.fields and "email" not in form.fields  # they come from the account
    card_page = request_card(testapp, category="4")
    assert CARD_NUMBER.search(card_page.text)
    assert "11e" in card_page.text and "Professions intermédiaires" in card_page.text
    assert "Ateliers Citoyens" in card_page.text
    assert "Camille Martin" not in card_page.text and "exemple.fr" not in card_page.text
    # One card per person: the form now leads to the card.
    assert testapp.get("/carte", status=303).location.endswith("/carte/ma-carte")


def test_a_second_request_is_refused_by_the_event_store(testapp):
    person_id = resident(testapp)
    request_card(testapp)
    from engage.domain.cards.errors import CardAlreadyHeld
    with pytest.raises(CardAlreadyHeld):
        services(testapp).app.request_card(person_id=person_id, arrondissement=3, age_band="18-24",
                                           consent_to_consultation=False, consent_to_newsletter=False)


def test_home_counts_holders_per_arrondissement_and_suppresses_small_counts(testapp):
    for index in range(5):
        resident(testapp, email=f"r{index}@exemple.fr")
        request_card(testapp)
        log_out(testapp)
    resident(testapp, email="r5@exemple.fr")
    request_card(testapp, arrondissement="3")
    home = testapp.get("/")
    assert holders_in(home, "3e") == "non publié"  # one person: not published
    # ...and the 11th's 5 with it, or the total (6) minus 5 would give the 1 back.
    assert holders_in(home, "11e") == "non publié"
    assert holders_in(home, "20e") == "0"
    assert "6" in home.html.find("strong").get_text()
    assert "Camille Martin" not in home.text and "exemple.fr" not in home.text


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("arrondissement", "", "Choisissez votre arrondissement"),
        ("consent", None, "Répondez oui ou non à la question du consentement"),
        ("newsletter", None, "question de la lettre d'information"),
    ],
)
def test_invalid_fields_re_render_with_french_messages_and_change_nothing(testapp, field, value, message):
    resident(testapp)
    head = services(testapp).engine.head()
    form = testapp.get("/carte").forms["card-request"]
    for name, given in {**CARD, field: value}.items():
        if given is not None:
            form[name] = given
    response = form.submit("submit", status=400)
    assert message in response.text
    assert "Le formulaire contient des erreurs" in response.text
    assert response.forms["card-request"]["age_band"].value == "25-34"  # what was chosen is kept
    assert services(testapp).engine.head() == head


def test_out_of_range_values_forged_in_the_post_are_refused(testapp):
    resident(testapp)
    head = services(testapp).engine.head()
    token = testapp.get("/carte").forms["card-request"]["csrf_token"].value
    for forged in ({"arrondissement": "21"}, {"arrondissement": "abc"}, {"age_band": "99"},
                   {"consent": "peut-être"}, {"category": "9"}):
        response = testapp.post("/carte", {**CARD, **forged, "csrf_token": token, "submit": "submit"}, status=400)
        assert "Le formulaire contient des erreurs" in response.text
    assert services(testapp).engine.head() == head


def test_post_without_csrf_token_is_refused_with_a_readable_page(testapp):
    resident(testapp)
    head = services(testapp).engine.head()
    response = testapp.post("/carte", CARD, status=400)
    assert "Formulaire expiré" in response.text and "<main" in response.text
    assert services(testapp).engine.head() == head


def test_oversized_body_is_refused_with_413(testapp):
    resident(testapp)
    head = services(testapp).engine.head()
    token = testapp.get("/carte").forms["card-request"]["csrf_token"].value
    response = testapp.post("/carte", {**CARD, "csrf_token": token, "arrondissement": "1" * 1_100_000}, status=413)
    assert "Envoi trop volumineux" in response.text
    assert services(testapp).engine.head() == head


def test_my_card_without_a_card_leads_to_the_form(testapp):
    resident(testapp)
    assert testapp.get("/carte/ma-carte", status=303).location.endswith("/carte")


def test_when_projections_lag_the_resident_gets_a_clear_message(make_app):
    # Production topology with no projection process running: the write is safe,
    # the wait runs out, and the page says so instead of failing.
    app = make_app(**{"engage.projections.in_process": "false", "engage.read_your_writes_timeout": "0.2"})
    engage = services(app)
    from tests.common.accounts import log_in, sign_up
    engage.engine.catch_up()
    import threading
    stop = threading.Event()

    def catch_up_until_stopped():  # sign-up and login need the people read model
        while not stop.is_set():
            engage.engine.catch_up()
            stop.wait(0.02)

    worker = threading.Thread(target=catch_up_until_stopped)
    worker.start()
    try:
        sign_up(app, "lent@exemple.fr")
        log_in(app, "lent@exemple.fr")
    finally:
        stop.set()
        worker.join()
    form = app.get("/carte").forms["card-request"]
    for name, value in CARD.items():
        form[name] = value
    response = form.submit("submit").follow(status=202)
    assert "en cours d'inscription" in response.text
    engage.engine.catch_up()  # the projection process comes back
    assert CARD_NUMBER.search(app.get("/carte/ma-carte").text)
