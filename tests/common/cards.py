"""Cards for the tests: the aggregate alone (card, first_day_expired), a holder through the
application (holder) or through the pages (web_holder, resident_with_card)."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

from engage.domain.cards.model import CitizenCard, card_id_for_person
from tests.common.accounts import CARD_NUMBER, confirm, request_card, resident, services, start_sign_up


def card(person_id=None, **overrides) -> CitizenCard:
    """A card just issued (the aggregate alone, no store): valid three years from today."""
    person_id = person_id or uuid4()
    fields = dict(card_id=card_id_for_person(person_id), person_id=person_id, arrondissement=11, age_band="25-34",
                  consent_to_consultation=True, sealed_identity="i", sealed_number="n1")
    return CitizenCard.issue(**{**fields, **overrides})


def first_day_expired(card: CitizenCard) -> date:
    """The first day `card` is no longer valid (the domain issues cards valid from today only:
    an expired card is a card looked at after its validity)."""
    return date.fromisoformat(card.valid_until) + timedelta(days=1)


def holder(app, i, *, category="5", arrondissement=19, age_band="25-34"):
    person = app.register_account(name=f"Habitant {i}", email=f"h{i}@exemple.fr", display_name=f"Habitant {i}").person_id
    card = app.request_card(person_id=person, arrondissement=arrondissement, age_band=age_band,
                            consent_to_consultation=True, consent_to_newsletter=False, category=category)
    return person, card.card_id


def web_holder(app, email="camille@exemple.fr", **card_values):
    """A confirmed resident, signed in on `app`, who asked for a card through the card page.

    Returns (person id, card number as shown on the page)."""
    person_id = resident(app, email)
    page = request_card(app, **card_values)
    return person_id, CARD_NUMBER.search(page.text).group(0)


def resident_with_card(app, email, display_name, *, card=True, role=None):
    """A signed-up, confirmed resident (not signed in) and their card, issued at the counter
    (with `role` if given, self-granted); returns their person id."""
    start_sign_up(app, email=email, display_name=display_name)
    confirm(app)
    engage = services(app)
    person_id = engage.app.find_person_by_email(email)
    if card:
        engage.app.issue_card(name=display_name, email=email, arrondissement=11, age_band="25-34",
                              consent_to_consultation=True, person_id=person_id)
    if role:
        engage.app.grant_role(person_id, role, granted_by=person_id)
    engage.engine.catch_up()
    return person_id
