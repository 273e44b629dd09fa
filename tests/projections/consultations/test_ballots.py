"""A run of vote events as plain values (engage/projections/consultations/ballots.py)."""

from uuid import uuid4

from engage.domain.consultations.model import Vote
from engage.projections.consultations.ballots import ballots_of, stored_ballots


def a_run(*ballots: Vote) -> list:
    events = [event for ballot in ballots for event in ballot.collect_events()]
    return [(event, position) for position, event in enumerate(events, start=1)]


def test_a_run_as_ballots_and_the_votes_that_may_be_stored():
    item = uuid4()
    first = Vote.cast(vote_id=uuid4(), item_id=item, option="d-accord")
    second = Vote.cast(vote_id=uuid4(), item_id=item, option="mitige")
    first.change("pas-d-accord")
    first.withdraw()
    run = a_run(first, second)
    assert ballots_of(run) == [
        (first.id.hex, item.hex, "d-accord", True),
        (first.id.hex, None, "pas-d-accord", False),
        (first.id.hex, None, None, False),
        (second.id.hex, item.hex, "mitige", True),
    ]
    assert stored_ballots(ballots_of(run)) == [first.id.hex]


def test_the_second_projection_reuses_the_run_only_if_it_is_the_same_run():
    item = uuid4()
    votes = [Vote.cast(vote_id=uuid4(), item_id=item, option="d-accord") for _ in range(3)]
    run = a_run(*votes)
    assert ballots_of(list(run)) is ballots_of(list(run))  # the same events: one list
    shorter = [run[0], run[2]]  # the same ends, not the same run
    assert [vote for vote, *_ in ballots_of(shorter)] == [votes[0].id.hex, votes[2].id.hex]
    assert len(ballots_of(run)) == 3
