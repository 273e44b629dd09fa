"""The read side applies the same valid-card rule as the domain: an expired card opens
neither a card-only consultation, nor a questionnaire for card holders, nor a seat call."""

from __future__ import annotations

from datetime import date, timedelta

from engage.domain.cards import model as cards
from engage.projections.cards import queries as card_queries
from tests.common.accounts import csrf_of, request_card, resident, services
from tests.common.consultations import THEMES, create_consultation


def expire(testapp, person_id, monkeypatch) -> date:
    """Move the cards' clock to the day after the card's end of validity."""
    end = date.fromisoformat(services(testapp).app.card_of(person_id).valid_until)
    monkeypatch.setattr(cards, "today", lambda: end + timedelta(days=1), raising=False)
    return end


def test_the_read_side_query_applies_status_and_expiry(testapp):
    person_id = resident(testapp)
    request_card(testapp)
    db = services(testapp).db
    card = services(testapp).app.card_of(person_id)
    end = date.fromisoformat(card.valid_until)
    assert card_queries.valid_card_of(db, person_id, on=end) == card.id.hex
    assert card_queries.valid_card_of(db, person_id, on=end + timedelta(days=1)) is None
    staff_id = person_id  # any actor: the rule does not look at who suspends
    services(testapp).wait_for(services(testapp).app.suspend_card(card.id, reason="Contrôle", by=staff_id))
    assert card_queries.valid_card_of(db, person_id, on=end) is None


def test_an_expired_card_cannot_contribute_to_a_card_only_consultation(testapp, monkeypatch):
    engage = services(testapp)
    create_consultation(engage.app, card_required=True)
    person_id = resident(testapp)
    request_card(testapp)
    engage.engine.catch_up()
    expire(testapp, person_id, monkeypatch)

    def contribute(status):
        form = testapp.get("/consultations/charte/contribuer").forms["contribution"]
        form["kind"], form["theme"], form["text"] = "proposition", THEMES[0], "Publier les comptes rendus."
        return form.submit("submit", status=status)

    page = testapp.get("/consultations/charte/contribuer")  # no form: why, and where to renew the card
    assert "contribution" not in page.forms and "Carte Citoyen·ne valide" in page.text
    testapp.post("/consultations/charte/contribuer", {"csrf_token": csrf_of(page), "kind": "avis", "text": "x"},
                 status=409)
    monkeypatch.undo()
    contribute(303)


def test_an_expired_card_is_outside_a_questionnaire_for_card_holders(testapp, monkeypatch):
    from engage.projections.questionnaires.queries import in_target

    person_id = resident(testapp)
    request_card(testapp)
    db = services(testapp).db
    assert in_target(db, person_id, "carte", None)
    expire(testapp, person_id, monkeypatch)
    assert not in_target(db, person_id, "carte", None)
