"""The session aggregate's rules, without a database."""

from datetime import timedelta
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engage.domain.common import NotAllowed
from engage.domain.workshops.errors import (
    AlreadyRegistered,
    InvalidCapacity,
    InvalidSchedule,
    NotFacilitator,
    NotRegistered,
    PlaceRequired,
    RollNotOpen,
    SessionCancelled,
    SessionStarted,
)
from engage.domain.workshops.model import Workshop, WorkshopSession, certificate_code
from tests.common.workshops import NOW


def session(capacity=2, **kw):
    starts = NOW + timedelta(days=2)
    args = dict(workshop_id=uuid4(), starts_at=starts, ends_at=starts + timedelta(hours=2),
                arrondissement=11, place="Mairie du 11e", online_link="", capacity=capacity,
                facilitator_id=uuid4(), scheduled_by=uuid4(), now=NOW)
    args.update(kw)
    return WorkshopSession.schedule(**args)


def test_registrations_beyond_capacity_go_to_the_waitlist_in_order():
    s = session(capacity=2)
    people = [uuid4() for _ in range(4)]
    assert [s.register(p, NOW) for p in people] == ["registered", "registered", "waitlisted", "waitlisted"]
    assert s.waitlist == people[2:]
    with pytest.raises(AlreadyRegistered):
        s.register(people[3], NOW)


def test_a_withdrawal_promotes_the_first_on_the_waitlist():
    s = session(capacity=1)
    a, b, c = uuid4(), uuid4(), uuid4()
    for p in (a, b, c):
        s.register(p, NOW)
    assert s.cancel_registration(a, NOW) == b
    assert s.registered == [b] and s.waitlist == [c]
    assert s.cancel_registration(c, NOW) is None
    with pytest.raises(NotRegistered):
        s.cancel_registration(c, NOW)


def test_no_registration_after_the_start_or_once_cancelled():
    s = session()
    with pytest.raises(SessionStarted):
        s.register(uuid4(), s.starts_at)
    s.cancel(by=s.facilitator_id, now=NOW)
    with pytest.raises(SessionCancelled):
        s.register(uuid4(), NOW)


def test_schedule_rules():
    with pytest.raises(InvalidCapacity):
        session(capacity=0)
    with pytest.raises(InvalidSchedule):
        session(ends_at=NOW + timedelta(days=1))
    with pytest.raises(PlaceRequired):
        session(place="")
    online = session(place="", arrondissement=None, online_link="https://visio.paris.fr/atelier")
    assert online.arrondissement is None


def test_only_its_facilitator_marks_the_roll_once_it_opens():
    s = session()
    person = uuid4()
    s.register(person, NOW)
    with pytest.raises(NotFacilitator):
        s.record_attendance(person_id=person, present=True, by=uuid4(), now=s.starts_at)
    with pytest.raises(RollNotOpen):
        s.record_attendance(person_id=person, present=True, by=s.facilitator_id, now=NOW)
    assert s.record_attendance(person_id=person, present=True, by=s.facilitator_id, now=s.starts_at)
    assert not s.record_attendance(person_id=person, present=True, by=s.facilitator_id, now=s.starts_at)
    with pytest.raises(NotRegistered):
        s.record_attendance(person_id=uuid4(), present=True, by=s.facilitator_id, now=s.starts_at)
    walk_in = uuid4()
    assert s.record_attendance(person_id=walk_in, present=True, by=s.facilitator_id, now=s.starts_at, walk_in=True)
    assert s.attended(walk_in)


def test_only_its_facilitator_or_an_admin_manages_a_session():
    """Issue 16: another facilitator may neither move, cancel, keep nor read the roll."""
    s = session()
    person, other, admin = uuid4(), uuid4(), uuid4()
    s.register(person, NOW)
    before = (s.version, s.starts_at, s.ends_at, s.cancelled)
    later = s.starts_at + timedelta(days=1)
    with pytest.raises(NotFacilitator) as refused:
        s.reschedule(starts_at=later, ends_at=later + timedelta(hours=1), by=other, now=NOW)
    assert isinstance(refused.value, NotAllowed) and "animateur·rice de cette séance" in refused.value.message
    with pytest.raises(NotFacilitator):
        s.cancel(by=other, now=NOW)
    with pytest.raises(NotFacilitator):
        s.record_attendance(person_id=person, present=True, by=other, now=s.starts_at)
    with pytest.raises(NotFacilitator):
        s.record_attendance(person_id=uuid4(), present=True, by=other, now=s.starts_at, walk_in=True)
    with pytest.raises(NotFacilitator):
        s.check_manager(other)
    with pytest.raises(NotFacilitator):  # being an admin is said by the caller, not guessed
        s.check_manager(admin, admin=False)
    assert (s.version, s.starts_at, s.ends_at, s.cancelled) == before and not s.attendance
    s.check_manager(s.facilitator_id)
    s.check_manager(admin, admin=True)
    assert s.record_attendance(person_id=person, present=True, by=admin, admin=True, now=s.starts_at)
    s.reschedule(starts_at=later, ends_at=later + timedelta(hours=1), by=admin, admin=True, now=NOW)
    s.cancel(by=admin, admin=True, now=NOW)
    assert s.starts_at == later and s.cancelled


def test_certificate_codes_are_ten_base32_characters_and_keyed():
    a, b = uuid4(), uuid4()
    code = certificate_code(a, b, b"k" * 32)
    assert len(code) == 10 and code.isalnum() and code.upper() == code
    assert code != certificate_code(a, b, b"j" * 32)


def test_workshop_needs_a_known_theme():
    from engage.domain.workshops.errors import InvalidTheme
    with pytest.raises(InvalidTheme):
        Workshop.create(title="Atelier", theme="cuisine", description="", language="fr",
                        accessibility="", created_by=uuid4())


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 7)), max_size=40), st.integers(1, 4))
def test_waitlist_invariants_hold_for_any_sequence(steps, capacity):
    s = session(capacity=capacity)
    people = [uuid4() for _ in range(8)]
    for register, who in steps:
        try:
            if register:
                s.register(people[who], NOW)
            else:
                s.cancel_registration(people[who], NOW)
        except (AlreadyRegistered, NotRegistered):
            pass
        assert len(s.registered) <= capacity
        assert not set(s.registered) & set(s.waitlist)
        assert len(set(s.waitlist)) == len(s.waitlist)
        # Nobody waits while a seat is free.
        assert not s.waitlist or len(s.registered) == capacity
