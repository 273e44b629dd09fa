"""The card's lifecycle rules, without Pyramid or a database."""

from datetime import date, timedelta
from uuid import uuid4

import pytest

from engage.domain.accounts.errors import AlreadyErased
from engage.domain.accounts.model import Account, Role
from engage.domain.cards.errors import (
    CardAlreadyRevoked,
    CardNotActive,
    CardNotSuspended,
    ConsentAlreadyGiven,
    ConsentAlreadyWithdrawn,
    RenewalTooEarly,
    UnknownConsent,
    UnknownReplacementReason,
)
from engage.domain.cards.model import CardNumberClaim, card_id_for_person, years_later
from tests.common.cards import card, first_day_expired


def replay(aggregate):
    state = None
    for e in aggregate.collect_events():
        state = e.mutate(state)
    return state


def test_a_person_s_card_id_is_derived_from_them():
    person = uuid4()
    assert card(person).id == card_id_for_person(person) != card_id_for_person(uuid4())


def test_valid_three_years_and_renewable_only_near_the_end():
    c = card()
    issued = c.created_on.date()
    assert c.valid_until == years_later(issued, 3).isoformat()
    with pytest.raises(RenewalTooEarly):
        c.renew(issued)
    end = date.fromisoformat(c.valid_until)
    c.renew(end - timedelta(days=30))
    assert c.valid_until == years_later(end, 3).isoformat()
    # After expiry, the new validity starts from the renewal day.
    late = years_later(end, 3) + timedelta(days=400)
    c.renew(late)
    assert c.valid_until == years_later(late, 3).isoformat()


def test_replacement_changes_the_number_and_needs_a_known_reason():
    c = card()
    with pytest.raises(UnknownReplacementReason):
        c.replace("because", "n2")
    c.replace("lost", "n2")
    assert c.sealed_number == "n2" and c.sealed_numbers == ["n1", "n2"]
    assert replay(c).sealed_numbers == ["n1", "n2"]


def test_suspend_reinstate_revoke():
    c, staff = card(), uuid4()
    with pytest.raises(CardNotSuspended):
        c.reinstate("r", staff)
    c.suspend("r", staff)
    assert c.status == "suspended"
    with pytest.raises(CardNotActive):
        c.suspend("r", staff)
    with pytest.raises(CardNotActive):
        c.replace("lost", "n2")
    c.reinstate("r", staff)
    c.revoke("r", staff)
    with pytest.raises(CardAlreadyRevoked):
        c.revoke("r", staff)
    events = c.collect_events()
    assert [type(e).__name__ for e in events] == ["CardIssued", "CardSuspended", "CardReinstated", "CardRevoked"]
    state = None
    for e in events:
        state = e.mutate(state)
    assert state.status == "revoked"


def test_consents_are_withdrawn_and_given_again_as_events():
    c = card()
    assert c.consents == {"consultation": True, "newsletter": False}
    with pytest.raises(ConsentAlreadyGiven):
        c.give_consent("consultation")
    with pytest.raises(ConsentAlreadyWithdrawn):
        c.withdraw_consent("newsletter")
    with pytest.raises(UnknownConsent):
        c.give_consent("publicité")
    c.withdraw_consent("consultation")
    c.give_consent("newsletter")
    c.give_consent("consultation")
    assert replay(c).consents == {"consultation": True, "newsletter": True}


def test_new_events_carry_no_clear_personal_field():
    c = card()
    c.replace("stolen", "sealed-number")
    c.declare_category("sealed-category")
    c.suspend("sealed-reason", uuid4())
    for e in c.collect_events():
        assert not {"name", "email", "number", "card_number", "reason_text", "category"} & set(vars(e))


def test_a_replaced_number_s_claim_is_retired():
    claim = CardNumberClaim(claim_id=uuid4(), card_id=uuid4())
    claim.retire("replaced")
    claim.retire("replaced")  # once only
    assert [type(e).__name__ for e in claim.collect_events()] == ["CardNumberClaimed", "CardNumberRetired"]


def test_erasure_is_recorded_once_and_clears_roles():
    person = uuid4()
    account = Account.register(person_id=person, display_name="Camille", sealed_identity="s")
    account.grant_role(Role.ADMIN, person)
    account.erase_personal_data(person)
    assert account.erased and account.roles == set()
    with pytest.raises(AlreadyErased):
        account.erase_personal_data(person)
    with pytest.raises(AlreadyErased):
        account.grant_role(Role.EDITOR, person)
    assert replay(account).erased


def test_erasure_closes_the_card():
    c = card()
    c.close_for_erasure()
    assert c.status == "closed"
    with pytest.raises(CardNotActive):
        c.renew(date.today())


def test_an_erased_person_s_email_claim_is_released_then_reclaimed_once():
    from engage.domain.accounts.errors import EmailAlreadyRegistered
    from engage.domain.accounts.model import EmailClaim

    claim = EmailClaim(claim_id=uuid4(), person_id=uuid4())
    with pytest.raises(EmailAlreadyRegistered):
        claim.reclaim(uuid4())
    claim.release()
    newcomer = uuid4()
    claim.reclaim(newcomer)
    assert claim.person_id == newcomer and not claim.released
    with pytest.raises(EmailAlreadyRegistered):
        claim.reclaim(uuid4())


def test_a_card_is_valid_until_its_last_day_and_not_after():
    c = card()
    assert c.is_valid_on(date.today())
    assert c.is_valid_on(first_day_expired(c) - timedelta(days=1))
    assert not c.is_valid_on(first_day_expired(c))
