"""The projections' batch paths (runs of votes, of new contributions and of card issues
written set-wise; people rows, history lines and counters written once per batch) leave
exactly the tables that applying each event in turn leaves."""

import random
from uuid import uuid4

import pytest

from benchmarks.roundtrips import PREPARE
from engage.projections import base
from engage.projections.base import Projection
from engage.projections.cards.lifecycle import CardLifecycleProjection
from engage.projections.consultations.projection import ConsultationsProjection
from engage.projections.restitution.projection import RestitutionProjection
from engage.projections.workshops.projection import WorkshopsProjection
from tests.common.consultations import contribute, create_consultation
from tests.common.projections import engines, round_trips_of
from tests.common.workshops import card_holder

TABLES = {
    "rm_contributions": "contribution_id, consultation_id, position, parent_id, top_level, kind, theme, channel,"
                        " author_id, body, status, reports, flagged_for_study",
    "rm_contribution_counts": "contribution_id, agree, replies",
    "rm_votes": "vote_id, item_id, option",
    "rm_vote_counts": "item_id, channel, option, votes",
    "rm_support_due": "item_id, agree, threshold",
    "rm_consultation_counts": "consultation_id, channel, contributions",
    "rm_notifications": "person_id, position, kind, contribution_id, detail",
    "rm_moderation_queue": "contribution_id, last_position, reports",
    "rm_restitution_people": "person_id, arrondissement, age_band",
    "rm_restitution_items": "contribution_id, consultation_id, position, channel, theme, week, arrondissement,"
                            " age_band, status",
    "rm_restitution_support": "contribution_id, consultation_id, position, agree, votes",
    "rm_restitution_votes": "vote_id, item_id, option",
    "rm_restitution_members": "consultation_id, dimension, bucket, person_id",
    "rm_restitution_counts": "consultation_id, dimension, bucket, channel, participants, contributions, votes",
    "rm_card_details": "card_id, person_id, valid_until, consent_consultation, replacements",
    "rm_card_history": "card_id, position, event, occurred_at",
    "rm_workshop_participants": "person_id, arrondissement, age_band",
    "rm_inclusion_people": "person_id, card_id, arrondissement, age_band, card_holder, contributor",
    "rm_inclusion_counts": "population, dimension, value, people",
    "rm_participation_history": "person_id, position, kind, summary, mapping",
}
REBUILT = ["consultations", "restitution", "card_lifecycle", "workshops", "inclusion", "participation_history"]


def dump(db):
    """Every row, in the order of all its columns (a table's rows have no order of their own: the
    batch paths may insert them in another order than one event at a time)."""
    with db.reading() as cur:
        return {table: cur.execute(f"SELECT {columns} FROM {table} ORDER BY {columns}").fetchall()
                for table, columns in TABLES.items()}


def votes_and_contributions(app) -> None:
    rng = random.Random(9)
    consultation = create_consultation(app, threshold=3)
    authors = [card_holder(app, i, arrondissement=1 + i, age_band="25-34")[0] for i in range(2)] + [uuid4()]
    items = [contribute(app, consultation, authors[i % 3], text=f"Idée {i}").id for i in range(4)]
    items.append(contribute(app, consultation, authors[1], parent_id=items[0], text="Une réponse").id)
    people = [uuid4() for _ in range(8)]
    for step in range(120):  # first votes, changes of mind, withdrawals, and other events between runs
        who, item = rng.choice(people), rng.choice(items)
        if step % 17 == 16:
            app.report_contribution(item, person_id=uuid4(), reason="Hors sujet")
        elif step % 23 == 22:
            contribute(app, consultation, rng.choice(people), parent_id=rng.choice(items[:4]), text=f"Réponse {step}")
        elif rng.random() < 0.15 and app.my_vote(person_id=who, item_id=item):
            app.withdraw_vote(person_id=who, item_id=item)
        else:
            app.cast_vote(person_id=who, item_id=item, option=rng.choice(["d-accord", "mitige", "pas-d-accord"]),
                          has_valid_card=True)


