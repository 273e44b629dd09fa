"""Never exported: a person's name, email, card number, or anything sealed. Every export
is fetched and scanned for the distinctive personal data of a person who signed up and
took a card."""

from __future__ import annotations

from engage.domain.cards import numbers as card_numbers
from engage.opendata import REGISTRY
from tests.common.opendata import every_export, issue_cards, services

NAME = "Zéphyrine Quintessence-Bartholdi"
EMAIL = "zephyrine.quintessence@exemple-tres-prive.fr"


def test_no_export_carries_personal_data(make_app):
    app = make_app(**{"engage.transparency.checkpoint_interval": "0"})
    engage = services(app)
    signed_up = engage.accounts.sign_up(name=NAME, email=EMAIL, display_name="Zéphyrine Q.",
                                        password="un mot de passe bien long 42")
    card = engage.app.issue_card(name=NAME, email=EMAIL, arrondissement=7, age_band="65-plus",
                                 consent_to_consultation=True, person_id=signed_up.person_id)
    issue_cards(engage, {(7, "65-plus"): 5})  # enough company for the group to be published
    # Her ballot: counted in the vote counts, never exported as hers (nor under its keyed id).
    from tests.common.consultations import contribute, create_consultation

    item = contribute(engage.app, create_consultation(engage.app)).id
    ballot = engage.app.cast_vote(person_id=signed_up.person_id, item_id=item, option="mitige", has_valid_card=True)
    engage.engine.catch_up()

    bodies = every_export(app)
    assert len(bodies) >= 8 + 4 * len(REGISTRY)
    secrets = {
        "name": NAME, "last name": "Quintessence", "email": EMAIL, "email user": "zephyrine.quintessence",
        "card number": card.number, "displayed card number": card_numbers.display(card.number),
        "person id": signed_up.person_id.hex, "person uuid": str(signed_up.person_id),
        "card id": card.card_id.hex, "card uuid": str(card.card_id),
        "ballot id": ballot.id.hex, "ballot uuid": str(ballot.id),
    }
    for url, body in bodies.items():
        text = body.decode("utf-8")
        for what, secret in secrets.items():
            assert secret.lower() not in text.lower(), f"{what} found in {url}"
    # The person is counted, though: 6 holders aged 65 and over in the 7th.
    rows = app.get("/api/card-holders?arrondissement=7").json["data"]
    assert rows == [{"arrondissement": 7, "age_band": "65-plus", "holders": 6}]
