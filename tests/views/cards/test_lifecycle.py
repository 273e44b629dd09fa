"""The card after its issue: renewal, replacement, consents, staff decisions, lookups."""

import re
from datetime import date, timedelta

from engage.domain.accounts.model import Role
from engage.domain.cards import numbers as card_numbers
from engage.domain.cards.model import card_id_for_person
from tests.common.accounts import (
    CARD_NUMBER,
    log_in,
    log_out,
    request_card,
    resident,
    services,
    staff,
)


def number_on(page):
    return CARD_NUMBER.search(page.text).group(0)


def post_form(page, action_suffix, **fields):
    """Submit the small form of the card page whose action ends with action_suffix."""
    for form in page.forms.values():
        if form.action.endswith(action_suffix) and all(form.fields.get(k) and form[k].value == v
                                                         for k, v in fields.items()):
            return form.submit("submit", status=303).follow()
    raise AssertionError(f"no form posting to {action_suffix} with {fields}")


def test_consents_are_withdrawn_and_given_again_by_the_holder(testapp):
    resident(testapp)
    page = request_card(testapp)
    assert "Être consulté·e par la Ville" in page.text
    page = post_form(page, "/carte/ma-carte/consentements", purpose="consultation")
    assert "Votre consentement est retiré." in page.text
    page = post_form(page, "/carte/ma-carte/consentements", purpose="newsletter")
    assert "Votre consentement est enregistré." in page.text
    details = services(testapp).app.card_of(services(testapp).app.find_person_by_email("camille@exemple.fr"))
    assert details.consents == {"consultation": False, "newsletter": True}
    history = testapp.get("/compte")
    assert "Consentement retiré : être consulté·e par la Ville" in history.text
    assert "Consentement donné : recevoir la lettre d'information" in history.text
    # Paged: twenty acts a page, older ones one link away.
    engage = services(testapp)
    person_id = engage.app.find_person_by_email("camille@exemple.fr")
    for _ in range(10):
        engage.app.withdraw_consent(person_id, "newsletter")
        position = engage.app.give_consent(person_id, "newsletter")
    engage.wait_for(position)
    page = testapp.get("/compte")
    assert len(page.html.select("table.history tbody tr")) == 20 and "Compte créé" not in page.text
    older = page.click("Actes plus anciens")
    assert "Compte créé" in older.text and "Revenir aux actes les plus récents" in older.text


def test_renewal_only_near_the_end_of_validity(testapp):
    person_id = resident(testapp)
    page = request_card(testapp)
    assert "Renouveler ma carte" not in page.text  # three years ahead
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    refused = testapp.post("/carte/ma-carte/renouveler", {"csrf_token": token}, status=303).follow()
    assert "trois mois précédant" in refused.text
    # Near the end (the domain takes the day as an argument): renewed for three more years.
    app = services(testapp).app
    card = app.card_of(person_id)
    end = date.fromisoformat(card.valid_until)
    services(testapp).wait_for(app.renew_card(person_id, today=end - timedelta(days=10)))
    page = testapp.get("/carte/ma-carte")
    assert str(end.year + 3) in page.html.select_one(".card-valid-until").text
    assert "Carte renouvelée jusqu'au" in testapp.get("/compte").text


def test_replacing_a_lost_card_gives_a_new_number_and_voids_the_old_one(testapp):
    person_id = resident(testapp)
    old = number_on(request_card(testapp))
    form = testapp.get("/carte/ma-carte/remplacer").forms["card-replace"]
    assert form.submit("submit", status=400).text.count("Choisissez pourquoi") >= 1
    form["reason"] = "lost"
    page = form.submit("submit", status=303).follow()
    new = number_on(page)
    assert new != old and "L'ancien n'est plus valable" in page.text
    app = services(testapp).app
    assert app.find_card_id(old) is None
    assert app.look_up_card_number(old).status == "replaced"
    assert app.find_card_id(new) == card_id_for_person(person_id)
    # Staff looking up the old number are told it was replaced.
    log_out(testapp)
    staff(testapp, Role.ADMIN)
    form = testapp.get("/admin/cartes").forms["card-lookup"]
    form["number"] = old
    answer = form.submit("submit", status=400)
    assert "la carte a été remplacée" in answer.text
    form = testapp.get("/admin/cartes").forms["card-lookup"]
    form["number"] = new
    card_page = form.submit("submit", status=303).follow()
    assert card_numbers.display(new) in card_page.text and "Carte remplacée" in card_page.text


