"""Use cases and read model on both back ends: card check, capacity under concurrency,
waitlist promotion, attendance, feedback, certificates, statistics."""

from __future__ import annotations

import threading
from datetime import timedelta
from uuid import uuid4

import pytest

from engage.domain.workshops.errors import (
    AlreadyRegistered,
    CardRequired,
    FeedbackAlreadyGiven,
    NotAttended,
    NotFacilitator,
    UnknownCard,
)
from engage.projections.workshops import queries as wq
from tests.common.workshops import card_holder, make_session


def test_fifty_concurrent_registrations_at_ten_seats(engage_services):
    app = engage_services.app
    session_id, _ = make_session(app, capacity=10)
    holders = [card_holder(app, i) for i in range(50)]
    results, errors = [None] * 50, []
    barrier = threading.Barrier(50)

    def register(index):
        person_id, card_id, _ = holders[index]
        barrier.wait()
        try:
            results[index] = app.register_for_session(session_id, person_id, card_ids=[card_id])
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=register, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    registered = [r for r in results if r.status == "registered"]
    waitlisted = [r for r in results if r.status == "waitlisted"]
    assert len(registered) == 10 and len(waitlisted) == 40
    assert any(r.attempts > 1 for r in results)  # there were conflicts, and they were retried
    session = app.get_session(session_id)
    assert len(session.registered) == 10 and len(session.waitlist) == 40
    # The waitlist is in arrival order: the order in which the registrations were recorded.
    by_rank = sorted(waitlisted, key=lambda r: r.rank)
    assert [r.rank for r in by_rank] == list(range(1, 41))
    assert [r.person_id for r in by_rank] == session.waitlist
    assert [r.position for r in by_rank] == sorted(r.position for r in by_rank)
    engage_services.engine.catch_up()
    view = wq.session(engage_services.db, session_id)
    assert (view.registered, view.waitlisted, view.seats_left) == (10, 40, 0)
    assert [p for p in wq.waitlist(engage_services.db, session_id)] == [p.hex for p in session.waitlist]


def test_registration_needs_a_valid_card_of_ones_own(engage_services):
    app = engage_services.app
    session_id, _ = make_session(app)
    person, card, _ = card_holder(app, 1)
    other, other_card, _ = card_holder(app, 2)
    with pytest.raises(CardRequired):
        app.register_for_session(session_id, uuid4(), card_ids=[])
    with pytest.raises(CardRequired):
        app.register_for_session(session_id, person, card_ids=[other_card])
    app.register_for_session(session_id, person, card_ids=[card])
    head = engage_services.engine.head()
    with pytest.raises(AlreadyRegistered):
        app.register_for_session(session_id, person, card_ids=[card])
    assert engage_services.engine.head() == head  # nothing written


def test_card_ids_come_from_the_read_model(engage_services):
    app = engage_services.app
    person, card, _ = card_holder(app, 1)
    engage_services.engine.catch_up()
    assert wq.card_ids(engage_services.db, person) == [card]


def test_withdrawal_promotes_and_notifies_the_first_waiting(engage_services):
    app, db = engage_services.app, engage_services.db
    session_id, _ = make_session(app, capacity=1)
    (a, ca, _), (b, cb, _), (c, cc, _) = (card_holder(app, i) for i in range(3))
    for person, card in ((a, ca), (b, cb), (c, cc)):
        app.register_for_session(session_id, person, card_ids=[card])
    engage_services.engine.catch_up()
    assert wq.my_registration(db, session_id, c).rank == 2
    withdrawal = app.cancel_registration(session_id, a)
    assert withdrawal.promoted == b
    engage_services.engine.catch_up()
    assert wq.my_registration(db, session_id, b).state == "registered"
    assert wq.my_registration(db, session_id, c).rank == 1
    assert [n.kind for n in wq.notices(db, b)] == ["promoted"]
    assert wq.notices(db, c) == []


