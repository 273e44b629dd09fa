"""The transparency group's batch for one vote, in round trips to PostgreSQL (counted at the wire
by benchmarks/roundtrips.py's WireCounter, never timed): it is on the path of every vote's
read-your-writes wait, since the consultations group commits only once the public log has."""

from __future__ import annotations

from typing import Callable
from uuid import uuid4

import pytest

from benchmarks.roundtrips import PREPARE
from engage.projections.groups import group_engine, group_named
from tests.common.consultations import contribute, create_consultation
from tests.common.projections import engines, round_trips_of, some_events

# BEGIN with the engine's batch read (positions, head, the event); the projection's reads (the
# tree's size and right edge, the commitments already drawn) in one statement; its writes (the
# leaf, its nodes, the commitment and the act) with the positions written and announced and the
# COMMIT, in one pipeline. (15 before: the tree size, its edge, the commitments apart, and 4
# COPYs that each wait for the server twice; 6 while BEGIN and COMMIT went alone; 4 while the
# writes had a pipeline of their own.)
ONE_EVENT_BATCH = 3


def on_postgresql(backend):
    if backend != "postgresql":
        pytest.skip("round trips are PostgreSQL's (SQLite runs in the process)")


def paid(breakdown: dict) -> int:
    """The round trips but psycopg's one-off preparation of a statement on a connection."""
    return sum(n for (_pool, purpose), n in breakdown["by_purpose"].items() if purpose != PREPARE)


def one_vote_batch(engage_services, engine) -> tuple[dict, Callable[..., None]]:
    """The wire breakdown of `engine`'s batch of one vote, once warm (statements prepared, pool
    full); and a function casting another vote on the same item."""
    some_events(engage_services)
    app = engage_services.app
    item = contribute(app, create_consultation(app, slug="une-autre"), text="Une autre proposition.").id

    def vote(option="d-accord"):
        app.cast_vote(person_id=uuid4(), item_id=item, option=option, has_valid_card=True)

    for option in ("d-accord", "mitige", "pas-d-accord"):
        vote(option)
        engine.catch_up()
    vote()
    return round_trips_of(lambda: engine.process_shared_batch(list(engine.projections))), vote


def test_the_transparency_groups_batch_of_one_vote_costs_three_round_trips(backend, engage_services):
    on_postgresql(backend)
    transparency = engines(engage_services)["transparency"]
    names = list(transparency.projections)
    batch, vote = one_vote_batch(engage_services, transparency)
    assert paid(batch) <= ONE_EVENT_BATCH, batch["statements"]
    # Nor does a burst's small batch cost more: one statement per table, in the same pipeline.
    for _ in range(10):
        vote("mitige")
    burst = round_trips_of(lambda: transparency.process_shared_batch(names))
    assert paid(burst) <= ONE_EVENT_BATCH, burst["statements"]


def test_the_wire_counter_counts_both_waits_of_a_copy(backend, database_url):
    """A COPY FROM STDIN waits for the server twice: for its start (CopyInResponse) before the
    rows can go, and for its end (CommandComplete after CopyDone). Both are round trips."""
    on_postgresql(backend)
    import psycopg

    from engage.db import DatabaseURL

    with psycopg.connect(**DatabaseURL.parse(database_url).conninfo(), autocommit=True) as conn:
        conn.execute("CREATE TEMPORARY TABLE copied (n INTEGER)")

        def copy_one_row():
            with conn.cursor().copy("COPY copied (n) FROM STDIN") as copy:
                copy.write_row((1,))

        assert paid(round_trips_of(copy_one_row)) == 2


# The default live process (groups.PROCESSES) applies the public log and the counters in one
# batch: BEGIN with the batch read; the tree's read; the consultations projection's read of the
# items' rules and counts, the public log's writes riding with it; the positions written with
# every projection's writes (the consultations counters, the new ballots, the restitution's
# support and counters in one statement) and the COMMIT. (A new vote's ballot is read from
# neither projection: no stored ballot to look up.)
MERGED_ONE_EVENT_BATCH = 4


def test_the_public_log_and_the_counters_merged_apply_a_vote_in_four_round_trips(backend, engage_services):
    on_postgresql(backend)
    engine = engage_services.engine
    votes = group_engine(engine, group_named("transparency+consultations", engine.projections), engage_services.hooks)
    batch, _ = one_vote_batch(engage_services, votes)
    assert paid(batch) <= MERGED_ONE_EVENT_BATCH, batch["statements"]
    assert engine.positions()["consultations"] == engine.positions()["transparency"] == engine.head()
