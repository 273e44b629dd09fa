"""One rule decides whether a card opens anything: active status, within its validity.
Workshops, seats by lot and walk-ins apply it; expiry is decided on the day the domain is given."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from uuid import uuid4

import pytest

from engage.domain.application import EngageApplication
from engage.domain.cards import model as cards
from engage.domain.cards.model import STATUS_ACTIVE, STATUS_SUSPENDED, card_is_valid
from tests.common.cards import first_day_expired
from tests.common.workshops import card_holder, make_session

STAFF = uuid4()


class MemoryVault:
    def __init__(self):
        self.erased = set()

    def seal(self, person_id, fields):
        return json.dumps(dict(fields))

    def unseal(self, person_id, sealed, **_):
        return None if person_id in self.erased else json.loads(sealed)

    def erased_among(self, ids):
        return {i for i in ids if i in self.erased}


@pytest.fixture
def app():
    return EngageApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"}, vault=MemoryVault(),
                             identifier_key=b"k" * 32)


def after_expiry(app, card_id) -> date:
    return first_day_expired(app.get_card(card_id))


def test_the_rule_status_and_expiry():
    day = date(2027, 5, 1)
    assert card_is_valid(STATUS_ACTIVE, "2027-05-01", day)
    assert card_is_valid(STATUS_ACTIVE, date(2027, 5, 1), day)
    assert card_is_valid(STATUS_ACTIVE, None, day)  # a read model without its details yet
    assert not card_is_valid(STATUS_ACTIVE, "2027-04-30", day)
    assert not card_is_valid(STATUS_SUSPENDED, "2030-01-01", day)


def test_the_card_applies_the_rule(app):
    _, card_id, _ = card_holder(app)
    card = app.get_card(card_id)
    end = date.fromisoformat(card.valid_until)
    assert card.is_valid_on(end) and not card.is_valid_on(end + timedelta(days=1))


def test_an_expired_card_is_refused_for_a_workshop_registration(app):
    from engage.domain.workshops.errors import CardRequired

    person, card_id, _ = card_holder(app)
    late = after_expiry(app, card_id)
    now = datetime.combine(late, time(9), tzinfo=timezone.utc)
    session, _ = make_session(app, starts_at=now + timedelta(days=2))
    with pytest.raises(CardRequired):
        app.register_for_session(session, person, card_ids=[card_id], now=now)
    assert app.register_for_session(session, person, card_ids=[card_id]).status == "registered"


def test_an_expired_card_is_refused_by_the_default_clock_too(app, monkeypatch):
    from engage.domain.workshops.errors import CardRequired

    person, card_id, _ = card_holder(app)
    session, _ = make_session(app)
    monkeypatch.setattr(cards, "today", lambda: after_expiry(app, card_id), raising=False)
    with pytest.raises(CardRequired):
        app.check_card_holder(person, [card_id])
    assert app.valid_card_id(card_holder(app, 1)[2]) is None


def test_an_expired_card_is_refused_for_a_seat_call(app, monkeypatch):
    from engage.domain.seats.errors import CardHolderRequired

    person, card_id, _ = card_holder(app)
    body = app.register_organization(name="Conseil parisien de la jeunesse", kind="consultative-body",
                                     description="Une instance consultative des jeunes Parisiens.",
                                     website="", arrondissement=None, registered_by=STAFF)
    call = app.open_seat_call(body.id, title="Sièges 2027", seats=1, strata=[], opened_by=STAFF)
    monkeypatch.setattr(cards, "today", lambda: after_expiry(app, card_id), raising=False)
    with pytest.raises(CardHolderRequired):
        app.volunteer_for_seat(call.id, person_id=person, card_id=card_id)
    monkeypatch.undo()
    app.volunteer_for_seat(call.id, person_id=person, card_id=card_id)


def test_an_expired_card_does_not_open_a_walk_in(app, monkeypatch):
    from engage.domain.workshops.errors import UnknownCard

    _, card_id, number = card_holder(app)
    session, facilitator = make_session(app)
    monkeypatch.setattr(cards, "today", lambda: after_expiry(app, card_id), raising=False)
    with pytest.raises(UnknownCard):
        app.record_walk_in(session, number, by=facilitator)