def test_reschedule_and_cancel_notify_everyone_registered(engage_services):
    app, db = engage_services.app, engage_services.db
    session_id, facilitator = make_session(app, capacity=1)
    (a, ca, _), (b, cb, _) = card_holder(app, 0), card_holder(app, 1)
    app.register_for_session(session_id, a, card_ids=[ca])
    app.register_for_session(session_id, b, card_ids=[cb])
    start = app.get_session(session_id).starts_at + timedelta(days=1)
    change = app.reschedule_session(session_id, starts_at=start, ends_at=start + timedelta(hours=1), by=facilitator)
    assert set(change.notify) == {a, b}
    cancelled = app.cancel_session(session_id, by=facilitator)
    assert set(cancelled.notify) == {a, b}
    engage_services.engine.catch_up()
    assert [n.kind for n in wq.notices(db, a)] == ["cancelled", "rescheduled"]
    assert wq.session(db, session_id).starts_at == start
    assert wq.catalogue(db).items == []  # a cancelled session leaves the catalogue


def test_another_facilitator_changes_nothing_and_an_admin_may(engage_services):
    """Issue 16: ownership is the domain's rule, for every change and for reading the roll."""
    app, engine = engage_services.app, engage_services.engine
    session_id, facilitator = make_session(app, capacity=3)
    person, card, number = card_holder(app, 0)
    app.register_for_session(session_id, person, card_ids=[card])
    walk_in, _, walk_in_number = card_holder(app, 1)
    other, admin = uuid4(), uuid4()
    start = app.get_session(session_id).starts_at
    later = start + timedelta(days=1)
    head = engine.head()
    refusals = (
        lambda: app.reschedule_session(session_id, starts_at=later, ends_at=later + timedelta(hours=1), by=other),
        lambda: app.cancel_session(session_id, by=other),
        lambda: app.record_attendance(session_id, {person: True}, by=other, now=start),
        lambda: app.record_walk_in(session_id, walk_in_number, by=other, now=start),
        lambda: app.check_session_manager(session_id, by=other),
        lambda: app.check_session_manager(session_id, by=other, admin=False),
    )
    for refused in refusals:
        with pytest.raises(NotFacilitator):
            refused()
    assert engine.head() == head  # nothing written
    app.check_session_manager(session_id, by=facilitator)
    app.check_session_manager(session_id, by=admin, admin=True)
    assert app.record_attendance(session_id, {person: True}, by=admin, admin=True, now=start).changed == 1
    assert app.record_walk_in(session_id, walk_in_number, by=admin, admin=True, now=start).changed == 1
    moved = app.reschedule_session(session_id, starts_at=later, ends_at=later + timedelta(hours=1),
                                   by=admin, admin=True, now=start - timedelta(hours=1))
    assert moved.notify == [person]
    app.cancel_session(session_id, by=admin, admin=True, now=start - timedelta(hours=1))
    assert app.get_session(session_id).cancelled and number


def attended_session(engage_services, count=6):
    app = engage_services.app
    session_id, facilitator = make_session(app, capacity=count)
    people = [card_holder(app, i, arrondissement=11 if i % 2 else 20) for i in range(count)]
    for person, card, _ in people:
        app.register_for_session(session_id, person, card_ids=[card])
    start = app.get_session(session_id).starts_at
    return session_id, facilitator, people, start