def test_batch_path_equals_one_event_at_a_time(engage_services, monkeypatch):
    votes_and_contributions(engage_services.app)
    engine = engage_services.engine
    engine.rebuild(REBUILT)
    batched = dump(engage_services.db)
    # Small batches: a ballot cast in one batch and changed in a later one (its row read back,
    # then updated), and the counters' starting points read from the rows the last batch wrote.
    monkeypatch.setattr(engine, "batch_size", 7)
    engine.rebuild(REBUILT)
    assert dump(engage_services.db) == batched
    for projection in (ConsultationsProjection, RestitutionProjection, CardLifecycleProjection, WorkshopsProjection):
        monkeypatch.setattr(projection, "apply_batch", Projection.apply_batch)
    monkeypatch.setattr(engine, "batch_size", 1)  # inclusion and participation: a batch of one each time
    engine.rebuild(REBUILT)
    assert dump(engage_services.db) == batched
    assert batched["rm_support_due"] and batched["rm_notifications"]  # the rules were exercised
    assert any(row[4] for row in batched["rm_restitution_counts"])  # distinct participants counted
    assert {row[6] for row in batched["rm_restitution_items"]} >= {1, 2, None}  # cards' arrondissements
    assert sum(v for *_, v in batched["rm_vote_counts"]) == sum(1 for *_, o in batched["rm_votes"] if o)


def test_copy_path_equals_statement_path(engage_services, monkeypatch):
    """New rows by construction (ballots, contributions, restitution items, the change feed)
    go in one COPY on PostgreSQL when a batch has many (a rebuild), in one INSERT statement
    when it has few (a live batch): the tables end the same. On SQLite both are executemany."""
    votes_and_contributions(engage_services.app)
    engine = engage_services.engine
    tables = {**TABLES, "rm_opendata_changes": "position, seq, dataset, record_key, operation, occurred_at"}
    rebuilt = [*REBUILT, "opendata_changes"]

    def rebuilt_tables():
        engine.rebuild(rebuilt)
        with engage_services.db.reading() as cur:
            return {table: cur.execute(f"SELECT {columns} FROM {table} ORDER BY {columns}").fetchall()
                    for table, columns in tables.items()}

    monkeypatch.setattr(base, "COPY_FROM", 10**9)  # never a COPY
    statements = rebuilt_tables()
    monkeypatch.setattr(base, "COPY_FROM", 1)  # a COPY for every run of new rows
    assert rebuilt_tables() == statements
    assert statements["rm_votes"] and statements["rm_opendata_changes"]


def one_busy_item(app) -> None:
    """Many ballots on one item, and ballots that change and are withdrawn (and cast again)
    within what is one batch of a rebuild."""
    consultation = create_consultation(app, threshold=4)
    items = [contribute(app, consultation, uuid4(), text=f"Idée {i}").id for i in range(2)]
    people = [uuid4() for _ in range(12)]
    for who in people:
        app.cast_vote(person_id=who, item_id=items[0], option="d-accord", has_valid_card=True)
    app.cast_vote(person_id=people[0], item_id=items[0], option="mitige", has_valid_card=True)  # changed
    app.withdraw_vote(person_id=people[1], item_id=items[0])  # withdrawn
    app.cast_vote(person_id=people[2], item_id=items[1], option="pas-d-accord", has_valid_card=True)
    app.withdraw_vote(person_id=people[2], item_id=items[1])  # cast and withdrawn: a count of 0 stays
    app.withdraw_vote(person_id=people[3], item_id=items[0])
    app.cast_vote(person_id=people[3], item_id=items[0], option="d-accord", has_valid_card=True)  # cast again


