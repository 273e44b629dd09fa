"""The "workshop attendance" tally: engage-audit replays the public log and finds the site's figures."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from engage.transparency.audit import AuditState, audit
from engage.transparency.tallies import TALLIES, compare_workshop_attendance, replay_workshop_attendance
from tests.common.workshops import card_holder, make_session


def attend(site, count, *, arrondissement=11, absent=0):
    app = site.services.app
    start = datetime.now(timezone.utc) + timedelta(minutes=5)
    session_id, facilitator = make_session(app, capacity=count, starts_at=start, arrondissement=arrondissement)
    people = [card_holder(app, i) for i in range(count)]
    for person, card, _ in people:
        app.register_for_session(session_id, person, card_ids=[card])
    marks = {person: i >= absent for i, (person, _, _) in enumerate(people)}
    app.record_attendance(session_id, marks, by=facilitator, now=start)
    return session_id, facilitator, people, start


def test_engage_audit_passes_with_the_workshop_attendance_tally(site, tmp_path):
    assert "workshop attendance" in TALLIES
    first, *_ = attend(site, 6, arrondissement=11, absent=1)
    session_id, facilitator, people, start = attend(site, 3, arrondissement=18)
    # A correction of the roll: the replay must take the latest mark.
    site.services.app.record_attendance(session_id, {people[0][0]: False}, by=facilitator, now=start)
    site.catch_up()
    published = site.testapp.get("/api/stats/workshop-attendance").json
    assert published["total_present"] == 7 and published["sessions_held"] == 2
    # 2 in the 18th: blank; and the 11th's 5 with it, or 7 - 5 would give the 2 back.
    assert {row["place"]: row["present"] for row in published["places"]} == {"11": None, "18": None}
    assert {row["session_id"]: row["present"] for row in published["sessions"]} == {
        str(first): None, str(session_id): None}
    # One session a page: the auditor follows `next`; later pages carry only sessions.
    page = site.testapp.get("/api/stats/workshop-attendance?limit=1").json
    assert len(page["sessions"]) == 1 and page["next"]
    following = site.testapp.get(page["next"]).json
    assert len(following["sessions"]) == 1 and following["next"] is None and "places" not in following
    assert site.testapp.get("/api/stats/workshop-attendance?cursor=zz", status=400)
    report = audit(site.fetch, AuditState(tmp_path / "state"))
    print(report.render())
    assert report.passed
    assert any("workshop attendance (/api/stats/workshop-attendance) matches the log" in m
               for _, m in report.findings)


def test_a_wrong_figure_is_reported():
    session = "00000000-0000-0000-0000-000000000001"
    entries = [
        {"type": "SessionScheduled", "aggregate_id": session, "position": 1, "fields": {"arrondissement": None}},
        *({"type": "AttendanceRecorded", "aggregate_id": session, "position": 2 + i,
           "fields": {"person": {"commitment": f"c{i % 6}"}, "present": i < 6}} for i in range(7)),
    ]
    replayed = replay_workshop_attendance(entries)  # c0 marked present, then absent: 5 present
    honest = {"places": [{"place": "en-ligne", "present": 5}], "total_present": 5, "sessions_held": 1,
              "sessions": [{"session_id": session, "place": "en-ligne", "present": 5}]}
    assert compare_workshop_attendance(replayed, honest) == []
    inflated = {**honest, "places": [{"place": "en-ligne", "present": 9}], "total_present": 9}
    assert len(compare_workshop_attendance(replayed, inflated)) == 2
    assert len(compare_workshop_attendance(replayed, {**honest, "sessions": []})) == 1
