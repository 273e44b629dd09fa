"""Personal data: sealed per person, unreadable once the key is destroyed."""

from uuid import uuid4


def test_seal_and_unseal(engage_services):
    person = uuid4()
    sealed = engage_services.vault.seal(person, {"name": "Jeanne Dupont", "email": "j@exemple.fr"})
    assert "Jeanne" not in sealed
    assert engage_services.vault.unseal(person, sealed) == {"name": "Jeanne Dupont", "email": "j@exemple.fr"}


def test_erasure_makes_sealed_data_unreadable_and_leaves_events_intact(engage_services):
    issued = engage_services.app.issue_card(
        name="Jeanne Dupont", email="j@exemple.fr", arrondissement=3, age_band="25-34",
        consent_to_consultation=False,
    )
    card = engage_services.app.get_card(issued.card_id)
    assert engage_services.vault.unseal(issued.person_id, card.sealed_identity)["name"] == "Jeanne Dupont"
    engage_services.vault.erase(issued.person_id)
    assert engage_services.vault.unseal(issued.person_id, card.sealed_identity) is None
    assert engage_services.app.get_card(issued.card_id).sealed_identity == card.sealed_identity
    # Replays still work: the card number reads as erased.
    engage_services.engine.rebuild()
    from engage.projections.cards import queries as card_queries
    assert card_queries.card(engage_services.db, issued.card_id).number is None


def test_no_clear_personal_data_in_the_event_store(engage_services):
    engage_services.app.issue_card(
        name="Zébulon Unique", email="zebulon.unique@exemple.fr", arrondissement=5,
        age_band="50-64", consent_to_consultation=True,
    )
    notifications = engage_services.app.recorder.select_notifications(start=1, limit=100)
    blob = b"".join(n.state for n in notifications)
    assert b"Z\xc3\xa9bulon" not in blob and b"zebulon.unique" not in blob
    engage_services.engine.catch_up()
    with engage_services.db.reading() as cur:
        number = cur.scalar("SELECT number FROM rm_cards")
    assert number.encode() not in blob