def test_staff_look_up_unknown_and_malformed_numbers(testapp):
    staff(testapp, Role.ADMIN)
    head = services(testapp).engine.head()
    for number, status, message in (("75 1234 5678 0", 400, "n'est pas un numéro de Carte Citoyen·ne valide"),
                                    ("", 400, "Indiquez un numéro de carte"),
                                    ("7" * 50, 400, "trop long")):
        form = testapp.get("/admin/cartes").forms["card-lookup"]
        form["number"] = number
        assert message in form.submit("submit", status=status).text
    valid_but_unknown = "7512345678" + card_numbers.luhn_check_digit("7512345678")
    form = testapp.get("/admin/cartes").forms["card-lookup"]
    form["number"] = valid_but_unknown
    assert "Aucune carte ne porte ce numéro" in form.submit("submit", status=404).text
    assert services(testapp).engine.head() == head
    testapp.get("/admin/cartes/pas-un-uuid", status=404)
    testapp.get(f"/admin/cartes/{'0' * 32}", status=404)


def test_staff_suspend_reinstate_revoke_with_a_reason(testapp):
    holder = resident(testapp)
    number = number_on(request_card(testapp))
    log_out(testapp)
    staff(testapp, Role.ADMIN)
    card_url = f"/admin/cartes/{card_id_for_person(holder).hex}"
    page = testapp.get(card_url)
    assert "Camille du 11e" in page.text and "Camille Martin" not in page.text
    form = page.forms["decision-suspend"]
    refused = form.submit("submit", status=400)  # no reason
    assert "Indiquez un motif" in refused.text
    form = refused.forms["decision-suspend"]
    form["reason"] = "Signalement d'usage frauduleux"
    page = form.submit("submit", status=303).follow()
    assert "suspendue" in page.html.select_one(".card-status").text
    assert "Signalement d'usage frauduleux" in page.text and "Agent admin" in page.text
    form = page.forms["decision-reinstate"]
    form["reason"] = "Vérification faite"
    page = form.submit("submit", status=303).follow()
    assert "active" in page.html.select_one(".card-status").text
    form = page.forms["decision-revoke"]
    form["reason"] = "Demande du titulaire"
    page = form.submit("submit", status=303).follow()
    assert "révoquée" in page.html.select_one(".card-status").text
    assert "decision-suspend" not in page.forms
    # A revoked card's number no longer lets anyone in, but it still finds the card.
    assert services(testapp).app.look_up_card_number(number).status == "current"
    # A decision posted for a state it does not apply to is refused, nothing written.
    head = services(testapp).engine.head()
    token = page.forms["decision-reinstate"]["csrf_token"].value
    refused = testapp.post(f"{card_url}/suspend", {"csrf_token": token, "reason": "encore"}, status=400)
    assert "n'est pas active" in refused.text
    assert services(testapp).engine.head() == head
    # The holder sees it in their history, without the staff's reason.
    log_out(testapp)
    log_in(testapp, "camille@exemple.fr")
    history = testapp.get("/compte").text
    assert "Carte révoquée par l'équipe de la Ville" in history and "Demande du titulaire" not in history


def test_residents_without_the_role_get_403(testapp):
    holder = resident(testapp)
    request_card(testapp)
    testapp.get("/admin/cartes", status=403)
    testapp.get(f"/admin/cartes/{card_id_for_person(holder).hex}", status=403)
    staff_moderator = "moderator@ville.exemple"
    log_out(testapp)
    staff(testapp, Role.MODERATOR, email=staff_moderator)
    testapp.get("/admin/cartes", status=403)
