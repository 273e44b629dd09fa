"""Card holders for the tests: through the application (holder) or through the pages (web_holder)."""

from __future__ import annotations

from tests.common.accounts import CARD_NUMBER, request_card, resident


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
