"""The draw by lot: pure rules, and an independent recomputation from the published text."""

import secrets
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engage.domain.seats import lots
from engage.domain.seats.errors import (
    CommitmentRequired,
    InvalidCommitment,
    InvalidStrata,
    SeatCallClosed,
    SeatCallStillOpen,
    SeedDoesNotMatch,
)
from engage.domain.seats.model import SeatCall
from tests.common.seats import independent_draw

STRATA = [
    {"label": "Nord-est", "arrondissements": [18, 19, 20], "age_bands": [], "quota": 2},
    {"label": "Jeunes", "arrondissements": [], "age_bands": ["18-24"], "quota": 1},
]


volunteer = st.builds(
    lambda arr, band: {"id": str(uuid4()), "arrondissement": arr, "age_band": band},
    st.integers(1, 20), st.sampled_from(["18-24", "25-34", "65-plus"]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(volunteer, max_size=40), st.integers(1, 12), st.binary(min_size=32, max_size=32))
def test_draw_matches_an_independent_implementation(volunteers, seats, seed):
    seats = max(seats, 3)
    result = lots.draw(seed.hex(), volunteers, seats, STRATA)
    assert result == independent_draw(seed.hex(), volunteers, seats, STRATA)
    assert len(result) == min(seats, len(volunteers)) and len(set(result)) == len(result)


def open_call(seats=5, strata=STRATA):
    return SeatCall.open(organization_id=uuid4(), title="Conseil parisien de la jeunesse 2027",
                         seats=seats, strata=strata, opened_by=uuid4())


def test_the_whole_cycle_and_its_refusals():
    call = open_call()
    staff = uuid4()
    for i in range(12):
        call.volunteer(uuid4(), 18 + i % 3, "18-24" if i % 4 == 0 else "35-49")
    with pytest.raises(CommitmentRequired):
        call.close(staff)
    seed = secrets.token_hex(32)
    with pytest.raises(InvalidCommitment):
        call.commit_seed("pas une empreinte", staff)
    call.commit_seed(lots.seed_commitment(seed), staff)
    with pytest.raises(SeatCallStillOpen):
        call.reveal_seed_and_draw(seed, staff)
    call.close(staff)
    with pytest.raises(SeatCallClosed):
        call.volunteer(uuid4(), 1, "18-24")
    with pytest.raises(SeedDoesNotMatch):
        call.reveal_seed_and_draw(secrets.token_hex(32), staff)
    call.reveal_seed_and_draw(seed, staff)
    assert call.selected == independent_draw(seed, call.volunteers, 5, call.strata)
    names = [type(e).__name__ for e in call.collect_events()]
    assert names[-3:] == ["SeatCallClosed", "SeedRevealed", "SeatsDrawn"]


@pytest.mark.parametrize("strata", [
    [{"label": "Trop", "arrondissements": [1], "age_bands": [], "quota": 6}],
    [{"label": "Inconnu", "arrondissements": [21], "age_bands": [], "quota": 1}],
    [{"label": "Vide", "arrondissements": [], "age_bands": [], "quota": 1}],
    [{"label": "Zéro", "arrondissements": [1], "age_bands": [], "quota": 0}],
])
def test_invalid_strata_are_refused(strata):
    with pytest.raises(InvalidStrata):
        open_call(strata=strata)
