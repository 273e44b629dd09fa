"""Random acts by random people, through the application: whatever they do, the public log
links no two acts of one person, and shows nobody (issue 15, items 3 and 7)."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage.domain.common import AGE_BANDS, DomainError
from engage.domain.consultations.model import OPTIONS
from tests.common.consultations import contribute, create_consultation
from tests.common.leaves import leaked, linking_problems, personal_values, quasi_identifier_problems, read_log
from tests.common.workshops import make_session, soon
from tests.conftest import app_settings

ITEMS, SESSIONS = 3, 2

act = st.one_of(
    st.tuples(st.just("vote"), st.integers(0, ITEMS - 1), st.sampled_from(sorted(OPTIONS))),
    st.tuples(st.just("withdraw_vote"), st.integers(0, ITEMS - 1), st.none()),
    st.tuples(st.just("register"), st.integers(0, SESSIONS - 1), st.none()),
    st.tuples(st.just("cancel"), st.integers(0, SESSIONS - 1), st.none()),
    st.tuples(st.just("attend"), st.integers(0, SESSIONS - 1), st.booleans()),
    st.tuples(st.just("feedback"), st.integers(0, SESSIONS - 1), st.integers(1, 5)),
    st.tuples(st.just("contribute"), st.integers(0, 2), st.none()),
)
people = st.lists(
    st.tuples(st.integers(1, 20), st.sampled_from(sorted(AGE_BANDS)),
              st.lists(act, min_size=1, max_size=6)),
    min_size=1, max_size=3)


@pytest.fixture
def world(tmp_path):
    from engage.services import Engage

    services = Engage.from_settings(
        app_settings(f"sqlite:///{tmp_path / 'engage.sqlite'}",
                     **{"engage.transparency.key_path": str(tmp_path / "log.key")}),
        run_projections=False)
    app = services.app
    consultation = create_consultation(app)
    items = [contribute(app, consultation, text=f"Proposition {i}").id for i in range(ITEMS)]
    starts = soon()
    sessions = [make_session(app, starts_at=starts + timedelta(days=i)) for i in range(SESSIONS)]
    yield services, consultation, items, sessions
    services.close()


def _do(app, person, card, kind, target, value, world):
    _, consultation, items, sessions = world
    if kind == "vote":
        app.cast_vote(person_id=person, item_id=items[target], option=value, has_valid_card=True)
    elif kind == "withdraw_vote":
        app.withdraw_vote(person_id=person, item_id=items[target])
    elif kind == "contribute":
        contribute(app, consultation, person, text=f"Idée {uuid4().hex[:6]}")
    else:
        session, facilitator = sessions[target]
        if kind == "register":
            app.register_for_session(session, person, card_ids=[card])
        elif kind == "cancel":
            app.cancel_registration(session, person)
        elif kind == "attend":
            starts = app.get_session(session).starts_at
            app.record_attendance(session, {person: value}, by=facilitator, now=starts + timedelta(hours=1))
        else:
            app.give_feedback(session, person, rating=value, comment="")


def test_random_acts_of_random_people_stay_unlinkable(world):
    services = world[0]
    app = services.app
    done = []

    @settings(max_examples=12, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(people)
    def check(crowd):
        # Each example adds people to the same log: the checks run on everything so far.
        for arrondissement, age_band, acts in crowd:
            issued = app.issue_card(name=f"Personne {uuid4().hex[:8]}", email=f"{uuid4().hex[:8]}@exemple.fr",
                                    arrondissement=arrondissement, age_band=age_band,
                                    consent_to_consultation=True, person_id=uuid4())
            for kind, target, value in acts:
                try:
                    _do(app, issued.person_id, issued.card_id, kind, target, value, world)
                    done.append(kind)
                except DomainError:
                    pass  # not allowed in that order (a feedback before attending...): nothing written
        services.engine.catch_up()
        log = read_log(services)
        assert {leaf["format"] for leaf in log.leaves.values()} == {2}
        assert leaked(log, personal_values(services)) == []
        assert linking_problems(log) == []
        assert quasi_identifier_problems(log) == []

    check()
    # The examples did act: votes, registrations and attendance at least.
    assert {"vote", "register", "attend"} <= set(done)