def test_votes_on_one_item_changed_and_withdrawn_within_a_batch(engage_services, monkeypatch):
    """The set-wise vote path (rows in key order, counters added up in memory, one run's
    ballots shared by both projections) against one event at a time, with and without COPY."""
    one_busy_item(engage_services.app)
    engine = engage_services.engine
    engine.rebuild(REBUILT)
    batched = dump(engage_services.db)
    monkeypatch.setattr(base, "COPY_FROM", 1)  # the ballots of the run in one COPY on PostgreSQL
    engine.rebuild(REBUILT)
    assert dump(engage_services.db) == batched
    for projection in (ConsultationsProjection, RestitutionProjection):
        monkeypatch.setattr(projection, "apply_batch", Projection.apply_batch)
    engine.rebuild(REBUILT)
    assert dump(engage_services.db) == batched
    counts = {(item, option): n for item, channel, option, n in batched["rm_vote_counts"]}
    assert sorted(counts.values()) == [0, 1, 10]  # d'accord 12 - 2 withdrawn + 1 again - 1 changed
    assert len(batched["rm_votes"]) == len(batched["rm_restitution_votes"]) == 13
    assert [row[1] for row in batched["rm_support_due"]] == [10]


def test_a_crash_in_a_batch_of_votes_leaves_nothing_of_it(engage_services, monkeypatch):
    """The restitution projection fails after the consultations projection wrote its part of
    a batch of votes (one transaction for both): neither keeps anything, the positions stay,
    and the next batch applies the same events as if nothing had happened."""
    one_busy_item(engage_services.app)
    engine = engage_services.engine
    engine.rebuild(REBUILT)
    expected = dump(engage_services.db)
    engine.reset(["consultations", "restitution"])
    empty = dump(engage_services.db)

    def crash(self, cur, run):
        raise RuntimeError("crashed mid-batch")

    with monkeypatch.context() as patch:
        patch.setattr(RestitutionProjection, "_apply_votes", crash)
        try:
            engine.catch_up(["consultations", "restitution"])
        except RuntimeError as error:
            assert "crashed mid-batch" in str(error)
        else:
            raise AssertionError("the batch did not crash")
    assert dump(engage_services.db) == empty
    assert engine.positions()["consultations"] == engine.positions()["restitution"] == 0
    engine.catch_up(["consultations", "restitution"])
    assert dump(engage_services.db) == expected


#: A live batch of one vote, the consultations group's two projections' own round trips (the
#: engine's left out): the ballot's row read back by each projection (a change, a withdrawal),
#: and the rules and the counters read. Their writes have no round trip of their own
#: (Cursor.writes): they ride with the next statement, the engine's positions and COMMIT last
#: (4, 6 and 6 while each projection's writes went in a pipeline of their own; 2, 4 and 4 while
#: the restitution's support update returned its rows for the counters to be added in Python).
#: A statement's PREPARE (once per connection, when psycopg has seen it five times) is not the
#: vote's: which connection the pool hands out decides it.
LIVE_VOTE_TRIPS = {"first vote": 1, "change": 3, "withdrawal": 3}


def test_a_live_vote_costs_the_projections_no_more_round_trips(backend, engage_services):
    if backend != "postgresql":
        pytest.skip("round trips are PostgreSQL's")
    app = engage_services.app
    item = contribute(app, create_consultation(app, threshold=2), uuid4(), text="Une idée").id
    groups = engines(engage_services)
    for engine in groups.values():
        engine.catch_up()
    consultations, names = groups["consultations"], list(groups["consultations"].projections)
    voters = [uuid4() for _ in range(2)]
    app.cast_vote(person_id=voters[0], item_id=item, option="d-accord", has_valid_card=True)
    groups["transparency"].catch_up()
    consultations.process_shared_batch(names)  # warm: psycopg prepares a statement run often enough
    trips = {}
    for step, vote in (
            ("first vote", lambda: app.cast_vote(person_id=voters[1], item_id=item, option="d-accord",
                                                 has_valid_card=True)),
            ("change", lambda: app.cast_vote(person_id=voters[1], item_id=item, option="mitige", has_valid_card=True)),
            ("withdrawal", lambda: app.withdraw_vote(person_id=voters[0], item_id=item))):
        vote()
        groups["transparency"].catch_up()  # the trailed group first: the batch has the vote to apply
        breakdown = round_trips_of(lambda: consultations.process_shared_batch(names))
        trips[step] = sum(n for (_, purpose), n in breakdown["by_purpose"].items()
                          if not purpose.startswith("projections.engine") and purpose != PREPARE)
    assert trips == LIVE_VOTE_TRIPS
