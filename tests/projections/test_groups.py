"""Projection groups: a partition of the projections, each group followed by its own engine,
trailing the groups it depends on, and together the same read models as one engine."""

from __future__ import annotations

import threading

import pytest

from engage.projections.groups import (
    GROUPS,
    PROCESSES,
    UnknownGroup,
    group_engine,
    group_named,
    partition,
    processes_from,
)
from tests.common.projections import engines, read_models, some_events


def test_every_projection_is_in_exactly_one_group(engage_services):
    names = list(engage_services.engine.projections)
    groups = partition(names)
    members = [name for group in groups for name in group.projections]
    assert sorted(members) == sorted(names) and len(members) == len(set(members))
    assert all(group.projections for group in groups)  # no empty group
    # A group naming a projection that does not exist (renamed) would run nothing.
    named = {n for _, members, _ in GROUPS if members is not None for n in members}
    assert named <= set(names)


def test_an_unknown_group_is_refused_with_the_known_names(engage_services):
    with pytest.raises(UnknownGroup) as refused:
        group_named("nothing", engage_services.engine.projections)
    assert "transparency, consultations, others" in str(refused.value)


def test_groups_merged_run_in_order_and_trail_only_what_none_of_them_holds(engage_services):
    names = engage_services.engine.projections
    alone = {group.name: group for group in partition(names)}
    votes = group_named("consultations+transparency", names)  # any order: GROUPS' order runs
    assert votes.name == "transparency+consultations"
    assert votes.projections == alone["transparency"].projections + alone["consultations"].projections
    assert votes.trails == ()
    rest = group_named("others+consultations", names)
    assert rest.trails == alone["transparency"].projections
    for wrong in ("transparency+nothing", "others+others", "", "+"):
        with pytest.raises(UnknownGroup):
            group_named(wrong, names)


def test_the_processes_to_run_hold_every_group_once(engage_services):
    assert processes_from({}) == list(PROCESSES) == ["transparency+consultations", "others"]
    every_one_alone = {"engage.projections.processes": "transparency consultations others"}
    assert processes_from(every_one_alone) == ["transparency", "consultations", "others"]
    for wrong in ("transparency others", "transparency+consultations others consultations", "all"):
        with pytest.raises((ValueError, UnknownGroup)):
            processes_from({"engage.projections.processes": wrong})


def test_merged_groups_build_what_one_engine_builds_and_commit_as_one(engage_services):
    some_events(engage_services)
    engage_services.engine.catch_up()
    expected = read_models(engage_services)
    engine = engage_services.engine
    engine.reset(list(engine.projections))
    votes = group_engine(engine, group_named("transparency+consultations", engine.projections), engage_services.hooks)
    others = group_engine(engine, group_named("others", engine.projections), engage_services.hooks)
    votes.catch_up()
    positions = engine.positions()
    # The public log and the counters reached the head together, in one transaction per batch.
    assert {positions[name] for name in votes.projections} == {engine.head()}
    assert {positions[name] for name in others.projections} == {0}
    # Their hooks with them: the checkpoint signer and the support policy.
    assert len(votes.after_catch_up) == 2
    others.catch_up()
    assert read_models(engage_services) == expected


def test_hooks_run_in_the_group_of_their_read_model(engage_services):
    groups = engines(engage_services)
    hooks = {name: engine.after_catch_up for name, engine in groups.items()}
    assert hooks["transparency"] == [engage_services.checkpoints.sign_if_due]
    assert [type(h).__name__ for h in hooks["consultations"]] == ["SupportPolicy"]
    assert hooks["others"] == []
    # Each hook of the one-worker engine runs in exactly one group.
    every = [h for group in hooks.values() for h in group]
    assert sorted(map(id, every)) == sorted(map(id, engage_services.engine.after_catch_up))


def test_a_group_never_passes_the_groups_it_trails(engage_services):
    some_events(engage_services)
    head = engage_services.engine.head()
    groups = engines(engage_services)
    groups["others"].catch_up()
    groups["consultations"].catch_up()
    positions = engage_services.engine.positions()
    # Nothing yet: the public log comes first, before any published figure counts an event.
    assert {positions[n] for n in groups["others"].projections} == {0}
    assert {positions[n] for n in groups["consultations"].projections} == {0}

    groups["transparency"].catch_up()
    groups["others"].catch_up()  # still behind consultations, whose rows the change feed reads
    assert {engage_services.engine.positions()[n] for n in groups["others"].projections} == {0}
    groups["consultations"].catch_up()
    groups["others"].catch_up()
    assert set(engage_services.engine.positions().values()) == {head}


def test_groups_in_parallel_build_what_one_engine_builds(engage_services):
    some_events(engage_services)
    engage_services.engine.catch_up()
    expected = read_models(engage_services)
    head = engage_services.engine.head()

    engage_services.engine.reset(list(engage_services.engine.projections))
    assert read_models(engage_services) != expected
    errors = []

    def replay(engine):
        try:
            engine.replay(head)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    # The trailing groups start first: they wait for the groups they trail.
    threads = [threading.Thread(target=replay, args=(engine,)) for engine in reversed(engines(engage_services).values())]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert set(engage_services.engine.positions().values()) == {head}
    assert read_models(engage_services) == expected


def test_a_replay_reads_the_positions_once_and_reports_every_event(engage_services, monkeypatch):
    some_events(engage_services)
    head = engage_services.engine.head()
    engage_services.engine.reset(list(engage_services.engine.projections))
    engine = engage_services.engine
    transparency = group_engine(engine, group_named("transparency", engine.projections), batch_size=3)
    reads, reported = [], []
    positions = transparency.positions
    monkeypatch.setattr(transparency, "positions", lambda: reads.append(1) or positions())
    transparency.replay(head, progress=reported.append)
    assert len(reads) == 1  # each batch says where it left the group: no read of its own
    assert sum(reported) == head and len(reported) > 1
    assert engage_services.engine.positions()["transparency"] == head


class Crash(Exception):
    pass


def test_a_group_that_crashes_mid_batch_leaves_the_others_untouched(engage_services, monkeypatch):
    some_events(engage_services)
    groups = engines(engage_services)
    groups["transparency"].catch_up()
    before = engage_services.engine.positions()
    restitution = groups["consultations"].projections["restitution"]
    monkeypatch.setattr(restitution, "apply_batch", lambda cur, events: (_ for _ in ()).throw(Crash()))
    with pytest.raises(Crash):
        groups["consultations"].catch_up()
    # The consultations projection's writes of the batch rolled back with restitution's.
    assert engage_services.engine.positions() == before
    with engage_services.db.reading() as cur:
        assert cur.scalar("SELECT COUNT(*) FROM rm_votes") == 0
    monkeypatch.undo()

    for name in ("consultations", "others"):  # restarted
        groups[name].catch_up()
    restarted = read_models(engage_services)
    engage_services.engine.rebuild()
    assert read_models(engage_services) == restarted
