"""Inclusion statistics: counters kept by the projection, on both back ends."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from engage.projections.inclusion.projection import inclusion_counts
from tests.common.cards import holder
from tests.common.consultations import create_consultation
from tests.common.workshops import make_session


def test_counters_follow_people_not_acts_and_erasure_moves_the_category(engage_services):
    engage = engage_services
    app = engage.app
    people = [holder(app, i, category="5" if i < 6 else None, arrondissement=19 if i < 4 else 11)
              for i in range(8)]
    session, facilitator = make_session(app)
    for person, card in people[:3]:
        app.register_for_session(session, person, card_ids=[card])
    during = app.get_session(session).starts_at + timedelta(minutes=5)
    app.record_attendance(session, {people[0][0]: True, people[1][0]: True, people[2][0]: False},
                          by=facilitator, now=during)
    consultation = create_consultation(app)
    for _ in range(3):  # three contributions, one contributor
        app.contribute(consultation_id=consultation, person_id=people[0][0], has_valid_card=True,
                       kind="avis", theme="Budget participatif", text="Oui.")
    stranger = uuid4()  # a contributor without a card
    app.contribute(consultation_id=consultation, person_id=stranger, has_valid_card=False, kind="avis",
                   theme="Budget participatif", text="Non.")
    engage.engine.catch_up()
    counts = inclusion_counts(engage.db)
    assert counts[("card_holders", "total", "")] == 8
    assert counts[("card_holders", "category", "5")] == 6
    assert counts[("card_holders", "category", "not-given")] == 2
    assert counts[("card_holders", "arrondissement", "19")] == 4
    assert counts[("card_holders", "age_band", "25-34")] == 8
    assert counts[("attendees", "total", "")] == 2
    assert counts[("contributors", "total", "")] == 2
    assert counts[("contributors", "arrondissement", "unknown")] == 1
    assert counts[("contributors", "category", "5")] == 1

    # A correction on the roll takes a person out; erasure moves their category to "not given".
    app.record_attendance(session, {people[1][0]: False}, by=facilitator, now=during)
    app.erase_personal_data(people[0][0], requested_by=people[0][0])
    engage.vault.erase(people[0][0])
    engage.engine.catch_up()
    counts = inclusion_counts(engage.db)
    assert counts[("attendees", "total", "")] == 1 and counts[("attendees", "category", "5")] == 0
    assert counts[("attendees", "category", "not-given")] == 1
    assert counts[("card_holders", "category", "5")] == 5 and counts[("card_holders", "category", "not-given")] == 3
    # A rebuild from the log gives the same counters (the erased category is unreadable there too).
    engage.engine.rebuild(["inclusion"])
    engage.engine.catch_up()
    rebuilt = inclusion_counts(engage.db)
    assert {k: v for k, v in rebuilt.items() if v} == {k: v for k, v in counts.items() if v}