def test_attendance_certificates_feedback_and_statistics(engage_services):
    app, db = engage_services.app, engage_services.db
    session_id, facilitator, people, start = attended_session(engage_services, 7)
    marks = {person: i != 0 for i, (person, _, _) in enumerate(people)}
    with pytest.raises(NotFacilitator):
        app.record_attendance(session_id, marks, by=uuid4(), now=start)
    head = engage_services.engine.head()
    assert app.record_attendance(session_id, marks, by=facilitator, now=start).changed == 7
    assert engage_services.engine.head() == head + 7
    walk_in, _, number = card_holder(app, 99, arrondissement=3)
    app.record_walk_in(session_id, number, by=facilitator, now=start)
    with pytest.raises(UnknownCard):
        app.record_walk_in(session_id, "0000000000", by=facilitator, now=start)
    absent = people[0][0]
    with pytest.raises(NotAttended):
        app.give_feedback(session_id, absent, rating=5, comment="")
    with pytest.raises(NotAttended):
        app.certificate_code(session_id, absent)
    present = people[1][0]
    app.give_feedback(session_id, present, rating=4, comment="Très clair, merci.")
    with pytest.raises(FeedbackAlreadyGiven):
        app.give_feedback(session_id, present, rating=1, comment="")
    assert app.has_given_feedback(session_id, present)
    engage_services.engine.catch_up()
    code = app.certificate_code(session_id, present)
    found = wq.certificate(db, code)
    assert found.title == "Construire son projet associatif" and found.starts_at == start
    assert wq.certificate(db, "AAAAAAAAAA") is None
    assert [(r, c) for r, c in wq.feedback(db, session_id)] == [(4, "Très clair, merci.")]
    assert [s.session.session_id for s in wq.my_sessions(db, present, attended=True).items] == [session_id.hex]
    assert wq.my_sessions(db, absent, attended=True).items == []
    _, figures, _ = wq.stats(db)
    assert figures["total"]["present"] == 7 and figures["total"]["marked"] == 8
    assert figures["total"]["sessions_held"] == 1
    assert figures["arrondissement"] == {"11": 3, "20": 3, "3": 1}
    assert figures["place"] == {"11": 7}
    # The roll corrected: the absent person was there after all.
    app.record_attendance(session_id, {absent: True}, by=facilitator, now=start)
    engage_services.engine.catch_up()
    assert wq.stats(db)[1]["total"]["present"] == 8


def test_rebuild_gives_the_same_read_model(engage_services):
    app, db = engage_services.app, engage_services.db
    session_id, facilitator, people, start = attended_session(engage_services, 5)
    app.record_attendance(session_id, {p: True for p, _, _ in people}, by=facilitator, now=start)
    engage_services.engine.catch_up()
    before = wq.stats(db)[1], wq.roll(db, session_id)
    engage_services.engine.rebuild(["workshops"])
    assert (wq.stats(db)[1], wq.roll(db, session_id)) == before


def test_demo_data_has_the_three_families_full_sessions_and_past_attendance(engage_services):
    from engage.scripts.demo import load_demo

    load_demo(engage_services, cards=40)
    db = engage_services.db
    upcoming = wq.catalogue(db, size=50).items
    assert {s.theme for s in upcoming} == {"construire-son-projet", "comprendre-les-institutions",
                                            "rencontrer-des-elus"}
    assert len({s.arrondissement for s in upcoming}) >= 8
    assert any(s.seats_left == 0 and s.waitlisted > 0 for s in upcoming)
    assert any(s.arrondissement is None and s.online_link for s in upcoming)
    _, figures, _ = wq.stats(db)
    assert figures["total"]["sessions_held"] == 3 and figures["total"]["present"] == 27


def test_concurrent_withdrawals_registrations_and_a_reschedule_keep_the_invariants(engage_services):
    app = engage_services.app
    session_id, facilitator = make_session(app, capacity=5)
    holders = [card_holder(app, i) for i in range(20)]
    for person, card, _ in holders[:10]:
        app.register_for_session(session_id, person, card_ids=[card])
    start = app.get_session(session_id).starts_at
    barrier = threading.Barrier(11)
    errors = []

    def run(action):
        barrier.wait()
        try:
            action()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    actions = [lambda p=p: app.cancel_registration(session_id, p) for p, _, _ in holders[:5]]
    actions += [lambda p=p, c=c: app.register_for_session(session_id, p, card_ids=[c]) for p, c, _ in holders[10:15]]
    actions.append(lambda: app.reschedule_session(session_id, starts_at=start + timedelta(hours=1),
                                                  ends_at=start + timedelta(hours=3), by=facilitator))
    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    session = app.get_session(session_id)
    assert len(session.registered) == 5 and len(session.waitlist) == 5
    assert session.registered == [p for p, _, _ in holders[5:10]]  # the first five waiting, promoted
    assert session.starts_at == start + timedelta(hours=1)
    engage_services.engine.catch_up()
    view = wq.session(engage_services.db, session_id)
    assert (view.registered, view.waitlisted) == (5, 5)
