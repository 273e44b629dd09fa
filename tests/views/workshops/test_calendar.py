"""The workshops' calendar subscription (/ateliers/calendrier.ics) through the web, on both back
ends, parsed with the `icalendar` library as a calendar application would."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from uuid import uuid4

import icalendar

from tests.common.workshops import make_session, soon


def _lines(body: bytes) -> list[bytes]:
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
    return body.split(b"\r\n")[:-1]


def test_every_session_to_come_with_cancellations(testapp):
    services = testapp.app.registry.engage
    app = services.app
    long_title = "Comprendre le budget de la Ville, ligne par ligne ; avec des élus, des agents et vous"
    start = soon(24)
    first, facilitator = make_session(app, title=long_title, starts_at=start)
    cancelled, other = make_session(app, starts_at=soon(96), title="Séance annulée")
    app.cancel_session(cancelled, by=other)

    def schedule(title, starts_at, **where):
        workshop = app.create_workshop(title=title, theme="construire-son-projet", description="Un atelier.",
                                       language="fr", accessibility="Plain-pied.", created_by=facilitator)
        return app.schedule_session(workshop_id=workshop.id, starts_at=starts_at,
                                    ends_at=starts_at + timedelta(hours=2), capacity=5, facilitator_id=facilitator, scheduled_by=facilitator,
                                    now=starts_at - timedelta(days=7), **where).id

    online = schedule("Atelier en ligne", soon(72), arrondissement=None, place="",
                      online_link="https://visio.exemple.fr/secret-de-seance")
    past = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=2)
    schedule("Déjà passé", past, arrondissement=11, place="Mairie du 11e", online_link="")
    services.engine.catch_up()

    response = testapp.get("/ateliers/calendrier.ics", headers={"Host": "evil.example"})
    assert response.content_type == "text/calendar" and response.charset == "utf-8"
    lines = _lines(response.body)
    assert all(len(line) <= 75 for line in lines)  # folded at 75 octets
    assert any(line.startswith(b" ") for line in lines)  # the long title was folded
    assert b"evil.example" not in response.body
    calendar = icalendar.Calendar.from_ical(response.body)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {long_title, "Atelier en ligne", "Séance annulée"}  # the past one left out
    one = events[long_title]
    assert str(one["UID"]) == f"{first.hex}@localhost"
    assert one["DTSTART"].dt == start and one["DTSTART"].dt.utcoffset() == timedelta(0)  # in UTC
    assert one["DTEND"].dt - one["DTSTART"].dt == timedelta(hours=2)
    assert one["DTSTAMP"].dt.tzinfo is not None
    assert str(one["URL"]) == f"http://localhost/ateliers/seance/{first.hex}"
    assert "Maison de la vie associative" in str(one["LOCATION"])
    assert str(one["STATUS"]) == "CONFIRMED"
    assert str(events["Atelier en ligne"]["LOCATION"]) == "En ligne"
    assert str(events["Atelier en ligne"]["URL"]) == f"http://localhost/ateliers/seance/{online.hex}"
    assert b"secret-de-seance" not in response.body  # the link is for those registered only
    assert str(events["Séance annulée"]["STATUS"]) == "CANCELLED"
    starts = [e["DTSTART"].dt for e in calendar.walk("VEVENT")]
    assert starts == sorted(starts)


def test_the_calendar_is_cached_by_its_sessions_and_linked_from_the_catalogue(testapp):
    services = testapp.app.registry.engage
    empty = testapp.get("/ateliers/calendrier.ics")
    assert icalendar.Calendar.from_ical(empty.body).walk("VEVENT") == []
    make_session(services.app, facilitator=uuid4())
    services.engine.catch_up()
    first = testapp.get("/ateliers/calendrier.ics")
    assert first.etag and first.etag != empty.etag and "public" in first.headers["Cache-Control"]
    testapp.get("/ateliers/calendrier.ics", headers={"If-None-Match": f'"{first.etag}"'}, status=304)
    page = testapp.get("/ateliers")
    assert page.html.find("link", rel="alternate", type="text/calendar")["href"].endswith("/ateliers/calendrier.ics")
    assert page.html.find("a", href=lambda h: h and h.endswith("/ateliers/calendrier.ics"))
