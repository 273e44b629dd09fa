"""A seat call's volunteers are read a page at a time: the JSON record (`limit`, `cursor`,
`next`) and the call's page (500 a page, a « suivants » link); a bad cursor is a 400 JSON
answer on the API, the first page on the HTML page; never the whole table."""

from __future__ import annotations

from urllib.parse import urlsplit
from uuid import UUID

from engage.views.seats import pages as seat_pages
from tests.common.seats import independent_draw

STAFF = UUID(int=1)


def _call_with_volunteers(engage, count: int):
    app = engage.app
    body = app.register_organization(name="Conseil parisien de la jeunesse", kind="consultative-body",
                                     description="Une instance consultative des jeunes Parisiens.",
                                     website="", arrondissement=None, registered_by=STAFF)
    call = app.open_seat_call(body.id, title="Sièges 2027", seats=2, strata=[], opened_by=STAFF)
    for i in range(count):
        issued = app.issue_card(name=f"P {i}", email=f"p{i}@exemple.fr", arrondissement=1 + i % 20,
                                age_band="18-24", consent_to_consultation=True)
        app.volunteer_for_seat(call.id, person_id=issued.person_id, card_id=issued.card_id)
    engage.engine.catch_up()
    return call.id


def _relative(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_the_json_record_pages_its_volunteers_and_the_pages_give_each_once(testapp):
    engage = testapp.app.registry.engage
    call_id = _call_with_volunteers(engage, 7)
    pages = [testapp.get(f"/api/seat-calls/{call_id.hex}?limit=3").json]
    while pages[-1]["next"]:
        assert len(pages[-1]["volunteers"]) == 3
        pages.append(testapp.get(_relative(pages[-1]["next"])).json)
    assert [len(p["volunteers"]) for p in pages] == [3, 3, 1]
    ids = [v["id"] for p in pages for v in p["volunteers"]]
    assert len(ids) == len(set(ids)) == 7
    whole = testapp.get(f"/api/seat-calls/{call_id.hex}").json
    assert whole["next"] is None and [v["id"] for v in whole["volunteers"]] == ids
    assert all(p["seed"] == whole["seed"] and p["selected"] == whole["selected"] for p in pages)


def test_the_json_record_has_a_bounded_page_and_refuses_bad_parameters(testapp, monkeypatch):
    engage = testapp.app.registry.engage
    call_id = _call_with_volunteers(engage, 4)
    monkeypatch.setattr(seat_pages, "API_VOLUNTEERS", 2)
    first = testapp.get(f"/api/seat-calls/{call_id.hex}").json
    assert len(first["volunteers"]) == 2 and first["next"]
    for bad in ("cursor=pas-un-curseur", "cursor=WyJ4Il0", "cursor=%00", "limit=0", "limit=abc",
                f"limit={seat_pages.API_MAX + 1}"):
        answer = testapp.get(f"/api/seat-calls/{call_id.hex}?{bad}", status=400)
        assert answer.content_type == "application/json" and "paramètre" in answer.json["error"], bad


def test_the_call_page_shows_a_page_of_volunteers_and_a_link_to_the_next(testapp, monkeypatch):
    engage = testapp.app.registry.engage
    call_id = _call_with_volunteers(engage, 5)
    monkeypatch.setattr(seat_pages, "PAGE_VOLUNTEERS", 2)
    page = testapp.get(f"/tirages/{call_id.hex}")
    seen = []
    while True:
        rows = page.html.select("section[aria-labelledby=volunteers-title] tbody tr")
        assert len(rows) <= 2
        seen += [row.code.text for row in rows]
        link = page.html.find("a", rel="next")
        if link is None:
            break
        page = testapp.get(_relative(link["href"]))
    assert len(seen) == len(set(seen)) == 5
    for bad in ("pas-un-curseur", "WyJ4Il0", "%00"):
        clean = testapp.get(f"/tirages/{call_id.hex}?cursor={bad}")
        assert len(clean.html.select("section[aria-labelledby=volunteers-title] tbody tr")) == 2


def test_the_draw_is_still_recomputable_from_the_pages(testapp):
    engage = testapp.app.registry.engage
    call_id = _call_with_volunteers(engage, 5)
    record = testapp.get(f"/api/seat-calls/{call_id.hex}?limit=2").json
    volunteers = list(record["volunteers"])
    following = record["next"]
    while following:
        page = testapp.get(_relative(following)).json
        volunteers += page["volunteers"]
        following = page["next"]
    seed = "00" * 32
    assert independent_draw(seed, volunteers, 2, []) == independent_draw(
        seed, seat_pages.seat_queries.seat_volunteers(engage.db, call_id, size=100), 2, [])


def test_recompute_draw_follows_the_pages_over_http(testapp, monkeypatch):
    import secrets
    import subprocess
    import sys
    from pathlib import Path

    import engage as engage_package
    from engage.domain.seats import lots
    from tests.common.browser import LiveServer

    engage = testapp.app.registry.engage
    call_id = _call_with_volunteers(engage, 5)
    seed = secrets.token_hex(32)
    engage.app.commit_seat_seed(call_id, seed_sha256=lots.seed_commitment(seed), committed_by=STAFF)
    engage.app.close_seat_call(call_id, closed_by=STAFF)
    engage.app.reveal_seat_seed(call_id, seed=seed, revealed_by=STAFF)
    engage.engine.catch_up()
    monkeypatch.setattr(seat_pages, "API_VOLUNTEERS", 2)
    server = LiveServer(testapp.app).start()
    try:
        script = Path(engage_package.__file__).parent / "static" / "recompute_draw.py"
        out = subprocess.run([sys.executable, str(script), f"{server.url}/api/seat-calls/{call_id.hex}"],
                             capture_output=True, text=True, check=True, timeout=60).stdout
    finally:
        server.stop()
    assert out.splitlines()[-1] == "identique au résultat publié"
    assert len(out.splitlines()) == 3  # the two seats, then the verdict
