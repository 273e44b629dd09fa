"""A first vote is saved without reading the log; the checks come from the item as shown."""

from __future__ import annotations

import threading
from uuid import uuid4

import pytest

from engage.domain.consultations import errors as c_errors
from engage.domain.consultations.model import ItemAsShown, vote_id
from engage.projections.consultations import queries as q
from tests.common.consultations import EDITOR, contribute, create_consultation

OPEN = ItemAsShown(available=True, current_phase="consultation", card_required=False)


def no_reading(*args, **kwargs):
    raise AssertionError("the log was read")


def test_a_first_vote_reads_nothing_from_the_log_and_a_change_of_mind_still_counts(engage_services, monkeypatch):
    app = engage_services.app
    item = contribute(app, create_consultation(app)).id
    voter = uuid4()
    with monkeypatch.context() as patch:
        patch.setattr(app.repository, "get", no_reading)
        first = app.cast_vote(person_id=voter, item_id=item, option="d-accord", has_valid_card=True, shown=OPEN)
    assert first.position is not None
    # The store refuses a second first ballot: the ballot is then loaded and changed.
    assert app.cast_vote(person_id=voter, item_id=item, option="d-accord", has_valid_card=True,
                         shown=OPEN).position is None
    app.cast_vote(person_id=voter, item_id=item, option="mitige", has_valid_card=True, shown=OPEN)
    app.withdraw_vote(person_id=voter, item_id=item)
    app.cast_vote(person_id=voter, item_id=item, option="pas-d-accord", has_valid_card=True, shown=OPEN)
    engage_services.engine.catch_up()
    assert q.vote_counts(engage_services.db, item.hex)["total"] == {"d-accord": 0, "mitige": 0, "pas-d-accord": 1}
    assert q.vote_option(engage_services.db, app.vote_key(voter, item)) == "pas-d-accord"
    assert app.vote_key(voter, item) == vote_id(voter, item, app.identifier_key)
    with pytest.raises(c_errors.UnknownOption):
        app.cast_vote(person_id=uuid4(), item_id=item, option="peut-etre", has_valid_card=True, shown=OPEN)


def test_the_item_as_shown_refuses_what_the_aggregates_refuse(engage_services):
    app = engage_services.app
    item = contribute(app, create_consultation(app)).id
    refusals = [
        (ItemAsShown(available=False, current_phase="consultation", card_required=False), True,
         c_errors.ItemUnavailable),
        (ItemAsShown(available=True, current_phase="consultation", card_required=True), False, c_errors.CardRequired),
        (ItemAsShown(available=True, current_phase="restitution", card_required=False), True,
         c_errors.ContributionClosed),
    ]
    for shown, card, refusal in refusals:
        with pytest.raises(refusal):
            app.cast_vote(person_id=uuid4(), item_id=item, option="d-accord", has_valid_card=card, shown=shown)
    engage_services.engine.catch_up()
    assert sum(q.vote_counts(engage_services.db, item.hex)["total"].values()) == 0


def test_concurrent_first_votes_and_changes_of_mind_count_once_each(engage_services):
    """Eight threads: four vote for the first time, four change their minds (their batch of
    the group commit is refused by the changes' second first ballots, and retried alone)."""
    app = engage_services.app
    item = contribute(app, create_consultation(app)).id
    voters = [uuid4() for _ in range(8)]
    for voter in voters[4:]:
        app.cast_vote(person_id=voter, item_id=item, option="pas-d-accord", has_valid_card=True, shown=OPEN)
    barrier = threading.Barrier(8)
    errors = []

    def vote(voter):
        barrier.wait()
        try:
            app.cast_vote(person_id=voter, item_id=item, option="d-accord", has_valid_card=True, shown=OPEN)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=vote, args=(voter,)) for voter in voters]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    engage_services.engine.catch_up()
    assert q.vote_counts(engage_services.db, item.hex)["total"] == {"d-accord": 8, "mitige": 0, "pas-d-accord": 0}
    for voter in voters:
        assert sum(type(e).__name__ == "VoteCast" for e in app.events.get(vote_id(voter, item, app.identifier_key))) == 1


def test_a_withdrawal_loads_only_the_ballot(engage_services, monkeypatch):
    app = engage_services.app
    item = contribute(app, create_consultation(app)).id
    voter = uuid4()
    with pytest.raises(c_errors.NoVoteToWithdraw):
        app.withdraw_vote(person_id=voter, item_id=item, shown=OPEN)
    app.cast_vote(person_id=voter, item_id=item, option="mitige", has_valid_card=True, shown=OPEN)
    with monkeypatch.context() as patch:
        patch.setattr(app, "get_contribution", no_reading)
        patch.setattr(app, "get_consultation", no_reading)
        app.withdraw_vote(person_id=voter, item_id=item, shown=OPEN)
    with pytest.raises(c_errors.ItemUnavailable):
        app.withdraw_vote(person_id=voter, item_id=item,
                          shown=ItemAsShown(available=False, current_phase="consultation", card_required=False))
    engage_services.engine.catch_up()
    assert sum(q.vote_counts(engage_services.db, item.hex)["total"].values()) == 0


@pytest.mark.parametrize("order", ["withdrawn then hidden", "hidden then withdrawn"])
def test_a_withdrawn_item_stays_withdrawn_when_its_hiding_is_lifted(engage_services, order):
    """The read model the vote's checks come from agrees with the aggregate: a contribution
    withdrawn by its author and also hidden by a moderator is unavailable (and its text not
    shown) once the hiding is lifted."""
    app = engage_services.app
    author = uuid4()
    item = contribute(app, create_consultation(app), author).id
    steps = [lambda: app.withdraw_contribution(item, person_id=author),
             lambda: app.hide_contribution(item, reason="Propos injurieux", moderator_id=EDITOR)]
    for step in (steps if order.startswith("withdrawn") else reversed(steps)):
        step()
    app.restore_contribution(item, moderator_id=EDITOR)
    engage_services.engine.catch_up()
    shown = q.contribution(engage_services.db, item.hex)
    assert not shown.published and shown.body is None
    with pytest.raises(c_errors.ItemUnavailable):
        app.cast_vote(person_id=uuid4(), item_id=item, option="d-accord", has_valid_card=True,
                      shown=ItemAsShown(available=shown.published, current_phase="consultation", card_required=False))
