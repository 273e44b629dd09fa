"""Workshop sessions: attendance per session, per place and in all is one public table (the
one engage-audit recomputes from the public log); the breakdowns by arrondissement and age
band are suppressed around it, registrations on their own: no blank of any of them follows
from all of them together. No app, no database."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engage.opendata.aggregates import (
    ATTENDANCE_BREAKDOWNS,
    ONLINE,
    PRESENT,
    REGISTRATIONS,
    public_attendance,
    session_cells,
    workshop_attendance,
)
from engage.opendata.suppression import SMALL_COUNT, Group, determined

COUNTS = st.one_of(st.integers(0, 0), st.integers(1, 4), st.integers(5, 12))


@st.composite
def workshops(draw):
    sessions = []
    for i in range(draw(st.integers(1, 7))):
        sessions.append({"session_id": f"s{i}", "arrondissement": draw(st.sampled_from([11, 19, 20, None])),
                         "cancelled": draw(st.booleans()) and i % 3 == 0, "registered": draw(COUNTS),
                         "waitlisted": draw(COUNTS), "present": draw(COUNTS)})
    figures = {"total": {"present": 0, "registrations": 0, "sessions_held": len(sessions)},
               "place": {}, "arrondissement": {}, "age_band": {}}
    for s in sessions:
        place = str(s["arrondissement"]) if s["arrondissement"] is not None else ONLINE
        figures["place"][place] = figures["place"].get(place, 0) + s["present"]
        figures["total"]["present"] += s["present"]
        if not s["cancelled"]:
            figures["total"]["registrations"] += s["registered"]
        for _person in range(s["present"]):  # where the people present live
            home = draw(st.sampled_from(["11", "19", "3"]))
            figures["arrondissement"][home] = figures["arrondissement"].get(home, 0) + 1
    # Their age bands: a split of the total present in two.
    first = draw(st.integers(0, figures["total"]["present"]))
    figures["age_band"] = {"25-34": first, "65-plus": figures["total"]["present"] - first}
    return sessions, figures


def system(sessions, figures):
    """Every cell either table publishes, and every equation a reader knows."""
    values = {(m, k): v for m, counts in figures.items() for k, v in counts.items() if k != "sessions_held"}
    groups = [Group(PRESENT, tuple(c for c in values if c[0] == name)) for name in ATTENDANCE_BREAKDOWNS]
    places: dict = {}
    for s in sessions:
        for count in ("registered", "waitlisted", "present"):
            values[(count, s["session_id"])] = s[count]
        place = ("place", str(s["arrondissement"]) if s["arrondissement"] is not None else ONLINE)
        places.setdefault(place, []).append(("present", s["session_id"]))
    groups += [Group(place, tuple(members)) for place, members in places.items()]
    groups.append(Group(REGISTRATIONS, tuple(("registered", s["session_id"]) for s in sessions if not s["cancelled"])))
    return values, groups


@settings(max_examples=120, deadline=None, database=None)
@given(workshops())
def test_no_blank_follows_from_the_sessions_and_the_attendance_figures_together(drawn):
    sessions, figures = drawn
    attendance = workshop_attendance(figures, sessions)
    shown = session_cells(sessions, figures)
    values, groups = system(sessions, figures)
    hidden = {(m, k) for m, counts in attendance.items() for k, v in counts.items()
              if v is None and (m, k) in values}
    for s in sessions:
        for count, value in shown[s["session_id"]].items():
            if value is None:
                hidden.add((count, s["session_id"]))
            else:  # what is published is true and never 1 to 4
                assert value == s[count] and not 0 < value < SMALL_COUNT
    assert determined(values, groups, hidden) == set()
    # The public table (what engage-audit recomputes from the public log) is the same whatever
    # the attendees' arrondissements and age bands: it never reads them.
    public = public_attendance(sessions)
    assert attendance["place"] == public.places and attendance["total"]["present"] == public.total
    assert {s["session_id"]: shown[s["session_id"]]["present"] for s in sessions} == public.sessions


def test_a_small_session_beside_a_published_place_total_takes_its_neighbour_with_it():
    sessions = [{"session_id": "a", "arrondissement": 19, "cancelled": False, "registered": 9, "waitlisted": 0,
                 "present": 3},
                {"session_id": "b", "arrondissement": 19, "cancelled": False, "registered": 12, "waitlisted": 0,
                 "present": 8},
                {"session_id": "c", "arrondissement": 11, "cancelled": False, "registered": 20, "waitlisted": 2,
                 "present": 15}]
    figures = {"total": {"present": 26, "registrations": 41}, "place": {"19": 11, "11": 15},
               "arrondissement": {"19": 20, "11": 6}, "age_band": {"25-34": 26}}
    # Under the under-5 rule alone, 11 - 8 = 3 gave session a away from the 19e's published total.
    assert workshop_attendance(figures, sessions)["place"] == {"19": 11, "11": 15}
    shown = session_cells(sessions, figures)
    assert shown["a"]["present"] is None and shown["b"]["present"] is None and shown["c"]["present"] == 15
    assert shown["c"]["waitlisted"] is None and shown["a"]["registered"] == 9


def test_a_cancelled_session_is_outside_the_total_of_registrations():
    sessions = [{"session_id": "a", "arrondissement": 19, "cancelled": True, "registered": 3, "waitlisted": 0,
                 "present": 0},
                {"session_id": "b", "arrondissement": 19, "cancelled": False, "registered": 12, "waitlisted": 0,
                 "present": 0}]
    figures = {"total": {"present": 0, "registrations": 12}}
    shown = session_cells(sessions, figures)
    # 3 is blank by the primary rule; b is the whole total, published: nothing to recompute.
    assert shown["a"]["registered"] is None and shown["b"]["registered"] == 12
