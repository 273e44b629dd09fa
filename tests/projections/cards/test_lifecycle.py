"""Card lifecycle invariants held by the event store, and the read models after each step."""

import random
from datetime import date, timedelta
from uuid import uuid4

import pytest

from engage.domain.application import EngageApplication
from engage.domain.cards.errors import CardAlreadyHeld
from engage.domain.cards.model import card_id_for_person
from engage.projections.cards import queries as card_queries
from engage.projections.participation.projection import participation_history

PASSWORD = "une phrase longue et unique 2017"


def new_resident(engage, email="r@exemple.fr"):
    signed_up = engage.accounts.sign_up(name="R S", email=email, display_name="Résidente", password=PASSWORD)
    engage.app.confirm_email(signed_up.person_id)
    return signed_up.person_id


def request(app, person_id, **overrides):
    values = dict(person_id=person_id, arrondissement=4, age_band="35-49",
                  consent_to_consultation=True, consent_to_newsletter=False)
    return app.request_card(**{**values, **overrides})


def test_two_concurrent_first_requests_give_one_card(engage_services):
    person_id = new_resident(engage_services)
    env = engage_services.db.url.eventsourcing_env()
    key = engage_services.app.identifier_key
    rival = EngageApplication(env, vault=engage_services.vault, identifier_key=key, rng=random.Random(1))
    try:
        issued = request(engage_services.app, person_id)
        # The rival checked before the first card was saved: only the event store can refuse it.
        real_card_of = rival.card_of
        answers = iter([None])  # its first look finds no card; later ones see the truth

        def card_of(pid):
            return next(answers) if answers.__length_hint__() else real_card_of(pid)

        rival.card_of = card_of
        with pytest.raises(CardAlreadyHeld):
            request(rival, person_id, arrondissement=5)
    finally:
        rival.close()
    engage_services.engine.catch_up()
    with engage_services.db.reading() as cur:
        assert cur.scalar("SELECT COUNT(*) FROM rm_cards WHERE person_id = %s", [person_id.hex]) == 1
    card = card_queries.card_of_person(engage_services.db, person_id)
    assert card.card_id == issued.card_id.hex == card_id_for_person(person_id).hex and card.arrondissement == 4


def test_replaced_and_suspended_numbers_no_longer_open_anything(engage_services):
    app = engage_services.app
    person_id = new_resident(engage_services)
    first = request(app, person_id)
    assert app.valid_card_id(first.number) == first.card_id
    second = app.replace_card(person_id, "stolen")
    assert app.valid_card_id(first.number) is None and app.find_card_id(first.number) is None
    assert app.look_up_card_number(first.number).status == "replaced"
    assert app.valid_card_id(second.number) == first.card_id
    app.suspend_card(first.card_id, reason="contrôle", by=uuid4())
    assert app.valid_card_id(second.number) is None
    app.reinstate_card(first.card_id, reason="fin du contrôle", by=uuid4())
    end = date.fromisoformat(app.card_of(person_id).valid_until)
    assert app.valid_card_id(second.number, today=end + timedelta(days=1)) is None  # expired
    engage_services.engine.catch_up()
    assert card_queries.card_of_person(engage_services.db, person_id).number == second.number
    # Rebuilt from the log, the read models say the same.
    engage_services.engine.rebuild()
    card = card_queries.card_of_person(engage_services.db, person_id)
    assert card.number == second.number and card.status == "active" and card.replacements == 1
    assert [e.event for e in card_queries.card_history(engage_services.db, first.card_id)] == [
        "CardReinstated", "CardSuspended", "CardReplaced", "CardIssued"]


def test_history_pages_newest_first(engage_services):
    app = engage_services.app
    person_id = new_resident(engage_services)
    request(app, person_id)
    for _ in range(15):
        app.give_consent(person_id, "newsletter")
        app.withdraw_consent(person_id, "newsletter")
    engage_services.engine.catch_up()
    first = participation_history(engage_services.db, person_id, limit=20)
    second = participation_history(engage_services.db, person_id, before=first[-1].position, limit=20)
    assert len(first) == 20 and len(second) == 13  # 30 consents + card + confirmed + created
    positions = [line.position for line in first + second]
    assert positions == sorted(positions, reverse=True) and len(set(positions)) == 33
    assert second[-1].summary == "Compte créé"


def test_workshop_acts_join_the_history_through_describers(engage_services):
    from datetime import datetime, timezone

    app = engage_services.app
    person_id = new_resident(engage_services)
    card = request(app, person_id)
    staff = uuid4()
    workshop = app.create_workshop(title="Comprendre le budget", theme="comprendre-les-institutions", description="…",
                                   language="fr", accessibility="", created_by=staff)
    start = datetime.now(timezone.utc) + timedelta(days=7)
    session = app.schedule_session(workshop_id=workshop.id,
                                   starts_at=start, ends_at=start + timedelta(hours=2), arrondissement=4,
                                   place="Mairie du 4e", online_link="", capacity=10, facilitator_id=staff,
                                   scheduled_by=staff)
    session_id = session.id
    app.register_for_session(session_id, person_id, card_ids=[card.card_id])
    engage_services.engine.catch_up()
    lines = participation_history(engage_services.db, person_id)
    assert lines[0].kind == "workshop" and lines[0].summary == "Inscription à une séance d'atelier"
